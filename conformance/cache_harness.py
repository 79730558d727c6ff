"""Cache conformance harness: RESP servers on ephemeral ports and a raw RESP
client that hands back the exact bytes of each reply.

Servers:
  cache-emu      the binary of this build (through harness.Daemon, so
                 DRYDOCK_BIN_DIR picks it), with its admin endpoint;
  redis-server   Debian's Redis 7.0.15 on a free loopback port, no persistence:
                 the reference of the differential suite and of the eviction
                 checks, and a stand-in target to check the tests themselves.

What is under test (environment DRYDOCK_TARGET):
  unset / "local"      cache-emu, started here
  "redis-server"       a local redis-server started here: every test must pass
                       against it, which validates the tests (admin-only tests skip)
  "redis://[:pw@]host:port"  an already running server; tests that need to
                       start their own server (server flags, the admin clock) skip

The raw client (RespConn) frames RESP2 and RESP3 replies without interpreting
them, so the differential suite can compare replies byte for byte; decode()
turns the bytes into Python values where a test wants to look inside.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

import harness

READY_TIMEOUT_S = 15.0
REPLY_TIMEOUT_S = 10.0


# --- what is under test ------------------------------------------------------


def target_kind():
    """'cache-emu', 'redis-server' or 'external' (DRYDOCK_TARGET=redis://...)."""
    t = harness.target()
    if t == "local":
        return "cache-emu"
    if t == "redis-server":
        return "redis-server"
    if t.startswith("redis://"):
        return "external"
    return "other"


def external_address():
    """(host, port, password or None) of DRYDOCK_TARGET=redis://[:pw@]host:port."""
    u = urllib.parse.urlparse(harness.target())
    return u.hostname or "127.0.0.1", u.port or 6379, u.password or None


def redis_server_path():
    return shutil.which("redis-server")


def can_start_target():
    """True when the tests start the server under test themselves (flags allowed)."""
    kind = target_kind()
    if kind == "cache-emu":
        return harness.has_binary("cache-emu")
    if kind == "redis-server":
        return redis_server_path() is not None
    return False


def target_skip_reason():
    """Why the server under test cannot be had, or None when it can."""
    kind = target_kind()
    if kind == "cache-emu" and not harness.has_binary("cache-emu"):
        return "cache-emu is not built (looked in %s)" % harness.bin_dir()
    if kind == "redis-server" and redis_server_path() is None:
        return "DRYDOCK_TARGET=redis-server but redis-server is not installed"
    if kind == "other":
        return "DRYDOCK_TARGET=%s is not a RESP target" % harness.target()
    return None


def requires_target(obj):
    """Skips a test or class when the server under test cannot be started or reached."""
    reason = target_skip_reason()
    return unittest.skipIf(reason is not None, reason or "")(obj)


def requires_startable(obj):
    """Skips unless this process starts the server under test (so it can pass flags)."""
    reason = target_skip_reason() or (
        None if can_start_target() else "needs a server started here, not %s" % harness.target())
    return unittest.skipIf(reason is not None, reason or "")(obj)


def requires_admin(obj):
    """Skips unless the target is a local cache-emu (admin clock and metrics)."""
    ok = target_kind() == "cache-emu" and harness.has_binary("cache-emu")
    return unittest.skipUnless(ok, "needs a local cache-emu with its admin endpoint")(obj)


def requires_redis_server(obj):
    return unittest.skipIf(redis_server_path() is None,
                           "redis-server is not installed: no reference to compare with")(obj)


# --- RESP framing --------------------------------------------------------------


class ProtocolViolation(Exception):
    """The peer sent bytes that are not RESP."""


_LINE_TYPES = b"+-:_,#("
_BULK_TYPES = b"$!="
_AGG_TYPES = b"*~>"


def _line_end(buf, pos):
    i = buf.find(b"\r\n", pos)
    return None if i < 0 else i


def frame_end(buf, pos=0):
    """Where the reply starting at buf[pos] ends, or None while it is incomplete."""
    if pos >= len(buf):
        return None
    t = buf[pos]
    e = _line_end(buf, pos + 1)
    if e is None:
        return None
    if t in _LINE_TYPES:
        return e + 2
    try:
        n = int(buf[pos + 1:e])
    except ValueError:
        raise ProtocolViolation("bad length line %r" % bytes(buf[pos:e + 2]))
    if t in _BULK_TYPES:
        if n < 0:
            return e + 2
        end = e + 2 + n + 2
        return end if end <= len(buf) else None
    if t in _AGG_TYPES or t == ord("%") or t == ord("|"):
        p = e + 2
        count = n * 2 if t in b"%|" else n
        for _ in range(max(count, 0)):
            p = frame_end(buf, p)
            if p is None:
                return None
        if t == ord("|"):  # an attribute precedes the reply it annotates
            return frame_end(buf, p)
        return p
    raise ProtocolViolation("unknown RESP type byte %r at %r" % (chr(t), bytes(buf[pos:pos + 40])))


class Node:
    """One parsed reply: its type byte, raw bytes, header line and children."""

    __slots__ = ("type", "raw", "header", "children", "value")

    def __init__(self, type_, raw, header, children, value):
        self.type = type_
        self.raw = raw
        self.header = header
        self.children = children
        self.value = value


def parse(buf, pos=0):
    """(Node, end) for the complete reply at buf[pos]."""
    t = chr(buf[pos])
    e = buf.index(b"\r\n", pos + 1)
    header = bytes(buf[pos:e + 2])
    body = bytes(buf[pos + 1:e])
    if t in "+-:_,#(":
        return Node(t, header, header, [], body), e + 2
    n = int(body)
    if t in "$!=":
        if n < 0:
            return Node(t, header, header, [], None), e + 2
        end = e + 2 + n + 2
        return Node(t, bytes(buf[pos:end]), header, [], bytes(buf[e + 2:e + 2 + n])), end
    p = e + 2
    children = []
    count = n * 2 if t in "%|" else n
    for _ in range(max(count, 0)):
        child, p = parse(buf, p)
        children.append(child)
    if t == "|":
        inner, p = parse(buf, p)
        return Node(inner.type, bytes(buf[pos:p]), inner.header, inner.children, inner.value), p
    return Node(t, bytes(buf[pos:p]), header, children, None if n < 0 else n), p


class ReplyError(Exception):
    """An error reply, as decode() returns it (not raised by the raw client)."""

    def __eq__(self, other):
        return isinstance(other, ReplyError) and self.args == other.args

    def __hash__(self):
        return hash(self.args)


def _decode_node(node):
    t = node.type
    if t == "+":
        return node.value.decode("utf-8", "replace")
    if t in "-!":
        return ReplyError(node.value.decode("utf-8", "replace"))
    if t == ":":
        return int(node.value)
    if t == "(":
        return int(node.value)
    if t == ",":
        return float(node.value)
    if t == "#":
        return node.value == b"t"
    if t == "_":
        return None
    if t in "$=":
        return node.value
    if t in "*>":
        return None if node.value is None else [_decode_node(c) for c in node.children]
    if t == "~":
        return [_decode_node(c) for c in node.children]
    if t == "%":
        it = [_decode_node(c) for c in node.children]
        out = {}
        for k, v in zip(it[0::2], it[1::2]):
            out[k if not isinstance(k, list) else tuple(k)] = v
        return out
    raise ProtocolViolation("cannot decode type %r" % t)


def decode(raw):
    """Python value of one reply's bytes: str for status, bytes for bulk,
    int, float, bool, None, list, dict, ReplyError for errors."""
    node, _ = parse(raw)
    return _decode_node(node)


def encode_command(args):
    """A RESP multi-bulk request from str/bytes/int arguments."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, (int, float)):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RespConn:
    """A raw RESP connection: send bytes, read back exactly one reply's bytes."""

    def __init__(self, host, port, timeout=REPLY_TIMEOUT_S):
        self.host, self.port = host, port
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(timeout)
        self.buf = bytearray()
        self.closed = False

    def send(self, data):
        self.sock.sendall(data)

    def send_command(self, *args):
        self.send(encode_command(args))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            self.closed = True
            raise EOFError("connection closed by the server")
        self.buf += chunk

    def read_reply(self, timeout=None):
        """The bytes of the next reply; EOFError when the server closed first,
        socket.timeout when nothing complete arrived in time."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        try:
            while True:
                end = frame_end(self.buf, 0)
                if end is not None:
                    raw = bytes(self.buf[:end])
                    del self.buf[:end]
                    return raw
                self._fill()
        finally:
            if timeout is not None:
                self.sock.settimeout(REPLY_TIMEOUT_S)

    def call(self, *args):
        """Sends one command, returns its reply's bytes."""
        self.send_command(*args)
        return self.read_reply()

    def value(self, *args):
        """Sends one command, returns its decoded reply (ReplyError for an error)."""
        return decode(self.call(*args))

    def pending(self):
        """Bytes received but not part of a returned reply."""
        return bytes(self.buf)

    def at_eof(self, timeout=2.0):
        """True when the server closes the connection (with nothing more sent)
        within timeout; False when it stays open or sends more bytes."""
        if self.buf:
            return False
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            self.closed = True
            return True
        finally:
            self.sock.settimeout(REPLY_TIMEOUT_S)
        if chunk:
            self.buf += chunk
            return False
        self.closed = True
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def parse_info(text):
    """INFO text as {field: str} (sections flattened; 'db0' kept as its raw string)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#") or ":" not in line:
            continue
        k, v = line.split(":", 1)
        out[k] = v
    return out


def parse_keyspace_line(v):
    """'keys=3,expires=1,avg_ttl=0' -> {'keys': 3, ...}."""
    return {k: int(x) for k, x in (p.split("=", 1) for p in v.split(","))}


# --- servers ----------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """User + system CPU time process pid has used so far (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_vmrss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Server:
    """A RESP server some test talks to; subclasses start or locate it."""

    kind = "?"
    host = "127.0.0.1"
    port = None
    password = None
    pid = None

    def connect(self, auth=True, timeout=REPLY_TIMEOUT_S):
        c = RespConn(self.host, self.port, timeout)
        if auth and self.password:
            r = c.call("AUTH", self.password)
            if r != b"+OK\r\n":
                c.close()
                raise RuntimeError("AUTH to %s failed: %r" % (self.kind, r))
        return c

    def info(self, section=None):
        with self.connect() as c:
            raw = c.value("INFO", section) if section else c.value("INFO")
        if isinstance(raw, ReplyError):
            raise RuntimeError("INFO failed: %s" % raw)
        return parse_info(raw)

    def flushall(self):
        with self.connect() as c:
            c.call("FLUSHALL")

    def has_admin(self):
        return False

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _wait_ping(host, port, proc, deadline, log):
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with %s before answering PING:\n%s"
                               % (proc.returncode, log()))
        try:
            with RespConn(host, port, timeout=2) as c:
                r = c.call("PING")
            # NOAUTH also proves it is up and speaking RESP.
            if r.startswith(b"+PONG") or r.startswith(b"-NOAUTH"):
                return
        except (OSError, EOFError):
            pass
        time.sleep(0.02)
    raise RuntimeError("server on port %d did not answer PING within %.0f s:\n%s"
                       % (port, READY_TIMEOUT_S, log()))


def _password_of(args):
    args = list(args)
    for i, a in enumerate(args[:-1]):
        if a == "--requirepass":
            return args[i + 1] or None
    return None


class RedisServer(Server):
    """redis-server on a free loopback port, without persistence."""

    kind = "redis-server"

    def __init__(self, args=()):
        path = redis_server_path()
        if path is None:
            raise unittest.SkipTest("redis-server is not installed: no reference server")
        self._tmp = tempfile.TemporaryDirectory(prefix="dd-redis-")
        self.log_path = os.path.join(self._tmp.name, "redis.log")
        self.password = _password_of(args)
        self.proc = None
        last = None
        for _ in range(5):  # the free port may be taken between probe and bind
            self.port = free_port()
            argv = [path, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", self._tmp.name, "--daemonize", "no",
                    "--logfile", self.log_path] + list(args)
            self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.STDOUT)
            try:
                _wait_ping(self.host, self.port, self.proc,
                           time.monotonic() + READY_TIMEOUT_S, self.log)
                self.pid = self.proc.pid
                return
            except RuntimeError as e:
                last = e
                if self.proc.poll() is None:
                    self.proc.kill()
                self.proc.wait()
                self.proc = None
        self._tmp.cleanup()
        raise RuntimeError("redis-server did not start: %s" % last)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def close(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        self._tmp.cleanup()


class CacheEmuServer(Server):
    """cache-emu of this build on ephemeral ports, with its admin endpoint."""

    kind = "cache-emu"

    def __init__(self, args=()):
        self.password = _password_of(args)
        self.daemon = harness.Daemon("cache-emu", args=["--admin-port", "0"] + list(args))
        self.daemon.start()
        self.port = self.daemon.port
        self.admin_port = self.daemon.ready.get("admin_port")
        self.pid = self.daemon.ready.get("pid") or self.daemon.proc.pid
        _wait_ping(self.host, self.port, self.daemon.proc,
                   time.monotonic() + READY_TIMEOUT_S, self.daemon.log)

    def log(self):
        return self.daemon.log()

    def has_admin(self):
        return bool(self.admin_port)

    def advance_clock(self, ms):
        return self.daemon.advance_clock(ms)

    def metrics_text(self):
        url = "http://127.0.0.1:%d/_drydock/metrics" % self.admin_port
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")

    def metrics(self):
        """{CloudWatch name: value}: the Prometheus lines whose metric name is, or
        ends in '_' plus, a CloudWatch name (labels ignored, summed)."""
        out = {}
        for line in self.metrics_text().splitlines():
            if not line or line.startswith("#"):
                continue
            m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
            if not m:
                continue
            name = m.group(1)
            short = name.rsplit("_", 1)[-1] if "_" in name else name
            for key in {name, short}:
                try:
                    out[key] = out.get(key, 0.0) + float(m.group(3))
                except ValueError:
                    pass
        return out

    def close(self):
        self.daemon.close()


class ExternalServer(Server):
    """DRYDOCK_TARGET=redis://...: already running, not ours to stop."""

    kind = "external"

    def __init__(self):
        self.host, self.port, self.password = external_address()
        _wait_ping(self.host, self.port, None, time.monotonic() + READY_TIMEOUT_S, lambda: "")


def start_target(args=()):
    """The server under test, started with args when this process starts it.
    Against an external target args must be empty (callers skip otherwise)."""
    kind = target_kind()
    reason = target_skip_reason()
    if reason:
        raise unittest.SkipTest(reason)
    if kind == "cache-emu":
        return CacheEmuServer(args)
    if kind == "redis-server":
        return RedisServer(args)
    if args:
        raise unittest.SkipTest("needs server flags %s: cannot set them on %s"
                                % (" ".join(args), harness.target()))
    return ExternalServer()


def start_reference(args=()):
    """A local redis-server with args: the reference replies."""
    return RedisServer(args)


class ReferencePairCase(unittest.TestCase):
    """Base of the differential tests: one reference redis-server (cls.ref) and
    the server under test (cls.tgt), started once for the whole class. Callers
    decorate their subclass with requires_redis_server and requires_target."""

    ref = tgt = None

    @classmethod
    def setUpClass(cls):
        cls.ref = start_reference()
        try:
            cls.tgt = start_target()
        except BaseException:
            cls.ref.close()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in (cls.tgt, cls.ref):
            if s is not None:
                s.close()
