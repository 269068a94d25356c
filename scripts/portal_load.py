#!/usr/bin/env python3
"""Load test of `sheetgate serve` (and its SIGKILL restart test), on 127.0.0.1 only.

Generates N distinct 500-row 培训学时台账 workbooks (bench/gen_ledger.py's rows, one seed each, XlsxWriter),
starts `sheetgate serve` with the uploads-per-minute limit raised, fetches the agencies' links with
`sheetgate serve links`, and sends the uploads through the links from C concurrent clients (threads with
http.client, the same multipart form a browser sends). Then it checks the store:
  every upload answered 200 is recorded (upload table) and its file stored (submission table);
  every file is stored exactly once (one submission per SHA-256, one upload record per answered upload).
With --kill-after K the server is killed with SIGKILL once K uploads have been answered, restarted, and
the uploads not answered are sent again (a client retrying).

Bounded: at most --uploads uploads and --timeout seconds; exits 1 on any check failing.
Prints one JSON line with the figures (p50/p95/max latency of an upload in ms, throughput).

  scripts/portal_load.py --sheetgate .build/release/sheetgate --uploads 1000 --concurrency 50
  scripts/portal_load.py --sheetgate .build/debug/sheetgate --uploads 200 --concurrency 50 --kill-after 80
"""
import argparse
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "bench"))
import gen_ledger  # noqa: E402


