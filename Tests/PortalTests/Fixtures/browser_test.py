#!/usr/bin/env python3
"""`sheetgate serve` in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

An agency opens its link, uploads a broken ledger, sees the findings with their cells, downloads the annotated
workbook, uploads the fixed file and sees 通过; the admin logs in, sees the matrix change, downloads the
consolidated workbook, and openpyxl finds the agency's rows in it. A screenshot of each page goes to ARTIFACTS.

  browser_test.py SHEETGATE_BINARY REPOSITORY ARTIFACTS
"""
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import openpyxl
from playwright.sync_api import sync_playwright

sheetgate, repo, artifacts = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(artifacts, exist_ok=True)
work = tempfile.mkdtemp(prefix="sheetgate-browser-")
AGENCY = "乌审旗综合行政执法局"


def shot(page, name):
    page.screenshot(path=os.path.join(artifacts, name + ".png"), full_page=True)


# The fixed ledger (valid) and a broken copy: 张磊's ID number with a wrong check digit (E5).
fixed = os.path.join(work, "综合执法局_培训学时台账_修改后.xlsx")
broken = os.path.join(work, "综合执法局_培训学时台账.xlsx")
shutil.copy(os.path.join(repo, "samples/validate/乌审旗综合行政执法局_培训学时台账_2023.xlsx"), fixed)
wb = openpyxl.load_workbook(fixed)
ws = wb.active
assert ws["E5"].value == "150626198811203414", ws["E5"].value
ws["E5"].value = "150626198811203415"
wb.save(broken)

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
config = os.path.join(work, "sheetgate.yaml")
with open(config, "w", encoding="utf-8") as f:
    f.write("roster: %s\nstore: %s\ncollections:\n  - schema: training-hours\n    period: \"2023\"\n    deadline: 2099-12-31\n"
            "serve:\n  port: %d\n" % (os.path.join(repo, "samples/本级行政执法部门名单.xlsx"), os.path.join(work, "store.sqlite"), port))
subprocess.run([sheetgate, "serve", "passwd", "--config", config, "--quiet"], input="浏览器测试-密码2023\n", text=True, check=True)
links = subprocess.run([sheetgate, "serve", "links", "--config", config, "--xlsx", os.path.join(work, "links.xlsx"), "--quiet"],
                       capture_output=True, text=True, check=True).stdout
link = dict(line.split("\t") for line in links.splitlines())[AGENCY]
log = open(os.path.join(artifacts, "server.log"), "wb")
server = subprocess.Popen([sheetgate, "serve", "--config", config], stdout=log, stderr=log)
try:
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/")
            c.getresponse().read()
            break
        except OSError:
            time.sleep(0.1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        agency = browser.new_context(accept_downloads=True, locale="zh-CN")
        page = agency.new_page()
        page.goto(link)
        assert "本单位需报送的台账" in page.content()
        assert "未报送" in page.inner_text("body")
        shot(page, "1-agency-page")

        # The broken ledger: findings with their cells, the annotated workbook.
        page.set_input_files("#files", broken)
        page.click("button[type=submit]")
        page.wait_for_selector("#result")
        text = page.inner_text("#result")
        assert "有错误" in text, text
        assert "E5" in text, text
        shot(page, "2-agency-findings")
        with page.expect_download() as d:
            page.click("text=下载标注了问题的工作簿")
        annotated = os.path.join(work, "annotated.xlsx")
        d.value.save_as(annotated)
        assert d.value.suggested_filename.endswith("_校验结果.xlsx"), d.value.suggested_filename
        names = openpyxl.load_workbook(annotated).sheetnames
        assert "问题清单" in names, names

        # The admin sees 有错误.
        admin = browser.new_context(accept_downloads=True, locale="zh-CN")
        ap = admin.new_page()
        ap.goto("http://127.0.0.1:%d/admin" % port)
        shot(ap, "3-admin-login")
        ap.fill("input[name=password]", "浏览器测试-密码2023")
        ap.click("button[type=submit]")
        ap.wait_for_selector("#matrix")
        row = ap.inner_text("#matrix tr:has-text('%s')" % AGENCY)
        assert "有错误" in row, row
        shot(ap, "4-admin-matrix-before")

        # The fixed file: 通过.
        page.set_input_files("#files", fixed)
        page.click("button[type=submit]")
        page.wait_for_selector("#result")
        text = page.inner_text("#result")
        assert "通过" in text and "有错误" not in text, text
        shot(page, "5-agency-passed")

        # The matrix changed; the consolidated workbook holds the agency's rows.
        ap.reload()
        row = ap.inner_text("#matrix tr:has-text('%s')" % AGENCY)
        assert "已通过" in row, row
        shot(ap, "6-admin-matrix-after")
        with ap.expect_download() as d:
            ap.click("text=汇总表")
        consolidated = os.path.join(work, "consolidated.xlsx")
        d.value.save_as(consolidated)
        wb = openpyxl.load_workbook(consolidated, read_only=True)
        found = 0
        for ws in wb.worksheets:
            for r in ws.iter_rows(values_only=True):
                if AGENCY in [str(v) for v in r if v is not None] and "张磊" in [str(v) for v in r if v is not None]:
                    found += 1
        assert found >= 1, "the agency's rows are not in the consolidated workbook"
        ap.click("text=%s" % AGENCY)
        shot(ap, "7-admin-agency-detail")
        browser.close()
    print("ok: screenshots in " + artifacts)
finally:
    server.terminate()
    server.wait(timeout=20)
    shutil.rmtree(work, ignore_errors=True)
