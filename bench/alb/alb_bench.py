#!/usr/bin/env python3
"""ALB benchmark: alb-emu, nginx and haproxy proxying to the same backend.

Four proxies run side by side in one run, each in front of the same tiny C
backend (bench/alb/backend.c, compiled here with cc -O2):

  alb-emu             one listener, default action forward to one target group
  alb-emu +100 rules  the same with 100 non-matching rules before the default
                      (path-pattern, host-header and http-header conditions with
                      wildcards, the ALB quota of 100 rules per load balancer)
  nginx               1 worker, upstream keepalive, X-Forwarded-For/-Proto/-Port
  haproxy             nbthread 1, http-reuse always, option forwardfor

plus "backend direct" (wrk straight to the backend: the ceiling of the client
side). wrk (-t1 by default, --conns keep-alive connections, --latency) runs
--rounds rounds; in each round every proxy gets one --duration run, the order
rotating from round to round so none always runs first or last. On a machine
with two or more CPUs the proxy under test is pinned to CPU 0 and wrk and the
backend to CPU 1 (--no-pin turns that off), so each proxy gets one core, as
each is configured for one thread.

The table shows, per proxy, the median over the rounds of requests/s (and the
range), p50 and p99 latency, and the ratios to nginx (throughput: higher is
better; p99: lower is better), each the median of the per-round ratios so that
a round disturbed by other load on the machine hits both sides alike. Then
alb-emu's idle RSS (VmRSS 0.3 s after its target turned healthy, before any
load) and what the 100 rules cost in throughput (per-round ratio again).

This is a benchmark, not a test: it asserts nothing about the numbers and exits
non-zero only when something could not be run. Build alb-emu with
-DCMAKE_BUILD_TYPE=Release (or RelWithDebInfo) first; a Debug or Sanitize build
measures the instrumentation.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
READY_TIMEOUT = 15.0

GOALS = "issue 5: alb-emu >= 1.0x nginx req/s with p99 no worse; idle RSS <= 10 MB; " \
        "100 rules cost < 10% throughput"


class BenchError(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, proc, what, timeout=READY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError("%s exited with %s before listening" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise BenchError("%s is not listening on %d after %.0f s" % (what, port, timeout))


def stop(proc, sig=signal.SIGTERM, grace=10.0):
    """Stops one process this script started (by its pid, never by name)."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def get_status(port, path="/"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return r.status


class Pinning:
    """taskset prefixes: the proxy on CPU 0, wrk and the backend on CPU 1."""

    def __init__(self, enabled):
        self.enabled = enabled and (os.cpu_count() or 1) >= 2 and shutil.which("taskset")

    def proxy(self):
        return ["taskset", "-c", "0"] if self.enabled else []

    def client(self):
        return ["taskset", "-c", "1"] if self.enabled else []


# --- the processes ------------------------------------------------------------


def build_backend(workdir):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        raise BenchError("no C compiler (cc) to build bench/alb/backend.c")
    out = os.path.join(workdir, "backend")
    subprocess.run([cc, "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", out, os.path.join(HERE, "backend.c")], check=True)
    return out


def start_backend(binary, pin, workdir):
    log = open(os.path.join(workdir, "backend.log"), "wb")
    proc = subprocess.Popen(pin.client() + [binary, "0"], stdout=subprocess.PIPE, stderr=log)
    line = proc.stdout.readline().decode()
    m = re.match(r"port (\d+)", line)
    if not m:
        stop(proc)
        raise BenchError("backend did not report its port: %r" % line)
    return proc, int(m.group(1))


RULE_KINDS = ("path", "host", "header")


