#!/usr/bin/env python3
"""The same merge as `sheetgate merge`, written straightforwardly with openpyxl, for comparison.

Reads every .xlsx in DIR, finds the header row (the row holding 姓名 and 合计学时), checks required
fields and types simply (姓名/单位 present; hours are numbers; 合计 = 公共 + 行业; 身份证号 18 characters),
appends the rows of valid files with provenance (来源单位, 来源文件, 原始行号) and writes the consolidated
workbook with a 问题文件 sheet.

Usage: merge_openpyxl.py DIR OUT.xlsx
"""
import os, sys, time
import openpyxl

REQ = ["单位", "姓名", "公共法律知识学时", "行业法律知识学时", "合计学时"]


def read(path):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    header, cols, rows, errors, agency = None, {}, [], [], ""
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if header is None:
            vals = [str(v).strip() if v is not None else "" for v in row]
            if vals and vals[0].startswith("填报单位："):
                agency = vals[0][5:].split("（")[0].split(" ")[0]
            if "姓名" in vals and "合计学时" in vals:
                header = vals
                cols = {h: k for k, h in enumerate(vals)}
            continue
        if row[0] is not None and isinstance(row[0], str) and row[0].startswith("填表人"):
            break
        if all(v is None for v in row):
            continue
        rec = dict((h, row[k] if k < len(row) else None) for h, k in cols.items())
        for f in REQ:
            if rec.get(f) in (None, ""):
                errors.append("第%d行：%s为空" % (i, f))
        try:
            p, q, t = float(rec["公共法律知识学时"]), float(rec["行业法律知识学时"]), float(rec["合计学时"])
            if abs(p + q - t) > 1e-9:
                errors.append("第%d行：合计学时不等于两项之和" % i)
        except (TypeError, ValueError):
            errors.append("第%d行：学时不是数字" % i)
        if len(str(rec.get("身份证号") or "")) != 18:
            errors.append("第%d行：身份证号不是18位" % i)
        rows.append((i, [row[k] if k < len(row) else None for k in range(len(header))]))
    wb.close()
    if header is None:
        errors.append("未找到表头")
    return agency, header, rows, errors


def main():
    src, out = sys.argv[1], sys.argv[2]
    t0 = time.time()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("执法人员培训学时台账")
    problems = []
    wrote_header = False
    n = 0
    for name in sorted(os.listdir(src)):
        if not name.endswith(".xlsx"):
            continue
        try:
            agency, header, rows, errors = read(os.path.join(src, name))
        except Exception as e:  # not a workbook, damaged
            problems.append((name, "无法读取：%s" % e))
            continue
        if errors:
            problems.append((name, "共 %d 处错误；首个：%s" % (len(errors), errors[0])))
            continue
        if not wrote_header:
            ws.append(["来源单位", "来源文件", "原始行号"] + header)
            wrote_header = True
        for i, r in rows:
            ws.append([agency, name, i] + r)
            n += 1
    ps = wb.create_sheet("问题文件")
    ps.append(["文件", "说明"])
    for p in problems:
        ps.append(list(p))
    wb.save(out)
    print("openpyxl merge: rows=%d leftOut=%d seconds=%.3f" % (n, len(problems), time.time() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