def make_ledgers(folder, n, rows, agencies):
    """n distinct workbooks (cached by name in `folder`)."""
    import xlsxwriter
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i in range(n):
        p = os.path.join(folder, "ledger_%d_%04d.xlsx" % (rows, i))
        if not os.path.exists(p):
            tmp = p + ".tmp.xlsx"
            wb = xlsxwriter.Workbook(tmp)
            ws = wb.add_worksheet("培训学时台账")
            datef, decf, textf = gen_ledger.setup_xlsxwriter(wb, ws)
            gen_ledger.write_rows_xlsxwriter(ws, gen_ledger.iter_rows(rows, seed=1000 + i), datef, decf, textf)
            wb.close()
            os.replace(tmp, p)
        paths.append(p)
    return paths


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, sheetgate, config, port, log):
        self.args = [sheetgate, "serve", "--config", config, "--port", str(port), "--quiet"]
        self.port = port
        self.log = log
        self.proc = None

    def start(self, timeout=60):
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/")
                c.getresponse().read()
                c.close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit("server exited with %s" % self.proc.returncode)
                time.sleep(0.1)
        raise SystemExit("server did not start in %ss" % timeout)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def multipart(fields, name, data):
    boundary = "----sheetgate" + uuid.uuid4().hex
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode())
    out.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n" % (boundary, name)).encode())
    out.append(data)
    out.append(("\r\n--%s--\r\n" % boundary).encode())
    return "multipart/form-data; boundary=" + boundary, b"".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheetgate", required=True)
    ap.add_argument("--uploads", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--kill-after", type=int, default=0, help="SIGKILL the server after this many answered uploads, restart it")
    ap.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    ap.add_argument("--cache", default=os.path.join(REPO, "bench", "work", "portal"))
    ap.add_argument("--roster", default=os.path.join(REPO, "samples", "本级行政执法部门名单.xlsx"))
    a = ap.parse_args()
    started = time.time()

    files = make_ledgers(a.cache, a.uploads, a.rows, None)
    work = tempfile.mkdtemp(prefix="sheetgate-portal-load-")
    config = os.path.join(work, "sheetgate.yaml")
    port = free_port()
    with open(config, "w", encoding="utf-8") as f:
        f.write("roster: %s\nstore: %s\nstate: %s\ncollections:\n  - schema: training-hours\n    period: \"2023\"\n"
                "    deadline: 2099-12-31\nserve:\n  port: %d\n  uploads_per_minute: 100000\n  queue: %d\n"
                % (a.roster, os.path.join(work, "store.sqlite"), os.path.join(work, "state"), port, max(64, a.concurrency * 2)))
    out = subprocess.run([a.sheetgate, "serve", "links", "--config", config, "--xlsx", os.path.join(work, "links.xlsx"), "--quiet"],
                         capture_output=True, text=True, check=True).stdout
    links = [line.split("\t") for line in out.splitlines() if "\t" in line]
    tokens = [(agency, link.rsplit("/", 1)[1]) for agency, link in links]
    log = open(os.path.join(work, "server.log"), "ab")
    server = Server(a.sheetgate, config, port, log)
    server.start()

    # The form token of each link (as a browser would read it from the page).
    csrf = {}
    for agency, token in tokens:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/a/" + token)
        page = c.getresponse().read().decode()
        c.close()
        csrf[token] = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)

    lock = threading.Lock()
    pending = list(range(a.uploads))
    answered = {}      # i -> (status, seconds)
    failures = []      # (i, error) not answered: sent again after a restart
    killed = threading.Event()
    restarted = threading.Event()
    digests = [hashlib.sha256(open(p, "rb").read()).hexdigest() for p in files]

    def worker():
        while time.time() - started < a.timeout:
            with lock:
                if not pending:
                    return
                i = pending.pop(0)
            agency, token = tokens[i % len(tokens)]
            data = open(files[i], "rb").read()
            ct, body = multipart({"csrf": csrf[token]}, "第%04d份培训学时台账.xlsx" % i, data)
            t0 = time.time()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                c.request("POST", "/a/%s/upload" % token, body=body, headers={"Content-Type": ct})
                r = c.getresponse()
                page = r.read().decode("utf-8", "replace")
                c.close()
                dt = time.time() - t0
                if r.status == 503:  # queue full: try again shortly
                    with lock:
                        pending.append(i)
                    time.sleep(0.2)
                    continue
                ok = r.status == 200 and ("校验通过" in page or "有错误" in page)
                with lock:
                    answered[i] = (r.status if ok else -r.status, dt)
                    n = len(answered)
                if a.kill_after and n == a.kill_after and not killed.is_set():
                    killed.set()
                    server.kill()
                    server.start()
                    restarted.set()
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    failures.append(i)
                    pending.append(i)  # the client sends it again once the server is back
                if killed.is_set():
                    restarted.wait(60)
                else:
                    time.sleep(0.2)

    threads = [threading.Thread(target=worker) for _ in range(a.concurrency)]
    t_load = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    load_seconds = time.time() - t_load
    server.stop()

    bad = [i for i, (s, _) in answered.items() if s != 200]
    missing = [i for i in range(a.uploads) if i not in answered]
    db = sqlite3.connect(os.path.join(work, "store.sqlite"))
    subs = db.execute("SELECT sha256, COUNT(*) FROM submission GROUP BY sha256").fetchall()
    per_sha = dict(subs)
    uploads = db.execute("SELECT sha256, already_stored FROM upload").fetchall()
    upload_shas = {}
    for sha, again in uploads:
        upload_shas.setdefault(sha, []).append(again)
    problems = []
    if bad:
        problems.append("%d uploads answered with an error: %s" % (len(bad), bad[:5]))
    if missing:
        problems.append("%d uploads never answered (timeout?): %s" % (len(missing), missing[:5]))
    for i in answered:
        d = digests[i]
        if per_sha.get(d) != 1:
            problems.append("upload %d: %s submissions stored for its file (expected exactly 1)" % (i, per_sha.get(d)))
        if d not in upload_shas:
            problems.append("upload %d answered but not recorded" % i)
        elif sum(1 for x in upload_shas[d] if x == 0) > 1:
            # A retry of an upload the killed server had stored but not answered is recorded as already stored.
            problems.append("upload %d: its file stored by %d upload records" % (i, sum(1 for x in upload_shas[d] if x == 0)))
    if len(per_sha) != len(set(digests[i] for i in answered)):
        problems.append("store holds %d files, %d answered" % (len(per_sha), len(answered)))
    lat = sorted(dt for s, dt in answered.values())

    def pct(p):
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else None

    result = {
        "uploads": a.uploads, "concurrency": a.concurrency, "rows": a.rows, "answered": len(answered),
        "stored_files": len(per_sha), "upload_records": len(uploads), "connection_errors": len(failures),
        "killed": killed.is_set(), "p50_ms": pct(0.50), "p95_ms": pct(0.95), "max_ms": pct(1.0),
        "seconds": round(load_seconds, 1), "uploads_per_second": round(len(answered) / load_seconds, 1) if load_seconds else None,
        "problems": problems[:10],
    }
    print(json.dumps(result, ensure_ascii=False))
    if not problems:
        subprocess.run(["rm", "-rf", work])
    else:
        print("work folder kept: " + work, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
