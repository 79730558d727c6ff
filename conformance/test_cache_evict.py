"""Eviction under --maxmemory, one test per maxmemory-policy, black-box.

Each test starts a server with --maxmemory 2mb and the policy, floods it with
20,000 SETs of 100-byte values (one in ten without a TTL, the rest with a TTL
spread over 1000..101000 s), and reads 50 "hot" keys (with a long TTL) after
every batch of 100 writes. Then it checks what Redis documents:

  - used_memory (INFO memory, after every batch) stays within maxmemory plus
    one command's worth (SLACK);
  - noeviction: writes fail with exactly "-OOM command not allowed when used
    memory > 'maxmemory'.", reads and DEL still work, evicted_keys stays 0;
  - every other policy evicts (evicted_keys > 0) and writes never fail;
  - volatile-*: no key without a TTL is ever evicted;
  - allkeys-random: both kinds are evicted;
  - allkeys-lru/lfu and volatile-lru/lfu keep most hot keys;
  - allkeys-lru evicts old keys rather than new ones (on average);
  - volatile-ttl evicts the shorter TTLs first (on average, by a clear margin).

The same checks run against a reference redis-server (class
RedisReferenceEvictTest), which shows the thresholds fit Redis itself. A last
test changes maxmemory-policy and maxmemory at runtime with CONFIG SET.
"""

import os
import statistics
import time
import unittest

import cache_harness as ch

MAXMEMORY = 2 * 1024 * 1024
WRITES = 20000
BATCH = 100
VALUE = b"v" * 100
HOT = 50
# One SET of a 100-byte value costs a few hundred bytes in either server; a
# pipelined batch's query buffer also counts in used_memory while it is
# processed. Redis checks the limit before each command, so after a batch it
# may be over by the last command's memory (Redis 7.0.15: under 200 bytes
# here); 4 KiB leaves room for a different but honest accounting.
SLACK = 4 * 1024
LRU_TICK_S = 1.05  # Redis's LRU clock has a resolution of one second
OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"

POLICIES = ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]


def ttl_of(i):
    """The TTL (s) of volatile key v:i: spread, and not in write order."""
    return 1000 + (i * 7919) % 100000


def key_of(i):
    return b"p:%d" % i if i % 10 == 0 else b"v:%d" % i


class Flood:
    """What one flood saw."""

    def __init__(self):
        self.max_over = -10 ** 12
        self.ooms = 0
        self.first_oom = None
        self.other_errors = []
        self.used = []


