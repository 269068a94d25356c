#!/usr/bin/env python3
"""Writes the sample submissions in this folder with third-party writers (openpyxl, xlsxwriter).

They look like what agencies really send the bureau: a title row, a `填报单位：…` line, a two-row
merged header, the agency name merged down over its officers, text dates, a footer. Run from the
repository root:  python3 samples/make_samples.py   (needs openpyxl and xlsxwriter)
Outputs are committed so the README commands and the CLI tests work on a fresh clone.
"""
import csv
import datetime as dt
import os

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Border, Side
import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = dt.date(1899, 12, 30)

OFFICERS = [
    # agency, name, cert, id, title, public, industry, method, date
    ("乌审旗市场监督管理局", "王建国", "15062619000123", "150626198703152316", "科长", 32.5, 30, "集中轮训", dt.date(2023, 7, 13)),
    ("乌审旗市场监督管理局", "乌力吉·巴特尔", "15062619000124", "15062619900101123X", "执法队员", 30, 34, "网络培训", "2023年7月20日"),
    ("乌审旗市场监督管理局", "李秀英", "15062619000125", "150626199205084527", "一级科员", 28, 30, "集中轮训", "2023.8.1"),
    ("乌审旗综合行政执法局", "张磊", "15062621000031", "150626198811203412", "队长", 40, 36.5, "执法能力比赛", dt.date(2023, 9, 2)),
    ("乌审旗综合行政执法局", "斯琴高娃", "15062621000032", "150626199512240026", "执法队员", 30, 30, "网络培训", "20230915"),
]
HEAD2 = ["序号", "单位", "姓名", "执法证号", "身份证号", "职务", "培训学时", None, None, "培训方式", "培训日期", "备注"]
SUB = [None, None, None, None, None, None, "公共法律知识", "行业法律知识", "合计", None, None, None]


