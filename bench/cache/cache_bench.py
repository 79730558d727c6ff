#!/usr/bin/env python3
"""Cache benchmark: cache-emu and redis-server 7.0.15 side by side.

Throughput: redis-benchmark (--csv) against both servers, interleaved in one
run: --rounds rounds, each running every pipeline depth on both servers, the
server order alternating from round to round so neither always runs on a
warmer machine. Both servers are FLUSHALL'ed before every redis-benchmark
run. The table shows, per test and pipeline depth, the median requests/s of
each server over the rounds and the ratio cache-emu / redis.

Memory: on a fresh instance of each server, --keys keys `SET key:%08d value`
are loaded by mass insertion (redis-cli --pipe); used_memory per key is the
growth of INFO used_memory divided by the key count. Then again with EX 3600
on every key. Idle RSS is VmRSS (/proc/PID/status) 0.3 s after start.

This is a benchmark, not a test: it asserts nothing about the numbers and exits
non-zero only when something could not be run. Build cache-emu with
-DCMAKE_BUILD_TYPE=Release first (a Debug build measures the debug build).
"""

import argparse
import csv
import datetime
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TESTS = "set,get,incr,lpush,rpop,sadd,hset,zadd,mset"


class BenchError(Exception):
    pass


def load_harness(bin_dir):
    """cache_harness from conformance/, pointed at bin_dir."""
    if bin_dir:
        os.environ["DRYDOCK_BIN_DIR"] = os.path.abspath(bin_dir)
    sys.path.insert(0, os.path.join(REPO, "conformance"))
    import cache_harness  # noqa: E402

    return cache_harness


def start_servers(ch, want_emu, emu_args):
    servers = {"redis": ch.start_reference()}
    if want_emu:
        try:
            servers["cache-emu"] = ch.CacheEmuServer(emu_args)
        except BaseException:
            servers["redis"].close()
            raise
    return servers


def run_benchmark(srv, tests, clients, requests, pipeline, keyspace):
    argv = ["redis-benchmark", "-h", srv.host, "-p", str(srv.port), "-c", str(clients),
            "-n", str(requests), "-P", str(pipeline), "-t", tests, "-r", str(keyspace), "--csv"]
    p = subprocess.run(argv, capture_output=True, timeout=3600)
    if p.returncode != 0:
        raise BenchError("redis-benchmark failed on %s: %s" % (srv.kind, p.stderr.decode()[-2000:]))
    rows = {}
    for row in csv.DictReader(io.StringIO(p.stdout.decode("utf-8", "replace"))):
        try:
            rows[row["test"]] = float(row["rps"])
        except (KeyError, ValueError):
            continue
    if not rows:
        raise BenchError("no CSV rows from redis-benchmark on %s:\n%s%s"
                         % (srv.kind, p.stdout.decode()[-2000:], p.stderr.decode()[-2000:]))
    return rows


def throughput(ch, servers, args):
    """({(test, pipeline): {server: [rps per round]}},
    {pipeline: {server: [server CPU us per request, per round]}})."""
    results = {}
    cpu = {}
    names = list(servers)
    for rnd in range(args.rounds):
        order = names if rnd % 2 == 0 else list(reversed(names))
        for pipeline in args.pipelines:
            for name in order:
                srv = servers[name]
                srv.flushall()
                t0 = time.monotonic()
                c0 = ch.cpu_seconds(srv.pid)
                rows = run_benchmark(srv, args.tests, args.clients, args.requests, pipeline,
                                     args.keyspace)
                used = ch.cpu_seconds(srv.pid) - c0
                cpu.setdefault(pipeline, {}).setdefault(name, []).append(
                    used * 1e6 / (args.requests * len(rows)))
                print("  round %d  -P %-3d %-10s %5.1f s" % (rnd + 1, pipeline, name,
                                                             time.monotonic() - t0),
                      file=sys.stderr)
                for test, rps in rows.items():
                    results.setdefault((test, pipeline), {}).setdefault(name, []).append(rps)
    return results, cpu


