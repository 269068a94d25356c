#!/usr/bin/env python3
"""The .xls read benchmark (issue 14): sheetgate against python-calamine and xlrd, in one run.

    python3 bench/xls_bench.py [--rows 65000] [--runs 3]

Generates the training-hours ledger (bench/gen_ledger.py's rows: 序号, 姓名, 单位, 执法证号, 身份证号, 职务,
the three hour columns, 培训方式, 培训日期 as a date-formatted number, 备注) as an Excel 97–2003 workbook with
xlwt (a third-party BIFF8 writer, from PyPI) into bench/work/ledger_<rows>.xls, then reads it, each reader in its
own process, timed with its peak RSS:
  - `sheetgate cat FILE --json` (the path users run: sniff, open, every cell written as JSON to /dev/null);
  - `SheetBench read FILE` (the reader alone: every cell of the first sheet visited);
  - python-calamine and xlrd (bench/read_bench.py), each materialising every row.
Goal: sheetgate rows/s ≥ 1.5 × python-calamine's, peak RSS ≤ 64 MiB. Release builds. The peers and xlwt
come from bench/venv (`python3 bench/bench.py setup` installs them).
"""
import argparse
import datetime as _dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (measure, table, paths)
import gen_ledger  # noqa: E402

SHEETGATE = os.environ.get("SHEETGATE_BIN") or os.path.join(bench.ROOT, ".build", "release", "sheetgate")


def generate(rows, path):
    """Writes the ledger with xlwt: text for names and ID numbers, numbers for hours, dates as dates."""
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("培训学时台账")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c, h in enumerate(gen_ledger.HEADERS):
        ws.write(0, c, h)
    for i, r in enumerate(gen_ledger.iter_rows(rows), start=1):
        row = ws.row(i)
        for c, v in enumerate(r):
            if isinstance(v, _dt.date):
                row.write(c, v, date_style)
            elif v != "":
                row.write(c, v)
        if i % 1000 == 0:
            ws.flush_row_data()
    tmp = path + ".tmp"
    wb.save(tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=65_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(bench.WORK, exist_ok=True)
    path = os.path.join(bench.WORK, f"ledger_{a.rows}.xls")
    if not os.path.exists(path):
        print(f"+ generating {path} with xlwt", file=sys.stderr)
        generate(a.rows, path)
    for product in ("sheetgate", "SheetBench"):
        bench.sh(["swift", "build", "-c", "release", "--product", product], cwd=bench.ROOT)
    rb = os.path.join(bench.BENCH, "read_bench.py")
    n = a.rows + 1  # with the header row
    tasks = [
        ("sheetgate cat --json xls", ["sh", "-c", 'exec "$0" cat "$1" --json > /dev/null', SHEETGATE, path]),
        ("SheetBench read xls", [bench.SHEETBENCH, "read", path]),
        ("python-calamine xls", [bench.PY, rb, "calamine", path]),
        ("xlrd xls", [bench.PY, rb, "xlrd", path]),
    ]
    results = [bench.measure(name, cmd, n, a.runs) for name, cmd in tasks]
    ratios = [
        ("xls: sheetgate cat rows/s ÷ python-calamine", "sheetgate cat --json xls", "python-calamine xls", "speed", "≥ 1.5"),
        ("xls: SheetBench read rows/s ÷ python-calamine", "SheetBench read xls", "python-calamine xls", "speed", "≥ 1.5"),
        ("xls: sheetgate cat rows/s ÷ xlrd", "sheetgate cat --json xls", "xlrd xls", "speed", ""),
        ("xls: peak RSS sheetgate cat ÷ python-calamine", "sheetgate cat --json xls", "python-calamine xls", "rss", ""),
    ]
    print(f"{os.path.basename(path)}: {os.path.getsize(path):,} bytes, {n:,} rows × {len(gen_ledger.HEADERS)} columns")
    print(bench.table(results, ratios))
    for r in results:
        if r["name"].startswith(("sheetgate", "SheetBench")) and not r.get("failed"):
            print(f"{r['name']}: peak RSS {r['rss']:.1f} MiB (goal ≤ 64 MiB)")


if __name__ == "__main__":
    main()
