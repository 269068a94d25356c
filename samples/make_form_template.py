"""The example county-bureau 汇总表 template for `sheetgate merge --template`, written with openpyxl.

Run from the repository root: python3 samples/make_form_template.py
Writes samples/forms/旗司法局_培训学时汇总表模板.xlsx: a title, a 填报单位/统计期间 line with {agency} and
{period}, a two-row merged header, the template row of {.字段} cells (styled: borders, number and date
formats), a 合计 row with SUM formulas over the template row, and a footer (填表人/审核人/{generated}),
with column widths and an A4 landscape print setup.
"""
import os
import sys

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "forms", "旗司法局_培训学时汇总表模板.xlsx")
os.makedirs(os.path.dirname(out), exist_ok=True)
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "培训学时汇总表"
thin = Side(style="thin")
box = Border(left=thin, right=thin, top=thin, bottom=thin)
center = Alignment(horizontal="center", vertical="center", wrap_text=True)
head_fill = PatternFill("solid", fgColor="DDEBF7")

ws["A1"] = "乌审旗行政执法人员培训学时汇总表"
ws["A1"].font = Font(name="宋体", size=18, bold=True)
ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
ws.merge_cells("A1:H1")
ws.row_dimensions[1].height = 36
ws["A2"] = "填报单位：{agency}"
ws["F2"] = "统计期间：{period}年度"
ws.merge_cells("A2:E2")
ws.merge_cells("F2:H2")

# Two-row header: 培训学时 over 公共/行业/合计.
for col, text in zip("ABCDE", ["序号", "单位", "姓名", "执法证号", "培训学时"]):
    ws[f"{col}3"] = text
ws["H3"] = "培训日期"
ws["E4"], ws["F4"], ws["G4"] = "公共法律知识", "行业法律知识", "合计"
for rng in ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:H4"]:
    ws.merge_cells(rng)
for row in ws["A3:H4"]:
    for c in row:
        c.font = Font(name="宋体", bold=True)
        c.alignment = center
        c.border = box
        c.fill = head_fill

# The template row: one list row per consolidated row, in these styles.
template = ["=ROW()-4", "{.来源单位}", "{.姓名}", "{.执法证号}", "{.公共法律知识学时}", "{.行业法律知识学时}", "{.合计学时}", "{.培训日期}"]
for col, value in zip("ABCDEFGH", template):
    c = ws[f"{col}5"]
    c.value = value
    c.border = box
    c.font = Font(name="宋体")
for col in "EFG":
    ws[f"{col}5"].number_format = "0.0"
ws["D5"].number_format = "@"
ws["H5"].number_format = "yyyy-mm-dd"

# The 合计 row, then the footer.
ws["A6"] = "合计"
ws.merge_cells("A6:D6")
for col in "EFG":
    ws[f"{col}6"] = f"=SUM({col}5:{col}5)"
    ws[f"{col}6"].number_format = "0.0"
for col in "ABCDEFGH":
    ws[f"{col}6"].border = box
    ws[f"{col}6"].font = Font(name="宋体", bold=True)
ws["A8"] = "填表人："
ws["D8"] = "审核人："
ws["F8"] = "填报日期：{generated}"
ws.merge_cells("A8:C8")
ws.merge_cells("F8:H8")

for col, width in zip("ABCDEFGH", [6, 24, 10, 18, 14, 14, 10, 12]):
    ws.column_dimensions[col].width = width
ws.page_setup.orientation = "landscape"
ws.page_setup.paperSize = ws.PAPERSIZE_A4
ws.page_setup.fitToWidth = 1
ws.page_setup.fitToHeight = 0
ws.sheet_properties.pageSetUpPr.fitToPage = True
ws.print_title_rows = "3:4"
ws.oddFooter.center.text = "第 &P 页，共 &N 页"
wb.save(out)
print(out)
