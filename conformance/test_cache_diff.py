"""The differential suite: every script in cache_scripts/ runs against
redis-server 7.0.15 (the reference) and the server under test, line by line,
on a freshly FLUSHALL'ed pair, and every reply must be byte-identical.

A script is data, one command per line in redis-cli quoting ("..." with \\n
\\r \\t \\xHH escapes, '...' literal). Blank lines and '#' lines are comments,
except these file directives (anywhere in the file):

  # resp3                   each connection sends HELLO 3 first
  # server-args: ARGS...    start a dedicated pair with these flags (both);
                            skipped against an external target
  # include: other.txt      run that script's lines here, on connection 1
                            after a FLUSHALL (the RESP3 variants rerun the
                            RESP2 scripts this way)
  # pending: REASON         cache-emu does not have this yet: the script is
                            skipped (with REASON) unless the target is
                            redis-server or DRYDOCK_CACHE_PENDING=1; an
                            included script's pending mark carries over

A line may start with modifiers, then the command:

  @sorted CMD ...           sort the top-level elements before comparing
                            (map entries as pairs): for replies whose order
                            Redis leaves undefined (hashtable sets, ...)
  @sorted-pairs CMD ...     sort a flat array as (field, value) pairs
  @skip-value CMD ...       compare only the reply's type byte
  @scan-all SCAN 0 ...      iterate the cursor to 0 on each server and compare
                            the collected elements as sets (HSCAN/ZSCAN as pairs)
  @send CMD ...             send without reading; a later @recv reads the reply

and these lines are statements of their own:

  @conn N                   switch to connection N (opened on first use)
  @recv                     read one pending reply on this connection
  @raw "bytes"              send raw bytes, read one reply
  @raw-send "bytes"         send raw bytes, read nothing
  @raw-times N "bytes"      send the bytes N times over in one write, read nothing
  @eof                      both servers must close this connection now
  @close                    close this connection on both (QUIT already sent...)
  @sleep MS                 wait
  @noreply MS               neither server may answer within MS ms
  @pipeline ... @end        the commands between go out in one write; then
                            every reply is read and compared in order
  @repeat N CMD ...         the command N times (inside a pipeline: N in one write)

HELLO replies are compared with the connection id masked. A read that hits
EOF or times out compares as <EOF> / <timeout>, so both servers closing the
connection after a protocol error is a match.
"""

import glob
import os
import re
import socket
import time
import unittest

import cache_harness as ch

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT_DIR = os.path.join(HERE, "cache_scripts")
MAX_REPORTED = 40
SCAN_CURSOR_AT = {b"SCAN": 1, b"SSCAN": 2, b"HSCAN": 2, b"ZSCAN": 2}


class ScriptError(Exception):
    """The script itself is malformed."""


def split_args(line):
    """redis-cli's argument splitting (sdssplitargs): list of bytes."""
    out = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return out
        cur = bytearray()
        if line[i] == '"':
            i += 1
            while True:
                if i >= n:
                    raise ScriptError("unbalanced double quote")
                c = line[i]
                if c == "\\" and i + 1 < n:
                    d = line[i + 1]
                    if d == "x" and i + 3 < n and re.match(r"[0-9a-fA-F]{2}", line[i + 2:i + 4]):
                        cur.append(int(line[i + 2:i + 4], 16))
                        i += 4
                        continue
                    cur += {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b",
                            "a": b"\a"}.get(d, d.encode())
                    i += 2
                    continue
                if c == '"':
                    i += 1
                    if i < n and not line[i].isspace():
                        raise ScriptError("closing quote must be followed by a space")
                    break
                cur += c.encode()
                i += 1
        elif line[i] == "'":
            i += 1
            while True:
                if i >= n:
                    raise ScriptError("unbalanced single quote")
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == "'":
                    cur += b"'"
                    i += 2
                    continue
                if c == "'":
                    i += 1
                    if i < n and not line[i].isspace():
                        raise ScriptError("closing quote must be followed by a space")
                    break
                cur += c.encode()
                i += 1
        else:
            while i < n and not line[i].isspace():
                cur += line[i].encode()
                i += 1
        out.append(bytes(cur))


