"""cache-emu through redis-py, the way applications use it: pipelines,
optimistic transactions with WATCH, cache-aside, counters, a lock, a rate
limiter, CLIENT and INFO and CONFIG as redis-py parses them, and key expiry
driven by the admin clock.

redis-py exists only for the Debian python (python3-redis 4.3.4), so this
module runs under /usr/bin/python3 (the line below tells CMake). Against
DRYDOCK_TARGET=redis-server every test but the admin-clock one runs against a
real Redis, which checks the tests themselves.
"""

import threading
import time
import unittest
import uuid

import cache_harness as ch

PYTHON = "system"

try:
    import redis
    from redis.exceptions import ResponseError, WatchError
except ImportError:  # the default python has no redis module
    redis = None


@unittest.skipIf(redis is None, "the redis module is missing (run under /usr/bin/python3)")
@ch.requires_target
class RedisPyTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = ch.start_target()

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.close()

    def client(self, **kw):
        r = redis.Redis(host=self.server.host, port=self.server.port,
                        password=self.server.password, socket_timeout=10, **kw)
        self.addCleanup(r.close)
        return r

    def setUp(self):
        self.r = self.client()
        self.r.flushall()

    def key(self, prefix="k"):
        return "%s:%s" % (prefix, uuid.uuid4().hex[:10])

    # --- basics -----------------------------------------------------------------

    def test_connect_and_round_trip(self):
        self.assertTrue(self.r.ping())
        self.assertTrue(self.r.set("greeting", "hello"))
        self.assertEqual(self.r.get("greeting"), b"hello")
        self.assertIsNone(self.r.get("missing"))
        self.assertTrue(self.r.set("bin", b"\x00\xff\r\n"))
        self.assertEqual(self.r.get("bin"), b"\x00\xff\r\n")
        s = self.client(decode_responses=True)
        s.set("unicode", "gr\u00fc\u00dfe \u2603")
        self.assertEqual(s.get("unicode"), "gr\u00fc\u00dfe \u2603")
        self.assertEqual(s.strlen("unicode"), len("gr\u00fc\u00dfe \u2603".encode()))
        self.assertTrue(s.mset({"a": "1", "b": "2"}))
        self.assertEqual(s.mget(["a", "b", "c"]), ["1", "2", None])
        self.assertEqual(s.type("a"), "string")
        self.assertEqual(s.dbsize(), 5)

    def test_errors_are_response_errors(self):
        self.r.set("s", "v")
        with self.assertRaises(ResponseError) as cm:
            self.r.lpush("s", "x")
        self.assertIn("WRONGTYPE", str(cm.exception))
        with self.assertRaises(ResponseError) as cm:
            self.r.incr("s")
        self.assertEqual(str(cm.exception), "value is not an integer or out of range")
        with self.assertRaises(ResponseError) as cm:
            self.r.execute_command("NOSUCHCMD", "a")
        self.assertTrue(str(cm.exception).startswith("unknown command 'NOSUCHCMD'"))

    def test_data_types(self):
        r = self.client(decode_responses=True)
        r.rpush("l", "a", "b", "c")
        self.assertEqual(r.lrange("l", 0, -1), ["a", "b", "c"])
        self.assertEqual(r.lpop("l"), "a")
        r.hset("h", mapping={"f1": "v1", "f2": "v2"})
        self.assertEqual(r.hgetall("h"), {"f1": "v1", "f2": "v2"})
        r.sadd("s", "x", "y", "z")
        self.assertEqual(r.smembers("s"), {"x", "y", "z"})
        r.zadd("z", {"a": 1, "b": 2.5, "c": -1})
        self.assertEqual(r.zrange("z", 0, -1, withscores=True),
                         [("c", -1.0), ("a", 1.0), ("b", 2.5)])
        self.assertEqual(r.zscore("z", "b"), 2.5)
        self.assertEqual(r.zrangebyscore("z", 0, "+inf"), ["a", "b"])
        self.assertEqual(sorted(r.scan_iter(match="*")), ["h", "l", "s", "z"])
        self.assertEqual(dict(r.hscan_iter("h")), {"f1": "v1", "f2": "v2"})

    def test_scan_iter_large(self):
        with self.r.pipeline(transaction=False) as p:
            for i in range(2000):
                p.set("scan:%d" % i, i)
            p.execute()
        keys = set(self.r.scan_iter(match="scan:*", count=100))
        self.assertEqual(len(keys), 2000)

    # --- pipelines and transactions ------------------------------------------------

    def test_pipeline_without_transaction(self):
        with self.r.pipeline(transaction=False) as p:
            p.set("a", 1).incr("a").incrby("a", 10).get("a").lpush("a", "x").get("nope")
            res = p.execute(raise_on_error=False)
        self.assertEqual(res[:4], [True, 2, 12, b"12"])
        self.assertIsInstance(res[4], ResponseError)
        self.assertIsNone(res[5])

    def test_pipeline_transaction(self):
        with self.r.pipeline(transaction=True) as p:
            p.set("t", "1").incr("t").get("t")
            self.assertEqual(p.execute(), [True, 2, b"2"])
        # A runtime error inside EXEC does not stop the other commands.
        self.r.set("s", "v")
        with self.r.pipeline(transaction=True) as p:
            p.set("u", "1").lpush("s", "x").incr("u")
            res = p.execute(raise_on_error=False)
        self.assertEqual(res[0], True)
        self.assertIsInstance(res[1], ResponseError)
        self.assertEqual(res[2], 2)
        # A command refused while queueing aborts the whole transaction.
        with self.r.pipeline(transaction=True) as p:
            p.set("v", "1").execute_command("SET", "only-one-arg")
            # redis-py reports the queueing error (the server's EXECABORT follows it).
            with self.assertRaises(ResponseError) as cm:
                p.execute()
        self.assertIn("wrong number of arguments for 'set' command", str(cm.exception))
        self.assertIsNone(self.r.get("v"))

    def test_watch_conflict_raises(self):
        other = self.client()
        self.r.set("balance", 100)
        with self.r.pipeline() as p:
            p.watch("balance")
            current = int(p.get("balance"))
            other.set("balance", 5)  # someone else moves first
            p.multi()
            p.set("balance", current - 10)
            with self.assertRaises(WatchError):
                p.execute()
        self.assertEqual(self.r.get("balance"), b"5")

    def test_transaction_helper_retries(self):
        other = self.client()
        self.r.set("stock", 10)
        calls = []

        def buy(pipe):
            n = int(pipe.get("stock"))
            calls.append(n)
            if len(calls) == 1:
                other.decr("stock")  # a concurrent buyer, only on the first try
            pipe.multi()
            pipe.set("stock", n - 1)

        self.r.transaction(buy, "stock")
        self.assertEqual(calls, [10, 9])
        self.assertEqual(self.r.get("stock"), b"8")

    def test_concurrent_increments_with_watch(self):
        self.r.set("ctr", 0)

        def worker():
            c = redis.Redis(host=self.server.host, port=self.server.port,
                            password=self.server.password)
            def bump(p):
                n = int(p.get("ctr"))
                p.multi()
                p.set("ctr", n + 1)

            try:
                for _ in range(50):
                    c.transaction(bump, "ctr")
            finally:
                c.close()

        ts = [threading.Thread(target=worker) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(self.r.get("ctr"), b"200")

    # --- application patterns --------------------------------------------------------

    def test_cache_aside(self):
        loads = []

        def load_user(uid):
            loads.append(uid)
            return "user-%d" % uid

        def get_user(uid):
            k = "user:%d" % uid
            v = self.r.get(k)
            if v is None:
                v = load_user(uid).encode()
                self.r.set(k, v, ex=300)
            return v

        before = self.r.info("stats")
        for _ in range(3):
            for uid in (1, 2, 3):
                self.assertEqual(get_user(uid), b"user-%d" % uid)
        self.assertEqual(loads, [1, 2, 3])
        after = self.r.info("stats")
        self.assertEqual(after["keyspace_misses"] - before["keyspace_misses"], 3)
        self.assertEqual(after["keyspace_hits"] - before["keyspace_hits"], 6)
        self.assertTrue(0 < self.r.ttl("user:1") <= 300)

    def test_counters(self):
        self.assertEqual(self.r.incr("views"), 1)
        self.assertEqual(self.r.incrby("views", 41), 42)
        self.assertEqual(self.r.decr("views"), 41)
        self.assertEqual(self.r.decrby("views", 40), 1)
        self.assertAlmostEqual(self.r.incrbyfloat("temp", 0.5), 0.5)
        self.assertAlmostEqual(self.r.incrbyfloat("temp", 1.25), 1.75)
        self.assertEqual(self.r.hincrby("page", "hits", 3), 3)
        self.assertAlmostEqual(self.r.hincrbyfloat("page", "score", 2.5), 2.5)
        self.r.set("max", 2 ** 63 - 1)
        with self.assertRaises(ResponseError) as cm:
            self.r.incr("max")
        self.assertEqual(str(cm.exception), "increment or decrement would overflow")

    def _release(self, lock, token):
        """Releases the lock only if it still holds our token: WATCH, not Lua."""
        with self.r.pipeline() as p:
            try:
                p.watch(lock)
                if p.get(lock) != token:
                    p.unwatch()
                    return False
                p.multi()
                p.delete(lock)
                p.execute()
                return True
            except WatchError:
                return False

    def test_lock(self):
        lock = "lock:orders"
        mine, theirs = uuid.uuid4().hex.encode(), uuid.uuid4().hex.encode()
        self.assertTrue(self.r.set(lock, mine, nx=True, px=30000))
        self.assertIsNone(self.r.set(lock, theirs, nx=True, px=30000))
        self.assertTrue(0 < self.r.pttl(lock) <= 30000)
        self.assertFalse(self._release(lock, theirs))
        self.assertEqual(self.r.get(lock), mine)
        self.assertTrue(self._release(lock, mine))
        self.assertIsNone(self.r.get(lock))
        self.assertTrue(self.r.set(lock, theirs, nx=True, px=100))
        time.sleep(0.3)  # real time: the lease runs out
        self.assertTrue(self.r.set(lock, mine, nx=True, px=30000))

    def test_sliding_window_rate_limiter(self):
        def allow(user, now_ms, limit=5, window_ms=1000):
            k = "rate:%s" % user
            with self.r.pipeline(transaction=True) as p:
                p.zremrangebyscore(k, 0, now_ms - window_ms)
                p.zadd(k, {"%d-%s" % (now_ms, uuid.uuid4().hex[:6]): now_ms})
                p.zcard(k)
                p.pexpire(k, window_ms)
                _, _, count, _ = p.execute()
            return count <= limit

        t0 = 1_000_000
        results = [allow("alice", t0 + i * 10) for i in range(8)]
        self.assertEqual(results, [True] * 5 + [False] * 3)
        self.assertTrue(allow("bob", t0))
        # After the window has slid past the first requests, more are allowed;
        # the window then holds t0+60, t0+70 (refused ones count too) and this one.
        self.assertTrue(allow("alice", t0 + 1000 + 50))
        self.assertEqual(self.r.zcard("rate:alice"), 3)

    # --- protocol features ---------------------------------------------------------------

    def test_resp3(self):
        try:
            r = redis.Redis(host=self.server.host, port=self.server.port,
                            password=self.server.password, protocol=3)
        except TypeError:
            self.skipTest("redis-py %s does not speak RESP3" % redis.__version__)
        self.addCleanup(r.close)
        r.hset("h", "f", "v")
        self.assertEqual(r.hgetall("h"), {b"f": b"v"})

    def test_client_setname_and_list(self):
        self.assertTrue(self.r.client_setname("worker-1"))
        self.assertIn(self.r.client_getname(), ("worker-1", b"worker-1"))
        other = self.client()
        other.client_setname("worker-2")
        clients = self.r.client_list()
        names = {c["name"] for c in clients}
        self.assertIn("worker-1", names)
        self.assertIn("worker-2", names)
        me = [c for c in clients if c["name"] == "worker-1"][0]
        self.assertEqual(me["cmd"], "client|list")
        self.assertEqual(me["db"], "0")
        self.assertEqual(int(me["id"]), self.r.client_id())
        with self.assertRaises(ResponseError):
            self.r.client_setname("has space")
        info = self.r.client_info()
        self.assertEqual(info["name"], "worker-1")

    @unittest.skipUnless(ch.target_kind() == "cache-emu",
                         "CLIENT SETINFO is a 7.2 command that redis-server 7.0 lacks")
    def test_client_setinfo(self):
        # redis-py >= 5 sends this at connect; cache-emu answers as 7.2 does.
        self.assertEqual(self.r.execute_command("CLIENT", "SETINFO", "LIB-NAME", "redis-py"),
                         b"OK")
        self.assertEqual(self.r.execute_command("CLIENT", "SETINFO", "lib-ver", "4.3.4"), b"OK")
        with self.assertRaisesRegex(ResponseError, "cannot contain spaces"):
            self.r.execute_command("CLIENT", "SETINFO", "LIB-VER", "1 2")
        with self.assertRaisesRegex(ResponseError, "Unrecognized option 'nope'"):
            self.r.execute_command("CLIENT", "SETINFO", "nope", "x")

    def test_info_parsing(self):
        info = self.r.info()
        self.assertEqual(info["redis_version"], "7.0.15")
        self.assertEqual(info["redis_mode"], "standalone")
        self.assertEqual(info["role"], "master")
        for field in ("used_memory", "connected_clients", "uptime_in_seconds",
                      "total_commands_processed", "keyspace_hits", "keyspace_misses",
                      "expired_keys", "evicted_keys", "maxmemory"):
            self.assertIn(field, info)
            self.assertIsInstance(info[field], int, field)
        self.assertIsInstance(info["maxmemory_policy"], str)
        self.r.set("a", 1)
        self.r.set("b", 2, ex=1000)
        ks = self.r.info("keyspace")
        self.assertEqual(ks["db0"]["keys"], 2)
        self.assertEqual(ks["db0"]["expires"], 1)
        self.assertIn("avg_ttl", ks["db0"])
        db3 = redis.Redis(host=self.server.host, port=self.server.port,
                          password=self.server.password, db=3)
        self.addCleanup(db3.close)
        db3.set("x", "y")
        ks = self.r.info("keyspace")
        self.assertEqual(ks["db3"]["keys"], 1)
        mem = self.r.info("memory")
        self.assertIn("used_memory_human", mem)
        self.assertGreater(mem["used_memory"], 0)

    def test_config_get_set(self):
        self.assertEqual(self.r.config_get("maxmemory"), {"maxmemory": "0"})
        old = self.r.config_get("maxmemory-policy")["maxmemory-policy"]
        self.addCleanup(self.r.config_set, "maxmemory-policy", old)
        self.assertTrue(self.r.config_set("maxmemory-policy", "allkeys-lru"))
        self.assertEqual(self.r.config_get("maxmemory-policy"),
                         {"maxmemory-policy": "allkeys-lru"})
        self.assertEqual(self.r.info()["maxmemory_policy"], "allkeys-lru")
        with self.assertRaises(ResponseError):
            self.r.config_set("maxmemory-policy", "sometimes")
        got = self.r.config_get("maxmemory*")
        self.assertEqual(set(got), {"maxmemory", "maxmemory-policy", "maxmemory-samples",
                                    "maxmemory-eviction-tenacity", "maxmemory-clients"})
        self.addCleanup(self.r.config_set, "maxmemory", 0)
        self.assertTrue(self.r.config_set("maxmemory", "100mb"))
        self.assertEqual(self.r.config_get("maxmemory"), {"maxmemory": "104857600"})
        self.assertEqual(self.r.info()["maxmemory"], 104857600)

    @ch.requires_admin
    def test_expiry_through_admin_clock(self):
        srv = self.server
        before = self.r.info("stats")["expired_keys"]
        reclaimed = srv.metrics().get("Reclaimed", 0)
        self.assertTrue(self.r.set("session", "data", ex=100))
        self.assertTrue(self.r.set("keep", "data"))
        self.assertEqual(self.r.ttl("session"), 100)
        srv.advance_clock(50_000)
        self.assertEqual(self.r.get("session"), b"data")
        self.assertTrue(48 <= self.r.ttl("session") <= 50)
        srv.advance_clock(51_000)
        self.assertIsNone(self.r.get("session"))
        self.assertEqual(self.r.ttl("session"), -2)
        self.assertEqual(self.r.get("keep"), b"data")
        self.assertEqual(self.r.info("stats")["expired_keys"], before + 1)
        self.assertEqual(self.r.info("keyspace")["db0"]["keys"], 1)
        self.assertEqual(srv.metrics().get("Reclaimed", 0), reclaimed + 1)

    @ch.requires_admin
    def test_metrics_follow_commands(self):
        srv = self.server
        m0 = srv.metrics()
        self.r.set("m", "1")
        self.r.get("m")
        self.r.get("m")
        self.r.get("absent")
        m1 = srv.metrics()
        self.assertEqual(m1["CacheHits"] - m0["CacheHits"], 2)
        self.assertEqual(m1["CacheMisses"] - m0["CacheMisses"], 1)
        self.assertGreaterEqual(m1["SetTypeCmds"] - m0["SetTypeCmds"], 1)
        self.assertGreaterEqual(m1["GetTypeCmds"] - m0["GetTypeCmds"], 3)
        self.assertEqual(m1["CurrItems"], 1)
        self.assertGreater(m1["BytesUsedForCache"], 0)
        self.assertGreaterEqual(m1["CurrConnections"], 1)
        self.assertGreaterEqual(m1["NewConnections"], 1)


if __name__ == "__main__":
    unittest.main()
