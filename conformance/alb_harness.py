"""ALB conformance harness: alb-emu from a config dict, target servers whose
behaviour tests switch at runtime, and a raw HTTP/1.1 client.

alb-emu (AlbDaemon) is started through harness.Daemon, so DRYDOCK_BIN_DIR
picks the binary and the ready file gives the ports: the control port
(/_drydock/: state, targets, metrics, clock) and, under "listeners", the
listener ports in config order. The config dict is written to a file in the
daemon's temporary directory; listener Port 0 picks a free port.

Target servers (TargetServer) are raw-socket HTTP/1.1 servers on ephemeral
loopback ports, one thread per connection, so a test can make a target
misbehave in exactly the way a real service does: answer with any status,
wait, close or reset the connection, send a malformed or a stalled response,
or hold a request until the test releases it. By default a target echoes the
request it saw as JSON (method, path, query, headers, body) with an
X-Target header naming itself, so tests can see what alb-emu forwarded. The
health-check path has a behaviour of its own, and the server counts traffic
requests, health checks, requests in flight and connections.

RawConn sends exact bytes (malformed and smuggling-shaped requests) and
reads back exact responses, framed by Content-Length, chunked encoding or
connection close, on one keep-alive connection.
"""

import json
import os
import re
import socket
import struct
import threading
import time
import urllib.parse

import harness
from harness import Daemon

IO_TIMEOUT_S = 10.0
ALB_SERVER = "awselb/2.0"

# The reason phrases ALB writes in its own responses (status line and body):
# nginx's, whose error-page templates ALB's are ("405 Not Allowed", "504
# Gateway Time-out").
ELB_REASONS = {
    400: "Bad Request",
    405: "Not Allowed",
    408: "Request Time-out",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}

TRACE_ROOT_RE = re.compile(r"^1-([0-9a-f]{8})-([0-9a-f]{24})$")


def elb_body(status):
    """The HTML body ALB sends with a response it generates itself (CRLF lines,
    nginx style, no bgcolor): 122 bytes for 502, 162 for 503, 132 for 504."""
    title = "%d %s" % (status, ELB_REASONS[status])
    return ("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n"
            "<center><h1>%s</h1></center>\r\n</body>\r\n</html>\r\n" % (title, title)).encode()


