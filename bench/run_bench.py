#!/usr/bin/env python3
"""`sheetgate run` against `sheetgate merge` on the same submissions (issue 13's benchmark).

    python3 bench/run_bench.py [--messages 1000] [--rows 500] [--runs 3] [--base OTHER/sheetgate]

With --base, the same commands of another build (e.g. the previous commit's release binary) are measured in
the same session, interleaved with this build's (run, base run, merge, base merge, per round): an A/B in one run.

Data (into bench/work/run/, ignored by git): bench/gen_submissions.py writes 200 agencies' training-hours
ledgers of ROWS rows; it is run MESSAGES/200 times with different seeds, each set's files renamed with
the set's number (`…_2023_s2.xlsx`), so that every file has its own bytes and each agency sends
MESSAGES/200 submissions (a later one replaces the earlier: the same for both commands). Then
Tests/BatchTests/Fixtures/make_mailbox.py delivers one message per file into a Maildir, in the four
client shapes (Outlook, Foxmail, QQ Mail, 163 Mail).

Measured, each one whole process of the release binary (wall time, median over --runs; peak RSS):
  - `sheetgate run`: a fresh copy of the Maildir (copied before the clock starts), a new store, outbox
    and output folder: every message parsed, every attachment validated, reported, stored and answered
    (a draft per message), the message moved to cur/, the consolidated workbook written;
  - `sheetgate merge --store`: the same files already on disk, a new store, the consolidated workbook.
Goal: run's time ≤ 1.3 × merge's.
Needs xlsxwriter for the generator (bench/venv from `bench.py setup`, or $SHEETGATE_PYTHON).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work", "run")
SHEETGATE = os.path.join(ROOT, ".build", "release", "sheetgate")


def python():
    for p in [os.environ.get("SHEETGATE_PYTHON"), os.path.join(ROOT, "bench", "venv", "bin", "python"), sys.executable]:
        if p and os.path.exists(p) and subprocess.run([p, "-c", "import xlsxwriter"], capture_output=True).returncode == 0:
            return p
    raise SystemExit("no Python with xlsxwriter: run `python3 bench/bench.py setup` or set SHEETGATE_PYTHON")


def sh(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def generate(messages, rows):
    files = os.path.join(WORK, "files")
    mail = os.path.join(WORK, "mail")
    stamp = os.path.join(WORK, "made-%d-%d" % (messages, rows))
    if os.path.exists(stamp):
        return files, mail, os.path.join(WORK, "set1", "roster.xlsx")
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(files)
    py = python()
    sets = max(1, messages // 200)
    for k in range(1, sets + 1):
        d = os.path.join(WORK, "set%d" % k)
        sh([py, os.path.join(ROOT, "bench", "gen_submissions.py"), d, "--agencies", "200", "--rows", str(rows),
            "--broken", "0", "--seed", str(k)], stdout=subprocess.DEVNULL)
        for n in sorted(os.listdir(os.path.join(d, "submissions"))):
            stem, ext = os.path.splitext(n)
            os.rename(os.path.join(d, "submissions", n), os.path.join(files, "%s_s%d%s" % (stem, k, ext)))
    sh([py, os.path.join(ROOT, "Tests", "BatchTests", "Fixtures", "make_mailbox.py"), mail, "many", files],
       stdout=subprocess.DEVNULL)
    open(stamp, "w").close()
    return files, mail, os.path.join(WORK, "set1", "roster.xlsx")


def measure(name, cmd, runs, prepare):
    times, rss = [], []
    for _ in range(runs):
        prepare()
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        times.append(time.perf_counter() - t)
        rss.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit("%s failed (%d): %s" % (name, code, p.stderr.read().decode()))
        p.stderr.close()
    print("%-28s median %.2f s  (runs: %s)  peak RSS %.0f MiB" % (name, statistics.median(times),
                                                                  ", ".join("%.2f" % t for t in times), max(rss)))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base", help="another build's sheetgate binary, measured in the same session")
    ap.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    a = ap.parse_args()
    if not a.no_build:
        sh(["swift", "build", "-c", "release", "--product", "sheetgate"], cwd=ROOT)
    files, mail, roster = generate(a.messages, a.rows)
    n = len([f for f in os.listdir(files)])
    print("%d messages, one %d-row ledger attached to each" % (n, a.rows))
    out = os.path.join(WORK, "out")

    def fresh_run():
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        shutil.copytree(mail, os.path.join(out, "mail"))

    def fresh_merge():
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)

    def run_cmd(binary):
        return [binary, "run", "--maildir", os.path.join(out, "mail"), "--roster", roster,
                "--store", os.path.join(out, "run.sqlite"), "--outbox", os.path.join(out, "outbox"),
                "--output", os.path.join(out, "汇总"), "--schema", "training-hours", "--period", "2023",
                "--from", "sfj@wsq.gov.cn", "-q"]

    def merge_cmd(binary):
        return [binary, "merge", files, "--roster", roster, "--schema", "training-hours", "--period", "2023",
                "--store", os.path.join(out, "merge.sqlite"), "-o", os.path.join(out, "汇总.xlsx"), "-q"]

    builds = [("", SHEETGATE)] + ([(" (base)", a.base)] if a.base else [])
    times = {}
    for _ in range(a.runs):  # interleaved: one round of every command, then the next round
        for label, binary in builds:
            times.setdefault("run" + label, []).append(measure("sheetgate run" + label, run_cmd(binary), 1, fresh_run))
        for label, binary in builds:
            times.setdefault("merge" + label, []).append(measure("sheetgate merge --store" + label, merge_cmd(binary), 1, fresh_merge))
    print("| what | run | merge | ratio | goal |\n|---|---:|---:|---:|---|")
    for label, _ in builds:
        run, merge = statistics.median(times["run" + label]), statistics.median(times["merge" + label])
        print("| %d messages × %d rows%s | %.2f s | %.2f s | %.2f× merge's time | ≤ 1.3 |" % (n, a.rows, label, run, merge, run / merge))

main()