# --- scripts -------------------------------------------------------------------

MODIFIERS = {"@sorted", "@sorted-pairs", "@skip-value", "@scan-all", "@send"}


class Step:
    __slots__ = ("src", "lineno", "text", "kind", "args", "mods", "count")

    def __init__(self, lineno, text, kind, args=(), mods=(), count=1):
        self.src = None  # the script file the line is in (set by Script)
        self.lineno, self.text, self.kind = lineno, text, kind
        self.args, self.mods, self.count = list(args), set(mods), count


class Script:
    def __init__(self, path, _seen=()):
        self.path = path
        self.name = os.path.basename(path)
        self.resp3 = False
        self.server_args = []
        self.pending = None
        self.steps = []
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        for no, line in enumerate(lines, 1):
            s = line.strip()
            if not s:
                continue
            if s.startswith("#"):
                d = s[1:].strip()
                if d == "resp3":
                    self.resp3 = True
                elif d.startswith("pending:"):
                    self.pending = d.split(":", 1)[1].strip() or "not implemented yet"
                elif d.startswith("server-args:"):
                    self.server_args = [a.decode() for a in split_args(d.split(":", 1)[1])]
                elif d.startswith("include:"):
                    # Another script's lines, run here (under this file's directives).
                    inc = d.split(":", 1)[1].strip()
                    if inc in _seen or inc == self.name:
                        raise ScriptError("%s:%d: include loop" % (self.name, no))
                    other = Script(os.path.join(os.path.dirname(path), inc),
                                   tuple(_seen) + (self.name,))
                    # Each included script starts as it would alone: connection 1,
                    # empty databases.
                    for text in ("@conn 1", "FLUSHALL"):
                        step = self._step(no, text)
                        step.src = self.name
                        self.steps.append(step)
                    self.steps.extend(other.steps)
                    if other.pending and not self.pending:
                        self.pending = "%s (from %s)" % (other.pending, inc)
                continue
            try:
                step = self._step(no, s)
            except ScriptError as e:
                raise ScriptError("%s:%d: %s" % (self.name, no, e))
            step.src = self.name
            self.steps.append(step)

    def _step(self, no, s):
        toks = split_args(s)
        head = toks[0].decode()
        if head == "@conn":
            return Step(no, s, "conn", count=int(toks[1]))
        if head == "@recv":
            return Step(no, s, "recv", count=int(toks[1]) if len(toks) > 1 else 1)
        if head in ("@eof", "@close", "@pipeline", "@end"):
            return Step(no, s, head[1:])
        if head == "@noreply":
            return Step(no, s, "noreply", count=int(toks[1]))
        if head == "@sleep":
            return Step(no, s, "sleep", count=int(toks[1]))
        if head == "@raw-times":
            if len(toks) != 3:
                raise ScriptError("@raw-times takes a count and one quoted argument")
            return Step(no, s, "raw-send", args=[toks[2] * int(toks[1])])
        if head in ("@raw", "@raw-send"):
            if len(toks) != 2:
                raise ScriptError("%s takes one quoted argument" % head)
            return Step(no, s, head[1:], args=[toks[1]])
        mods, count = [], 1
        while toks and toks[0].startswith(b"@"):
            m = toks.pop(0).decode()
            if m == "@repeat":
                count = int(toks.pop(0))
            elif m in MODIFIERS:
                mods.append(m)
            else:
                raise ScriptError("unknown directive %s" % m)
        if not toks:
            raise ScriptError("modifiers without a command")
        return Step(no, s, "cmd", args=toks, mods=mods, count=count)


# --- canonical forms --------------------------------------------------------------

HELLO_ID = re.compile(rb"(\$2\r\nid\r\n):\d+\r\n")


