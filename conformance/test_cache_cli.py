"""cache-emu through redis-cli, the way people type it: one-shot commands,
commands piped on stdin, mass insertion with --pipe, RESP3 with -3, --scan,
--bigkeys, --csv, -r, -n, and -a with a password.

Every case checks what the CLI prints against the expected text, and when
redis-server is installed it also runs the same case against a reference
redis-server and requires the same output (so a case's expectation is Redis's
own behaviour, not a guess). redis-cli prints without a terminal here, i.e.
its raw format, exactly what scripts see.
"""

import os
import re
import shutil
import subprocess
import unittest

import cache_harness as ch

CLI = shutil.which("redis-cli")
CLI_TIMEOUT_S = 60


def cli(server, *args, stdin=None, auth=True):
    """(exit code, stdout, stderr) of redis-cli against server."""
    argv = [CLI, "-h", server.host, "-p", str(server.port)]
    if auth and server.password:
        argv += ["--no-auth-warning", "-a", server.password]
    p = subprocess.run(argv + list(args), input=stdin, capture_output=True,
                       timeout=CLI_TIMEOUT_S, env=dict(os.environ, TERM="dumb"))
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def mass_insert_payload(n, prefix="mass"):
    """The redis-cli --pipe input: raw RESP SETs, as the Redis docs describe."""
    out = []
    for i in range(n):
        k, v = b"%s:%d" % (prefix.encode(), i), b"value-%d" % i
        out.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
    return b"".join(out)


@unittest.skipIf(CLI is None, "redis-cli is not installed")
@ch.requires_target
class RedisCliTest(unittest.TestCase):
    servers = ()

    @classmethod
    def setUpClass(cls):
        cls.target = ch.start_target()
        cls.ref = None
        if ch.redis_server_path():
            try:
                cls.ref = ch.start_reference()
            except BaseException:
                cls.target.close()
                raise
        cls.servers = [s for s in (cls.target, cls.ref) if s is not None]

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.close()

    def setUp(self):
        for s in self.servers:
            s.flushall()

    def run_both(self, *args, stdin=None, setup=(), normalize=None):
        """Runs setup commands then the CLI case on every server; returns the
        target's (rc, out, err) after checking the reference printed the same."""
        results = []
        for s in self.servers:
            for cmd in setup:
                rc, out, err = cli(s, *cmd)
                self.assertEqual(rc, 0, "setup %s on %s: %s%s" % (cmd, s.kind, out, err))
            rc, out, err = cli(s, *args, stdin=stdin)
            if normalize:
                out = normalize(out)
            results.append((rc, out, err))
        if len(results) == 2:
            self.assertEqual(results[0][:2], results[1][:2],
                             "redis-cli %s printed differently on %s than on redis-server"
                             % (" ".join(args), self.target.kind))
        return results[0]

    def test_ping(self):
        rc, out, _ = self.run_both("ping")
        self.assertEqual((rc, out), (0, "PONG\n"))
        rc, out, _ = self.run_both("PING", "hello world")
        self.assertEqual(out, "hello world\n")

    def test_one_shot_commands(self):
        self.assertEqual(self.run_both("set", "k", "v")[1], "OK\n")
        self.assertEqual(self.run_both("get", "k", setup=[("set", "k", "v")])[1], "v\n")
        self.assertEqual(self.run_both("get", "missing")[1], "\n")
        self.assertEqual(self.run_both("incr", "n", setup=[("set", "n", "41")])[1], "42\n")
        out = self.run_both("lrange", "l", "0", "-1", setup=[("rpush", "l", "a", "b c")])[1]
        self.assertEqual(out, "a\nb c\n")
        rc, out, _ = self.run_both("lpush", "k", "x", setup=[("set", "k", "v")])
        # An error reply is printed with an empty line after it.
        self.assertEqual(out, "WRONGTYPE Operation against a key holding the wrong kind of value\n\n")
        rc, out, _ = self.run_both("nosuch", "a", "b")
        self.assertEqual(out, "ERR unknown command 'nosuch', with args beginning with: 'a' 'b' \n\n")

    def test_piped_commands(self):
        script = b"SET a 1\nINCR a\nGET nope\nRPUSH l x y\nLRANGE l 0 -1\nHSET h f v\nHGETALL h\n"
        rc, out, _ = self.run_both(stdin=script)
        self.assertEqual(rc, 0)
        self.assertEqual(out, "OK\n2\n\n2\nx\ny\n1\nf\nv\n")

    def test_mass_insertion_pipe(self):
        n = 20000
        rc, out, err = self.run_both("--pipe", stdin=mass_insert_payload(n))
        self.assertEqual(rc, 0, err)
        self.assertIn("errors: 0, replies: %d" % n, out)
        self.assertEqual(cli(self.target, "dbsize")[1], "%d\n" % n)
        self.assertEqual(cli(self.target, "get", "mass:12345")[1], "value-12345\n")
        # Errors are counted, not fatal.
        bad = mass_insert_payload(3) + b"*2\r\n$4\r\nINCR\r\n$6\r\nmass:0\r\n"
        rc, out, _ = self.run_both("--pipe", stdin=bad)
        self.assertIn("errors: 1, replies: 4", out)

    def test_resp3(self):
        setup = [("hset", "h", "a", "1", "b", "2"), ("zadd", "z", "1.5", "m", "2", "n"),
                 ("sadd", "s", "1", "2")]
        # A RESP3 map prints one "key value" line per entry.
        self.assertEqual(self.run_both("-3", "hgetall", "h", setup=setup)[1], "a 1\nb 2\n")
        self.assertEqual(self.run_both("-3", "zrange", "z", "0", "-1", "withscores")[1],
                         "m\n1.5\nn\n2\n")
        self.assertEqual(self.run_both("-3", "zscore", "z", "m")[1], "1.5\n")
        self.assertEqual(self.run_both("-3", "smembers", "s")[1], "1\n2\n")
        self.assertEqual(self.run_both("-3", "get", "missing")[1], "\n")
        out = self.run_both("-3", "hello", "3",
                            normalize=lambda o: re.sub(r"(?m)^id \d+$", "id <id>", o))[1]
        self.assertIn("version 7.0.15\n", out)

    def test_scan_pattern(self):
        setup = [("mset",) + tuple(x for i in range(50) for x in ("user:%d" % i, "v")),
                 ("mset", "order:1", "x", "order:2", "y")]
        rc, out, _ = self.run_both("--scan", "--pattern", "user:*", setup=setup,
                                   normalize=lambda o: "\n".join(sorted(o.split())))
        self.assertEqual(rc, 0)
        self.assertEqual(out.split(), sorted("user:%d" % i for i in range(50)))
        rc, out, _ = self.run_both("--scan", "--pattern", "order:*",
                                   normalize=lambda o: "\n".join(sorted(o.split())))
        self.assertEqual(out.split(), ["order:1", "order:2"])

    def test_bigkeys_summary(self):
        setup = [("set", "str", "hello"), ("rpush", "lst", "a", "b", "c"),
                 ("hset", "hsh", "f", "v"), ("sadd", "st", "x", "y"),
                 ("zadd", "zs", "1", "a")]

        def summary(o):
            return o[o.find("-------- summary"):]

        rc, out, err = self.run_both("--bigkeys", setup=setup, normalize=summary)
        self.assertEqual(rc, 0, err)
        self.assertIn("Sampled 5 keys in the keyspace!", out)
        self.assertIn("Biggest   list found '\"lst\"' has 3 items", out)

    def test_csv_repeat_and_db(self):
        out = self.run_both("--csv", "hgetall", "h", setup=[("hset", "h", "a", "1", "b", "2")])[1]
        self.assertEqual(out, '"a","1","b","2"\n')
        self.assertEqual(self.run_both("-r", "3", "incr", "x")[1], "1\n2\n3\n")
        self.assertEqual(self.run_both("-n", "2", "set", "in2", "v")[1], "OK\n")
        self.assertEqual(self.run_both("-n", "2", "dbsize")[1], "1\n")
        self.assertEqual(self.run_both("-n", "0", "exists", "in2")[1], "0\n")
        out = self.run_both("info", "server", normalize=lambda o: "\n".join(
            line for line in o.replace("\r", "").split("\n")
            if line.startswith(("redis_version:", "redis_mode:", "# Server"))))[1]
        self.assertEqual(out, "# Server\nredis_version:7.0.15\nredis_mode:standalone")

    def test_error_exit(self):
        # A server error in one-shot mode is printed on stdout; the exit code stays 0
        # (redis-cli exits 1 only when it cannot connect).
        rc, out, _ = self.run_both("incr", "s", setup=[("set", "s", "abc")])
        self.assertEqual((rc, out), (0, "ERR value is not an integer or out of range\n\n"))