def alb_config(backend_port, extra_rules, kinds=RULE_KINDS):
    rules = []
    for i in range(extra_rules):
        kind = RULE_KINDS.index(kinds[i % len(kinds)])
        if kind == 0:
            cond = {"Field": "path-pattern",
                    "PathPatternConfig": {"Values": ["/nomatch-%d/*" % i, "/api/v%d/*" % i]}}
        elif kind == 1:
            cond = {"Field": "host-header",
                    "HostHeaderConfig": {"Values": ["*.nomatch-%d.example" % i]}}
        else:
            cond = {"Field": "http-header",
                    "HttpHeaderConfig": {"HttpHeaderName": "X-Route-%d" % i,
                                         "Values": ["canary*"]}}
        rules.append({"Priority": i + 1, "Conditions": [cond],
                      "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {
                          "StatusCode": "404", "ContentType": "text/plain",
                          "MessageBody": "rule %d" % i}}]})
    return {"LoadBalancers": [{"Name": "bench", "Listeners": [{
        "Port": 0, "Protocol": "HTTP",
        "DefaultActions": [{"Type": "forward", "TargetGroupName": "be"}],
        "Rules": rules}]}],
        "TargetGroups": [{"Name": "be", "Protocol": "HTTP", "Port": 80, "TargetType": "ip",
                          "HealthCheckPath": "/", "HealthCheckIntervalSeconds": 30,
                          "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 2,
                          "Targets": [{"Id": "127.0.0.1", "Port": backend_port}]}]}


class AlbEmu:
    def __init__(self, binary, backend_port, extra_rules, pin, workdir, tag, kinds=RULE_KINDS):
        self.ready_file = os.path.join(workdir, "%s.ready" % tag)
        cfg = os.path.join(workdir, "%s.json" % tag)
        with open(cfg, "w") as f:
            json.dump(alb_config(backend_port, extra_rules, kinds), f)
        self.log_path = os.path.join(workdir, "%s.log" % tag)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(pin.proxy() + [binary, "--config", cfg, "--port", "0",
                                                    "--ready-file", self.ready_file],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise BenchError("alb-emu (%s) exited with %s:\n%s"
                                 % (tag, self.proc.returncode, self.tail()))
            try:
                with open(self.ready_file) as f:
                    self.ready = json.load(f)
                break
            except (FileNotFoundError, json.JSONDecodeError):
                if time.monotonic() > deadline:
                    raise BenchError("alb-emu (%s) not ready after %.0f s" % (tag, READY_TIMEOUT))
                time.sleep(0.005)
        self.admin_port = self.ready.get("admin_port", self.ready["port"])
        self.port = self.ready["listeners"][0]["Port"]
        self.wait_healthy()
        time.sleep(0.3)
        self.idle_rss_kib = rss_kib(self.proc.pid)

    def tail(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-2000:]
        except OSError:
            return ""

    def wait_healthy(self):
        url = "http://127.0.0.1:%d/_drydock/state" % self.admin_port
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    doc = json.load(r)
                states = [d["TargetHealth"]["State"] for tg in doc.get("TargetGroups", [])
                          for d in tg.get("TargetHealthDescriptions", [])]
                if states and all(s == "healthy" for s in states):
                    return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.05)
        raise BenchError("alb-emu's target did not turn healthy")

    def stop(self):
        stop(self.proc)
        self.log.close()


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    keepalive_requests 1000000;
    upstream be {{
        server 127.0.0.1:{backend};
        keepalive 256;
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://be;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Port $server_port;
        }}
    }}
}}
"""

HAPROXY_CONF = """\
global
    nbthread 1
    maxconn 8000
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
    http-reuse always
frontend fe
    bind 127.0.0.1:{port}
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Port %[dst_port]
    default_backend be
backend be
    server s1 127.0.0.1:{backend}
