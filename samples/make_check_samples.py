#!/usr/bin/env python3
"""Writes the samples for the checks added after the first validation set, with the same third-party
writers and golden format as make_samples.py (whose helpers it uses):

  rules that cannot be evaluated, division with rounding and a tolerance   (case-entry CSV, GBK)
  15-digit ID numbers, month-only dates                                     (training hours, 林草局)
  a document in two lists across submissions, one officer in two agencies   (normative lists and
                                                                             training hours for merge)
  month-only deadlines                                                      (key-area rectification)
  the roster as a ledger                                                    (a roster with errors)
  abbreviated agency names                                                  (liaison receipt)

Run from the repository root:  python3 samples/make_check_samples.py   (needs openpyxl and xlsxwriter)
The goldens are written from what is built here, never from running sheetgate.
"""
import csv
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_samples as ms  # noqa: E402
from make_samples import (Golden, TextDate, Bad, VALIDATE, TRAINING, TRAINING_LAYOUT, officer, id_number,  # noqa: E402
                          openpyxl_put, xlsxwriter_put, training_header_openpyxl, credit_code, ROSTER, doc, GOV_OFFICE,
                          GOV, normative_workbook, normative_goldens, NORMATIVE)

import openpyxl  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402
import xlsxwriter  # noqa: E402


# ---------------------------------------------------------------------------- 行政执法监督平台案件录入情况 (GBK CSV)