@unittest.skipIf(CLI is None, "redis-cli is not installed")
@ch.requires_startable
class RedisCliAuthTest(unittest.TestCase):
    """-a with --no-auth-warning against a server started with --requirepass."""

    ARGS = ["--requirepass", "cli-s3cret"]

    @classmethod
    def setUpClass(cls):
        cls.target = ch.start_target(cls.ARGS)
        cls.servers = [cls.target]
        if ch.redis_server_path():
            try:
                cls.servers.append(ch.start_reference(cls.ARGS))
            except BaseException:
                cls.target.close()
                raise

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.close()

    def outputs(self, *args, auth=True):
        res = [cli(s, *args, auth=auth) for s in self.servers]
        if len(res) == 2:
            self.assertEqual(res[0][:2], res[1][:2], "redis-cli %s differs" % " ".join(args))
        return res[0]

    def test_no_auth_warning(self):
        rc, out, err = self.outputs("ping")
        self.assertEqual((rc, out), (0, "PONG\n"))
        self.assertNotIn("Warning", err)

    def test_without_password(self):
        rc, out, _ = self.outputs("ping", auth=False)
        self.assertEqual(out, "NOAUTH Authentication required.\n\n")

    def test_wrong_password(self):
        res = []
        for s in self.servers:
            p = subprocess.run([CLI, "-p", str(s.port), "--no-auth-warning", "-a", "nope", "ping"],
                               capture_output=True, timeout=CLI_TIMEOUT_S)
            res.append((p.returncode, p.stdout.decode(), p.stderr.decode()))
        self.assertIn("WRONGPASS", res[0][1] + res[0][2])
        if len(res) == 2:
            self.assertEqual(res[0], res[1])

    def test_warning_without_flag(self):
        p = subprocess.run([CLI, "-p", str(self.target.port), "-a", "cli-s3cret", "ping"],
                           capture_output=True, timeout=CLI_TIMEOUT_S)
        self.assertEqual(p.stdout, b"PONG\n")
        self.assertIn(b"Using a password with '-a'", p.stderr)


if __name__ == "__main__":
    unittest.main()