"""


def start_nginx(backend_port, pin, workdir):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(binary, os.X_OK):
        return None, None, "nginx is not installed (apt-get install nginx-light)"
    port = free_port()
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=workdir, backend=backend_port, port=port))
    log = open(os.path.join(workdir, "nginx.out"), "wb")
    proc = subprocess.Popen(pin.proxy() + [binary, "-p", workdir, "-c", conf, "-e",
                                           os.path.join(workdir, "nginx-error.log")],
                            stdout=log, stderr=subprocess.STDOUT)
    wait_port(port, proc, "nginx")
    return proc, port, None


def start_haproxy(backend_port, pin, workdir):
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.access(binary, os.X_OK):
        return None, None, "haproxy is not installed (apt-get install haproxy)"
    port = free_port()
    conf = os.path.join(workdir, "haproxy.cfg")
    with open(conf, "w") as f:
        f.write(HAPROXY_CONF.format(backend=backend_port, port=port))
    log = open(os.path.join(workdir, "haproxy.out"), "wb")
    proc = subprocess.Popen(pin.proxy() + [binary, "-f", conf, "-db"],
                            stdout=log, stderr=subprocess.STDOUT)
    wait_port(port, proc, "haproxy")
    return proc, port, None


# --- wrk ------------------------------------------------------------------------


def to_ms(value):
    m = re.match(r"^([\d.]+)(us|ms|s|m)$", value)
    if not m:
        return None
    v = float(m.group(1))
    return v * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]


def run_wrk(args, pin, port):
    argv = pin.client() + ["wrk", "-t%d" % args.threads, "-c%d" % args.conns,
                           "-d%ds" % args.duration, "--latency", "--timeout", "5s",
                           "http://127.0.0.1:%d/" % port]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + 60)
    if out.returncode != 0:
        raise BenchError("wrk failed (%d): %s" % (out.returncode, out.stderr.strip()))
    text = out.stdout
    res = {"raw": text}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    res["rps"] = float(m.group(1)) if m else None
    for pct in ("50", "75", "90", "99"):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, text, re.M)
        res["p" + pct] = to_ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    res["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:(.*)", text)
    res["socket_errors"] = m.group(1).strip() if m else ""
    return res


# --- the report -------------------------------------------------------------------


def med(results, key):
    vals = [r[key] for r in results if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, digits=0):
    if v is None:
        return "—"
    return "{:,.{}f}".format(v, digits)


def ratio_text(q, digits=2):
    return "—" if q is None else "%.*f×" % (digits, q)


def markdown(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.environ.get("DRYDOCK_BIN_DIR") or
                    os.path.join(REPO, "build", "bin"), help="where alb-emu is")
    ap.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--conns", type=int, default=64, help="wrk keep-alive connections")
    ap.add_argument("--threads", type=int, default=1, help="wrk threads")
    ap.add_argument("--rules", type=int, default=100, help="extra non-matching rules")
    ap.add_argument("--rule-kinds", default=",".join(RULE_KINDS),
                    help="conditions of the extra rules, used in rotation: path "
                         "(path-pattern, 2 values), host (host-header *.x), header "
                         "(http-header canary*)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    ap.add_argument("--no-direct", action="store_true", help="skip the backend-direct row")
    ap.add_argument("--no-nginx", action="store_true", help="skip nginx")
    ap.add_argument("--no-haproxy", action="store_true", help="skip haproxy")
    ap.add_argument("--json-out", help="write every raw result here")
    args = ap.parse_args()

    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed (apt-get install wrk)")
    alb_bin = os.path.join(args.bin_dir, "alb-emu")
    if not os.access(alb_bin, os.X_OK):
        raise BenchError("no alb-emu at %s (build it, or pass --bin-dir)" % alb_bin)
    pin = Pinning(not args.no_pin)

    workdir = tempfile.mkdtemp(prefix="alb-bench-")
    procs = []
    albs = []
    notes = []
    try:
        backend_bin = build_backend(workdir)
        be_proc, be_port = start_backend(backend_bin, pin, workdir)
        procs.append(be_proc)

        servers = []  # (label, port)
        alb0 = AlbEmu(alb_bin, be_port, 0, pin, workdir, "alb0")
        albs.append(alb0)
        servers.append(("alb-emu", alb0.port))
        alb100 = AlbEmu(alb_bin, be_port, args.rules, pin, workdir, "alb%d" % args.rules,
                        args.rule_kinds.split(","))
        albs.append(alb100)
        servers.append(("alb-emu +%d rules" % args.rules, alb100.port))
        for label, starter in (("nginx", start_nginx), ("haproxy", start_haproxy)):
            if getattr(args, "no_" + label):
                continue
            proc, port, why = starter(be_port, pin, workdir)
            if proc is None:
                notes.append("%s skipped: %s" % (label, why))
                continue
            procs.append(proc)
            servers.append((label, port))
        if not args.no_direct:
            servers.append(("backend direct", be_port))

        for label, port in servers:
            st = get_status(port)
            if st != 200:
                raise BenchError("%s answered %d to GET /" % (label, st))

        print("warming up ...", flush=True)
        for label, port in servers:
            saved = args.duration
            args.duration = 1
            run_wrk(args, pin, port)
            args.duration = saved

        results = {label: [] for label, _ in servers}
        for rnd in range(args.rounds):
            k = rnd % len(servers)
            order = servers[k:] + servers[:k]
            for label, port in order:
                r = run_wrk(args, pin, port)
                results[label].append(r)
                print("round %d  %-20s %10s req/s  p50 %7s ms  p99 %7s ms%s"
                      % (rnd + 1, label, fmt(r["rps"]), fmt(r["p50"], 3), fmt(r["p99"], 3),
                         ("  non-2xx %d" % r["non2xx"]) if r["non2xx"] else ""), flush=True)

        for a in albs:
            if a.proc.poll() is not None:
                raise BenchError("alb-emu exited during the run:\n%s" % a.tail())
        peak = {a: rss_kib(a.proc.pid) for a in albs}
    finally:
        for a in albs:
            a.stop()
        for p in reversed(procs):
            stop(p)
        shutil.rmtree(workdir, ignore_errors=True)

    def per_round(a, b, key):
        """Median over rounds of a's value / b's value in the same round."""
        if a not in results or b not in results:
            return None
        qs = [x[key] / y[key] for x, y in zip(results[a], results[b]) if x.get(key) and y.get(key)]
        return statistics.median(qs) if qs else None

    rows = []
    for label, _ in servers:
        rs = results[label]
        rps = [r["rps"] for r in rs if r.get("rps") is not None]
        spread = "%s–%s" % (fmt(min(rps)), fmt(max(rps))) if rps else "—"
        rows.append([label, fmt(med(rs, "rps")), spread, fmt(med(rs, "p50"), 3),
                     fmt(med(rs, "p99"), 3), ratio_text(per_round(label, "nginx", "rps")),
                     ratio_text(per_round(label, "nginx", "p99")),
                     sum(r["non2xx"] for r in rs)])
    rules_label = "alb-emu +%d rules" % args.rules
    q = per_round(rules_label, "alb-emu", "rps")
    cost = (1 - q) * 100 if q is not None else None

    print()
    print("## ALB benchmark, %s" % datetime.date.today().isoformat())
    print()
    print("%s, %d CPUs, Python %s; wrk -t%d -c%d -d%ds, %d rounds (medians), %s."
          % (platform.platform(), os.cpu_count() or 0, platform.python_version(), args.threads,
             args.conns, args.duration, args.rounds,
             "proxy pinned to CPU 0, wrk and backend to CPU 1" if pin.enabled else "no pinning"))
    print("%s; %s; %s." % (version(["wrk", "-v"]), version(["nginx", "-v"]),
                           version(["haproxy", "-v"])))
    print()
    print(markdown(["proxy", "req/s", "req/s min–max", "p50 ms", "p99 ms", "req/s ÷ nginx",
                    "p99 ÷ nginx", "non-2xx"], rows))
    print()
    print(markdown(["alb-emu", "value"], [
        ["idle RSS, 0 rules (VmRSS, target healthy, before load)",
         "%.1f MB" % (alb0.idle_rss_kib / 1024)],
        ["idle RSS, %d rules" % args.rules, "%.1f MB" % (alb100.idle_rss_kib / 1024)],
        ["RSS after the run, 0 / %d rules" % args.rules,
         "%.1f / %.1f MB" % (peak[alb0] / 1024, peak[alb100] / 1024)],
        ["throughput cost of %d non-matching rules (median of per-round ratios)" % args.rules,
         "—" if cost is None else "%.1f%%" % cost],
    ]))
    print()
    print("Goals (%s)." % GOALS)
    for n in notes:
        print("Note: " + n)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"servers": [l for l, _ in servers], "results": results,
                       "idle_rss_kib": {"0": alb0.idle_rss_kib, str(args.rules):
                                        alb100.idle_rss_kib},
                       "args": vars(args)}, f, indent=1)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print("alb_bench: %s" % e, file=sys.stderr)
        sys.exit(1)
