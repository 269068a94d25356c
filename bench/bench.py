#!/usr/bin/env python3
"""sheetgate's benchmark driver: runs SheetBench and the peers side by side, in one run.

    python3 bench/bench.py setup                 # venv with the peers, generated ledgers, C floor
    python3 bench/bench.py read  [--rows 100k,1m] [--runs 3]
    python3 bench/bench.py write [--rows 100k,1m] [--runs 1]
    python3 bench/bench.py validate [--rows 100k,1m] [--runs 3]
    python3 bench/bench.py patterns [--runs 3]    # 1M-row CSV, ledger.schema.json (patterns) and training-hours vs frictionless on 100k
                                                  # (SheetBench's path and the `sheetgate validate` command)
    python3 bench/bench.py merge [--runs 3]
    python3 bench/bench.py merge-big [--runs 1]      # BASE_SHEETGATE=other/sheetgate for the A/B
    python3 bench/bench.py merge-2000 [--runs 1]     # 2,000 agencies × 500 rows; BASE_SHEETGATE as merge-big

Each measurement is one whole process: wall time (median over --runs) and peak RSS of that
process (os.wait4's ru_maxrss). The table printed at the end is markdown; ratios are computed
against peers measured in the same run, because this machine is shared and noisy.

`merge` is issue 5's benchmark: 200 generated agency submissions of 500 rows (4 broken, one not a
workbook; bench/gen_submissions.py, into bench/work/merge/) merged into one workbook, side by side:
  - sheetgate cold: no store (a temporary one), every file read;
  - sheetgate cold with a new store (`--store`, a fresh file each run);
  - sheetgate incremental: the store of the cold run, one new agency's file added to the folder;
  - the denominator of the incremental goal, "validate that file + rewrite the output", measured as the
    sum of SheetBench validate of the new file and a no-op rebuild (the same folder and a store that
    already holds every file: nothing is read but the files' hashes, the whole workbook is rewritten);
  - bench/merge_openpyxl.py, the same merge written straightforwardly with openpyxl (one run unless
    BENCH_SLOW_PEERS is set: it takes about half a minute).
Goals: cold rows/s ≥ 20 × openpyxl's; incremental time ≤ 2 × (validate + rewrite).
Data goes to bench/work/ (ignored by git). The ledger generator (gen_ledger.py, inject_errors.py) and the peer
drivers (read_bench.py, validate_frictionless.py with ledger.schema.json, write_py.py, write_lxw.c, floor.c) are
beside this file.
Debian packages the C peers need: libdeflate-dev (the floor), libxlsxwriter-dev (the writer peer).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")
VENV = os.path.join(ROOT, "bench", "venv")
PY = os.path.join(VENV, "bin", "python")
BENCH = os.path.join(ROOT, "bench")
# SHEETBENCH=/path/to/another/SheetBench measures another build (an A/B against an earlier commit).
SHEETBENCH = os.environ.get("SHEETBENCH") or os.path.join(ROOT, ".build", "release", "SheetBench")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PEERS = ["python-calamine", "fastexcel", "polars", "pyarrow", "openpyxl", "xlsxwriter", "frictionless", "xlrd", "xlwt"]


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
            sh([PY, os.path.join(BENCH, "gen_ledger.py"), "--rows", str(SIZES[s]), "--prefix", prefix])
        err = prefix + "_err.utf8.csv"
        if not os.path.exists(err):
            sh([PY, os.path.join(BENCH, "inject_errors.py"), prefix + ".utf8.csv", err])
        inline = prefix + ".inline.xlsx"
        if not os.path.exists(inline):
            sh([SHEETBENCH, "write", "--inline", prefix + ".utf8.csv", inline])
    floor = os.path.join(WORK, "floor")
    if not os.path.exists(floor):
        sh(["cc", "-O2", "-o", floor, os.path.join(BENCH, "floor.c"), "-lz", "-lexpat", "-ldeflate"])  # apt: libdeflate-dev


def build():
    sh(["swift", "build", "-c", "release", "--product", "SheetBench"], cwd=ROOT)


def measure(name, cmd, rows, runs, prepare=None, cwd=None, expect=None, ok=(0,)):
    """Runs cmd `runs` times; `prepare` (untimed) runs before each run. With `expect` ("rows="), a
    run whose stdout does not say how many rows it validated counts as failed (a peer that refuses
    the file must not look fast), and rows/s is computed over the rows it says it validated."""
    walls, cpus, rss = [], [], 0
    for _ in range(runs):
        if prepare:
            prepare()
        with tempfile.TemporaryFile() as out:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out if expect else subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            err = p.stderr.read().decode(errors="replace")
            out.seek(0)
            text = out.read().decode(errors="replace")
        if expect == "rows=":
            # A peer that stops at its error limit reports how many rows it validated: its speed is
            # measured over those rows.
            m = re.search(r"rows=(\d+)", text)
            if m:
                rows = int(m.group(1))
        if os.waitstatus_to_exitcode(status) not in ok or (expect and not re.search(re.escape(expect) + r"\d", text)):
            print(f"FAILED {name}: {text[-300:]} {err[-400:]}", file=sys.stderr)
            return {"name": name, "failed": True}
        walls.append(wall)
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss = max(rss, usage.ru_maxrss / 1024)
    w = statistics.median(walls)
    cpu = statistics.median(cpus)
    r = {"name": name, "wall": w, "rows_s": rows / w, "rss": rss, "runs": runs, "cpu": cpu}
    # CPU seconds (user + system) help read a run on a busy machine: wall time then includes waiting.
    print(f"{name:48s} {w:8.3f} s {rows / w:12,.0f} rows/s {rss:8.1f} MiB  cpu {cpu:.3f} s", file=sys.stderr)
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
        bs = b if isinstance(b, tuple) else (b,)  # a tuple: the sum of those tasks' times
        if a in by and all(x in by and not by[x].get("failed") for x in bs) and not by[a].get("failed"):
            if kind == "time":
                v = by[a]["wall"] / sum(by[x]["wall"] for x in bs)
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
        rb = os.path.join(BENCH, "read_bench.py")
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
        sh(["cc", "-O2", "-o", lxw, os.path.join(BENCH, "write_lxw.c"), "-lxlsxwriter"])
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
                (f"XlsxWriter constant_memory {s}", [PY, os.path.join(BENCH, "write_py.py"), "xlsxwriter_cm", str(n), os.path.join(out, f"xw_{s}.xlsx")]),
                (f"openpyxl write_only {s}", [PY, os.path.join(BENCH, "write_py.py"), "openpyxl_wo", str(n), os.path.join(out, f"op_{s}.xlsx")]),
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
            # frictionless refuses absolute paths as unsafe: it runs in the data folder on the file's name,
            # and must report the rows it validated (a refused path reports `rows=None`). At 1M rows it
            # stops at its limit of 1,000 errors (about row 833,000): its rows/s is over those rows.
            tasks.append((f"frictionless validate csv {s}", [PY, os.path.join(BENCH, "validate_frictionless.py"),
                                                             os.path.basename(e)]))
        for name, cmd in tasks:
            if "frictionless" in name:
                results.append(measure(name, cmd, n, 1, cwd=WORK, expect="rows="))
            else:
                results.append(measure(name, cmd, n, runs))
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


def patterns(runs):
    """Issue 16's pattern benchmark: the 1M-row ledger CSV (with injected errors) validated with a plain
    Table Schema that has `pattern` constraints (bench/ledger.schema.json) and with the built-in
    training-hours schema, side by side with frictionless on the first 100k rows of the same file
    (ledger.schema.json). The same schema without its two patterns shows what the patterns cost."""
    import json
    big = os.path.join(WORK, "ledger_1m_err.utf8.csv")
    if not os.path.exists(big):
        sys.exit(f"{big} is missing: run `python3 bench/bench.py setup --rows 1m` first")
    head = os.path.join(WORK, "ledger_1m_err_head100k.utf8.csv")
    if not os.path.exists(head):
        with open(big, "rb") as f, open(head + ".tmp", "wb") as g:
            for i, line in enumerate(f):
                if i > 100_000:
                    break
                g.write(line)
        os.replace(head + ".tmp", head)
    schema = os.path.join(BENCH, "ledger.schema.json")
    plain = os.path.join(WORK, "ledger.nopattern.schema.json")
    d = json.load(open(schema, encoding="utf-8"))
    for f in d["fields"]:
        f.get("constraints", {}).pop("pattern", None)
    with open(plain, "w", encoding="utf-8") as g:
        json.dump(d, g, ensure_ascii=False)
    n = 1_000_000
    # The command a clerk runs, beside SheetBench's path: `sheetgate validate FILE --schema …` also parses
    # its options and writes the text report (the first 1,000 findings) to stdout; it exits 1 on findings.
    # SHEETGATE=/path/to/sheetgate measures another build of the command (as SHEETBENCH does for SheetBench).
    cli = os.environ.get("SHEETGATE") or os.path.join(ROOT, ".build", "release", "sheetgate")
    if not os.environ.get("SHEETGATE") and not os.environ.get("BENCH_NO_BUILD"):
        sh(["swift", "build", "-c", "release", "--product", "sheetgate"], cwd=ROOT)
    results = [
        measure("sheetgate validate csv 1m ledger.schema.json", [SHEETBENCH, "validate", big, "--schema", schema], n, runs),
        measure("sheetgate validate csv 1m training-hours", [SHEETBENCH, "validate", big, "--schema", "training-hours"], n, runs),
        measure("sheetgate validate csv 1m ledger.schema.json without patterns", [SHEETBENCH, "validate", big, "--schema", plain], n, runs),
        measure("frictionless validate csv 100k of 1m ledger.schema.json",
                [PY, os.path.join(BENCH, "validate_frictionless.py"), os.path.basename(head), schema], 100_000, 1,
                cwd=WORK, expect="rows="),
    ]
    if os.path.exists(cli):
        results += [
            measure("CLI sheetgate validate csv 1m --schema ledger.schema.json",
                    [cli, "validate", big, "--schema", schema], n, runs, ok=(0, 1)),
            measure("CLI sheetgate validate csv 1m --schema training-hours",
                    [cli, "validate", big, "--schema", "training-hours"], n, runs, ok=(0, 1)),
        ]
    else:
        print(f"{cli} is missing (BENCH_NO_BUILD): the `sheetgate validate` rows are left out", file=sys.stderr)
    fl = "frictionless validate csv 100k of 1m ledger.schema.json"
    ratios = [
        ("ledger.schema.json (patterns): sheetgate rows/s ÷ frictionless", "sheetgate validate csv 1m ledger.schema.json",
         fl, "speed", "≥ 50"),
        ("training-hours: sheetgate rows/s ÷ frictionless", "sheetgate validate csv 1m training-hours",
         fl, "speed", "≥ 60"),
        ("CLI `sheetgate validate`, ledger.schema.json: rows/s ÷ frictionless",
         "CLI sheetgate validate csv 1m --schema ledger.schema.json", fl, "speed", "≥ 50"),
        ("CLI `sheetgate validate`, training-hours: rows/s ÷ frictionless",
         "CLI sheetgate validate csv 1m --schema training-hours", fl, "speed", "≥ 60"),
        ("patterns' cost: with ÷ without", "sheetgate validate csv 1m ledger.schema.json",
         "sheetgate validate csv 1m ledger.schema.json without patterns", "time", ""),
    ]
    print(table(results, ratios))


def merge(runs):
    base = os.path.join(WORK, "merge")
    subs = os.path.join(base, "submissions")
    roster = os.path.join(base, "roster.xlsx")
    new = os.path.join(base, "new")
    if not os.path.isdir(new):
        sh([PY, os.path.join(ROOT, "bench", "gen_submissions.py"), base, "--agencies", "200", "--rows", "500",
            "--broken", "4", "--new-file"])
    new_file = os.path.join(new, os.listdir(new)[0])
    # The incremental folder: every submission and the new file.
    inc = os.path.join(base, "with_new")
    os.makedirs(inc, exist_ok=True)
    for f in os.listdir(subs) + [new_file]:
        link = os.path.join(inc, os.path.basename(f))
        if not os.path.lexists(link):
            os.symlink(os.path.join(subs, f) if not os.path.isabs(f) else f, link)
    out = os.path.join(base, "out")
    os.makedirs(out, exist_ok=True)
    cold_store = os.path.join(out, "cold.sqlite")
    inc_store = os.path.join(out, "incremental.sqlite")
    full_store = os.path.join(out, "full.sqlite")

    def remove(path):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)

    def copy_store(src, dst):
        remove(dst)
        for suffix in ("", "-wal"):
            if os.path.exists(src + suffix):
                shutil.copyfile(src + suffix, dst + suffix)

    merge_cmd = lambda folder, *extra: [SHEETBENCH, "merge", folder, os.path.join(out, "merged.xlsx"), "--roster", roster, *extra]
    rows, new_rows = 98_000, 500
    # The stores the incremental runs start from: every submission but the new file; and every file.
    remove(inc_store + ".base")
    sh(merge_cmd(subs, "--store", inc_store + ".base"))
    remove(full_store)
    sh(merge_cmd(inc, "--store", full_store))
    openpyxl_runs = runs if os.environ.get("BENCH_SLOW_PEERS") else 1
    results = [
        measure("sheetgate merge cold (temporary store)", merge_cmd(subs), rows, runs),
        measure("sheetgate merge cold (new store)", merge_cmd(subs, "--store", cold_store), rows, runs,
                prepare=lambda: remove(cold_store)),
        measure("sheetgate merge incremental (+1 file)", merge_cmd(inc, "--store", inc_store), new_rows, runs,
                prepare=lambda: copy_store(inc_store + ".base", inc_store)),
        measure("SheetBench validate (the new file)", [SHEETBENCH, "validate", new_file, "--roster", roster], new_rows, runs),
        measure("sheetgate merge no-op rebuild (rewrite output)", merge_cmd(inc, "--store", full_store), rows + new_rows, runs),
        measure("openpyxl merge_openpyxl.py", [PY, os.path.join(ROOT, "bench", "merge_openpyxl.py"), subs,
                                               os.path.join(out, "openpyxl.xlsx")], rows, openpyxl_runs),
    ]
    ratios = [
        ("cold (temporary store): sheetgate rows/s ÷ openpyxl", "sheetgate merge cold (temporary store)",
         "openpyxl merge_openpyxl.py", "speed", "≥ 20"),
        ("cold (new store): sheetgate rows/s ÷ openpyxl", "sheetgate merge cold (new store)",
         "openpyxl merge_openpyxl.py", "speed", "≥ 20"),
        ("incremental time ÷ (validate new file + no-op rebuild)", "sheetgate merge incremental (+1 file)",
         ("SheetBench validate (the new file)", "sheetgate merge no-op rebuild (rewrite output)"), "time", "≤ 2"),
    ]
    print(table(results, ratios))


def merge_big(runs):
    """Issue 16's merge in bounded memory: `sheetgate merge` of the 1M-row ledger with errors (UTF-8 CSV)
    with --include-invalid into one workbook, peak RSS and time; with BASE_SHEETGATE set, that build's
    sheetgate too, interleaved in the same session (goal: peak ≤ 128 MiB, time ≤ 1.2× the old build's)."""
    src = os.path.join(WORK, "ledger_1m_err.utf8.csv")
    if not os.path.exists(src):
        raise SystemExit("run `python3 bench/bench.py setup --rows 1m` first")
    merge_ab("sheetgate merge 1M --include-invalid", ["merge", src, "--schema", "training-hours", "--include-invalid"],
             os.path.join(WORK, "merge-big"), runs)


def merge_ab(label, args, out, runs):
    """Times `sheetgate ARGS -o OUT/merged.xlsx -q` (this build's release binary, built unless BENCH_NO_BUILD is
    set) and, with BASE_SHEETGATE set, the same command of that build, interleaved round by round; prints the
    table with the time ratio against the base (goal ≤ 1.2) and the peak RSS of each."""
    new = os.path.join(ROOT, ".build", "release", "sheetgate")
    if not os.environ.get("BENCH_NO_BUILD"):
        sh(["swift", "build", "-c", "release", "--product", "sheetgate"], cwd=ROOT)
    builds = [(label, new)]
    if os.environ.get("BASE_SHEETGATE"):
        builds.append(("base " + label, os.environ["BASE_SHEETGATE"]))
    os.makedirs(out, exist_ok=True)
    results = []
    for _ in range(runs):
        for name, binary in builds:
            results.append(measure(name, [binary] + args + ["-o", os.path.join(out, "merged.xlsx"), "-q"], 1_000_000, 1,
                                   ok=(0, 1)))  # 1: the merge lists findings
    print(table(results, [("time ÷ base", builds[0][0], builds[-1][0], "time", "≤ 1.2")] if len(builds) > 1 else []))


def merge_2000(runs):
    """Issue 16's second bounded-memory merge: 2,000 agencies' training-hours ledgers of 500 rows each
    (bench/gen_submissions.py --agencies 2000, into bench/work/m2000/), merged by `sheetgate merge` with the
    roster into one workbook (1,000,000 rows), peak RSS and time; with BASE_SHEETGATE set, that build's
    sheetgate too, interleaved in the same session (goal: peak ≤ 128 MiB, time ≤ 1.2× the old build's)."""
    d = os.path.join(WORK, "m2000")
    if not os.path.exists(os.path.join(d, "made")):
        shutil.rmtree(d, ignore_errors=True)
        sh([PY if os.path.exists(PY) else sys.executable, os.path.join(BENCH, "gen_submissions.py"), d,
            "--agencies", "2000", "--rows", "500", "--broken", "0", "--seed", "11"], stdout=subprocess.DEVNULL)
        open(os.path.join(d, "made"), "w").close()
    merge_ab("sheetgate merge 2,000 files × 500 rows", ["merge", os.path.join(d, "submissions"), "--roster",
             os.path.join(d, "roster.xlsx"), "--schema", "training-hours", "--period", "2023"],
             os.path.join(WORK, "merge-2000"), runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["setup", "read", "write", "validate", "patterns", "merge", "merge-big", "merge-2000"])
    ap.add_argument("--rows", default="100k,1m")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    sizes = a.rows.split(",")
    if a.what == "setup":
        setup(sizes)
        return
    if not os.environ.get("SHEETBENCH") and not os.environ.get("BENCH_NO_BUILD"):
        build()
    if a.what == "setup":
        pass
    elif a.what == "read":
        read(sizes, a.runs)
    elif a.what == "validate":
        validate(sizes, a.runs)
    elif a.what == "patterns":
        patterns(a.runs)
    elif a.what == "merge":
        merge(a.runs)
    elif a.what == "merge-big":
        merge_big(a.runs)
        return
    elif a.what == "merge-2000":
        merge_2000(a.runs)
        return
    else:
        write(sizes, a.runs)


if __name__ == "__main__":
    main()