def mass_insert(srv, n, ttl):
    """Loads n keys through redis-cli --pipe; returns the seconds it took."""
    ex = b"" if not ttl else b"$2\r\nEX\r\n$%d\r\n%d\r\n" % (len(str(ttl)), ttl)
    head = b"*5\r\n" if ttl else b"*3\r\n"
    with tempfile.TemporaryFile() as f:
        chunk = []
        for i in range(n):
            chunk.append(head + b"$3\r\nSET\r\n$12\r\nkey:%08d\r\n$5\r\nvalue\r\n" % i + ex)
            if len(chunk) == 100000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
        f.seek(0)
        argv = ["redis-cli", "-h", srv.host, "-p", str(srv.port), "--pipe"]
        if srv.password:
            argv += ["--no-auth-warning", "-a", srv.password]
        t0 = time.monotonic()
        p = subprocess.run(argv, stdin=f, capture_output=True, timeout=3600)
        took = time.monotonic() - t0
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0 or "errors: 0, replies: %d" % n not in out:
        raise BenchError("mass insertion into %s failed: %s%s" % (srv.kind, out[-1000:],
                                                                 p.stderr.decode()[-1000:]))
    return took


def memory(ch, want_emu, n):
    """{server: {...}} with idle RSS, used_memory per key (plain and with TTL)."""
    out = {}
    kinds = ["redis"] + (["cache-emu"] if want_emu else [])
    for name in kinds:
        srv = ch.start_reference() if name == "redis" else ch.CacheEmuServer()
        try:
            time.sleep(0.3)
            row = {"idle_rss_kb": ch.read_vmrss_kb(srv.pid)}
            for label, ttl in (("plain", 0), ("ttl", 3600)):
                srv.flushall()
                base = int(srv.info("memory")["used_memory"])
                took = mass_insert(srv, n, ttl)
                info = srv.info()
                used = int(info["used_memory"])
                keys = ch.parse_keyspace_line(info["db0"])["keys"] if "db0" in info else 0
                if keys != n:
                    raise BenchError("%s holds %d keys after loading %d" % (name, keys, n))
                row[label] = {"per_key": (used - base) / n, "used": used, "load_s": took,
                              "rss_kb": ch.read_vmrss_kb(srv.pid)}
                print("  memory %-10s %-5s %.1f B/key, load %.1f s" % (
                    name, label, row[label]["per_key"], took), file=sys.stderr)
            out[name] = row
        finally:
            srv.close()
    return out


def fmt_rate(v):
    return "%.0f" % v if v is not None else "-"


