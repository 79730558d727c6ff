"""Lua scripting through redis-py, the way applications and libraries use it:
redis-py's Lock (its release, extend and reacquire are Lua scripts run with
EVALSHA, loaded again after NOSCRIPT), register_script inside and outside
pipelines, an atomic sliding-window rate limiter, a token bucket,
compare-and-delete, cjson, script errors as redis-py raises them, EVAL_RO,
and scripts' writes reaching WATCH and blocked clients.

redis-py exists only for the Debian python (python3-redis 4.3.4), so this
module runs under /usr/bin/python3 (the line below tells CMake). Against
DRYDOCK_TARGET=redis-server every test runs against a real Redis, which
checks the tests themselves.
"""

import json
import threading
import time
import unittest
import uuid

import cache_harness as ch

PYTHON = "system"

try:
    import redis
    from redis.exceptions import (LockError, LockNotOwnedError, NoScriptError, ResponseError,
                                  WatchError)
except ImportError:  # the default python has no redis module
    redis = None

RATE_LIMIT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
if redis.call('ZCARD', key) >= limit then
    return 0
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return 1
"""

TOKEN_BUCKET = """
local rate, capacity, now, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
    tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or capacity
local ts = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate)
local ok = tokens >= want
if ok then tokens = tokens - want end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
return {ok and 1 or 0, tokens}
"""

COMPARE_AND_DELETE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


@unittest.skipIf(redis is None, "the redis module is missing (run under /usr/bin/python3)")
@ch.requires_target
class LuaClientTest(unittest.TestCase):
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
        self.r.script_flush()

    # --- redis-py's Lock ------------------------------------------------------------

    def test_lock_acquire_release(self):
        a = self.r.lock("lock:orders", timeout=10)
        b = self.client().lock("lock:orders", timeout=10)
        self.assertTrue(a.acquire(blocking=False))
        self.assertTrue(a.owned())
        self.assertTrue(a.locked())
        self.assertFalse(b.acquire(blocking=False))
        self.assertFalse(b.owned())
        self.assertTrue(0 < self.r.pttl("lock:orders") <= 10000)
        a.release()
        self.assertFalse(a.locked())
        self.assertIsNone(self.r.get("lock:orders"))
        self.assertTrue(b.acquire(blocking=False))
        b.release()

    def test_lock_release_not_owned(self):
        a = self.r.lock("lock:job", timeout=10)
        self.assertTrue(a.acquire(blocking=False))
        self.r.set("lock:job", "someone-else")  # lease lost and taken over
        with self.assertRaises(LockNotOwnedError):
            a.release()
        self.assertEqual(self.r.get("lock:job"), b"someone-else")
        b = self.r.lock("lock:gone", timeout=10)
        self.assertTrue(b.acquire(blocking=False))
        self.r.delete("lock:gone")
        with self.assertRaises(LockNotOwnedError):
            b.release()

    def test_lock_extend_and_reacquire(self):
        a = self.r.lock("lock:extend", timeout=10)
        self.assertTrue(a.acquire(blocking=False))
        self.assertTrue(a.extend(5))
        self.assertTrue(10000 < self.r.pttl("lock:extend") <= 15000)
        self.assertTrue(a.extend(2, replace_ttl=True))
        self.assertTrue(0 < self.r.pttl("lock:extend") <= 2000)
        self.assertTrue(a.reacquire())
        self.assertTrue(2000 < self.r.pttl("lock:extend") <= 10000)
        self.r.set("lock:extend", "other")
        with self.assertRaises(LockNotOwnedError):
            a.extend(5)
        with self.assertRaises(LockNotOwnedError):
            a.reacquire()
        forever = self.r.lock("lock:forever")
        self.assertTrue(forever.acquire(blocking=False))
        with self.assertRaises(LockError):
            forever.extend(5)  # no timeout: refused by redis-py itself
        forever.release()

    def test_lock_blocks_until_released(self):
        # Released by another thread: the token cannot be thread-local.
        holder = self.client().lock("lock:shared", timeout=10, thread_local=False)
        self.assertTrue(holder.acquire(blocking=False))
        released = threading.Event()

        def release_later():
            time.sleep(0.3)
            holder.release()
            released.set()

        t = threading.Thread(target=release_later)
        t.start()
        self.addCleanup(t.join)
        waiter = self.r.lock("lock:shared", timeout=10, sleep=0.05, blocking_timeout=5)
        start = time.monotonic()
        with waiter:
            self.assertTrue(released.is_set())
            self.assertTrue(waiter.owned())
            self.assertGreater(time.monotonic() - start, 0.2)
        self.assertIsNone(self.r.get("lock:shared"))
        busy = self.client().lock("lock:shared", timeout=10)
        self.assertTrue(busy.acquire(blocking=False))
        late = self.r.lock("lock:shared", timeout=10, sleep=0.05)
        self.assertFalse(late.acquire(blocking_timeout=0.2))
        busy.release()

    def test_lock_survives_script_flush(self):
        a = self.r.lock("lock:flush", timeout=10)
        self.assertTrue(a.acquire(blocking=False))
        a.release()  # loads the release script
        self.r.script_flush()
        self.assertTrue(a.acquire(blocking=False))
        a.release()  # NOSCRIPT, then SCRIPT LOAD and EVALSHA again
        self.assertIsNone(self.r.get("lock:flush"))

    # --- scripts as applications register them ---------------------------------------

    def test_register_script_and_noscript_fallback(self):
        body = "return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}"
        script = self.r.register_script(body)
        self.assertEqual(script(keys=["hits"], args=["x"]), [b"hits", b"x", 1])
        self.assertEqual(self.r.script_exists(script.sha), [True])
        self.assertEqual(script.sha, self.r.script_load(body))
        self.r.script_flush()
        self.assertEqual(self.r.script_exists(script.sha), [False])
        self.assertEqual(script(keys=["hits"], args=["y"]), [b"hits", b"y", 2])
        with self.assertRaises(NoScriptError):
            self.r.evalsha("0" * 40, 0)

    def test_scripts_in_pipelines(self):
        incr = self.r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        for transaction in (True, False):
            self.r.script_flush()
            with self.r.pipeline(transaction=transaction) as p:
                p.set("n", 10)
                incr(keys=["n"], args=[5], client=p)
                incr(keys=["n"], args=[-3], client=p)
                p.get("n")
                self.assertEqual(p.execute(), [True, 15, 12, b"12"])

    def test_eval_and_evalsha_replies(self):
        r = self.client(decode_responses=True)
        self.assertEqual(r.eval("return {1, 'two', 3.99, true, false}", 0), [1, "two", 3, 1, None])
        self.assertEqual(r.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, "k", "v"), "OK")
        self.assertEqual(r.eval("return redis.status_reply('FINE')", 0), "FINE")
        self.assertIsNone(r.eval("return nil", 0))
        sha = r.script_load("return #KEYS + #ARGV")
        self.assertEqual(r.evalsha(sha, 2, "a", "b", "c"), 3)
        self.assertEqual(r.evalsha(sha.upper(), 0), 0)

    def test_sliding_window_rate_limiter(self):
        limiter = self.r.register_script(RATE_LIMIT)

        def allow(user, now_ms, limit=5, window_ms=1000):
            return limiter(keys=["rate:%s" % user],
                           args=[now_ms, window_ms, limit, "%d-%s" % (now_ms, uuid.uuid4().hex)])

        t0 = 1_000_000
        self.assertEqual([allow("alice", t0 + i * 10) for i in range(8)], [1] * 5 + [0] * 3)
        self.assertEqual(allow("bob", t0), 1)
        # The window slides past the first two: room for two more, not three.
        self.assertEqual([allow("alice", t0 + 1015 + i) for i in range(3)], [1, 1, 0])
        self.assertEqual(self.r.zcard("rate:alice"), 5)
        self.assertTrue(0 < self.r.pttl("rate:alice") <= 1000)

    def test_token_bucket(self):
        bucket = self.r.register_script(TOKEN_BUCKET)
        now = 1000
        got = [bucket(keys=["tb"], args=[0.5, 3, now, 1]) for _ in range(4)]
        self.assertEqual(got, [[1, 2], [1, 1], [1, 0], [0, 0]])
        # 5 time units at 0.5 tokens each: 2.5 tokens, truncated to 2 in the reply.
        self.assertEqual(bucket(keys=["tb"], args=[0.5, 3, now + 5, 1]), [1, 1])
        self.assertEqual(self.r.hget("tb", "tokens"), b"1.5")

    def test_compare_and_delete(self):
        cad = self.r.register_script(COMPARE_AND_DELETE)
        self.r.set("owner", "token-a")
        self.assertEqual(cad(keys=["owner"], args=["token-b"]), 0)
        self.assertEqual(self.r.get("owner"), b"token-a")
        self.assertEqual(cad(keys=["owner"], args=["token-a"]), 1)
        self.assertEqual(self.r.exists("owner"), 0)
        self.assertEqual(cad(keys=["owner"], args=["token-a"]), 0)

    def test_cjson_in_scripts(self):
        r = self.client(decode_responses=True)
        r.hset("user:1", mapping={"name": "ada", "age": "36"})
        to_json = ("local h = redis.call('HGETALL', KEYS[1]) local t = {} "
                   "for i = 1, #h, 2 do t[h[i]] = h[i + 1] end return cjson.encode(t)")
        self.assertEqual(json.loads(r.eval(to_json, 1, "user:1")), {"name": "ada", "age": "36"})
        from_json = ("local t = cjson.decode(ARGV[1]) "
                     "redis.call('HSET', KEYS[1], 'n', t.n, 'tags', table.concat(t.tags, ',')) "
                     "return redis.call('HGETALL', KEYS[1])")
        self.assertEqual(r.eval(from_json, 1, "doc", json.dumps({"n": 7, "tags": ["a", "b"]})),
                         ["n", "7", "tags", "a,b"])

    # --- errors -------------------------------------------------------------------------

    def test_script_errors(self):
        self.r.set("s", "v")
        with self.assertRaises(ResponseError) as cm:
            self.r.eval("return redis.call('LPUSH', KEYS[1], 'x')", 1, "s")
        self.assertTrue(str(cm.exception).startswith(
            "WRONGTYPE Operation against a key holding the wrong kind of value script: "))
        self.assertTrue(str(cm.exception).endswith(", on @user_script:1."))
        # pcall hands the error to the script, which returns it as the reply.
        with self.assertRaises(ResponseError) as cm:
            self.r.eval("return redis.pcall('LPUSH', KEYS[1], 'x')", 1, "s")
        self.assertEqual(str(cm.exception),
                         "WRONGTYPE Operation against a key holding the wrong kind of value")
        with self.assertRaises(ResponseError) as cm:
            self.r.eval("return redis.call('NOSUCH')", 0)
        self.assertIn("Unknown Redis command called from script", str(cm.exception))
        with self.assertRaises(ResponseError) as cm:
            self.r.eval("undefined_global = 1", 0)
        self.assertIn("Attempt to modify a readonly table", str(cm.exception))
        with self.assertRaises(ResponseError) as cm:
            self.r.eval("return redis.error_reply('MYERR custom failure')", 0)
        self.assertEqual(str(cm.exception), "MYERR custom failure")
        with self.assertRaises(ResponseError) as cm:
            self.r.eval("return +", 0)
        self.assertTrue(str(cm.exception).startswith("Error compiling script (new function)"))
        with self.assertRaises(ResponseError) as cm:
            self.r.eval("return 1", 2, "only-one")
        self.assertEqual(str(cm.exception), "Number of keys can't be greater than number of args")

    def test_read_only_scripts(self):
        self.r.set("k", "v")
        self.assertEqual(self.r.execute_command("EVAL_RO", "return redis.call('GET', KEYS[1])",
                                                1, "k"), b"v")
        with self.assertRaises(ResponseError) as cm:
            self.r.execute_command("EVAL_RO", "return redis.call('DEL', KEYS[1])", 1, "k")
        self.assertIn("Write commands are not allowed from read-only scripts.", str(cm.exception))
        sha = self.r.script_load("#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])")
        self.assertEqual(self.r.execute_command("EVALSHA_RO", sha, 1, "k"), b"v")
        self.assertEqual(self.r.get("k"), b"v")

    # --- scripts and the rest of the server ------------------------------------------------

    def test_script_write_breaks_watch(self):
        with self.r.pipeline() as p:
            p.watch("balance")
            self.client().eval("return redis.call('INCRBY', KEYS[1], 10)", 1, "balance")
            p.multi()
            p.set("balance", 0)
            with self.assertRaises(WatchError):
                p.execute()
        self.assertEqual(self.r.get("balance"), b"10")

    def test_script_push_wakes_blocked_client(self):
        result = {}

        def waiter():
            result["v"] = self.client().blpop("jobs", timeout=5)

        t = threading.Thread(target=waiter)
        t.start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.r.info("clients").get("blocked_clients", 0) >= 1:
                break
            time.sleep(0.02)
        self.r.eval("redis.call('RPUSH', KEYS[1], ARGV[1]) return 1", 1, "jobs", "job-1")
        t.join(10)
        self.assertEqual(result.get("v"), (b"jobs", b"job-1"))

    def test_select_inside_script_keeps_callers_db(self):
        self.assertEqual(self.r.eval("redis.call('SELECT', 3) return redis.call('SET', 'x', 'y')",
                                     0), b"OK")
        self.assertIsNone(self.r.get("x"))
        self.assertEqual(self.client(db=3).get("x"), b"y")


if __name__ == "__main__":
    unittest.main()