def canonical(raw, mods, cmd_name):
    """The bytes compared for a reply, after the step's modifiers."""
    if not isinstance(raw, bytes):
        return raw  # "<EOF>" / "<timeout>" markers compare as they are
    if cmd_name == b"HELLO":
        raw = HELLO_ID.sub(rb"\1:<id>\r\n", raw)
    if "@skip-value" in mods:
        return raw[:1] + b"..."
    if "@sorted" in mods or "@sorted-pairs" in mods:
        node, _ = ch.parse(raw)
        kids = [c.raw for c in node.children]
        if node.type == "%" or "@sorted-pairs" in mods:
            pairs = sorted(zip(kids[0::2], kids[1::2]))
            kids = [x for p in pairs for x in p]
        else:
            kids.sort()
        return node.header + b"".join(kids)
    return raw


def show(b):
    if isinstance(b, str):
        return b
    s = repr(b)
    return s if len(s) < 600 else s[:600] + "...(%d bytes)" % len(b)


# --- running ------------------------------------------------------------------------


class Side:
    """One server's connections while a script runs."""

    def __init__(self, server, resp3):
        self.server = server
        self.resp3 = resp3
        self.conns = {}
        self.hello = {}  # conn id -> HELLO reply, compared as a step of its own
        self.timeouts = 0  # reads that timed out so far

    def conn(self, n):
        c = self.conns.get(n)
        if c is None or c.closed:
            c = ch.RespConn(self.server.host, self.server.port)
            if self.resp3:
                self.hello[n] = canonical(c.call("HELLO", "3"), (), b"HELLO")
            self.conns[n] = c
        return c

    def read(self, n):
        try:
            # After one timeout this server is out of step with the script: wait
            # less from then on, so a missing feature costs seconds, not minutes.
            return self.conn(n).read_reply(timeout=1.0 if self.timeouts else None)
        except EOFError:
            return "<EOF>"
        except socket.timeout:
            self.timeouts += 1
            return "<timeout>"
        except ConnectionResetError:
            return "<EOF>"

    def close(self):
        for c in self.conns.values():
            c.close()