class EvictionChecks:
    """The checks; subclasses say which server runs them."""

    def start(self, args):
        raise NotImplementedError

    def server(self, policy, extra=()):
        srv = self.start(["--maxmemory", str(MAXMEMORY), "--maxmemory-policy", policy] +
                         list(extra))
        self.addCleanup(srv.close)
        return srv

    def used_memory(self, c):
        info = ch.parse_info(ch.decode(c.call("INFO", "memory")))
        return int(info["used_memory"])

    def stats(self, c):
        return ch.parse_info(ch.decode(c.call("INFO", "stats")))

    def pipeline(self, c, cmds):
        c.send(b"".join(ch.encode_command(a) for a in cmds))
        return [c.read_reply() for _ in cmds]

    def flood(self, c, writes=WRITES, hot=True, pause_every=0):
        """Writes the keys in pipelined batches; with pause_every, sleeps just over
        a second after that many writes, because Redis's LRU clock ticks once a
        second: without pauses every key would look equally old."""
        f = Flood()
        if hot:
            for r in self.pipeline(c, [(b"SET", b"hot:%d" % h, VALUE, b"EX", b"1000000")
                                       for h in range(HOT)]):
                self.assertEqual(r, b"+OK\r\n")
        for start in range(0, writes, BATCH):
            cmds = []
            for i in range(start, min(start + BATCH, writes)):
                if i % 10 == 0:
                    cmds.append((b"SET", key_of(i), VALUE))
                else:
                    cmds.append((b"SET", key_of(i), VALUE, b"EX", b"%d" % ttl_of(i)))
            for r in self.pipeline(c, cmds):
                if r == b"+OK\r\n":
                    continue
                if r.startswith(b"-OOM"):
                    f.ooms += 1
                    f.first_oom = f.first_oom or r
                else:
                    f.other_errors.append(r)
            used = self.used_memory(c)
            f.used.append(used)
            f.max_over = max(f.max_over, used - MAXMEMORY)
            if hot:
                for r in self.pipeline(c, [(b"GET", b"hot:%d" % h) for h in range(HOT)]):
                    self.assertTrue(r.startswith(b"$"), r)
            if pause_every and (start + BATCH) % pause_every == 0 and start + BATCH < writes:
                time.sleep(LRU_TICK_S)
        return f

    def survivors(self, c):
        # Small SCAN pages: a reply buffer counts in used_memory too, and a big one
        # would make the server evict more while we look.
        keys = set()
        cursor = b"0"
        while True:
            cursor, batch = ch.decode(c.call("SCAN", cursor, "COUNT", "20"))
            keys.update(batch)
            if cursor == b"0":
                return keys

    def _report(self):
        # DRYDOCK_VERBOSE=1 shows the numbers each check judged (margins, counts).
        if os.environ.get("DRYDOCK_VERBOSE"):
            print("\n  " + self.summary, end=" ")

    def check_policy(self, policy):
        srv = self.server(policy)
        with srv.connect() as c:
            f = self.flood(c, pause_every=WRITES // 10 if policy.endswith("-lru") else 0)
            keys = self.survivors(c)
            # Keys and evictions from one INFO, after the scan: the scan's replies
            # may have made the server evict a few more.
            info = ch.parse_info(ch.decode(c.call("INFO", "stats", "keyspace")))
            evicted = int(info["evicted_keys"])
            in_db = ch.parse_keyspace_line(info["db0"])["keys"] if "db0" in info else 0
            self.assertEqual(f.other_errors, [], "unexpected error replies")
            self.assertLessEqual(f.max_over, SLACK,
                                 "used_memory went %d bytes over maxmemory" % f.max_over)
            persistent = {key_of(i) for i in range(0, WRITES, 10)}
            volatile = {key_of(i) for i in range(WRITES) if i % 10}
            hot = {b"hot:%d" % h for h in range(HOT)}
            p_alive = len(keys & persistent)
            v_alive = len(keys & volatile)
            h_alive = len(keys & hot)
            summary = ("%s on %s: evicted_keys=%d, persistent %d/%d, volatile %d/%d, hot %d/%d, "
                       "OOM replies %d, max over %d" % (
                           policy, srv.kind, evicted, p_alive, len(persistent), v_alive,
                           len(volatile), h_alive, HOT, f.ooms, f.max_over))

            self.summary = summary
            self.addCleanup(self._report)
            if policy == "noeviction":
                self.assertGreater(f.ooms, 0, summary)
                self.assertEqual(f.first_oom, OOM)
                self.assertEqual(evicted, 0, summary)
                self.assertEqual(c.call("GET", "hot:0"), b"$100\r\n" + VALUE + b"\r\n")
                self.assertEqual(c.call("SET", "one-more", "x"), OOM)
                self.assertEqual(c.call("INCR", "new-counter"), OOM)
                self.assertEqual(c.call("GET", "new-counter"), b"$-1\r\n")
                # DEL is allowed when full (and may free enough for a write).
                self.assertEqual(c.call("DEL", key_of(10)), b":1\r\n")
                self.assertEqual(c.call("EXISTS", key_of(10)), b":0\r\n")
                return

            self.assertEqual(f.ooms, 0, summary)
            self.assertGreater(evicted, 0, summary)
            self.assertEqual(in_db + evicted, WRITES + HOT, summary)
            self.assertLessEqual(in_db, len(keys), summary)
            if policy.startswith("volatile-"):
                self.assertEqual(p_alive, len(persistent), summary)
            if policy == "allkeys-random":
                self.assertLess(p_alive, len(persistent), summary)
                self.assertLess(v_alive, len(volatile), summary)
            if policy.endswith("-random"):
                self.assertLess(v_alive, len(volatile), summary)
            if policy.endswith(("-lru", "-lfu")):
                self.assertGreaterEqual(h_alive, HOT * 8 // 10, summary)
            if policy == "allkeys-lru":
                gone = [i for i in range(WRITES) if key_of(i) not in keys]
                kept = [i for i in range(WRITES) if key_of(i) in keys]
                summary = self.summary = summary + ", mean index kept %.0f / evicted %.0f" % (
                    statistics.mean(kept), statistics.mean(gone))
                self.assertGreater(statistics.mean(kept), statistics.mean(gone) + WRITES / 4,
                                   summary)
            if policy == "volatile-ttl":
                gone = [ttl_of(i) for i in range(WRITES) if i % 10 and key_of(i) not in keys]
                kept = [ttl_of(i) for i in range(WRITES) if i % 10 and key_of(i) in keys]
                summary = self.summary = summary + ", median TTL kept %.0f / evicted %.0f" % (
                    statistics.median(kept), statistics.median(gone))
                self.assertGreater(statistics.median(kept), statistics.median(gone) + 20000,
                                   summary)

    def test_noeviction(self):
        self.check_policy("noeviction")

    def test_allkeys_lru(self):
        self.check_policy("allkeys-lru")

    def test_allkeys_lfu(self):
        self.check_policy("allkeys-lfu")

    def test_allkeys_random(self):
        self.check_policy("allkeys-random")

    def test_volatile_lru(self):
        self.check_policy("volatile-lru")

    def test_volatile_lfu(self):
        self.check_policy("volatile-lfu")

    def test_volatile_random(self):
        self.check_policy("volatile-random")

    def test_volatile_ttl(self):
        self.check_policy("volatile-ttl")

    def test_volatile_without_candidates_refuses(self):
        """A volatile-* policy with nothing volatile to evict answers OOM."""
        srv = self.server("volatile-lru")
        with srv.connect() as c:
            last = None
            for start in range(0, WRITES, BATCH):
                replies = self.pipeline(c, [(b"SET", b"p:%d" % i, VALUE)
                                            for i in range(start, start + BATCH)])
                last = [r for r in replies if r != b"+OK\r\n"]
                if last:
                    break
            self.assertTrue(last, "never refused a write")
            self.assertEqual(last[0], OOM)
            self.assertEqual(int(self.stats(c)["evicted_keys"]), 0)

    def test_config_set_at_runtime(self):
        srv = self.server("noeviction")
        with srv.connect() as c:
            f = self.flood(c, hot=False)
            self.assertGreater(f.ooms, 0)
            self.assertEqual(c.call("SET", "after", VALUE), OOM)
            self.assertEqual(c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"),
                             b"+OK\r\n")
            self.assertEqual(ch.parse_info(ch.decode(c.call("INFO", "memory")))
                             ["maxmemory_policy"], "allkeys-lru")
            self.assertEqual(c.call("SET", "after", VALUE), b"+OK\r\n")
            for r in self.pipeline(c, [(b"SET", b"more:%d" % i, VALUE) for i in range(500)]):
                self.assertEqual(r, b"+OK\r\n")
            self.assertGreater(int(self.stats(c)["evicted_keys"]), 0)
            self.assertLessEqual(self.used_memory(c), MAXMEMORY + SLACK)
            # Lower the limit: the next write evicts down to it.
            dbsize = ch.decode(c.call("DBSIZE"))
            used = self.used_memory(c)
            lower = used - (used - f.used[0]) // 2 if f.used else MAXMEMORY // 2
            lower = max(lower, MAXMEMORY // 2)
            self.assertEqual(c.call("CONFIG", "SET", "maxmemory", str(lower)), b"+OK\r\n")
            self.assertEqual(c.call("SET", "trigger", "x"), b"+OK\r\n")
            self.assertLessEqual(self.used_memory(c), lower + SLACK)
            self.assertLess(ch.decode(c.call("DBSIZE")), dbsize)
            # And back to noeviction: full again, so writes are refused.
            self.assertEqual(c.call("CONFIG", "SET", "maxmemory-policy", "noeviction"),
                             b"+OK\r\n")
            refused = [r for r in self.pipeline(c, [(b"SET", b"late:%d" % i, VALUE)
                                                    for i in range(2000)]) if r == OOM]
            self.assertGreater(len(refused), 0)
            self.assertTrue(c.call("GET", "more:499")[:1] == b"$")  # reads still served


@ch.requires_startable
class CacheEvictTest(EvictionChecks, unittest.TestCase):
    """The server under test (cache-emu unless DRYDOCK_TARGET says otherwise)."""

    def start(self, args):
        return ch.start_target(args)


@ch.requires_redis_server
class RedisReferenceEvictTest(EvictionChecks, unittest.TestCase):
    """redis-server with the same checks: proves the test's expectations."""

    def start(self, args):
        return ch.start_reference(args)


if __name__ == "__main__":
    unittest.main()
