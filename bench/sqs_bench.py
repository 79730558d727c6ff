#!/usr/bin/env python3
"""SQS benchmark runner: sqs-emu and moto_server side by side, on the same workload.

Starts sqs-emu (--port 0 --ready-file, durability as given) and moto_server (on a
free loopback port), creates the same queues on both, and drives each with
bench/sqs_load (the C load generator), one server after the other so they never
compete for the two cores:

  1. send      SendMessage, 1 KiB bodies, 32 keep-alive connections, --count
               messages (moto: --moto-count, stopped after --moto-seconds)
  2. drain     ReceiveMessage (10 at a time) + DeleteMessageBatch until empty
  3. longpoll  a receiver in WaitTimeSeconds=20, a sender; send-acknowledged to
               receive-returned latency over --rounds rounds
  4. sqs-emu only: idle RSS after start, exec-to-ready-file time on an empty
     store, and (--stored-messages, needs --durability fsync) with a full store.

Then prints one table: per phase and server, messages/s, p50/p99 (ms) and the
ratio Drydock/moto. This is a benchmark, not a test: it asserts nothing about
timing and exits non-zero only when something could not be run.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DUMMY_AUTH = (
    "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
    "Signature=" + "0" * 64
)
READY_TIMEOUT = 15.0  # seconds a daemon may take to come up before we give up


class BenchError(Exception):
    pass


# ---- processes ----------------------------------------------------------------


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path, lines=8):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:]).strip()
    except OSError:
        return ""


def stop(proc, grace=30.0):
    """SIGTERM one process we started, SIGKILL it if it does not exit in time."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class SqsEmu:
    """One sqs-emu process on an ephemeral port; `ready_s` is exec to ready file."""

    def __init__(self, binary, durability, data_dir, workdir, tag):
        self.ready_file = os.path.join(workdir, f"{tag}.ready")
        self.log = os.path.join(workdir, f"{tag}.log")
        if os.path.exists(self.ready_file):
            os.unlink(self.ready_file)
        argv = [binary, "--port", "0", "--ready-file", self.ready_file,
                "--durability", durability, "--log-level", "warn"]
        if data_dir:
            argv += ["--data-dir", data_dir]
        with open(self.log, "ab") as logf:
            t0 = time.monotonic()
            self.proc = subprocess.Popen(argv, stdout=logf, stderr=logf,
                                         stdin=subprocess.DEVNULL)
        while not os.path.exists(self.ready_file):
            if self.proc.poll() is not None:
                raise BenchError(f"sqs-emu exited with {self.proc.returncode}: "
                                 f"{log_tail(self.log)}")
            if time.monotonic() - t0 > READY_TIMEOUT:
                stop(self.proc)
                raise BenchError(f"sqs-emu not ready after {READY_TIMEOUT} s")
            time.sleep(0.0002)
        self.ready_s = time.monotonic() - t0
        with open(self.ready_file) as f:
            info = json.load(f)
        self.port = info["port"]
        self.url = f"http://127.0.0.1:{self.port}"

    def status(self, field):
        """A /proc/PID/status field in KiB (VmRSS, VmHWM)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise BenchError(f"no {field} in /proc/{self.proc.pid}/status")

    def stop(self):
        stop(self.proc)


class Moto:
    def __init__(self, binary, workdir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = os.path.join(workdir, "moto.log")
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(self.port)],
                                         stdout=logf, stderr=logf, stdin=subprocess.DEVNULL)
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise BenchError(f"moto_server exited with {self.proc.returncode}: "
                                 f"{log_tail(self.log)}")
            try:
                sqs_call(self.url, "ListQueues", {})
                break
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() - t0 > 30:
                stop(self.proc)
                raise BenchError("moto_server not answering after 30 s")
            time.sleep(0.1)

    def stop(self):
        stop(self.proc, grace=10.0)


def sqs_call(url, action, body):
    """One AWS JSON 1.0 call; returns the decoded reply or raises BenchError."""
    host = url.split("//", 1)[1]
    hostname, port = host.rsplit(":", 1)
    conn = http.client.HTTPConnection(hostname, int(port), timeout=30)
    try:
        conn.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"AmazonSQS.{action}",
            "X-Amz-Date": "20250101T000000Z",
            "Authorization": DUMMY_AUTH,
        })
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        raise BenchError(f"{action} on {url}: HTTP {resp.status} {data[:200]!r}")
    try:
        return json.loads(data) if data else {}
    except ValueError:
        raise BenchError(f"{action} on {url}: not JSON: {data[:200]!r}")


def create_queue(url, name):
    reply = sqs_call(url, "CreateQueue", {"QueueName": name})
    if "QueueUrl" not in reply:
        raise BenchError(f"CreateQueue on {url}: no QueueUrl in {reply}")
    return reply["QueueUrl"]


def queue_depth(url, queue_url):
    reply = sqs_call(url, "GetQueueAttributes",
                     {"QueueUrl": queue_url, "AttributeNames": ["All"]})
    attrs = reply.get("Attributes", {})
    return sum(int(attrs.get(k, 0)) for k in (
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed"))


# ---- load ---------------------------------------------------------------------


def run_load(loader, url, queue_url, phase, extra, label):
    argv = [loader, "--url", url, "--queue-url", queue_url, "--phase", phase, "--json"] + extra
    print(f"  {label}: sqs_load --phase {phase} {' '.join(extra)}", flush=True)
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise BenchError(f"sqs_load {phase} against {label} printed no result "
                         f"(exit {done.returncode}): {done.stderr.strip()}")
    res = json.loads(lines[-1])
    summary = f"{res['messages']} messages, {res['msgs_per_s']:.0f} msg/s, " \
              f"stopped by {res['stopped_by']}, {res['errors']} errors"
    print(f"    -> {summary}", flush=True)
    if res.get("first_error"):
        print(f"    first error: {res['first_error']}", flush=True)
    return res


def run_server(args, label, url, bulk_q, lp_q, count, send_s, drain_s, rounds):
    common = ["--conns", str(args.conns)]
    out = {}
    out["send"] = run_load(args.sqs_load, url, bulk_q, "send", common + [
        "--count", str(count), "--duration", str(send_s),
        "--body-size", str(args.body_size)], label)
    out["drain"] = run_load(args.sqs_load, url, bulk_q, "drain", common + [
        "--count", str(max(count * 2, 1000)), "--duration", str(drain_s),
        "--visibility", str(args.visibility)], label)
    out["longpoll"] = run_load(args.sqs_load, url, lp_q, "longpoll", [
        "--count", str(rounds), "--wait", "20", "--settle-ms", str(args.settle_ms),
        "--duration", str(args.longpoll_seconds), "--body-size", str(args.body_size)], label)
    return out


# ---- sqs-emu only -------------------------------------------------------------


def measure_ready(args, workdir):
    """exec -> ready file on an empty store, --ready-runs fresh processes."""
    times = []
    for i in range(args.ready_runs):
        data_dir = None
        if args.durability != "memory":
            data_dir = tempfile.mkdtemp(prefix="ready-", dir=workdir)
        emu = SqsEmu(args.sqs_emu, args.durability, data_dir, workdir, f"ready{i}")
        times.append(emu.ready_s)
        emu.stop()
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    return times


def measure_stored_ready(args, workdir):
    """exec -> ready file with --stored-messages messages in an fsync store.

    Needs the LMDB store: skipped (with the reason) when the binary does not
    accept --durability fsync.
    """
    n = args.stored_messages
    if n == 0:
        return {"skipped": "disabled (--stored-messages 0)"}
    data_dir = tempfile.mkdtemp(prefix="stored-", dir=workdir)
    try:
        try:
            emu = SqsEmu(args.sqs_emu, "fsync", data_dir, workdir, "stored-fill")
        except BenchError as e:
            return {"skipped": f"--durability fsync not accepted ({e})"}
        try:
            q = create_queue(emu.url, "bench-stored")
            print(f"  filling {n} messages of {args.stored_body_size} B "
                  "(SendMessageBatch, fsync)", flush=True)
            fill = run_load(args.sqs_load, emu.url, q, "send", [
                "--conns", str(args.conns), "--batch", "10", "--count", str(n),
                "--body-size", str(args.stored_body_size), "--duration", "1800"], "sqs-emu")
        finally:
            emu.stop()
        times, rss, depth = [], [], None
        for i in range(3):
            emu = SqsEmu(args.sqs_emu, "fsync", data_dir, workdir, f"stored{i}")
            times.append(emu.ready_s)
            try:
                time.sleep(0.2)
                rss.append(emu.status("VmRSS"))
                if i == 0:
                    try:
                        depth = queue_depth(emu.url, q)
                    except BenchError as e:
                        depth = f"unknown ({e})"
            finally:
                emu.stop()
        return {"messages": fill["messages"], "ready_s": times, "rss_kib": rss,
                "depth_after_restart": depth}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# ---- report -------------------------------------------------------------------


def fmt_rate(v):
    return f"{v:,.0f}"


def fmt_ms(v):
    if v is None:
        return "—"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def ratio(a, b):
    if not a or not b:
        return "—"
    r = a / b
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    if r >= 0.1:
        return f"{r:.2f}×"
    return f"{r:.2g}×"


def call(res, name):
    return res["calls"].get(name, {})


def build_table(args, drydock, moto):
    send_goal = {"fsync": "≥ 20,000 msg/s", "memory": "≥ 40,000 msg/s"}.get(args.durability, "—")
    rows = []

    def row(phase, server, res, msgs, rate, c, goal="", ratio_text=""):
        rows.append([phase, server, msgs, rate, fmt_ms(c.get("p50_ms") if c else None),
                     fmt_ms(c.get("p99_ms") if c else None), ratio_text, goal])

    def pair(phase, key, callname, goal, rate_phase=True, unit="calls"):
        d = drydock[key]
        m = moto.get(key) if moto else None
        dc, mc = call(d, callname), call(m, callname) if m else {}
        if rate_phase:
            rt = ratio(d["msgs_per_s"], m["msgs_per_s"]) if m else "—"
            row(phase, "sqs-emu", d, f"{d['messages']:,}", fmt_rate(d["msgs_per_s"]), dc,
                goal, rt)
            if m:
                row("", "moto", m, f"{m['messages']:,}", fmt_rate(m["msgs_per_s"]), mc)
        else:
            rt = ratio(dc.get("p99_ms"), mc.get("p99_ms")) + " (p99)" if m else "—"
            row(phase, "sqs-emu", d, f"{dc.get('n', 0):,} {unit}", "—", dc, goal, rt)
            if m:
                row("", "moto", m, f"{mc.get('n', 0):,} {unit}", "—", mc)

    pair(f"send: SendMessage, {args.body_size} B, {args.conns} conns", "send", "SendMessage",
         f"{send_goal} ({args.durability})")
    pair("receive+delete: msg/s; ReceiveMessage latency", "drain", "ReceiveMessage",
         "≥ 20,000 msg/s")
    pair("  DeleteMessageBatch latency", "drain", "DeleteMessageBatch", "", rate_phase=False)
    pair("long-poll wake: send ack → receive returned", "longpoll", "wake", "p99 ≤ 2 ms",
         rate_phase=False, unit="rounds")
    pair("  send issued → receive returned", "longpoll", "wake_from_send", "",
         rate_phase=False, unit="rounds")
    head = ["phase", "server", "messages", "msg/s", "p50 ms", "p99 ms", "Drydock/moto",
            "goal (issue 3)"]
    return head, rows


def markdown(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Linux {platform.release()}"


def version(argv):
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=30)
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin-dir", default=os.path.join(REPO, "build", "bin"),
                    help="where sqs-emu and sqs_load are (default: build/bin)")
    ap.add_argument("--sqs-emu", help="sqs-emu binary (default: BIN_DIR/sqs-emu)")
    ap.add_argument("--sqs-load", help="sqs_load binary (default: BIN_DIR/sqs_load)")
    ap.add_argument("--moto-server", default="moto_server", help="moto_server command")
    ap.add_argument("--no-moto", action="store_true", help="benchmark sqs-emu alone")
    ap.add_argument("--durability", default="memory", choices=["memory", "batch", "fsync"],
                    help="sqs-emu --durability for phases 1-3 and the ready time")
    ap.add_argument("--count", type=int, default=200000, help="messages sent to sqs-emu")
    ap.add_argument("--moto-count", type=int, default=200000,
                    help="messages sent to moto at most (it is stopped by --moto-seconds)")
    ap.add_argument("--moto-seconds", type=float, default=10.0,
                    help="time budget of moto's send phase; compare rates, not totals")
    ap.add_argument("--send-seconds", type=float, default=300.0,
                    help="time budget of sqs-emu's send phase")
    ap.add_argument("--drain-seconds", type=float, default=300.0,
                    help="time budget of each drain phase")
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--body-size", type=int, default=1024)
    ap.add_argument("--visibility", type=int, default=300,
                    help="VisibilityTimeout of drain receives (moto's slow deletes must not "
                         "let messages reappear)")
    ap.add_argument("--rounds", type=int, default=200, help="long-poll rounds per server")
    ap.add_argument("--settle-ms", type=int, default=20,
                    help="pause between parking the receiver and sending")
    ap.add_argument("--longpoll-seconds", type=float, default=120.0,
                    help="time budget of each long-poll phase")
    ap.add_argument("--ready-runs", type=int, default=10,
                    help="fresh sqs-emu starts timed for the empty-store ready time")
    ap.add_argument("--stored-messages", type=int, default=1000000,
                    help="ready time with this many stored messages (fsync store, LMDB); "
                         "skipped when sqs-emu refuses --durability fsync; 0 disables")
    ap.add_argument("--stored-body-size", type=int, default=256,
                    help="body size of the stored messages")
    ap.add_argument("--json-out", help="also write every raw result to this JSON file")
    args = ap.parse_args()
    args.sqs_emu = args.sqs_emu or os.path.join(args.bin_dir, "sqs-emu")
    args.sqs_load = args.sqs_load or os.path.join(args.bin_dir, "sqs_load")
    for b in (args.sqs_emu, args.sqs_load):
        if not os.access(b, os.X_OK):
            raise BenchError(f"{b}: not found or not executable (build first, or --bin-dir)")
    if not args.no_moto and not shutil.which(args.moto_server):
        raise BenchError(f"{args.moto_server}: not on PATH (pip install 'moto[server]', "
                         "or --no-moto)")

    started = datetime.datetime.now(datetime.timezone.utc)
    cmdline = "python3 bench/sqs_bench.py " + " ".join(sys.argv[1:])
    print(f"SQS benchmark, {started:%Y-%m-%d %H:%M} UTC, {machine()}")
    print(f"sqs-emu: {version([args.sqs_emu, '--version'])}, --durability {args.durability}")
    workdir = tempfile.mkdtemp(prefix="sqs-bench-")
    results = {"date": started.isoformat(), "machine": machine(), "command": cmdline,
               "durability": args.durability}
    emu = moto = None
    try:
        data_dir = None
        if args.durability != "memory":
            data_dir = os.path.join(workdir, "data")
            os.mkdir(data_dir)
        emu = SqsEmu(args.sqs_emu, args.durability, data_dir, workdir, "main")
        time.sleep(0.3)
        results["idle_rss_kib"] = emu.status("VmRSS")
        if not args.no_moto:
            moto = Moto(args.moto_server, workdir)
            results["moto_version"] = version(
                [sys.executable, "-c", "import moto; print(moto.__version__)"])
            print(f"moto: {results['moto_version']} on port {moto.port}")
        queues = {}
        for label, srv in (("sqs-emu", emu), ("moto", moto)):
            if srv:
                queues[label] = (create_queue(srv.url, "bench-bulk"),
                                 create_queue(srv.url, "bench-longpoll"))

        print("sqs-emu:", flush=True)
        results["sqs-emu"] = run_server(args, "sqs-emu", emu.url, *queues["sqs-emu"],
                                        args.count, args.send_seconds, args.drain_seconds,
                                        args.rounds)
        results["peak_rss_kib"] = emu.status("VmHWM")
        emu.stop()
        emu = None
        if moto:
            print("moto:", flush=True)
            results["moto"] = run_server(args, "moto", moto.url, *queues["moto"],
                                         args.moto_count, args.moto_seconds, args.drain_seconds,
                                         args.rounds)
            moto.stop()
            moto = None

        print("sqs-emu ready time:", flush=True)
        results["ready_s"] = measure_ready(args, workdir)
        results["stored"] = measure_stored_ready(args, workdir)
    finally:
        if emu:
            emu.stop()
        if moto:
            moto.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)

    head, rows = build_table(args, results["sqs-emu"], results.get("moto"))
    print()
    print(f"Date: {started:%Y-%m-%d} · machine: {machine()}")
    print(f"Command: {cmdline}")
    if "moto" in results:
        print(f"sqs-emu --durability {args.durability}; moto {results['moto_version']} "
              f"(its send phase stopped after {args.moto_seconds:g} s: compare rates, not totals)")
    else:
        print(f"sqs-emu --durability {args.durability}; moto not run")
    print()
    print(markdown(head, rows))
    print()
    ready_ms = [t * 1000 for t in results["ready_s"]]
    stored = results["stored"]
    if "skipped" in stored:
        stored_text = f"skipped: {stored['skipped']}"
    else:
        st = [t * 1000 for t in stored["ready_s"]]
        depth = stored["depth_after_restart"]
        depth = f"{depth:,}" if isinstance(depth, int) else depth
        stored_text = (f"{statistics.median(st):.0f} ms median of {len(st)} "
                       f"({stored['messages']:,} messages sent, {depth} queued after restart, "
                       f"VmRSS {max(stored['rss_kib']) / 1024:.1f} MB)")
    extra = [
        ["idle RSS (VmRSS after start)", f"{results['idle_rss_kib'] / 1024:.1f} MB", "≤ 10 MB"],
        ["peak RSS during phases 1-3 (VmHWM)", f"{results['peak_rss_kib'] / 1024:.1f} MB", "—"],
        [f"exec → ready file, empty store ({args.durability})",
         f"{statistics.median(ready_ms):.1f} ms median, {max(ready_ms):.1f} ms max "
         f"of {len(ready_ms)}", "≤ 50 ms"],
        [f"exec → ready file, {args.stored_messages:,} stored messages (fsync)", stored_text,
         "≤ 2 s"],
    ]
    print(markdown(["sqs-emu only", "measured", "goal (issue 3)"], extra))
    notes = []
    for label in ("sqs-emu", "moto"):
        r = results.get(label)
        if not r:
            continue
        lp = r["longpoll"]
        notes.append(f"{label}: long-poll rounds {lp.get('rounds', 0)}, not woken by the send "
                     f"{lp.get('misses', 0)}, returned before the send's reply {lp.get('early', 0)}"
                     f"; drain stopped by {r['drain']['stopped_by']}; connections opened in the "
                     f"send phase {r['send']['connections_opened']:,}; errors "
                     f"{sum(r[p]['errors'] for p in r)}")
    print()
    for n in notes:
        print("- " + n)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"sqs_bench: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