class Runner:
    def __init__(self, script, ref, tgt):
        self.script = script
        self.sides = [Side(ref, script.resp3), Side(tgt, script.resp3)]
        self.cur = 1
        self.mismatches = []
        self.pending = {}  # conn -> [(step, cmd name, mods)] awaiting @recv
        self.pipeline = None
        self.labels = (ref.kind + " (reference)", tgt.kind)
        # DRYDOCK_CACHE_TRANSCRIPT=DIR keeps every reference reply, to read a script's effect.
        self.transcript = [] if os.environ.get("DRYDOCK_CACHE_TRANSCRIPT") else None

    def fail(self, step, what, exp, act):
        where = step.src if step.src == self.script.name else "%s (in %s)" % (
            step.src, self.script.name)
        self.mismatches.append("%s:%d: %s\n    %s\n  %-24s %s\n  %-24s %s" % (
            where, step.lineno, what, step.text,
            self.labels[0] + ":", show(exp), self.labels[1] + ":", show(act)))

    def compare(self, step, exp, act, mods=(), name=b""):
        e, a = canonical(exp, mods, name), canonical(act, mods, name)
        if self.transcript is not None:
            self.transcript.append("%d: %s\n    %s" % (step.lineno, step.text, show(e)))
        if e != a:
            self.fail(step, "reply differs", e, a)

    def ensure_conn(self, step):
        for side in self.sides:
            side.conn(self.cur)
        if self.script.resp3:
            h = [s.hello.pop(self.cur, None) for s in self.sides]
            if h[0] is not None or h[1] is not None:
                if h[0] != h[1]:
                    self.fail(step, "HELLO 3 on opening the connection differs", h[0], h[1])

    def check_unsolicited(self, step):
        """Bytes already received that no request asked for: a server that
        answered one command twice, or a script that forgot an @recv."""
        extra = [s.conns[self.cur].pending() for s in self.sides]
        if extra[0] or extra[1]:
            self.fail(step, "unread reply bytes before this line", extra[0] or "(none)",
                      extra[1] or "(none)")
            for s in self.sides:
                s.conns[self.cur].buf.clear()

    def run(self):
        try:
            for step in self.script.steps:
                self.do(step)
                if len(self.mismatches) >= MAX_REPORTED:
                    self.mismatches.append("... stopped after %d mismatches" % MAX_REPORTED)
                    break
        finally:
            for s in self.sides:
                s.close()
            if self.transcript is not None:
                out = os.path.join(os.environ["DRYDOCK_CACHE_TRANSCRIPT"],
                                   self.script.name + ".out")
                with open(out, "w") as f:
                    f.write("\n".join(self.transcript) + "\n")
        return self.mismatches

    def do(self, step):
        k = step.kind
        if k == "conn":
            self.cur = step.count
            return
        if k == "sleep":
            time.sleep(step.count / 1000.0)
            return
        if k == "pipeline":
            self.pipeline = []
            return
        if k == "end":
            self.flush_pipeline(step)
            return
        if self.pipeline is not None and k == "cmd":
            self.pipeline.append(step)
            return
        if k == "eof":
            r = []
            for s in self.sides:
                c = s.conns.get(self.cur)
                r.append(c is None or c.closed or c.at_eof())
                if c is not None:
                    c.close()
            if r[0] != r[1]:
                self.fail(step, "connection close differs",
                          "closed" if r[0] else "open", "closed" if r[1] else "open")
            return
        if k == "close":
            for s in self.sides:
                if self.cur in s.conns:
                    s.conns[self.cur].close()
            return
        self.ensure_conn(step)
        if k != "recv" and not self.pending.get(self.cur):
            self.check_unsolicited(step)
        if k == "noreply":
            r = []
            for s in self.sides:
                try:
                    r.append(s.conn(self.cur).read_reply(timeout=step.count / 1000.0))
                except socket.timeout:
                    r.append("<nothing>")
                except (EOFError, ConnectionResetError):
                    r.append("<EOF>")
            if r[0] != r[1]:
                self.fail(step, "expected silence differs", r[0], r[1])
            return
        if k == "recv":
            # After @send the reply gets that command's modifiers; after
            # @raw-send it is compared as it is.
            for _ in range(step.count):
                q = self.pending.get(self.cur) or []
                _, name, mods = q.pop(0) if q else (None, b"", ())
                r = [s.read(self.cur) for s in self.sides]
                self.compare(step, r[0], r[1], mods, name)
        elif k in ("raw", "raw-send"):
            r = []
            for s in self.sides:
                try:
                    s.conn(self.cur).send(step.args[0])
                except (BrokenPipeError, ConnectionResetError):
                    # A server may close while a large write is still going out.
                    pass
                except OSError:
                    r.append("<EOF>")
                    continue
                r.append(s.read(self.cur) if k == "raw" else None)
            if k == "raw":
                self.compare(step, r[0], r[1])
        elif "@scan-all" in step.mods:
            self.scan_all(step)
        else:
            for _ in range(step.count):
                self.one(step)

    def one(self, step):
        name = step.args[0].upper()
        if "@send" in step.mods:
            for s in self.sides:
                s.conn(self.cur).send(ch.encode_command(step.args))
            self.pending.setdefault(self.cur, []).append((step, name, step.mods))
            return
        r = []
        for s in self.sides:
            try:
                s.conn(self.cur).send(ch.encode_command(step.args))
            except OSError:
                r.append("<EOF>")
                continue
            r.append(s.read(self.cur))
        self.compare(step, r[0], r[1], step.mods, name)

    def flush_pipeline(self, end_step):
        steps, self.pipeline = self.pipeline or [], None
        if not steps:
            return
        self.ensure_conn(end_step)
        self.check_unsolicited(end_step)
        flat = [st for st in steps for _ in range(st.count)]
        payload = b"".join(ch.encode_command(st.args) for st in flat)
        replies = []
        for s in self.sides:
            s.conn(self.cur).send(payload)
            replies.append([s.read(self.cur) for _ in flat])
        for st, e, a in zip(flat, replies[0], replies[1]):
            self.compare(st, e, a, st.mods, st.args[0].upper())

    def scan_all(self, step):
        name = step.args[0].upper()
        at = SCAN_CURSOR_AT.get(name)
        if at is None:
            raise ScriptError("%s:%d: @scan-all needs SCAN/SSCAN/HSCAN/ZSCAN"
                              % (self.script.name, step.lineno))
        pairs = name in (b"HSCAN", b"ZSCAN")
        got = []
        for s in self.sides:
            args = list(step.args)
            seen, cursor, rounds = set(), b"0", 0
            while True:
                args[at] = cursor
                v = ch.decode(s.conn(self.cur).call(*args))
                if isinstance(v, ch.ReplyError):
                    seen = "error: %s" % v
                    break
                cursor, items = v[0], v[1]
                if pairs:
                    seen.update(zip(items[0::2], items[1::2]))
                else:
                    seen.update(items)
                rounds += 1
                if cursor == b"0":
                    break
                if rounds > 100000:
                    seen = "cursor never returned to 0"
                    break
            got.append(seen if isinstance(seen, str) else sorted(seen))
        if got[0] != got[1]:
            if isinstance(got[0], list) and isinstance(got[1], list):
                a, b = set(got[0]), set(got[1])
                self.fail(step, "scan results differ", "missing from target: %s" % sorted(a - b)[:20],
                          "extra in target: %s" % sorted(b - a)[:20])
            else:
                self.fail(step, "scan results differ", str(got[0])[:500], str(got[1])[:500])