def free_port():
    """A loopback port nothing listens on (bound and released at once)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(fn, timeout=5.0, interval=0.01, what="condition"):
    """Polls fn() until it returns a true value, which is returned; raises
    AssertionError naming `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1f s waiting for %s (last: %r)"
                                 % (timeout, what, last))
        time.sleep(interval)


# --- alb-emu ----------------------------------------------------------------


def parse_prometheus(text):
    """[(name, {label: value}, float)] of a Prometheus text exposition."""
    out = []
    line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
    label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = line_re.match(line)
        if not m:
            continue
        labels = dict(label_re.findall(m.group(3) or ""))
        try:
            value = float(m.group(4))
        except ValueError:
            continue
        out.append((m.group(1), labels, value))
    return out


class AlbDaemon(Daemon):
    """alb-emu with config (a dict), optionally writing an access log.

    After start(): `listeners` is the ready file's list of
    {"LoadBalancer", "Port"} and listener_port(lb, i) the i-th listener port
    of load balancer lb.
    """

    def __init__(self, config, access_log=False, extra_args=()):
        super().__init__("alb-emu")
        self.config = config
        self.config_path = os.path.join(self.tmpdir, "alb.json")
        with open(self.config_path, "w") as f:
            json.dump(config, f, indent=1)
        self.access_log_path = os.path.join(self.tmpdir, "access.log") if access_log else None
        self.args = ["--config", self.config_path]
        if self.access_log_path:
            self.args += ["--access-log", self.access_log_path]
        self.args += list(extra_args)
        self.listeners = []

    def start(self, port=0):
        super().start(port)
        self.listeners = list(self.ready.get("listeners") or [])
        return self

    def listener_port(self, lb=None, index=0):
        ports = [l["Port"] for l in self.listeners if lb is None or l.get("LoadBalancer") == lb]
        if index >= len(ports):
            raise AssertionError("no listener %d of %r in the ready file: %r"
                                 % (index, lb, self.ready))
        return ports[index]

    def conn(self, lb=None, index=0, **kw):
        return RawConn(self.listener_port(lb, index), **kw)

    # --- /_drydock/state and /_drydock/targets ---------------------------

    def state(self):
        status, doc = self.admin("state")
        if status != 200 or not isinstance(doc, dict):
            raise AssertionError("GET /_drydock/state answered %s %r" % (status, doc))
        return doc

    def target_group_state(self, tg_name):
        for tg in self.state().get("TargetGroups", []):
            if tg.get("TargetGroupName") == tg_name:
                return tg
        raise AssertionError("target group %r is not in /_drydock/state" % tg_name)

    def descriptions(self, tg_name):
        return self.target_group_state(tg_name).get("TargetHealthDescriptions", [])

    def target_health(self, tg_name, port, host="127.0.0.1"):
        """The TargetHealthDescription of host:port in tg_name, or None."""
        for d in self.descriptions(tg_name):
            t = d.get("Target", {})
            if t.get("Id") == host and int(t.get("Port", -1)) == port:
                return d
        return None

    def target_state(self, tg_name, port):
        d = self.target_health(tg_name, port)
        return None if d is None else d["TargetHealth"]["State"]

    def wait_target_state(self, tg_name, port, state, timeout=5.0):
        return wait_until(lambda: self.target_state(tg_name, port) == state and
                          self.target_health(tg_name, port), timeout,
                          what="%s:%d to be %s" % (tg_name, port, state))

    def wait_all_healthy(self, tg_name, ports, timeout=5.0):
        for p in ports:
            self.wait_target_state(tg_name, p, "healthy", timeout)

    def targets(self, tg_name, register=(), deregister=()):
        body = {"TargetGroupName": tg_name}
        if register:
            body["Register"] = [{"Id": "127.0.0.1", "Port": p} for p in register]
        if deregister:
            body["Deregister"] = [{"Id": "127.0.0.1", "Port": p} for p in deregister]
        status, doc = self.admin("targets", body)
        if status not in (200, 204):
            raise AssertionError("POST /_drydock/targets %r answered %s %r" % (body, status, doc))
        return doc

    # --- /_drydock/metrics -------------------------------------------------

    def metrics(self):
        status, text = self.admin("metrics")
        if status != 200:
            raise AssertionError("GET /_drydock/metrics answered %s %r" % (status, text))
        return parse_prometheus(text if isinstance(text, str) else json.dumps(text))

    def metric(self, name, **labels):
        """Sum of every series of name whose labels include `labels`; None
        when the family is absent."""
        found = None
        for n, lab, v in self.metrics():
            if n != name:
                continue
            if any(lab.get(k) != str(val) for k, val in labels.items()):
                continue
            found = (found or 0.0) + v
        return found

    def clock_ms(self):
        status, doc = self.admin("clock")
        if status != 200:
            raise AssertionError("GET /_drydock/clock answered %s %r" % (status, doc))
        return doc["now_ms"]

    # --- the access log ------------------------------------------------------

    def access_log_lines(self):
        try:
            with open(self.access_log_path, "rb") as f:
                return [l.decode("utf-8", "replace") for l in f.read().splitlines() if l]
        except FileNotFoundError:
            return []

    def wait_access_log(self, needle, timeout=5.0):
        """The first access log line containing needle."""
        def find():
            for l in self.access_log_lines():
                if needle in l:
                    return l
            return None
        return wait_until(find, timeout, what="an access log line with %r" % needle)


ACCESS_LOG_FIELD_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')

ACCESS_LOG_FIELDS = [
    "type", "time", "elb", "client:port", "target:port", "request_processing_time",
    "target_processing_time", "response_processing_time", "elb_status_code",
    "target_status_code", "received_bytes", "sent_bytes", "request", "user_agent",
    "ssl_cipher", "ssl_protocol", "target_group_arn", "trace_id", "domain_name",
    "chosen_cert_arn", "matched_rule_priority", "request_creation_time", "actions_executed",
    "redirect_url", "error_reason", "target:port_list", "target_status_code_list",
    "classification", "classification_reason",
]


def parse_access_log_line(line):
    """{field name: value} for the documented fields, in order (quoted
    fields unquoted); '_extra' holds whatever follows them."""
    # Quoted fields come back from group 1 (possibly ""), bare ones from group 2.
    values = []
    for m in ACCESS_LOG_FIELD_RE.finditer(line):
        values.append(m.group(1) if m.group(1) is not None else m.group(2))
    out = dict(zip(ACCESS_LOG_FIELDS, values))
    out["_extra"] = values[len(ACCESS_LOG_FIELDS):]
    out["_count"] = len(values)
    return out


# --- the raw client ---------------------------------------------------------


class Response:
    def __init__(self, status, reason, version, headers, body, raw):
        self.status = status
        self.reason = reason
        self.version = version
        self.headers = headers  # [(name, value)] in order
        self.body = body
        self.raw = raw

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def target(self):
        """The X-Target header of an echo target (which server answered)."""
        return self.header("X-Target")

    def cookies_set(self):
        """{name: full Set-Cookie value} of the response."""
        out = {}
        for v in self.header_all("Set-Cookie"):
            out[v.split("=", 1)[0].strip()] = v
        return out

    def __repr__(self):
        return "<Response %d %s %r>" % (self.status, self.reason, self.raw[:300])


class ConnectionClosed(Exception):
    pass


class RawConn:
    """One client connection to a listener. send() writes exact bytes;
    read_response() reads one response; request() builds and does both."""

    def __init__(self, port, host="127.0.0.1", timeout=IO_TIMEOUT_S):
        self.port = port
        self.host = host
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def settimeout(self, t):
        self.sock.settimeout(t)

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionClosed("connection closed by alb-emu")
        self.buf += chunk

    def _read_until(self, sep):
        while sep not in self.buf:
            self._fill()
        i = self.buf.index(sep) + len(sep)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def _read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_to_close(self):
        while True:
            try:
                self._fill()
            except ConnectionClosed:
                break
        out, self.buf = self.buf, b""
        return out

    def read_response(self, method="GET"):
        """Reads one response; raises ConnectionClosed when the connection
        ends before a status line."""
        head = self._read_until(b"\r\n\r\n")
        raw = head
        lines = head[:-4].split(b"\r\n")
        parts = lines[0].decode("latin-1").split(" ", 2)
        version, status = parts[0], int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        headers = []
        for l in lines[1:]:
            k, _, v = l.decode("latin-1").partition(":")
            headers.append((k.strip(), v.strip()))
        hmap = {k.lower(): v for k, v in headers}
        body = b""
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            pass
        elif "chunked" in hmap.get("transfer-encoding", "").lower():
            while True:
                size_line = self._read_until(b"\r\n")
                raw += size_line
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    trailer = self._read_until(b"\r\n")
                    raw += trailer
                    while trailer != b"\r\n":
                        trailer = self._read_until(b"\r\n")
                        raw += trailer
                    break
                data = self._read_exact(size + 2)
                raw += data
                body += data[:-2]
        elif "content-length" in hmap:
            body = self._read_exact(int(hmap["content-length"]))
            raw += body
        else:
            body = self._read_to_close()
            raw += body
        return Response(status, reason, version, headers, body, raw)

    def request(self, method="GET", path="/", headers=None, body=None, host="alb.test",
                read=True):
        """Sends a well-formed request (Host first, then headers, a list of
        pairs or a dict) and returns the response."""
        hdrs = [("Host", host)] if host is not None else []
        if isinstance(headers, dict):
            headers = list(headers.items())
        hdrs += list(headers or [])
        if body is not None and not any(k.lower() in ("content-length", "transfer-encoding")
                                        for k, _ in hdrs):
            hdrs.append(("Content-Length", str(len(body))))
        data = ("%s %s HTTP/1.1\r\n" % (method, path)).encode("latin-1")
        for k, v in hdrs:
            data += ("%s: %s\r\n" % (k, v)).encode("latin-1")
        data += b"\r\n" + (body or b"")
        self.send(data)
        return self.read_response(method) if read else None

    def closed_by_peer(self, timeout=2.0):
        """Whether the server closes the connection within timeout (buffered
        bytes are discarded). A reset counts as closed."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
        except socket.timeout:
            return False
        except OSError:
            return True
        finally:
            self.sock.settimeout(IO_TIMEOUT_S)


def exchange(port, data, method="GET", timeout=IO_TIMEOUT_S):
    """Sends exact bytes on a new connection and returns the first response."""
    with RawConn(port, timeout=timeout) as c:
        c.send(data)
        return c.read_response(method)


def get(port, path="/", **kw):
    with RawConn(port) as c:
        return c.request("GET", path, **kw)


# --- target servers -----------------------------------------------------------


REASONS = {200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
           204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
           400: "Bad Request", 403: "Forbidden", 404: "Not Found", 418: "I'm a teapot",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class Behaviour:
    """How a target answers.

    mode:
      echo          status with the request echoed as JSON (default)
      close         read the request, close the connection without answering (FIN)
      reset         read the request, reset the connection (RST)
      malformed     answer with bytes that are not an HTTP response
      slow_headers  send the status line, wait `delay` s, then the rest
      hang          never answer; wait for the peer to close
      block         wait until release() (or 30 s), then answer as echo
      stream        send the head and the first half of `body`, wait until
                    release() (or 30 s), then send the rest
    delay: seconds to wait before answering (echo / block).
    headers: extra response headers [(name, value)].
    body: a fixed body (bytes) instead of the echo.
    """

    def __init__(self, status=200, mode="echo", delay=0.0, headers=(), body=None):
        self.status = status
        self.mode = mode
        self.delay = delay
        self.headers = list(headers)
        self.body = body
        self.event = threading.Event()

    def release(self):
        self.event.set()


class Request:
    def __init__(self, method, target, version, headers, body, peer):
        self.method = method
        self.target = target
        u = urllib.parse.urlsplit(target)
        self.path = u.path
        self.query = u.query
        self.version = version
        self.headers = headers
        self.body = body
        self.peer = peer

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


class TargetServer:
    """An HTTP/1.1 target on 127.0.0.1:<ephemeral>. Thread-safe counters:
    requests (traffic, health checks excluded), health_checks (started),
    health_done (finished: answered and the checker closed the connection,
    or the checker gave up), in_flight, connections (accepted),
    traffic_connections (connections that carried traffic)."""

    def __init__(self, name, health_path="/health"):
        self.name = name
        self.health_path = health_path
        self.lock = threading.Lock()
        self.default = Behaviour()
        self.health = Behaviour()
        self.routes = {}  # path prefix -> Behaviour
        self.log = []  # Request, traffic only
        self.heads = []  # request-targets whose headers arrived (body maybe not yet)
        self.health_log = []
        self.requests = 0
        self.health_checks = 0
        self.health_done = 0
        self.in_flight = 0
        self.connections = 0
        self.traffic_connections = 0
        self._conns = set()
        self._stopped = False
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True,
                                        name="target-%s" % name)
        self._thread.start()

    # --- control ---------------------------------------------------------

    def set(self, **kw):
        """Replaces the default traffic behaviour."""
        self.default = Behaviour(**kw)
        return self.default

    def set_health(self, status=200, mode="echo", **kw):
        self.health = Behaviour(status=status, mode=mode, **kw)
        return self.health

    def route(self, prefix, **kw):
        """Behaviour for paths starting with prefix (longest prefix wins)."""
        b = Behaviour(**kw)
        with self.lock:
            self.routes[prefix] = b
        return b

    def wait_health_done(self, n, timeout=10.0):
        """Waits until at least n health checks have finished."""
        wait_until(lambda: self.health_done >= n, timeout,
                   what="%s to finish %d health checks (done %d)"
                   % (self.name, n, self.health_done))
        time.sleep(0.02)

    def stop(self):
        """Closes the listening socket (new connections are refused) and every
        open connection; blocked requests are released."""
        self._stopped = True
        try:
            self.sock.close()
        except OSError:
            pass
        with self.lock:
            conns = list(self._conns)
            behaviours = [self.default, self.health] + list(self.routes.values())
        for b in behaviours:
            b.event.set()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                c.close()
            except OSError:
                pass

    close = stop

    # --- serving -----------------------------------------------------------

    def _accept_loop(self):
        while not self._stopped:
            try:
                c, peer = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self._conns.add(c)
            threading.Thread(target=self._serve, args=(c, peer), daemon=True).start()

    def _behaviour_for(self, path):
        with self.lock:
            best = None
            for prefix, b in self.routes.items():
                if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                    best = (prefix, b)
        return best[1] if best else self.default

    def _read_request(self, c, buf):
        while b"\r\n\r\n" not in buf:
            chunk = c.recv(65536)
            if not chunk:
                return None, buf
            buf += chunk
        i = buf.index(b"\r\n\r\n")
        head, buf = buf[:i], buf[i + 4:]
        lines = head.split(b"\r\n")
        parts = lines[0].decode("latin-1").split(" ")
        method, target, version = (parts + ["", "", ""])[:3]
        headers = []
        for l in lines[1:]:
            k, _, v = l.decode("latin-1").partition(":")
            headers.append((k.strip(), v.strip()))
        hmap = {}
        for k, v in headers:
            hmap.setdefault(k.lower(), v)
        with self.lock:
            self.heads.append(target)
        body = b""
        if "chunked" in hmap.get("transfer-encoding", "").lower():
            while True:
                while b"\r\n" not in buf:
                    chunk = c.recv(65536)
                    if not chunk:
                        return None, buf
                    buf += chunk
                j = buf.index(b"\r\n")
                size = int(buf[:j].split(b";")[0].strip() or b"0", 16)
                buf = buf[j + 2:]
                if size == 0:
                    while b"\r\n" not in buf:
                        chunk = c.recv(65536)
                        if not chunk:
                            return None, buf
                        buf += chunk
                    # trailers until an empty line
                    while not buf.startswith(b"\r\n"):
                        j = buf.index(b"\r\n")
                        buf = buf[j + 2:]
                        while b"\r\n" not in buf:
                            chunk = c.recv(65536)
                            if not chunk:
                                return None, buf
                            buf += chunk
                    buf = buf[2:]
                    break
                while len(buf) < size + 2:
                    chunk = c.recv(65536)
                    if not chunk:
                        return None, buf
                    buf += chunk
                body += buf[:size]
                buf = buf[size + 2:]
        elif "content-length" in hmap:
            n = int(hmap["content-length"])
            while len(buf) < n:
                chunk = c.recv(65536)
                if not chunk:
                    return None, buf
                buf += chunk
            body, buf = buf[:n], buf[n:]
        return (method, target, version, headers, body), buf

    def _serve(self, c, peer):
        buf = b""
        carried_traffic = False
        try:
            c.settimeout(60)
            while not self._stopped:
                try:
                    req, buf = self._read_request(c, buf)
                except (OSError, ValueError):
                    return
                if req is None:
                    return
                method, target, version, headers, body = req
                r = Request(method, target, version, headers, body, peer)
                is_health = r.path == self.health_path
                if is_health:
                    b = self.health
                    with self.lock:
                        self.health_checks += 1
                        self.health_log.append(r)
                else:
                    b = self._behaviour_for(r.path)
                    with self.lock:
                        self.requests += 1
                        self.in_flight += 1
                        self.log.append(r)
                        if not carried_traffic:
                            carried_traffic = True
                            self.traffic_connections += 1
                try:
                    keep = self._answer(c, r, b)
                finally:
                    if not is_health:
                        with self.lock:
                            self.in_flight -= 1
                if is_health:
                    self._finish_health(c, buf)
                    return
                if not keep:
                    return
        finally:
            with self.lock:
                self._conns.discard(c)
            try:
                c.close()
            except OSError:
                pass

    def _finish_health(self, c, buf):
        """A health check ends when the checker closes the connection (ALB
        closes it after every check) or after 2 s."""
        try:
            c.settimeout(2.0)
            while True:
                chunk = c.recv(4096)
                if not chunk:
                    break
        except OSError:
            pass
        with self.lock:
            self.health_done += 1

    def _answer(self, c, r, b):
        """Answers r per b; returns whether the connection stays open."""
        mode = b.mode
        if mode == "close":
            return False
        if mode == "reset":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if mode == "malformed":
            c.sendall(b"HTTP/1.1 2OO Okay\r\nthis is not a header\r\n\r\n")
            time.sleep(0.2)
            return False
        if mode == "hang":
            try:
                c.settimeout(None)
                while not self._stopped and c.recv(4096):
                    pass
            except OSError:
                pass
            return False
        if mode == "block":
            b.event.wait(30)
            if self._stopped:
                return False
        if b.delay and mode != "slow_headers":
            time.sleep(b.delay)
        if b.body is not None:
            payload = b.body
            ctype = "text/plain"
        else:
            payload = json.dumps({
                "target": self.name, "port": self.port, "method": r.method, "path": r.path,
                "query": r.query, "target_uri": r.target, "version": r.version,
                "headers": r.headers, "body": r.body.decode("latin-1"),
            }).encode()
            ctype = "application/json"
        keep = (r.header("Connection") or "").lower() != "close"
        head = "HTTP/1.1 %d %s\r\n" % (b.status, REASONS.get(b.status, "Status"))
        rest = "Content-Type: %s\r\nContent-Length: %d\r\nX-Target: %s\r\n" % (
            ctype, len(payload), self.name)
        for k, v in b.headers:
            rest += "%s: %s\r\n" % (k, v)
        if not keep:
            rest += "Connection: close\r\n"
        rest += "\r\n"
        if mode == "stream":
            half = len(payload) // 2
            c.sendall((head + rest).encode("latin-1") + payload[:half])
            b.event.wait(30)
            if self._stopped:
                return False
            c.sendall(payload[half:])
            return keep
        if mode == "slow_headers":
            c.sendall(head.encode("latin-1"))
            time.sleep(b.delay)
            if self._stopped:
                return False
            try:
                c.sendall(rest.encode("latin-1") + payload)
            except OSError:
                return False
            return keep
        c.sendall((head + rest).encode("latin-1") + payload)
        return keep


class Targets:
    """A handful of TargetServers, stopped together."""

    def __init__(self, *names, health_path="/health"):
        self.servers = [TargetServer(n, health_path) for n in names]
        self.by_name = {s.name: s for s in self.servers}

    def __getitem__(self, name):
        return self.by_name[name]

    def __iter__(self):
        return iter(self.servers)

    def ports(self):
        return [s.port for s in self.servers]

    def stop(self):
        for s in self.servers:
            s.stop()


def target_list(*servers):
    return [{"Id": "127.0.0.1", "Port": s.port} for s in servers]


def target_group(name, servers=(), health_path="/health", interval=300, timeout=5, healthy=2,
                 unhealthy=2, matcher="200", attributes=None, **extra):
    """A TargetGroup config object with health checks on `health_path` and,
    by default, an interval long enough that only the registration check and
    the clock advances of a test start checks."""
    tg = {"Name": name, "Protocol": "HTTP", "Port": 80, "TargetType": "ip",
          "HealthCheckPath": health_path, "HealthCheckIntervalSeconds": interval,
          "HealthCheckTimeoutSeconds": timeout, "HealthyThresholdCount": healthy,
          "UnhealthyThresholdCount": unhealthy, "Matcher": {"HttpCode": matcher},
          "Targets": target_list(*servers)}
    if attributes:
        tg["Attributes"] = {k: str(v) for k, v in attributes.items()}
    tg.update(extra)
    return tg


def fixed(body, status="200", content_type="text/plain"):
    return {"Type": "fixed-response",
            "FixedResponseConfig": {"StatusCode": str(status), "ContentType": content_type,
                                    "MessageBody": body}}


def forward(tg_name):
    return {"Type": "forward", "TargetGroupName": tg_name}


def path_rule(priority, patterns, action):
    if isinstance(patterns, str):
        patterns = [patterns]
    return {"Priority": priority,
            "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": patterns}}],
            "Actions": [action]}


def requires_alb(cls):
    """Skips a test class unless alb-emu is built and the target is local
    (alb-emu is the only ALB these tests know how to start)."""
    cls = harness.requires_binary("alb-emu")(cls)
    return harness.local_only(cls)