def case_entry_csv():
    """乌审旗司法局's compilation of the platform's case entry, saved by Excel as GBK CSV.

    录入率 must be 已录入数 ÷ 办结案件数 × 100 rounded to one decimal (rule rate-consistent, tolerance 0.1).
    94 ÷ 72-style quotients have no finite decimal form; they used to make the rule skip silently."""
    file = "乌审旗司法局_行政执法监督平台案件录入情况_2023.csv"
    g = Golden(file, "platform-case-entry", {"填报单位": "乌审旗司法局", "填报日期": "2023-12-20"})
    rows = [
        # 部门, 办结案件数, 已录入数, 录入率, findings
        ("乌审旗市场监督管理局", "72", "55", "76.4", []),  # 76.388… → 76.4
        ("乌审旗应急管理局", "94", "72", "56.6", [("D", "录入率", "row-constraint", "error",
                                               "rate-consistent", "72 ÷ 94 × 100 = 76.6, not 56.6")]),
        ("乌审旗司法局", "12", "11", "91.7", []),  # 91.666… → 91.7: a quotient that no longer overflows
        ("乌审旗水利局", "9", "7", "77.8", []),    # 77.777… → 77.8
        ("乌审旗农牧局", "0", "0", "0", []),       # nothing closed: the rate is not checked
        ("乌审旗交通运输局", "36", "150626198703152314", "100", [
            ("C", "已录入数", "row-constraint", "error", "entered-le-closed",
             "an ID number pasted into 已录入数: more than 办结案件数"),
            ("D", "录入率", "rule-not-evaluated", "error", None,
             "已录入数 × 100 overflows 18 digits: the rate rule cannot be evaluated, which is reported, never passed"),
        ]),
        ("乌审旗自然资源局", "45", "45", "100.0", []),
    ]
    lines = [["2023年度行政执法监督平台案件录入情况统计表", "", "", ""],
             ["填报单位：乌审旗司法局（盖章）", "", "填报日期：2023年12月20日", ""],
             ["部门", "办结案件数", "已录入数", "录入率(%)"]]
    first = len(lines) + 1
    for i, (agency, closed, entered, rate, findings) in enumerate(rows):
        lines.append([agency, closed, entered, rate])
        for col, field, code, severity, rule, note in findings:
            g.add(None, first + i, ord(col) - 64, field, code, severity, rule=rule, note=note)
    lines.append(["填表人：斯琴", "", "联系电话：0477-7512368", ""])
    with open(os.path.join(VALIDATE, file), "w", encoding="gbk", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(lines)
    g.remarks.append("录入率 is compared with round(已录入数 × 100 ÷ 办结案件数, 1) within 0.1 (approx); a quotient keeps ten "
                     "fraction digits. The 交通运输局 row's rate rule overflows and is reported as rule-not-evaluated.")
    g.write()


# ---------------------------------------------------------------------------- training hours

def training_month_dates_clean():
    """乌审旗应急管理局 (openpyxl): clean; 培训日期 given as months (`2023年7月`, `2023-08`, `2023.9`) where a
    month is what the ledger means; 张磊 (transferred from 综合行政执法局 in the year) is on both agencies'
    ledgers with the same 身份证号 — clean here, reported by `merge` as duplicate-across-agencies."""
    file = "乌审旗应急管理局_执法人员培训学时台账_2023.xlsx"
    unit = "乌审旗应急管理局"
    rows = [
        officer(unit, "王志强", "15062630000011", id_number("19830514", 231), "大队长", 32, 30, "集中轮训", "2023年7月"),
        officer(unit, "娜仁其木格", "15062630000012", id_number("19920309", 48), "执法队员", 30, 30, "网络培训", "2023-08"),
        officer(unit, "张磊", "15062630000019", id_number("19881120", 341), "执法队员", 30, 31, "集中轮训", "2023.9"),
        officer(unit, "赵文博", "15062630000023", id_number("19960722", 15), "执法队员", 30, 32.5, "执法能力比赛", dt.date(2023, 10, 17)),
    ]
    g = Golden(file, TRAINING.name, {"填报单位": unit, "填报日期": "2023-11-02"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "培训学时台账"
    training_header_openpyxl(ws, "2023年度行政执法人员培训（轮训）学时台账", unit, "2023年11月2日", 12)
    start = 5
    for i, row in enumerate(rows):
        row["seq"] = i + 1
        for c, key in enumerate(TRAINING_LAYOUT, 1):
            openpyxl_put(ws, start + i, c, row.get(key), text_columns=(4, 5))
    ws.merge_cells(f"B{start}:B{start + len(rows) - 1}")
    ws.cell(start + len(rows), 1, "填表人：娜仁其木格")
    ws.cell(start + len(rows), 10, "联系电话：0477-7512119")
    wb.save(os.path.join(VALIDATE, file))
    g.remarks.append("培训日期 has precision: month — a month on its own is a valid value, read as the month's last day.")
    g.remarks.append("张磊's 身份证号 is also on 乌审旗综合行政执法局_培训学时台账_2023.xlsx: merge reports duplicate-across-agencies.")
    g.write()


def training_legacy_ids():
    """乌审旗林业和草原局 (xlsxwriter): two officers still recorded with their first-generation 15-digit ID
    numbers (errors since 2013; the 18-digit form is suggested), a month-only 培训日期 typed in full-width
    digits (accepted, `value-normalized`), and an impossible month `2023年13月` (a type error even where
    months are allowed)."""
    file = "乌审旗林业和草原局_执法人员培训学时台账_2023.xlsx"
    unit = "乌审旗林业和草原局"
    old1, old2 = "150626750302117", "150626680911052"
    rows = [
        officer(unit, "包金山", "15062641000007", id_number("19800216", 173), "局长", 36, 30, "集中轮训", TextDate(dt.date(2023, 6, 8), "cn")),
        officer(unit, "乌云毕力格", "15062641000013",
                Bad(old1, "legacy-id-card", note="15 digits; suggested 18-digit form 15062619750302117" + ms.id_check("15062619750302117")),
                "执法队员", 30, 30, "网络培训",
                Bad("２０２３年８月", "value-normalized", "warning", typed=dt.date(2023, 8, 31),
                    note="full-width digits, a month on its own: accepted (precision: month) and reported as normalised")),
        officer(unit, "刘桂兰", "15062641000015",
                Bad(old2, "legacy-id-card", note="15 digits; suggested 18-digit form 15062619680911052" + ms.id_check("15062619680911052")),
                "法制审核员", 31, 30, "集中轮训", TextDate(dt.date(2023, 9, 21), "dot")),
        officer(unit, "其木格", "15062641000021", id_number("19940618", 26), "执法队员", 30, 30, "网络培训",
                Bad("2023年13月", "type-error", note="month 13: not a month even where the field accepts months")),
    ]
    g = Golden(file, TRAINING.name, {"填报单位": unit, "填报日期": "2023-10-30"})
    wb = xlsxwriter.Workbook(os.path.join(VALIDATE, file))
    ws = wb.add_worksheet("培训学时台账")
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    datef = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    ws.merge_range(0, 0, 0, 11, "乌审旗林业和草原局2023年度执法人员培训学时台账", title)
    ws.write_string(1, 0, f"填报单位：{unit}（盖章）")
    ws.write_string(1, 8, "填报日期：2023年10月30日")
    for c, label in enumerate(["序号", "单位", "姓名", "执法证号", "身份证号", "职务"]):
        ws.merge_range(2, c, 3, c, label, head)
    ws.merge_range(2, 6, 2, 8, "培训学时", head)
    ws.write_row(3, 6, ["公共法律知识", "行业法律知识", "合计"], head)
    for c, label in zip((9, 10, 11), ["培训方式", "培训日期", "备注"]):
        ws.merge_range(2, c, 3, c, label, head)
    start = 4
    for i, row in enumerate(rows):
        row["seq"] = i + 1
        for c, key in enumerate(TRAINING_LAYOUT):
            v = row.get(key)
            xlsxwriter_put(ws, start + i, c, v, datef, text if key in ("cert", "id") else None)
    ws.write_string(start + len(rows), 0, "填表人：包金山")
    wb.close()
    g.check_table("培训学时台账", TRAINING, TRAINING_LAYOUT, 4, start + 1, rows)
    g.write()


# ---------------------------------------------------------------------------- normative documents across files

def normative_second_agency():
    """乌审旗综合行政执法局 (openpyxl): clean on its own; it lists 乌政办发〔2020〕88号 as 宣布失效 while
    乌审旗司法局_规范性文件清理目录_2023.xlsx lists it as 继续有效, and lists under 修改 a document that
    司法局 lists as 继续有效 by the same title and date with the 文号 typed differently — `merge` reports
    both as exclusive-listing at each listing."""
    file = "乌审旗综合行政执法局_规范性文件清理目录_2023.xlsx"
    unit = "乌审旗综合行政执法局"
    lists = {
        "继续有效": [
            doc("乌审旗综合行政执法局关于印发乌审旗城市管理执法全过程记录实施细则的通知", "乌综执发〔2022〕6号", unit, dt.date(2022, 8, 3),
                until=dt.date(2027, 8, 2)),
        ],
        "修改": [
            doc("乌审旗人民政府关于进一步规范行政裁量权基准制定和管理工作的实施意见", "乌政发〔2023〕09号", GOV, dt.date(2023, 4, 18),
                reason="裁量基准已按2023年新规调整"),
        ],
        "宣布失效": [
            doc("乌审旗人民政府办公室关于印发乌审旗行政执法全过程记录办法的通知", "乌政办发〔2020〕88号", GOV_OFFICE, dt.date(2020, 11, 2),
                repealed=dt.date(2023, 9, 30), reason="已被本局实施细则替代"),
        ],
    }
    normative_workbook(os.path.join(VALIDATE, file), "openpyxl", unit, "2023年10月16日", lists, "乌审旗综合行政执法局规范性文件清理目录")
    g = Golden(file, {s: NORMATIVE[s].name for s in lists}, {"填报单位": unit, "填报日期": "2023-10-16"})
    g.remarks.append("Clean on its own. With 乌审旗司法局_规范性文件清理目录_2023.xlsx, merge reports exclusive-listing for "
                     "乌政办发〔2020〕88号 (宣布失效 here, 继续有效 there) and for the 行政裁量权基准 opinion (修改 here, "
                     "继续有效 there; same title and 发布日期, 文号 typed 〔2023〕09号).")
    normative_goldens(g, lists)


# ---------------------------------------------------------------------------- key-area rectification (month deadlines)

def rectification_month_deadlines():
    """乌审旗生态环境局 (xlsxwriter): clean; 完成时限 as `2023年12月`, `2024-03`, `2023.11`, a real date and
    `长期坚持`-free text dates — a month is what a deadline means, never a type error."""
    file = "乌审旗生态环境局_重点执法领域突出问题整治台账_2023.xlsx"
    unit = "乌审旗生态环境局"
    head = ["序号", "执法领域", "问题描述", "整改措施", "责任单位", "完成时限", "整改状态"]
    rows = [
        ["生态环境", "部分企业自动监测数据传输不稳定", "开展自动监测设施专项检查，督促企业完成运维整改", unit, "2023年12月", "整改中"],
        ["生态环境", "行政处罚案卷法律文书送达不规范", "统一送达回证格式，组织案卷交叉评查", unit, "2023.11", "已完成"],
        ["自然资源", "非法占用草原案件移送不及时", "建立与林草部门案件移送台账，每月会商", "乌审旗林业和草原局", "2024-03", "整改中"],
        ["安全生产", "危险化学品企业执法检查频次不足", "制定年度执法检查计划并按月通报", "乌审旗应急管理局", dt.date(2023, 12, 31), "整改中"],
        ["城市管理", "占道经营处罚裁量尺度不一", "细化裁量基准，开展执法人员专题培训", "乌审旗综合行政执法局", "2023年10月31日", "已完成"],
    ]
    g = Golden(file, "key-area-rectification", {"填报单位": unit, "填报日期": "2023-10-20"})
    wb = xlsxwriter.Workbook(os.path.join(VALIDATE, file))
    ws = wb.add_worksheet("整治台账")
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
    datef = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    ws.merge_range(0, 0, 0, len(head) - 1, "重点执法领域突出问题专项整治台账", title)
    ws.write_string(1, 0, f"填报单位：{unit}（盖章）")
    ws.write_string(1, 5, "填报日期：2023年10月20日")
    ws.write_row(2, 0, head, bold)
    for i, r in enumerate(rows):
        ws.write_number(3 + i, 0, i + 1)
        for c, v in enumerate(r, 1):
            xlsxwriter_put(ws, 3 + i, c, v, datef)
    ws.write_string(3 + len(rows), 0, "填表人：高娃")
    ws.set_column(1, 1, 10)
    ws.set_column(2, 3, 36)
    ws.set_column(4, 6, 20)
    wb.close()
    g.remarks.append("完成时限 has precision: month: 2023年12月, 2023.11 and 2024-03 are the last days of those months.")
    g.write()


# ---------------------------------------------------------------------------- the roster as a ledger

def roster_with_errors():
    """A roster sent in for checking (openpyxl): a title row, then 单位名称/简称/统一社会信用代码; a check
    character typed wrong, the letter O for a zero, 17 characters, one agency listed twice, two agencies
    given the same code by copy and paste."""
    file = "乌审旗本级行政执法部门名单_2023年更新.xlsx"
    g = Golden(file, "agency-roster", {})
    entries = [(name, short, credit_code(body)) for name, short, body in ROSTER[:8]]
    findings = []
    # row index in `entries` → (column, field, code, note)
    good = entries[3][2]
    wrong_check = good[:-1] + ("1" if good[-1] != "1" else "2")
    entries[3] = (entries[3][0], entries[3][1], wrong_check)
    findings.append((3, 3, "统一社会信用代码", "type-error", "check character does not fit (GB 32100)"))
    with_o = entries[5][2][:10] + "O" + entries[5][2][11:]
    entries[5] = (entries[5][0], entries[5][1], with_o)
    findings.append((5, 3, "统一社会信用代码", "type-error", "letter O typed for a zero: not in the code alphabet"))
    entries[6] = (entries[6][0], entries[6][1], entries[6][2][:17])
    findings.append((6, 3, "统一社会信用代码", "type-error", "17 characters"))
    entries.append(("乌审旗农牧局", "农牧局", credit_code("01152058")))  # listed twice
    findings.append((len(entries) - 1, 1, "单位名称", "unique-error", "乌审旗农牧局 listed twice"))
    findings.append((len(entries) - 1, 3, "统一社会信用代码", "unique-error", "the same agency's code again"))
    entries.append(("乌审旗水利局", "水利局", entries[0][2]))  # 司法局's code pasted
    findings.append((len(entries) - 1, 3, "统一社会信用代码", "unique-error", "乌审旗司法局's code pasted for 水利局"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "部门名单"
    ws.append(["乌审旗本级行政执法部门名单（2023年更新）"])
    ws.merge_cells("A1:C1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["单位名称", "简称", "统一社会信用代码"])
    for c in ws[2]:
        c.font = Font(bold=True)
    for name, short, code in entries:
        ws.append([name, short, code])
        ws.cell(ws.max_row, 3).number_format = "@"
    for col, w in zip("ABC", [30, 14, 24]):
        ws.column_dimensions[col].width = w
    wb.save(os.path.join(VALIDATE, file))
    for i, col, field, code, note in findings:
        g.add("部门名单", 3 + i, col, field, code, "error", note=note)
    g.remarks.append("The roster is recognised like any ledger (schema agency-roster); --roster with this file loads it, "
                     "says on stderr that it has 6 errors and lists the first three, and uses it.")
    g.write()


# ---------------------------------------------------------------------------- abbreviated agency names

def liaison_abbreviations():
    """乌审旗司法局's list of each agency's 分管领导 and 联络员 (openpyxl), typed by a clerk who abbreviates:
    `乌审旗应急局` and `乌审旗市监局` are suggested with a confidence (foreign-key, the roster name in the
    hint); `乌审旗综合执法局` is prefix + 简称 (the suggestion it always had)."""
    file = "乌审旗司法局_分管领导联络员回执表_2023.xlsx"
    head = ["单位", "姓名", "职务", "办公电话", "手机"]
    rows = [
        ("乌审旗司法局", "李建华", "副局长", "0477-7512301", "13947700121", None),
        ("乌审旗应急局", "王志强", "副局长", "0477-7512119", "13804770235", "abbreviation of 乌审旗应急管理局 (85%)"),
        ("乌审旗市监局", "陈志刚", "副局长", "7512206", "15947712608", "abbreviation of 乌审旗市场监督管理局 (75%)"),
        ("乌审旗综合执法局", "斯琴高娃", "法制股股长", "0477-7512036", "13734770816", "prefix + 简称 综合执法局"),
        ("乌审旗交通运输局", "乌力吉·巴特尔", "副局长", "0477-7512408", "18647707719", None),
    ]
    g = Golden(file, "liaison-receipt", {"填报单位": "乌审旗司法局", "填报日期": "2023-03-06"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "回执表"
    ws.append(["分管领导、联络员回执表"])
    ws.merge_cells("A1:E1")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["填报单位：乌审旗司法局（盖章）", None, None, "填报日期：2023年3月6日"])
    ws.append(head)
    for i, (agency, name, role, office, mobile, note) in enumerate(rows):
        ws.append([agency, name, role, office, mobile])
        ws.cell(ws.max_row, 4).number_format = "@"
        ws.cell(ws.max_row, 5).number_format = "@"
        if note:
            g.add("回执表", 4 + i, 1, "单位", "foreign-key", "error", note=note)
    for col, w in zip("ABCDE", [26, 14, 14, 16, 16]):
        ws.column_dimensions[col].width = w
    wb.save(os.path.join(VALIDATE, file))
    g.write()


def main():
    for build in (case_entry_csv, training_month_dates_clean, training_legacy_ids, normative_second_agency,
                  rectification_month_deadlines, roster_with_errors, liaison_abbreviations):
        build()
    print("check samples written")


if __name__ == "__main__":
    main()
