#!/usr/bin/env python3
"""`store export --template` (the bureau's form filled) against openpyxl filling the same form, on the
same consolidated rows; sheetgate's own `store export` alongside. Wall time and peak memory (max RSS)
of each, in one run.

Usage (from the repository root, after `swift build -c release`):
  python3 bench/form_bench.py [--agencies 200] [--rows 500] [--bin .build/release/sheetgate]
Generated data goes to bench/work/form/.
"""
import argparse, os, resource, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PEER = r'''
import sys, openpyxl, copy
from openpyxl.formula.translate import Translator
template, rows_xlsx, out = sys.argv[1:4]
src = openpyxl.load_workbook(rows_xlsx, read_only=True).worksheets[0]
wb = openpyxl.load_workbook(template)
ws = wb.worksheets[0]
# The form's template row is 5; fields by header of the consolidated sheet.
fields = {"{.来源单位}": "来源单位", "{.姓名}": "姓名", "{.执法证号}": "执法证号", "{.公共法律知识学时}": "公共法律知识学时",
          "{.行业法律知识学时}": "行业法律知识学时", "{.合计学时}": "合计学时", "{.培训日期}": "培训日期"}
tpl = [(c.column, c.value, copy.copy(c._style)) for c in ws[5]]
it = src.iter_rows(values_only=True)
header = list(next(it))
col = {h: i for i, h in enumerate(header)}
rows = list(it)
n = len(rows)
# Move everything below the template row down, with the merges, as EasyExcel's fill does.
ws.insert_rows(6, n - 1)
for m in list(ws.merged_cells.ranges):
    if m.min_row > 5:
        m.shift(0, n - 1)
for r in ws.iter_rows(min_row=5 + n):
    for c in r:
        if isinstance(c.value, str) and c.value.startswith("="):
            c.value = c.value.replace("5:", "5:").replace("E5)", "E%d)" % (4 + n)).replace("F5)", "F%d)" % (4 + n)).replace("G5)", "G%d)" % (4 + n))
for k, row in enumerate(rows):
    r = 5 + k
    for column, value, style in tpl:
        c = ws.cell(row=r, column=column)
        c._style = style
        if isinstance(value, str) and value in fields:
            c.value = row[col[fields[value]]]
        elif isinstance(value, str) and value.startswith("="):
            c.value = Translator(value, origin="A5").translate_formula("A%d" % r)
for c in ws[2]:
    if isinstance(c.value, str):
        c.value = c.value.replace("{agency}", "乌审旗司法局").replace("{period}", "2023")
wb.save(out)
'''


def run(argv):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, capture_output=True, text=True)
    secs = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit("failed: %s\n%s" % (" ".join(argv), p.stderr))
    rss = int(p.stderr.strip().splitlines()[-1])
    return secs, rss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=200)
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build/release/sheetgate"))
    a = ap.parse_args()
    work = os.path.join(HERE, "work", "form")
    os.makedirs(work, exist_ok=True)
    subs = os.path.join(work, "subs")
    if not os.path.isdir(subs):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_submissions.py"), subs, "--agencies", str(a.agencies),
                        "--rows", str(a.rows), "--broken", "0"], check=True)
    form = os.path.join(work, "form.xlsx")
    subprocess.run([sys.executable, os.path.join(ROOT, "samples", "make_form_template.py"), form], check=True, capture_output=True)
    store = os.path.join(work, "store.sqlite")
    if not os.path.exists(store):
        subprocess.run([a.bin, "merge", os.path.join(subs, "submissions"), "--schema", "training-hours", "--period", "2023", "--roster",
                        os.path.join(subs, "roster.xlsx"), "--store", store, "-q", "-o", os.path.join(work, "plain.xlsx")],
                       capture_output=True)
    common = ["store", "export", "--store", store, "--schema", "training-hours", "--period", "2023", "-q"]
    plain = os.path.join(work, "plain.xlsx")
    results = []
    results.append(("sheetgate store export (own workbook)",) + run([a.bin] + common + ["-o", plain]))
    results.append(("sheetgate store export --template",) + run([a.bin] + common + ["--template", form, "--agency", "乌审旗司法局",
                                                                                  "-o", os.path.join(work, "filled.xlsx")]))
    results.append(("openpyxl fills the same form",) + run([sys.executable, "-c", PEER, form, plain, os.path.join(work, "peer.xlsx")]))
    print("%d consolidated rows" % (a.agencies * a.rows))
    for name, secs, mb in results:
        print("%-40s %7.2f s  %7.1f MB max RSS" % (name, secs, mb))


if __name__ == "__main__":
    main()