def training_xlsx(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "培训学时台账"
    thin = Side(style="thin")
    ws.append(["2023年度行政执法人员培训（轮训）学时台账"])
    ws.merge_cells("A1:L1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["填报单位：乌审旗司法局（盖章）", None, None, None, None, None, None, None, "填报日期：2023年10月8日"])
    ws.append(HEAD2)
    ws.append(SUB)
    for col in "ABCDEFJKL":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("G3:I3")
    for row in ws.iter_rows(min_row=3, max_row=4):
        for c in row:
            c.font = Font(bold=True)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    start = 5
    for i, (agency, name, cert, idno, title, pub, ind, method, day) in enumerate(OFFICERS, 1):
        r = start + i - 1
        ws.cell(r, 1, i)
        ws.cell(r, 2, agency)
        ws.cell(r, 3, name)
        ws.cell(r, 4, cert).number_format = "@"
        ws.cell(r, 5, idno).number_format = "@"
        ws.cell(r, 6, title)
        ws.cell(r, 7, pub).number_format = "0.0"
        ws.cell(r, 8, ind).number_format = "0.0"
        ws.cell(r, 9, f"=G{r}+H{r}").number_format = "0.0"
        ws.cell(r, 10, method)
        c = ws.cell(r, 11, day)
        if isinstance(day, dt.date):
            c.number_format = 'yyyy"年"m"月"d"日"'
    # the agency is merged down over its officers, as filers do
    ws.merge_cells(f"B{start}:B{start + 2}")
    ws.merge_cells(f"B{start + 3}:B{start + 4}")
    end = start + len(OFFICERS)
    ws.cell(end, 1, "合计")
    ws.cell(end, 7, f"=SUM(G{start}:G{end - 1})")
    ws.cell(end + 2, 1, "填表人：赵敏")
    ws.cell(end + 2, 6, "联系电话：0477-2521381")
    ws.freeze_panes = "A5"
    for col, w in zip("ABCDEFGHIJKL", [6, 24, 14, 18, 22, 10, 10, 10, 8, 12, 16, 10]):
        ws.column_dimensions[col].width = w
    # a second, hidden helper sheet as some templates carry
    lists = wb.create_sheet("下拉选项")
    for m in ["集中轮训", "网络培训", "执法能力比赛"]:
        lists.append([m])
    lists.sheet_state = "hidden"
    wb.save(path)


def normative_xlsx(path):
    wb = xlsxwriter.Workbook(path)
    bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    lists = {
        "继续有效": [
            ("乌审旗人民政府办公室关于印发乌审旗行政执法公示制度的通知", "乌政办发〔2022〕115号", "乌审旗人民政府办公室", dt.date(2022, 6, 1), "长期", "已备案"),
            ("乌审旗重大行政执法决定法制审核办法", "乌政发[2021]32号", "乌审旗人民政府", "2021年3月15日", "2026年3月14日", "已备案"),
            ("乌审旗行政执法全过程记录办法", "乌政办发（2020）88号", "乌审旗人民政府办公室", "2020.11.2", "长期", "未备案"),
        ],
        "宣布失效": [
            ("乌审旗城市管理相对集中行政处罚权实施办法", "乌政发〔2015〕21号", "乌审旗人民政府", dt.date(2015, 4, 20), "2023年6月30日", "已备案"),
        ],
    }
    for sheet, docs in lists.items():
        ws = wb.add_worksheet(sheet)
        ws.merge_range(0, 0, 0, 6, f"乌审旗规范性文件清理目录（{sheet}）", title)
        ws.write_row(1, 0, ["序号", "文件名称", "文号", "制定机关", "发布日期",
                            "有效期至" if sheet == "继续有效" else "失效日期", "备案情况"], bold)
        for i, (name, no, org, day, until, filed) in enumerate(docs, 1):
            ws.write_number(1 + i, 0, i)
            ws.write_string(1 + i, 1, name)
            ws.write_string(1 + i, 2, no)
            ws.write_string(1 + i, 3, org)
            if isinstance(day, dt.date):
                ws.write_number(1 + i, 4, (day - EPOCH).days, datef)
            else:
                ws.write_string(1 + i, 4, day)
            ws.write_string(1 + i, 5, until)
            ws.write_string(1 + i, 6, filed)
        ws.set_column(1, 1, 48)
        ws.set_column(2, 3, 22)
        ws.set_column(4, 6, 14)
    wb.set_properties({"title": "规范性文件清理目录", "author": "乌审旗司法局"})
    wb.close()


def discretion_csvs(gbk_path, utf8_path):
    header = ["序号", "部门", "行为类别", "违法行为", "法律依据", "裁量阶次", "适用情形", "罚款下限(元)", "罚款上限(元)", "公布日期", "备案情况"]
    rows = [
        [1, "乌审旗市场监督管理局", "行政处罚", "销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条", "从轻", "首次违法且货值金额不足一万元", "50000", "100000", "2023年5月8日", "已备案"],
        [2, "乌审旗市场监督管理局", "行政处罚", "未按规定公示营业执照", "《无证无照经营查处办法》第十四条", "一般", "逾期未改正", "1000", "10000", "2023-05-08", "已备案"],
        [3, "乌审旗生态环境局", "行政处罚", "未批先建，擅自开工建设", "《中华人民共和国环境影响评价法》第三十一条", "从重", "位于生态保护红线内，“屡查屡犯”", "１０００００", "500000", "2023/6/1", "未备案"],
    ]
    for path, enc in ((gbk_path, "gbk"), (utf8_path, "utf-8-sig")):
        with open(path, "w", encoding=enc, newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(header)
            w.writerows(rows)


if __name__ == "__main__":
    training_xlsx(os.path.join(HERE, "乌审旗_执法人员培训学时台账.xlsx"))
    normative_xlsx(os.path.join(HERE, "乌审旗_规范性文件清理目录.xlsx"))
    discretion_csvs(os.path.join(HERE, "乌审旗_行政裁量权基准_gbk.csv"), os.path.join(HERE, "乌审旗_行政裁量权基准_utf8bom.csv"))
    print("samples written")