def render(args, results, cpu, mem, emu_path):
    lines = []
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    redis_ver = subprocess.run(["redis-server", "--version"], capture_output=True,
                               text=True).stdout.strip()
    lines.append("### cache-emu vs redis-server (%s)" % now)
    lines.append("")
    lines.append("Machine: %s, %d CPUs, %s. Reference: %s. cache-emu: `%s`." % (
        platform.machine(), os.cpu_count() or 0, platform.platform(terse=True), redis_ver,
        emu_path or "not built"))
    lines.append("redis-benchmark `-c %d -n %d -r %d`, median of %d rounds, order alternating;"
                 " ratio = cache-emu / redis (higher is better). cache-emu runs with"
                 " `--busy-poll-us %d`." % (args.clients, args.requests, args.keyspace,
                                            args.rounds, args.busy_poll_us))
    lines.append("")
    if results:
        lines.append("| test | pipeline | redis req/s | cache-emu req/s | ratio |")
        lines.append("|---|---:|---:|---:|---:|")
        tests = []
        for test, _ in results:
            if test not in tests:
                tests.append(test)
        for pipeline in args.pipelines:
            for test in tests:
                by = results.get((test, pipeline))
                if not by:
                    continue
                r = statistics.median(by["redis"]) if "redis" in by else None
                e = statistics.median(by["cache-emu"]) if "cache-emu" in by else None
                ratio = "%.2f" % (e / r) if r and e else "-"
                lines.append("| %s | %d | %s | %s | %s |" % (test, pipeline, fmt_rate(r),
                                                            fmt_rate(e), ratio))
        lines.append("")
    if cpu:
        lines.append("Server CPU time (user + system) per request, over all tests of a run;"
                     " median of the rounds (lower is better).")
        lines.append("")
        lines.append("| pipeline | redis | cache-emu | ratio |")
        lines.append("|---:|---:|---:|---:|")
        for pipeline in args.pipelines:
            by = cpu.get(pipeline, {})
            r = statistics.median(by["redis"]) if by.get("redis") else None
            e = statistics.median(by["cache-emu"]) if by.get("cache-emu") else None
            us = lambda v: "%.2f us" % v if v is not None else "-"  # noqa: E731
            lines.append("| %d | %s | %s | %s |" % (pipeline, us(r), us(e),
                                                     "%.2f" % (e / r) if r and e else "-"))
        lines.append("")
    if mem:
        lines.append("Memory: %d keys `SET key:%%08d value` by `redis-cli --pipe`; bytes of "
                     "used_memory per key; idle RSS 0.3 s after start." % args.keys)
        lines.append("")
        lines.append("| measure | redis | cache-emu | ratio |")
        lines.append("|---|---:|---:|---:|")

        def row(label, get, unit_fmt):
            r = get(mem.get("redis"))
            e = get(mem.get("cache-emu"))
            ratio = "%.2f" % (e / r) if r and e else "-"
            lines.append("| %s | %s | %s | %s |" % (label, unit_fmt(r), unit_fmt(e), ratio))

        def get_path(*path):
            def g(d):
                for p in path:
                    if d is None:
                        return None
                    d = d.get(p)
                return d
            return g

        bpk = lambda v: "%.1f" % v if v is not None else "-"  # noqa: E731
        kib = lambda v: "%d KiB" % v if v is not None else "-"  # noqa: E731
        secs = lambda v: "%.1f s" % v if v is not None else "-"  # noqa: E731
        mib = lambda v: "%.1f MiB" % (v / 1024) if v is not None else "-"  # noqa: E731
        row("used_memory per key", get_path("plain", "per_key"), bpk)
        row("used_memory per key, EX 3600", get_path("ttl", "per_key"), bpk)
        row("idle RSS", get_path("idle_rss_kb"), kib)
        row("RSS with the keys (EX 3600)", get_path("ttl", "rss_kb"), mib)
        row("mass insertion time", get_path("plain", "load_s"), secs)
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin-dir", help="directory holding cache-emu (default build/bin)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=200000, help="redis-benchmark -n")
    ap.add_argument("--clients", type=int, default=50, help="redis-benchmark -c")
    ap.add_argument("--keyspace", type=int, default=100000, help="redis-benchmark -r")
    ap.add_argument("--tests", default=DEFAULT_TESTS, help="redis-benchmark -t")
    ap.add_argument("--pipelines", default="1,16",
                    help="comma-separated redis-benchmark -P values")
    ap.add_argument("--keys", type=int, default=1000000, help="keys for the memory phase")
    ap.add_argument("--busy-poll-us", type=int, default=30,
                    help="cache-emu --busy-poll-us (its default 30; 0 never polls)")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--out", help="also write the markdown table to this file")
    args = ap.parse_args(argv)
    args.pipelines = [int(p) for p in args.pipelines.split(",") if p]

    for tool in ("redis-server", "redis-benchmark", "redis-cli"):
        if shutil.which(tool) is None:
            raise BenchError("%s is not installed" % tool)
    ch = load_harness(args.bin_dir)
    emu = ch.harness.binary("cache-emu")
    want_emu = ch.harness.has_binary("cache-emu")
    if not want_emu:
        print("cache-emu not found at %s: measuring redis-server only" % emu, file=sys.stderr)

    results, cpu = {}, {}
    if not args.no_throughput:
        servers = start_servers(ch, want_emu, ["--busy-poll-us", str(args.busy_poll_us)])
        try:
            results, cpu = throughput(ch, servers, args)
        finally:
            for s in servers.values():
                s.close()
    mem = {} if args.no_memory else memory(ch, want_emu, args.keys)

    text = render(args, results, cpu, mem, emu if want_emu else None)
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print("cache_bench: %s" % e, file=sys.stderr)
        sys.exit(2)
