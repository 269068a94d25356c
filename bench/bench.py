#!/usr/bin/env python3
"""sheetgate's benchmark driver: runs SheetBench and the peers side by side, in one run.

    python3 bench/bench.py setup                 # venv with the peers, generated ledgers, C floor
    python3 bench/bench.py read  [--rows 100k,1m] [--runs 3]
    python3 bench/bench.py write [--rows 100k,1m] [--runs 1]
    python3 bench/bench.py validate [--rows 100k,1m] [--runs 3]

Each measurement is one whole process: wall time (median over --runs) and peak RSS of that
process (os.wait4's ru_maxrss). The table printed at the end is markdown; ratios are computed
against peers measured in the same run, because this machine is shared and noisy.
Data goes to bench/work/ (ignored by git); the peer drivers are the ones in ../shared/bench.
Debian packages the C peers need: libdeflate-dev (the floor), libxlsxwriter-dev (the writer peer).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")
VENV = os.path.join(ROOT, "bench", "venv")
PY = os.path.join(VENV, "bin", "python")
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
SHEETBENCH = os.path.join(ROOT, ".build", "release", "SheetBench")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PEERS = ["python-calamine", "fastexcel", "polars", "pyarrow", "openpyxl", "xlsxwriter", "frictionless"]


def sh(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def setup(sizes):
    os.makedirs(WORK, exist_ok=True)
    build()
    if not os.path.exists(PY):
        sh([sys.executable, "-m", "venv", VENV])
    sh([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PEERS)
    for s in sizes:
        prefix = os.path.join(WORK, "ledger_" + s)
        if not os.path.exists(prefix + ".xlsx"):
            sh([PY, os.path.join(SHARED, "gen_ledger.py"), "--rows", str(SIZES[s]), "--prefix", prefix])
        err = prefix + "_err.utf8.csv"
        if not os.path.exists(err):
            sh([PY, os.path.join(SHARED, "inject_errors.py"), prefix + ".utf8.csv", err])
        inline = prefix + ".inline.xlsx"
        if not os.path.exists(inline):
            sh([SHEETBENCH, "write", "--inline", prefix + ".utf8.csv", inline])
    floor = os.path.join(WORK, "floor")
    if not os.path.exists(floor):
        sh(["cc", "-O2", "-o", floor, os.path.join(SHARED, "floor.c"), "-lz", "-lexpat", "-ldeflate"])  # apt: libdeflate-dev


def build():
    sh(["swift", "build", "-c", "release", "--product", "SheetBench"], cwd=ROOT)


def measure(name, cmd, rows, runs):
    walls, rss = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        err = p.stderr.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            print(f"FAILED {name}: {err[-400:]}", file=sys.stderr)
            return {"name": name, "failed": True}
        walls.append(wall)
        rss = max(rss, usage.ru_maxrss / 1024)
    w = statistics.median(walls)
    r = {"name": name, "wall": w, "rows_s": rows / w, "rss": rss, "runs": runs}
    print(f"{name:48s} {w:8.3f} s {rows / w:12,.0f} rows/s {rss:8.1f} MiB", file=sys.stderr)
    return r


def table(results, ratios):
    out = ["| task | median wall s | rows/s | peak RSS MiB | runs |", "|---|---:|---:|---:|---:|"]
    by = {r["name"]: r for r in results}
    for r in results:
        if r.get("failed"):
            out.append(f"| {r['name']} | FAILED | | | |")
        else:
            out.append(f"| {r['name']} | {r['wall']:.3f} | {r['rows_s']:,.0f} | {r['rss']:.1f} | {r['runs']} |")
    out.append("")
    out.append("| ratio | value | goal |")
    out.append("|---|---:|---|")
    for label, a, b, kind, goal in ratios:
        if a in by and b in by and not by[a].get("failed") and not by[b].get("failed"):
            if kind == "time":
                v = by[a]["wall"] / by[b]["wall"]
            elif kind == "speed":
                v = by[a]["rows_s"] / by[b]["rows_s"]
            else:
                v = by[a]["rss"] / by[b]["rss"]
            out.append(f"| {label} | {v:.2f}× | {goal} |")
    return "\n".join(out)


def read(sizes, runs):
    results, ratios = [], []
    for s in sizes:
        n = SIZES[s]
        x = os.path.join(WORK, f"ledger_{s}.xlsx")
        u = os.path.join(WORK, f"ledger_{s}.utf8.csv")
        g = os.path.join(WORK, f"ledger_{s}.gb18030.csv")
        rb = os.path.join(SHARED, "read_bench.py")
        tasks = [
            (f"sheetgate xlsx {s}", [SHEETBENCH, "read", x]),
            (f"sheetgate xlsx inline-strings {s}", [SHEETBENCH, "read", os.path.join(WORK, f"ledger_{s}.inline.xlsx")]),
            (f"C floor zlib+expat (sheet only) {s}", [os.path.join(WORK, "floor"), "expat", x]),
            (f"C floor zlib+expat (sst+sheet) {s}", [os.path.join(WORK, "floor"), "expat", x, "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"]),
            (f"fastexcel xlsx {s}", [PY, rb, "fastexcel_arrow", x]),
            (f"python-calamine xlsx {s}", [PY, rb, "calamine", x]),
            (f"sheetgate csv utf-8 {s}", [SHEETBENCH, "read", u]),
            (f"sheetgate csv gb18030 {s}", [SHEETBENCH, "read", g]),
            (f"polars read_csv utf-8 {s}", [PY, rb, "polars_csv", u]),
            (f"python csv utf-8 {s}", [PY, rb, "csv_module", u]),
            (f"python csv gb18030 {s}", [PY, rb, "csv_module", g]),
        ]
        if n <= 100_000 or os.environ.get("BENCH_SLOW_PEERS"):
            tasks.append((f"openpyxl read_only xlsx {s}", [PY, rb, "openpyxl_ro", x]))
        for name, cmd in tasks:
            results.append(measure(name, cmd, n, 1 if "openpyxl" in name and n > 100_000 else runs))
        ratios += [
            (f"xlsx {s}: sheetgate rows/s ÷ fastexcel", f"sheetgate xlsx {s}", f"fastexcel xlsx {s}", "speed", "≥ 1.0"),
            (f"xlsx {s}: sheetgate rows/s ÷ python-calamine", f"sheetgate xlsx {s}", f"python-calamine xlsx {s}", "speed", ""),
            (f"xlsx {s}: sheetgate rows/s ÷ openpyxl", f"sheetgate xlsx {s}", f"openpyxl read_only xlsx {s}", "speed", ""),
            (f"xlsx {s}: sheetgate time ÷ C floor (sst+sheet)", f"sheetgate xlsx {s}", f"C floor zlib+expat (sst+sheet) {s}", "time", "≤ 1.5"),
            (f"csv {s}: sheetgate rows/s ÷ polars", f"sheetgate csv utf-8 {s}", f"polars read_csv utf-8 {s}", "speed", "≥ 1.0"),
            (f"csv {s}: sheetgate rows/s ÷ python csv", f"sheetgate csv utf-8 {s}", f"python csv utf-8 {s}", "speed", ""),
            (f"csv {s}: gb18030 time ÷ utf-8 time", f"sheetgate csv gb18030 {s}", f"sheetgate csv utf-8 {s}", "time", "≤ 1.5"),
        ]
    if len(sizes) >= 2:
        a, b = sizes[-1], sizes[-2]
        for kind in ("xlsx", "xlsx inline-strings", "csv utf-8"):
            ratios.append((f"peak RSS {kind} {a} ÷ {b}", f"sheetgate {kind} {a}", f"sheetgate {kind} {b}", "rss", "≤ 1.3"))
    print(table(results, ratios))


def write(sizes, runs):
    results, ratios = [], []
    lxw = os.path.join(WORK, "write_lxw")
    if not os.path.exists(lxw):
        sh(["cc", "-O2", "-o", lxw, os.path.join(SHARED, "write_lxw.c"), "-lxlsxwriter"])
    out = os.path.join(WORK, "out")
    os.makedirs(out, exist_ok=True)
    for s in sizes:
        n = SIZES[s]
        u = os.path.join(WORK, f"ledger_{s}.utf8.csv")
        tasks = [
            (f"sheetgate write sst {s}", [SHEETBENCH, "write", u, os.path.join(out, f"sg_{s}.xlsx")]),
            (f"sheetgate write inline {s}", [SHEETBENCH, "write", "--inline", u, os.path.join(out, f"sg_inline_{s}.xlsx")]),
            (f"libxlsxwriter constant_memory {s}", [lxw, "cm", u, os.path.join(out, f"lxw_{s}.xlsx")]),
        ]
        if n <= 100_000 or os.environ.get("BENCH_SLOW_PEERS"):
            tasks += [
                (f"XlsxWriter constant_memory {s}", [PY, os.path.join(SHARED, "write_py.py"), "xlsxwriter_cm", str(n), os.path.join(out, f"xw_{s}.xlsx")]),
                (f"openpyxl write_only {s}", [PY, os.path.join(SHARED, "write_py.py"), "openpyxl_wo", str(n), os.path.join(out, f"op_{s}.xlsx")]),
            ]
        for name, cmd in tasks:
            results.append(measure(name, cmd, n, runs))
        ratios += [
            (f"write {s}: sheetgate (sst) time ÷ libxlsxwriter cm", f"sheetgate write sst {s}", f"libxlsxwriter constant_memory {s}", "time", "≤ 1.0"),
            (f"write {s}: sheetgate (inline) time ÷ libxlsxwriter cm", f"sheetgate write inline {s}", f"libxlsxwriter constant_memory {s}", "time", ""),
        ]
    if len(sizes) >= 2:
        a, b = sizes[-1], sizes[-2]
        ratios.append((f"peak RSS write inline {a} ÷ {b}", f"sheetgate write inline {a}", f"sheetgate write inline {b}", "rss", "≤ 1.3"))
    print(table(results, ratios))


def validate(sizes, runs):
    results, ratios = [], []
    for s in sizes:
        n = SIZES[s]
        x = os.path.join(WORK, f"ledger_{s}.xlsx")
        e = os.path.join(WORK, f"ledger_{s}_err.utf8.csv")
        tasks = [
            (f"sheetgate read csv {s}", [SHEETBENCH, "read", e]),
            (f"sheetgate validate csv {s}", [SHEETBENCH, "validate", e]),
            (f"sheetgate read xlsx {s}", [SHEETBENCH, "read", x]),
            (f"sheetgate validate xlsx {s}", [SHEETBENCH, "validate", x]),
        ]
        if n <= 100_000 or os.environ.get("BENCH_SLOW_PEERS"):
            tasks.append((f"frictionless validate csv {s}", [PY, os.path.join(SHARED, "validate_frictionless.py"), e]))
        for name, cmd in tasks:
            results.append(measure(name, cmd, n, 1 if "frictionless" in name else runs))
        ratios += [
            (f"validate csv {s}: sheetgate rows/s ÷ frictionless", f"sheetgate validate csv {s}", f"frictionless validate csv {s}", "speed", "≥ 50"),
            (f"validate xlsx {s}: time ÷ plain read", f"sheetgate validate xlsx {s}", f"sheetgate read xlsx {s}", "time", "≤ 1.3"),
            (f"validate xlsx {s}: peak RSS ÷ plain read", f"sheetgate validate xlsx {s}", f"sheetgate read xlsx {s}", "rss", "≤ 1.3"),
            (f"validate csv {s}: time ÷ plain read", f"sheetgate validate csv {s}", f"sheetgate read csv {s}", "time", ""),
        ]
    if len(sizes) >= 2:
        a, b = sizes[-1], sizes[-2]
        ratios.append((f"peak RSS validate xlsx {a} ÷ {b}", f"sheetgate validate xlsx {a}", f"sheetgate validate xlsx {b}", "rss", "≤ 1.3"))
    print(table(results, ratios))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["setup", "read", "write", "validate"])
    ap.add_argument("--rows", default="100k,1m")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    sizes = a.rows.split(",")
    if a.what == "setup":
        setup(sizes)
        return
    build()
    if a.what == "setup":
        pass
    elif a.what == "read":
        read(sizes, a.runs)
    elif a.what == "validate":
        validate(sizes, a.runs)
    else:
        write(sizes, a.runs)


if __name__ == "__main__":
    main()