# --- the test case ---------------------------------------------------------------------


def load_scripts():
    return [Script(p) for p in sorted(glob.glob(os.path.join(SCRIPT_DIR, "*.txt")))]


@ch.requires_redis_server
@ch.requires_target
class CacheDiffTest(ch.ReferencePairCase):
    """One test per script file; the default pair is shared and flushed between scripts."""

    def run_script(self, script):
        if (script.pending and os.environ.get("DRYDOCK_CACHE_PENDING") != "1"
                and os.environ.get("DRYDOCK_TARGET") != "redis-server"):
            self.skipTest("pending: %s" % script.pending)
        if script.server_args:
            if not ch.can_start_target():
                self.skipTest("needs server flags %s" % " ".join(script.server_args))
            ref = ch.start_reference(script.server_args)
            self.addCleanup(ref.close)
            tgt = ch.start_target(script.server_args)
            self.addCleanup(tgt.close)
        else:
            ref, tgt = self.ref, self.tgt
            for s in (ref, tgt):
                with s.connect() as c:
                    c.call("FLUSHALL")
        mism = Runner(script, ref, tgt).run()
        if mism:
            self.fail("%d replies differ in %s:\n%s" % (
                len(mism), script.name, "\n".join(mism)))


def _add_tests():
    for script in load_scripts():
        stem = re.sub(r"\W", "_", os.path.splitext(script.name)[0])

        def t(self, script=script):
            self.run_script(script)

        t.__doc__ = "cache_scripts/%s" % script.name
        setattr(CacheDiffTest, "test_" + stem, t)


_add_tests()


class SplitArgsTest(unittest.TestCase):
    """The script tokenizer follows redis-cli's quoting."""

    def test_quoting(self):
        cases = [
            ('SET k v', [b"SET", b"k", b"v"]),
            ('SET "a b" \'c d\'', [b"SET", b"a b", b"c d"]),
            ('ECHO "\\x00\\xff\\r\\n\\t\\"q\\\\"', [b"ECHO", b"\x00\xff\r\n\t\"q\\"]),
            ("ECHO 'it\\'s'", [b"ECHO", b"it's"]),
            ('ECHO ""', [b"ECHO", b""]),
        ]
        for line, want in cases:
            self.assertEqual(split_args(line), want, line)
        with self.assertRaises(ScriptError):
            split_args('ECHO "open')

    def test_scripts_parse(self):
        self.assertGreater(len(load_scripts()), 0)


if __name__ == "__main__":
    unittest.main()
