"""Differential fuzzing of the data commands: seeded random command sequences
go to redis-server 7.0.15 (the reference) and to the server under test over
one raw connection each (RESP2; every fourth sequence RESP3), and every reply
must be byte-identical.

A small keyspace (six key names, a handful of fields and members, numbers at
the edges of int64 and double, empty and long strings) makes the types
collide, so WRONGTYPE, overflow, not-an-integer and syntax errors come up as
often as the happy paths. Each sequence starts from FLUSHALL and the default
encoding thresholds; the generator sometimes lowers the thresholds with
CONFIG SET so encodings convert mid-sequence, now and then grows a
collection past the default thresholds in one command (c_bulk), wraps
commands in MULTI/EXEC, and mutates a command (drops or adds an argument,
swaps one for a random token, changes its case) to reach the arity and parse
errors.

Beyond the plain data commands the grammar covers: BITFIELD/BITFIELD_RO at
every width with #N offsets and OVERFLOW, BITOP, BITCOUNT/BITPOS with
BIT/BYTE ranges (c_bitfield); HyperLogLog on keys p and q (PFADD small and
large enough to turn dense, hll-sparse-max-bytes lowered by CONFIG SET,
PFCOUNT of one and many keys, PFMERGE, GET of the HLL bytes, fake and
damaged HLL strings; c_hll); SORT/SORT_RO with BY and GET patterns over
w_<member> strings and h<member> hashes that c_sortaux writes (c_sortby);
EVAL/EVALSHA/EVAL_RO/EVALSHA_RO running either a grammar command through
redis.call/redis.pcall (as ARGV, or with its key as KEYS[1]) or a literal
script from SCRIPT_LITERALS (every reply conversion, error tables, runtime
and compile errors, wrong numkeys), EVALSHA of scripts sent before and of
unknown or malformed shas, SCRIPT LOAD/EXISTS/FLUSH (c_script); LCS over
strings with long common subsequences (c_lcs); and LINSERT/LSET/LREM/LTRIM/
LPOS deep inside lists of hundreds (c_biglist).

Determinism. Everything is drawn from random.Random(seed); the only input
that is not is the wall clock, which the expiry commands see. So:
  - nothing may expire during a run: relative TTLs are at least a day, and
    every relative TTL of a sequence is 1000 s later than the one before, so
    two deadlines are never within the run's duration of each other and
    EXPIRE ... GT/LT decide the same on both servers; absolute times
    (EXPIREAT, EXAT, ...) lie on a grid 500 s off the relative ones, or in the
    past only where that deletes the key at once (EXPIREAT, GETEX; not SET,
    which would keep an expired key until some lookup or the active expiry
    cycle happens on it);
  - TTL, PTTL, EXPIRETIME and PEXPIRETIME replies match when they are within
    3 s of each other (both servers read the clock at slightly different
    moments); any other difference still fails;
  - commands whose reply Redis randomises are not generated: RANDOMKEY,
    SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, the SCAN family, OBJECT
    FREQ/IDLETIME, TIME, INFO, CLIENT, DEBUG, blocking commands;
  - replies whose order Redis leaves to its hash table (seeded at random per
    process) are compared as multisets: SMEMBERS, SINTER, SUNION, SDIFF and
    KEYS always (7.0 sets are intsets or hash tables), HKEYS, HVALS and
    HGETALL when the reference says the hash is not a listpack (a listpack
    keeps insertion order, which is then compared exactly);
  - a lex-range command (ZRANGEBYLEX, ZLEXCOUNT, ZRANGE ... BYLEX, ...) on a
    skiplist whose scores differ is not sent to either server: Redis's
    answer then depends on the skiplist's random levels (lex_unspecified);
  - a numeric SORT that fails on the reference only because of the errno a
    subnormal score left behind is asked again there with errno cleared
    (sort_errno_quirk); inside MULTI, SORT is always ALPHA;
  - OBJECT REFCOUNT is not sent inside MULTI (see c_object);
  - SORT ... BY is not sent where Redis's order comes from a hash table
    (sort_unspecified): BY a pattern without '*' of a hash-table set
    without STORE, and BY ... ALPHA of such a set or of any zset (SORT
    converts a zset to a skiplist and reads it from its dict), where
    elements whose BY values tie keep that order. Inside MULTI there is no
    BY at all;
  - scripts: the script cache survives FLUSHALL, so every sequence starts
    with SCRIPT FLUSH; a script never runs a command whose reply is in
    hash-table order, a lex range, a TTL read, SELECT or MOVE
    (SCRIPT_UNORDERED: inside a Lua table none of the normalisations above
    can apply); math.random is not used (its generator state is per
    process, not per script, in 7.0: a replay or a restarted server would
    see another number); and scripts are not mutated (their arguments may
    be a command that sets a TTL). struct and cmsgpack are not used:
    cache-emu documents them as absent (docs/cache.md).

The HELLO 3 that opens a RESP3 sequence is compared with the connection id
masked.

Knobs (environment):
  DRYDOCK_FUZZ_SEEDS=N      sequences to run (default 340), seeds FIRST..FIRST+N-1
  DRYDOCK_FUZZ_FIRST=S      first seed (default 0)
  DRYDOCK_FUZZ_LEN=L        commands per sequence (default 400)
  DRYDOCK_FUZZ_MINIMIZE=1   on a mismatch, shrink the sequence to a shortest
                            one that still shows it (slow; for bug hunting)

A mismatch reports the seed, the command's index, the command in redis-cli
quoting, both replies and the commands before it; a sequence stops at its
first mismatch (its state has diverged), the others still run, and the test
fails with the list of all of them.
"""

import hashlib
import os
import random
import re
import socket
import time
import unittest

import cache_harness as ch

DEFAULT_SEEDS = 340
DEFAULT_LEN = 400
HISTORY = 12  # commands shown before a mismatching one
RESP3_EVERY = 4  # every 4th sequence speaks RESP3 (HELLO 3 first)
TTL_TOLERANCE = {b"TTL": 3, b"EXPIRETIME": 3, b"PTTL": 3000, b"PEXPIRETIME": 3000}

# --- the vocabulary ----------------------------------------------------------------

KEYS = ["a", "b", "c", "d", "e", "f"]
# A command prefers keys of its own type so that not every second reply is
# WRONGTYPE; the rest of the time it takes any key. (Z*STORE and SORT read
# sets too, hence "e" among the zset keys.)
HOME_KEYS = {"str": ["a", "b"], "hash": ["c"], "list": ["d"], "set": ["e"], "zset": ["f", "e"],
             "hll": ["p", "q", "p", "q", "a"], "coll": ["d", "e", "f"], "any": KEYS}
HOME_P = 0.8
BIG = ["9223372036854775807", "-9223372036854775808", "9223372036854775806",
       "-9223372036854775807", "18446744073709551616", "4611686018427387904"]
LONG = "v" * 70  # longer than the default *-max-listpack-value (64)
VALUES = ["0", "1", "-1", "5", "10", "123", "1.5", "-0", "0.0", "inf", "-inf", "nan", "abc",
          "", "a b", " 1", "01", "0x10", "1e3", "3.0", "\x00\xff", "hello", LONG] + BIG
INTS = ["0", "1", "-1", "2", "3", "5", "10", "-10", "100", "abc", "1.5", "", " 1", "+1", "01",
        "007"] + BIG
INDICES = ["-100", "-3", "-2", "-1", "0", "1", "2", "3", "5", "100", "9223372036854775807",
           "-9223372036854775808", "abc", "1.0"]
FLOATS = ["0", "1", "-1", "1.5", "-2.5", "0.1", "1e3", "inf", "-inf", "+inf", "nan", "abc", "",
          "1e308", "-0", "3.0", "1.7976931348623157e308", "0x10", "5e-324", " 2", "10"] + BIG[:2]
FIELDS = ["f1", "f2", "f3", "1", "2", "", "fx"]
MEMBERS = ["m1", "m2", "m3", "1", "2", "3", "-4", "100000000000", "a", "b", "c", ""]
SCORE_BOUNDS = ["-inf", "+inf", "inf", "0", "1", "(1", "2", "(2", "1.5", "-1", "(-1", "abc",
                "(abc", "(inf", "10", "((1", ""]
LEX_BOUNDS = ["-", "+", "[a", "(a", "[b", "(m2", "[m1", "[1", "(3", "a", "[", "(", "", "[c"]
PATTERNS = ["*", "a*", "?", "[a-c]", "*[", "\\a", "[^a]*", "b", "x*", ""]
COUNTS = ["0", "1", "2", "3", "10", "-1", "abc", "9223372036854775807"]
# Thresholds that make encodings convert early, and their defaults (restored
# at the start of every sequence).
THRESHOLDS = {
    "hash-max-listpack-entries": ("128", ["0", "1", "2", "3", "128"]),
    "hash-max-listpack-value": ("64", ["0", "1", "3", "64"]),
    "set-max-intset-entries": ("512", ["0", "1", "2", "3", "512"]),
    "zset-max-listpack-entries": ("128", ["0", "1", "2", "3", "128"]),
    "zset-max-listpack-value": ("64", ["0", "1", "3", "64"]),
    "list-max-listpack-size": ("-2", ["1", "2", "3", "-1", "-2", "-5"]),
    "hll-sparse-max-bytes": ("3000", ["0", "10", "50", "300", "3000"]),
}
THRESHOLD_ALIASES = {"hash-max-ziplist-entries": "hash-max-listpack-entries",
                     "zset-max-ziplist-value": "zset-max-listpack-value",
                     "list-max-ziplist-size": "list-max-listpack-size"}
# Random tokens a mutation puts in. No number here lies between 10^4 and
# 2^32 - 1 or 2^29 (SETBIT/SETRANGE would allocate up to 512 MB), and
# commands that set a TTL are never mutated (a small number would expire a
# key during the run).
MUTATION_TOKENS = ["0", "1", "-1", "2", "3", "10", "-5", "abc", "", "1.5", "inf", "-inf", "nan",
                   "a", "b", "f1", "m1", "NX", "XX", "GT", "LT", "CH", "INCR", "GET",
                   "WITHSCORES", "LIMIT", "REV", "BYSCORE", "BYLEX", "COUNT", "RANK", "MAXLEN",
                   "(1", "[a", "-", "+", "WEIGHTS", "AGGREGATE", "SUM", "MIN", "MAX", "BEFORE",
                   "AFTER", "LEFT", "RIGHT", "BIT", "BYTE", "REPLACE", "ALPHA", "DESC",
                   "STORE", "LEN", "IDX"] + BIG
NO_MUTATION = {"SET", "SETEX", "PSETEX", "GETEX", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT",
               "MULTI", "EXEC", "DISCARD", "CONFIG", "SELECT", "WATCH",
               # a script's arguments may be a command that sets a TTL; c_script
               # makes its own numkeys errors
               "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"}

# SORT ... BY / GET patterns, and the keys they reach: w_<member> strings and
# h<member> hashes (c_sortaux makes them), the elements themselves ("*": the
# keys a..f), and keys that never exist.
SORT_BY = ["w_*", "w_*", "h*->f1", "h*->f1", "h*->f2", "*", "*->f1", "nosort", "x", "w_*->",
           "h*->", "nokey_*", "h*->fx*"]
SORT_GET = ["#", "#", "w_*", "h*->f1", "h*->f2", "*", "nokey_*", "h*->", "*->f1"]
WEIGHT_VALUES = ["1", "2", "-1", "1.5", "10", "0", "3.0", "-2.5", "100000000000", "abc", "",
                 "m1", "inf", "-inf", " 1", "1e3"]
SORT_MEMBERS = MEMBERS + ["e1", "e2", "e3"]

# HyperLogLog elements, and strings that look like an HLL but are not one.
HLL_ELEMS = ["x", "y", "z", "1", "2", "", "a", "m1", "hello", LONG, "\x00\xff"]
HLL_FAKES = ["HYLL", "HYLL\x00\x00\x00\x00\x00\x00\x00\x00",
             "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x7f\xff", "hyll", "abc", ""]

# EVAL. A script either runs one grammar command (SCRIPT_RUNNERS: its name
# and arguments are ARGV, or its first key is KEYS[1]) or is one of
# SCRIPT_LITERALS; the grammar commands a script may run are drawn from
# SCRIPT_GENS, minus SCRIPT_UNORDERED (see the module docstring).
SCRIPT_RUNNERS = [
    "return redis.call(unpack(ARGV))",
    "return redis.call(unpack(ARGV))",
    "return redis.pcall(unpack(ARGV))",
    "return {redis.pcall(unpack(ARGV))}",
    "local r = redis.pcall(unpack(ARGV)) if type(r) == 'table' and r.err then "
    "return 'caught: ' .. r.err end return r",
    "return type(redis.pcall(unpack(ARGV)))",
    "redis.setresp(3) return redis.pcall(unpack(ARGV))",
    "redis.setresp(3) return {redis.pcall(unpack(ARGV))}",
]
SCRIPT_KEYED = "return redis.call(ARGV[1], KEYS[1], unpack(ARGV, 2))"
SCRIPT_LITERALS = [
    "return 1", "return 3.99", "return -2.5", "return -0.5", "return 'x'", "return ''",
    "return 9007199254740993", "return 1e15",
    "return {1, 2.7, 'x', {3, {4, 'y'}}, {}}", "return true", "return false", "return nil",
    "return {1, nil, 3}", "return {1, false, 3}", "return {true, 'a', false}",
    "return {ok='fine'}", "return {err='bad thing'}", "return {err='WRONG custom code'}",
    "return {1, {err='nested'}, {ok='nested ok'}}",
    "return redis.error_reply('my err')", "return redis.error_reply('-CODE with dash')",
    "return redis.error_reply('')", "return redis.status_reply('FINE')",
    "return {redis.status_reply('A'), redis.error_reply('B'), 7}",
    "return KEYS", "return ARGV", "return #KEYS + #ARGV", "return {KEYS[1], ARGV[1]}",
    "return tonumber(ARGV[1])", "return redis.sha1hex(ARGV[1] or '')",
    "return cjson.encode({1, 2, 'x'})", "return cjson.decode('[1,2,[3,\"a\"],4.5]')",
    "return bit.band(13, 7)", "return bit.tohex(255)",
    "return string.format('%5.2f', 3.14159)", "return math.floor(-2.5)",
    "return string.rep('ab', 3)", "return {string.byte('ab', 1, 2)}",
    "return {double=1.5}", "return {double=3}", "return {big_number='1234567890123456789012'}",
    "return {map={k='v'}}", "return {set={a=true}}", "return {{double=0.25}, {map={x=1}}}",
    "return redis.setresp(3)", "return redis.REPL_ALL", "return redis.replicate_commands()",
    "return redis.call('PING')", "return redis.call('ECHO', ARGV[1] or 'x')",
    "return redis.pcall('PING', 'a', 'b')",
    "redis.setresp(3) return redis.call('ZRANGE', KEYS[1] or 'f', 0, -1, 'WITHSCORES')",
    "redis.setresp(3) return redis.pcall('ZSCORE', KEYS[1] or 'f', ARGV[1] or 'm1')",
    "redis.setresp(3) return redis.pcall('HGET', KEYS[1] or 'c', 'nope')",
    "return redis.call('INCR', KEYS[1] or 'a')", "return redis.pcall('INCR', KEYS[1] or 'a')",
    "return redis.call('SET', KEYS[1] or 'a', ARGV[1] or 'x')",
    "redis.call('SET', KEYS[1] or 'a', 'written') error('after write')",
    "return redis.call('GET', KEYS[1] or 'a', 'extra')",
    "return redis.breakpoint()", "return redis.debug('x')",
    # runtime and compile errors
    "return foo", "error('boom')", "error({err='custom'})", "error()", "error(42)",
    "return redis.call('nosuch')", "return redis.pcall('nosuch')", "return redis.call()",
    "return redis.call('GET')", "return redis.call('SET', 'k', {})",
    "return redis.call('SET', 'k', 1.5)", "local t = nil return t.x", "x = 5 return x",
    "return redis.call('MULTI')", "return redis.call('EVAL', 'return 1', '0')",
    "return redis.call('CONFIG', 'GET', 'x')", "return redis.setresp(4)", "return 1 + {}",
    "return #nil", "syntax error here", "return 'unfinished", "return (", "",
    "return redis.sha1hex()", "return redis.error_reply()", "return redis.status_reply(1)",
]
SCRIPT_GENS = ["set", "get", "getset", "mget", "mset", "append", "getrange", "setrange", "incr",
               "setnx", "lcs", "del", "rename", "copy", "hset", "hget", "hincr", "push", "pop",
               "lread", "lwrite", "lpos", "lmove", "sadd", "sread", "smove", "sops", "zadd",
               "zread", "zcount", "zrange", "zrem", "zpop", "zstore", "bits", "bitfield", "hll"]
# Replies in hash-table order (compared as multisets outside a script, but
# inside a table they cannot be), lex ranges (lex_unspecified), TTLs (the
# 3 s tolerance) and what a script may not run.
SCRIPT_UNORDERED = {"SMEMBERS", "SINTER", "SUNION", "SDIFF", "KEYS", "HKEYS", "HVALS", "HGETALL",
                    "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX", "TTL",
                    "PTTL", "EXPIRETIME", "PEXPIRETIME", "SELECT", "MOVE"}
UNKNOWN_SHA = "ffffffffffffffffffffffffffffffffffffffff"


def quote(arg):
    """One argument as redis-cli would need it typed."""
    if isinstance(arg, str):
        arg = arg.encode()
    if arg and all(33 <= c < 127 and c not in b"\"'\\" for c in arg):
        return arg.decode()
    out = []
    for c in arg:
        if c == 0x22 or c == 0x5C:
            out.append("\\" + chr(c))
        elif 32 <= c < 127:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return '"' + "".join(out) + '"'


def show_cmd(cmd, limit=None):
    """cmd in redis-cli quoting; past limit characters, cut with a count."""
    s = " ".join(quote(a) for a in cmd)
    if limit is not None and len(s) > limit:
        s = s[:limit] + " ...(%d arguments)" % len(cmd)
    return s


def show_reply(r):
    s = r if isinstance(r, str) else repr(r)
    return s if len(s) < 600 else s[:600] + "...(%d bytes)" % len(r)


# --- the generator --------------------------------------------------------------


class Gen:
    """Commands of one sequence; t0 anchors the absolute expiry times."""

    def __init__(self, seed, t0):
        self.r = random.Random(seed)
        self.t0 = t0
        self.rel = 0  # relative TTLs handed out so far
        self.home = KEYS  # keys the current command prefers
        self.in_block = False  # generating the commands of a MULTI block
        self.seen = []  # script bodies sent with EVAL or SCRIPT LOAD: EVALSHA them
        self.table = [(w, getattr(self, "c_" + name), HOME_KEYS[home])
                      for name, w, home in WEIGHTS]
        self.total = sum(w for w, _, _ in self.table)

    # small pickers
    def pick(self, seq):
        return self.r.choice(seq)

    def key(self):
        return self.pick(self.home if self.chance(HOME_P) else KEYS)

    def keys(self, lo=1, hi=3):
        return [self.key() for _ in range(self.r.randint(lo, hi))]

    def val(self):
        return self.pick(VALUES)

    def chance(self, p):
        return self.r.random() < p

    def rel_secs(self):
        """A relative TTL in seconds, 1000 s after the previous one."""
        self.rel += 1
        return 86400 + 1000 * self.rel

    def abs_secs(self, past=True):
        """An absolute unix time: mostly on the future grid, sometimes (when
        past) one gone by. SET ... EXAT <past> may not have one: it stores a
        key that is already expired, and when that key goes (lazily on a
        lookup, or whenever the active expiry cycle samples it) is timing:
        DBSIZE would differ. EXPIREAT and GETEX delete such a key at once."""
        if past and self.chance(0.15):
            return self.pick([1, 1000000000, self.t0 - 3600])
        return self.t0 + 86400 + 500 + 1000 * self.r.randint(0, 500)

    def bad_ttl(self):
        return self.pick(["0", "-1", "abc", "1.5", "", "9223372036854775807",
                          "9223372036854775", "-9223372036854775808"])

    def ttl_opt(self, persist=False):
        """EX/PX/EXAT/PXAT (valid or not) as an argument list; persist: for
        GETEX, which may also take PERSIST and a time in the past."""
        x = self.r.random()
        if x < 0.08:
            return [self.pick(["EX", "PX", "EXAT", "PXAT"]), self.bad_ttl()]
        if x < 0.35:
            return ["EX", str(self.rel_secs())]
        if x < 0.55:
            return ["PX", str(self.rel_secs() * 1000)]
        if x < 0.75:
            return ["EXAT", str(self.abs_secs(persist))]
        if x < 0.9:
            return ["PXAT", str(self.abs_secs(persist) * 1000 + self.r.randint(0, 999))]
        if persist:
            return ["PERSIST"]
        return ["EX"]  # missing value

    def mutate(self, cmd):
        """An arity or parse error, most of the time."""
        cmd = list(cmd)
        x = self.r.random()
        if x < 0.3 and len(cmd) > 1:
            cmd.pop()
        elif x < 0.55:
            cmd.append(self.pick(MUTATION_TOKENS))
        elif x < 0.85 and len(cmd) > 1:
            cmd[self.r.randrange(1, len(cmd))] = self.pick(MUTATION_TOKENS)
        else:
            cmd[0] = cmd[0].lower() if self.chance(0.5) else cmd[0].capitalize()
        return cmd

    def one(self):
        x = self.r.random() * self.total
        for w, fn, home in self.table:
            x -= w
            if x < 0:
                break
        self.home = home
        cmd = fn()
        if cmd and isinstance(cmd[0], list):
            return cmd  # a block of commands
        if (cmd[0] not in NO_MUTATION and not (self.in_block and cmd[0].startswith("SORT"))
                and self.chance(0.06)):
            cmd = self.mutate(cmd)
        return [cmd]

    def sequence(self, n):
        out = []
        while len(out) < n:
            out.extend(self.one())
        return out[:n]

    # --- strings
    def c_set(self):
        cmd = ["SET", self.key(), self.val()]
        opts = []
        if self.chance(0.3):
            opts.append([self.pick(["NX", "XX"])])
        if self.chance(0.25):
            opts.append(["GET"])
        if self.chance(0.35):
            opts.append(self.ttl_opt())
        elif self.chance(0.1):
            opts.append(["KEEPTTL"])
        if self.chance(0.05):  # conflicting or repeated options
            opts.append([self.pick(["NX", "XX", "KEEPTTL", "GET", "EX", "FOO"])])
            if opts[-1][0] == "EX":
                opts[-1].append(str(self.rel_secs()))
        self.r.shuffle(opts)
        for o in opts:
            cmd += o
        return cmd

    def c_get(self):
        return [self.pick(["GET", "GET", "GETDEL", "STRLEN"]), self.key()]

    def c_getset(self):
        return ["GETSET", self.key(), self.val()]

    def c_getex(self):
        cmd = ["GETEX", self.key()]
        if self.chance(0.7):
            cmd += self.ttl_opt(persist=True)
        if self.chance(0.05):
            cmd += self.ttl_opt(persist=True)
        return cmd

    def c_mget(self):
        return ["MGET"] + self.keys(1, 4)

    def c_mset(self):
        cmd = [self.pick(["MSET", "MSETNX"])]
        for k in self.keys(1, 3):
            cmd += [k, self.val()]
        if self.chance(0.05):
            cmd.append(self.key())
        return cmd

    def c_append(self):
        return ["APPEND", self.key(), self.pick(VALUES[:20])]

    def c_getrange(self):
        return [self.pick(["GETRANGE", "SUBSTR"]), self.key(), self.pick(INDICES),
                self.pick(INDICES)]

    def c_setrange(self):
        off = self.pick(["0", "1", "3", "10", "100", "-1", "abc", "536870912", "536870911",
                         "1000", "65536", "-536870912", "9223372036854775807"])
        v = self.pick(["x", "hello", "", "\x00", "12"])
        if off in ("536870912", "536870911", "9223372036854775807"):
            v = "zz"  # past 512 MB: an error, never a 512 MB string
        return ["SETRANGE", self.key(), off, v]

    def c_incr(self):
        op = self.pick(["INCR", "DECR", "INCRBY", "DECRBY", "INCRBY", "INCRBYFLOAT",
                        "INCRBYFLOAT"])
        if op in ("INCR", "DECR"):
            return [op, self.key()]
        if op == "INCRBYFLOAT":
            return [op, self.key(), self.pick(FLOATS)]
        return [op, self.key(), self.pick(INTS)]

    def c_setnx(self):
        op = self.pick(["SETNX", "SETEX", "PSETEX"])
        if op == "SETNX":
            return [op, self.key(), self.val()]
        if self.chance(0.15):
            t = self.bad_ttl()
        else:
            t = str(self.rel_secs() * (1000 if op == "PSETEX" else 1))
        return [op, self.key(), t, self.val()]

    def c_lcs(self):
        cmd = ["LCS", self.key(), self.key()]
        for opt in (["LEN"], ["IDX"], ["MINMATCHLEN", self.pick(["0", "1", "2", "3", "-1",
                                                                 "abc"])],
                    ["WITHMATCHLEN"]):
            if self.chance(0.3):
                cmd += opt
        if self.in_block or not self.chance(0.4):
            return cmd
        # two strings with a long common subsequence first (at most 300 x 300)
        return [["MSET", cmd[1], self.lcs_text(), cmd[2], self.lcs_text()], cmd]

    def lcs_text(self):
        x = self.r.random()
        if x < 0.5:
            return self.pick(["ohmytext", "mynewtext", "ABCBDAB", "BDCABA", "aaaa", "aa", "",
                              "x", "thequickbrownfox", "quick brown", "abcabcabc", "cba"])
        n = self.r.randint(10, 300)
        return "".join(self.pick("abcd") for _ in range(n))

    # --- keys
    def c_del(self):
        return [self.pick(["DEL", "UNLINK", "EXISTS", "TOUCH", "EXISTS"])] + self.keys(1, 4)

    def c_type(self):
        return [self.pick(["TYPE", "PERSIST", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME",
                           "TTL"]), self.key()]

    def c_rename(self):
        return [self.pick(["RENAME", "RENAMENX"]), self.key(), self.key()]

    def c_copy(self):
        cmd = ["COPY", self.key(), self.key()]
        if self.chance(0.4):
            cmd.append("REPLACE")
        if self.chance(0.15):
            cmd += ["DB", self.pick(["0", "1", "16", "-1", "abc"])]
        return cmd

    def c_move(self):
        return ["MOVE", self.key(), self.pick(["0", "1", "1", "16", "abc"])]

    def c_expire(self):
        op = self.pick(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
        x = self.r.random()
        if x < 0.1:
            t = self.bad_ttl()
        elif op == "EXPIRE":
            t = str(self.rel_secs())
        elif op == "PEXPIRE":
            t = str(self.rel_secs() * 1000)
        elif op == "EXPIREAT":
            t = str(self.abs_secs())
        else:
            t = str(self.abs_secs() * 1000 + self.r.randint(0, 999))
        cmd = [op, self.key(), t]
        for _ in range(self.pick([0, 0, 1, 1, 1, 2])):
            cmd.append(self.pick(["NX", "XX", "GT", "LT", "nx", "FOO"]))
        return cmd

    def c_keys(self):
        x = self.r.random()
        if x < 0.45:
            return ["KEYS", self.pick(PATTERNS)]
        if x < 0.7:
            return ["DBSIZE"]
        if x < 0.85:
            return ["SELECT", self.pick(["0", "0", "1", "16", "abc"])]
        if x < 0.95:
            return ["SWAPDB", self.pick(["0", "1", "0"]), self.pick(["1", "0", "16", "abc"])]
        return ["FLUSHDB"] + ([self.pick(["ASYNC", "SYNC", "FOO"])] if self.chance(0.5) else [])

    def c_object(self):
        x = self.r.random()
        if x < 0.85:
            # Not REFCOUNT inside MULTI: during EXEC Redis still holds the
            # queued commands' arguments, which a stored string may share
            # (refcount 2); cache-emu has no such objects (docs/cache.md).
            subs = ["ENCODING", "ENCODING", "encoding"] + ([] if self.in_block else ["REFCOUNT"])
            return ["OBJECT", self.pick(subs), self.key()]
        if x < 0.95:
            return ["OBJECT", self.pick(["FOO", "ENCODING"])]
        return ["OBJECT", "ENCODING", self.key(), self.key()]

    # --- hashes
    def c_hset(self):
        op = self.pick(["HSET", "HSET", "HMSET", "HSETNX"])
        cmd = [op, self.key()]
        n = 1 if op == "HSETNX" else self.r.randint(1, 3)
        for _ in range(n):
            cmd += [self.pick(FIELDS), self.val()]
        if self.chance(0.04):
            cmd.append(self.pick(FIELDS))
        return cmd

    def c_hget(self):
        op = self.pick(["HGET", "HEXISTS", "HSTRLEN", "HDEL", "HMGET", "HDEL", "HMGET"])
        cmd = [op, self.key(), self.pick(FIELDS)]
        if op in ("HDEL", "HMGET"):
            cmd += [self.pick(FIELDS) for _ in range(self.r.randint(0, 2))]
        return cmd

    def c_hall(self):
        return [self.pick(["HLEN", "HKEYS", "HVALS", "HGETALL"]), self.key()]

    def c_hincr(self):
        if self.chance(0.5):
            return ["HINCRBY", self.key(), self.pick(FIELDS), self.pick(INTS)]
        return ["HINCRBYFLOAT", self.key(), self.pick(FIELDS), self.pick(FLOATS)]

    # --- lists
    def c_push(self):
        op = self.pick(["LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "RPUSH"])
        return [op, self.key()] + [self.pick(MEMBERS + [LONG]) for _ in range(
            self.r.randint(1, 4))]

    def c_pop(self):
        cmd = [self.pick(["LPOP", "RPOP"]), self.key()]
        if self.chance(0.4):
            cmd.append(self.pick(COUNTS))
        return cmd

    def c_lread(self):
        op = self.pick(["LLEN", "LRANGE", "LRANGE", "LINDEX"])
        if op == "LLEN":
            return [op, self.key()]
        if op == "LINDEX":
            return [op, self.key(), self.pick(INDICES)]
        return [op, self.key(), self.pick(INDICES), self.pick(INDICES)]

    def c_lwrite(self):
        op = self.pick(["LSET", "LREM", "LTRIM", "LINSERT"])
        if op == "LSET":
            return [op, self.key(), self.pick(INDICES), self.pick(MEMBERS)]
        if op == "LREM":
            return [op, self.key(), self.pick(["0", "1", "-1", "2", "-2", "abc"]),
                    self.pick(MEMBERS)]
        if op == "LTRIM":
            return [op, self.key(), self.pick(INDICES), self.pick(INDICES)]
        return [op, self.key(), self.pick(["BEFORE", "AFTER", "before", "MIDDLE"]),
                self.pick(MEMBERS), self.pick(MEMBERS)]

    def c_lpos(self):
        cmd = ["LPOS", self.key(), self.pick(MEMBERS)]
        opts = []
        if self.chance(0.4):
            opts.append(["RANK", self.pick(["1", "-1", "2", "-2", "0", "abc",
                                            "-9223372036854775808"])])
        if self.chance(0.4):
            opts.append(["COUNT", self.pick(["0", "1", "2", "-1", "abc"])])
        if self.chance(0.3):
            opts.append(["MAXLEN", self.pick(["0", "1", "2", "-1", "abc"])])
        self.r.shuffle(opts)
        for o in opts:
            cmd += o
        return cmd

    def c_lmove(self):
        x = self.r.random()
        if x < 0.3:
            return ["RPOPLPUSH", self.key(), self.key()]
        if x < 0.7:
            return ["LMOVE", self.key(), self.key(), self.pick(["LEFT", "RIGHT", "right", "UP"]),
                    self.pick(["LEFT", "RIGHT"])]
        ks = self.keys(1, 3)
        cmd = ["LMPOP", self.pick([str(len(ks))] * 5 + ["0", "5", "abc"])] + ks
        cmd.append(self.pick(["LEFT", "RIGHT", "LEFT", "MIDDLE"]))
        if self.chance(0.4):
            cmd += ["COUNT", self.pick(COUNTS)]
        return cmd

    # --- sets
    def c_sadd(self):
        return [self.pick(["SADD", "SADD", "SREM"]), self.key()] + [
            self.pick(MEMBERS + [LONG]) for _ in range(self.r.randint(1, 4))]

    def c_sread(self):
        op = self.pick(["SMEMBERS", "SCARD", "SISMEMBER", "SMISMEMBER"])
        cmd = [op, self.key()]
        if op == "SISMEMBER":
            cmd.append(self.pick(MEMBERS))
        elif op == "SMISMEMBER":
            cmd += [self.pick(MEMBERS) for _ in range(self.r.randint(1, 3))]
        return cmd

    def c_smove(self):
        return ["SMOVE", self.key(), self.key(), self.pick(MEMBERS)]

    def c_sops(self):
        op = self.pick(["SINTER", "SUNION", "SDIFF", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE",
                        "SINTERCARD"])
        if op == "SINTERCARD":
            ks = self.keys(1, 3)
            cmd = [op, self.pick([str(len(ks))] * 5 + ["0", "4", "abc"])] + ks
            if self.chance(0.4):
                cmd += ["LIMIT", self.pick(["0", "1", "2", "-1", "abc"])]
            return cmd
        if op.endswith("STORE"):
            return [op, self.key()] + self.keys(1, 3)
        return [op] + self.keys(1, 3)

    # --- sorted sets
    def c_zadd(self):
        cmd = ["ZADD", self.key()]
        for f in ("NX", "XX", "GT", "LT", "CH", "INCR"):
            if self.chance(0.12):
                cmd.append(f)
        self.r.shuffle(cmd[2:])
        for _ in range(self.r.randint(1, 3)):
            cmd += [self.pick(FLOATS + ["1", "2", "3", "1", "2", "0"]), self.pick(MEMBERS)]
        if self.chance(0.04):
            cmd.append(self.pick(MEMBERS))
        return cmd

    def c_zread(self):
        op = self.pick(["ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK", "ZCARD", "ZREM", "ZINCRBY"])
        if op == "ZCARD":
            return [op, self.key()]
        if op == "ZINCRBY":
            return [op, self.key(), self.pick(FLOATS), self.pick(MEMBERS)]
        cmd = [op, self.key(), self.pick(MEMBERS)]
        if op in ("ZMSCORE", "ZREM"):
            cmd += [self.pick(MEMBERS) for _ in range(self.r.randint(0, 2))]
        return cmd

    def c_zcount(self):
        if self.chance(0.6):
            return ["ZCOUNT", self.key(), self.pick(SCORE_BOUNDS), self.pick(SCORE_BOUNDS)]
        return ["ZLEXCOUNT", self.key(), self.pick(LEX_BOUNDS), self.pick(LEX_BOUNDS)]

    def c_zrange(self):
        x = self.r.random()
        k = self.key()
        if x < 0.45:
            cmd = ["ZRANGE", k]
            by = self.pick([None, None, "BYSCORE", "BYLEX"])
            if by == "BYSCORE":
                cmd += [self.pick(SCORE_BOUNDS), self.pick(SCORE_BOUNDS), by]
            elif by == "BYLEX":
                cmd += [self.pick(LEX_BOUNDS), self.pick(LEX_BOUNDS), by]
            else:
                cmd += [self.pick(INDICES), self.pick(INDICES)]
            if self.chance(0.3):
                cmd.append("REV")
            if self.chance(0.3):
                cmd += ["LIMIT", self.pick(["0", "1", "-1", "abc"]), self.pick(COUNTS)]
            if self.chance(0.4):
                cmd.append("WITHSCORES")
            return cmd
        if x < 0.6:
            cmd = [self.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), k,
                   self.pick(SCORE_BOUNDS), self.pick(SCORE_BOUNDS)]
            if self.chance(0.4):
                cmd.append("WITHSCORES")
            if self.chance(0.3):
                cmd += ["LIMIT", self.pick(["0", "1", "-1", "abc"]), self.pick(COUNTS)]
            return cmd
        if x < 0.75:
            cmd = [self.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]), k, self.pick(LEX_BOUNDS),
                   self.pick(LEX_BOUNDS)]
            if self.chance(0.3):
                cmd += ["LIMIT", self.pick(["0", "1", "-1"]), self.pick(COUNTS)]
            return cmd
        if x < 0.85:
            cmd = ["ZREVRANGE", k, self.pick(INDICES), self.pick(INDICES)]
            if self.chance(0.4):
                cmd.append("WITHSCORES")
            return cmd
        cmd = ["ZRANGESTORE", self.key(), k]
        if self.chance(0.5):
            cmd += [self.pick(SCORE_BOUNDS), self.pick(SCORE_BOUNDS), "BYSCORE"]
        else:
            cmd += [self.pick(INDICES), self.pick(INDICES)]
        if self.chance(0.3):
            cmd.append("REV")
        return cmd

    def c_zrem(self):
        op = self.pick(["ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX"])
        k = self.key()
        if op == "ZREMRANGEBYSCORE":
            return [op, k, self.pick(SCORE_BOUNDS), self.pick(SCORE_BOUNDS)]
        if op == "ZREMRANGEBYLEX":
            return [op, k, self.pick(LEX_BOUNDS), self.pick(LEX_BOUNDS)]
        return [op, k, self.pick(INDICES), self.pick(INDICES)]

    def c_zpop(self):
        if self.chance(0.75):
            cmd = [self.pick(["ZPOPMIN", "ZPOPMAX"]), self.key()]
            if self.chance(0.5):
                cmd.append(self.pick(COUNTS))
            return cmd
        ks = self.keys(1, 3)
        cmd = ["ZMPOP", self.pick([str(len(ks))] * 5 + ["0", "5"])] + ks
        cmd.append(self.pick(["MIN", "MAX", "MIN", "LEFT"]))
        if self.chance(0.4):
            cmd += ["COUNT", self.pick(COUNTS)]
        return cmd

    def c_zstore(self):
        op = self.pick(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZUNION", "ZINTER", "ZDIFF",
                        "ZINTERCARD"])
        ks = self.keys(1, 3)
        n = self.pick([str(len(ks))] * 6 + ["0", str(len(ks) + 1), "abc"])
        cmd = [op] + ([self.key()] if op.endswith("STORE") else []) + [n] + ks
        if op == "ZINTERCARD":
            if self.chance(0.4):
                cmd += ["LIMIT", self.pick(["0", "1", "-1"])]
            return cmd
        if op.startswith("ZDIFF"):
            if op == "ZDIFF" and self.chance(0.4):
                cmd.append("WITHSCORES")
            return cmd
        if self.chance(0.4):
            cmd.append("WEIGHTS")
            cmd += [self.pick(["1", "2", "-1", "0", "1.5", "inf", "abc"])
                    for _ in range(len(ks) if self.chance(0.9) else len(ks) - 1)]
        if self.chance(0.4):
            cmd += ["AGGREGATE", self.pick(["SUM", "MIN", "MAX", "max", "AVG"])]
        if not op.endswith("STORE") and self.chance(0.5):
            cmd.append("WITHSCORES")
        return cmd

    # --- bits
    def c_bits(self):
        op = self.pick(["SETBIT", "GETBIT", "BITCOUNT", "BITPOS", "BITOP", "SETBIT", "BITFIELD"])
        k = self.key()
        if op == "SETBIT":
            return [op, k, self.pick(["0", "1", "7", "8", "15", "63", "100", "-1", "abc",
                                      "4294967296"]), self.pick(["0", "1", "1", "2", "abc"])]
        if op == "GETBIT":
            return [op, k, self.pick(["0", "1", "7", "8", "100", "-1", "abc", "4294967296"])]
        if op == "BITFIELD":
            cmd = [self.pick(["BITFIELD", "BITFIELD", "BITFIELD_RO"]), k]
            for _ in range(self.r.randint(0, 3)):
                sub = self.pick(["GET", "SET", "INCRBY", "OVERFLOW", "get", "FOO"])
                if sub == "OVERFLOW":
                    cmd += [sub, self.pick(["WRAP", "SAT", "FAIL", "sat", "BAD"])]
                    continue
                cmd += [sub, self.pick(["u8", "i8", "u1", "i5", "u63", "i64", "u64", "i65", "x8",
                                        "u0"]),
                        self.pick(["0", "1", "7", "#1", "#2", "100", "-1", "abc"])]
                if sub in ("SET", "INCRBY"):
                    cmd.append(self.pick(INTS))
            return cmd
        if op == "BITOP":
            bop = self.pick(["AND", "OR", "XOR", "NOT", "and", "FOO"])
            srcs = self.keys(1, 1 if bop == "NOT" and self.chance(0.8) else 3)
            return [op, bop, self.key()] + srcs
        cmd = [op, k]
        if op == "BITPOS":
            cmd.append(self.pick(["0", "1", "1", "2"]))
        if self.chance(0.6):
            cmd += [self.pick(INDICES)]
            if self.chance(0.8):
                cmd.append(self.pick(INDICES))
                if self.chance(0.4):
                    cmd.append(self.pick(["BIT", "BYTE", "bit", "WORD"]))
        return cmd

    def c_bitfield(self):
        """BITFIELD widths at the edges, #N offsets, OVERFLOW before each
        operation; BITOP over keys of different lengths; BIT/BYTE ranges."""
        k = self.key()
        x = self.r.random()
        if x < 0.55:
            ro = self.chance(0.25)
            cmd = ["BITFIELD_RO" if ro else "BITFIELD", k]
            for _ in range(self.r.randint(1, 4)):
                y = self.r.random()
                if y < 0.2 and not ro:
                    cmd += ["OVERFLOW", self.pick(["WRAP", "SAT", "FAIL", "SAT", "FAIL",
                                                   "wrap", "BAD"])]
                    continue
                if ro:
                    sub = self.pick(["GET"] * 8 + ["SET", "INCRBY", "OVERFLOW"])
                else:
                    sub = self.pick(["GET", "SET", "INCRBY", "INCRBY", "incrby", "set"])
                sign = self.pick(["i", "u"] * 6 + ["I", "x"])
                width = self.pick(["1", "2", "3", "4", "7", "8", "8", "9", "15", "16", "31",
                                   "32", "33", "63", "64"] * 3 + ["65", "0", "-1", "", "a"])
                off = self.pick(["0", "1", "3", "7", "8", "13", "31", "64", "#0", "#1", "#2",
                                 "#3", "#10", "#-1", "#", "-1", "abc", "1000", "#1000",
                                 "99999"])
                cmd += [sub, sign + width, off]
                if sub.upper() == "OVERFLOW":
                    cmd[-2:] = ["WRAP"]
                elif sub.upper() in ("SET", "INCRBY"):
                    cmd.append(self.pick(["0", "1", "-1", "2", "100", "127", "128", "-128",
                                          "-129", "255", "256", "65535", "2147483647",
                                          "-2147483648", "4294967295"] + INTS))
            return cmd
        if x < 0.75:
            bop = self.pick(["AND", "OR", "XOR", "NOT", "NOT", "and", "Xor", "NAND"])
            n = self.pick([1, 1, 2, 3]) if bop != "NOT" else self.pick([1, 1, 1, 2])
            return ["BITOP", bop, self.key()] + self.keys(n, n)
        op = self.pick(["BITCOUNT", "BITPOS", "BITPOS"])
        cmd = [op, k]
        if op == "BITPOS":
            cmd.append(self.pick(["0", "1", "1", "0", "2", "-1"]))
        if self.chance(0.8):
            cmd.append(self.pick(["0", "1", "2", "-1", "-2", "5", "7", "8", "9", "-8", "-9",
                                  "15", "16", "100", "-100", "abc"]))
            if self.chance(0.8):
                cmd.append(self.pick(["0", "1", "2", "-1", "-2", "5", "7", "8", "9", "-8",
                                      "15", "16", "100", "-100", "9223372036854775807"]))
                if self.chance(0.6):
                    cmd.append(self.pick(["BIT", "BIT", "BYTE", "bit", "byte", "WORD"]))
        return cmd

    def c_hll(self):
        x = self.r.random()
        k = self.key()
        if x < 0.3:
            return ["PFADD", k] + [self.pick(HLL_ELEMS) for _ in range(self.r.randint(0, 4))]
        if x < 0.37:  # one PFADD of many: a sparse HLL grows, or turns dense
            n = self.r.randint(20, 400)
            base = self.r.randint(0, 3000)
            return ["PFADD", k] + ["h%d" % (base + i) for i in range(n)]
        if x < 0.55:
            return ["PFCOUNT"] + self.keys(1, 3)
        if x < 0.68:
            return ["PFMERGE", self.key()] + self.keys(0, 3)
        if x < 0.85:
            return self.pick([["GET", k], ["GET", k], ["STRLEN", k],
                              ["GETRANGE", k, self.pick(["0", "3", "4", "15", "16"]),
                               self.pick(["3", "15", "20", "-1"])]])
        if x < 0.88:
            return ["DEL", k]
        if x < 0.91:
            return ["SET", k, self.pick(HLL_FAKES)]
        # a valid HLL damaged in place: Redis answers INVALIDOBJ, or stores on
        return self.pick([["APPEND", k, self.pick(["\x00", "x", "\x7f\xff"])],
                          ["SETRANGE", k, self.pick(["4", "16", "17", "20"]),
                           self.pick(["\x00", "\x01", "\x02", "\xff", "\x7f"])],
                          ["SETRANGE", k, "15", "\x80"]])

    def c_script(self):
        x = self.r.random()
        if x < 0.08:
            body = self.pick(SCRIPT_LITERALS + SCRIPT_RUNNERS)
            if body not in self.seen:
                self.seen.append(body)
            return ["SCRIPT", "LOAD", body]
        if x < 0.14:
            return ["SCRIPT", "EXISTS"] + [
                self.pick([UNKNOWN_SHA, "abc", self.sha(self.pick(SCRIPT_LITERALS)),
                           self.sha(self.pick(SCRIPT_RUNNERS))])
                for _ in range(self.r.randint(1, 3))]
        if x < 0.16:
            return self.pick([["SCRIPT", "FLUSH"], ["SCRIPT", "FLUSH", "ASYNC"],
                              ["SCRIPT", "FLUSH", "SYNC"], ["SCRIPT", "KILL"],
                              ["SCRIPT", "FOO"], ["SCRIPT"], ["SCRIPT", "FLUSH", "BAD"]])
        op = self.pick(["EVAL"] * 6 + ["EVALSHA", "EVALSHA", "EVAL_RO", "EVALSHA_RO"])
        if op.startswith("EVALSHA") and self.seen and self.chance(0.8):
            body = self.pick(self.seen)  # most likely still cached
        elif x < 0.6:
            body = self.pick(SCRIPT_RUNNERS + [SCRIPT_KEYED])
        else:
            body = self.pick(SCRIPT_LITERALS)
        if body == SCRIPT_KEYED:
            args = self.script_cmd()
            if len(args) > 1:
                keys, args = [args[1]], [args[0]] + args[2:]
            else:
                keys = []
        elif body in SCRIPT_RUNNERS:
            keys, args = [], self.script_cmd()
        else:
            keys = self.keys(0, 2)
            args = [self.val() for _ in range(self.r.randint(0, 2))]
        n = str(len(keys))
        if self.chance(0.06):
            n = self.pick(["-1", "abc", "", str(len(keys) + len(args) + 1), "1.5"])
        if op.startswith("EVALSHA"):
            sha = self.sha(body)
            body = self.pick([sha] * 8 + [sha.upper(), UNKNOWN_SHA, sha[:39], "abc"])
        elif body not in self.seen:
            self.seen.append(body)
        return [op, body, n] + keys + args

    def sha(self, body):
        return hashlib.sha1(body.encode()).hexdigest()

    def script_cmd(self):
        """A grammar command for a script to run, whose reply is the same on
        every run."""
        while True:
            name = self.pick(SCRIPT_GENS)
            self.home = HOME_KEYS[HOMES[name]]
            cmd = getattr(self, "c_" + name)()
            if isinstance(cmd[0], list):  # c_lcs's MSET + LCS: the LCS
                cmd = cmd[-1]
            if cmd[0].upper() not in SCRIPT_UNORDERED and not any(
                    a.upper() == "BYLEX" for a in cmd[1:]):
                return cmd

    def c_sortby(self):
        """SORT with BY and GET patterns (see sort_unspecified)."""
        cmd = [self.pick(["SORT", "SORT", "SORT_RO"]), self.key()]
        opts = []
        if self.chance(0.75) and not self.in_block:  # in MULTI: always ALPHA, see c_sort
            opts.append(["BY", self.pick(SORT_BY)])
        for _ in range(self.pick([0, 1, 1, 2, 3])):
            opts.append(["GET", self.pick(SORT_GET)])
        # No LIMIT with BY: with a LIMIT Redis sorts with its own partial
        # quicksort, which orders elements of equal weight its own way
        # (docs/cache.md); without one both servers sort as glibc's qsort.
        if self.chance(0.3) and not any(o[0] == "BY" for o in opts):
            opts.append(["LIMIT", self.pick(["0", "1", "2", "-1", "5"]),
                         self.pick(["0", "1", "2", "3", "-1", "100"])])
        if self.chance(0.35):
            opts.append([self.pick(["ASC", "DESC", "desc"])])
        if self.chance(0.35) or self.in_block:
            opts.append(["ALPHA"])
        if cmd[0] == "SORT" and self.chance(0.3):
            opts.append(["STORE", self.key()])
        self.r.shuffle(opts)
        for o in opts:
            cmd += o
        return cmd

    def c_sortaux(self):
        """The keys SORT's BY and GET patterns read."""
        m = self.pick(SORT_MEMBERS)
        x = self.r.random()
        if x < 0.4:
            return ["SET", "w_" + m, self.pick(WEIGHT_VALUES)]
        if x < 0.55:
            cmd = ["MSET"]
            for _ in range(self.r.randint(2, 5)):
                cmd += ["w_" + self.pick(SORT_MEMBERS), self.pick(WEIGHT_VALUES)]
            return cmd
        if x < 0.85:
            cmd = ["HSET", "h" + m]
            for f in self.pick([["f1"], ["f1", "f2"], ["f2"], ["f1", "fx"]]):
                cmd += [f, self.pick(WEIGHT_VALUES)]
            return cmd
        if x < 0.95:
            return ["DEL", self.pick(["w_", "h"]) + m]
        return ["HDEL", "h" + m, "f1"]

    def c_biglist(self):
        """LINSERT/LSET/LREM/LTRIM/LPOS deep inside a list of hundreds (c_bulk
        fills it with e<i> elements)."""
        k = self.key()

        def idx():
            return str(self.r.randint(-700, 700))

        def elem():
            return self.pick(MEMBERS) if self.chance(0.2) else "e%d" % self.r.randint(0, 650)

        op = self.pick(["LINSERT", "LINSERT", "LSET", "LREM", "LTRIM", "LPOS", "LPOS", "LINDEX",
                        "LRANGE"])
        if op == "LINSERT":
            return [op, k, self.pick(["BEFORE", "AFTER"]), elem(), elem()]
        if op == "LSET":
            return [op, k, idx(), elem()]
        if op == "LREM":
            return [op, k, self.pick(["0", "1", "-1", "2", "-2", "5", "-100"]), elem()]
        if op == "LTRIM":
            return [op, k, self.pick(["0", "1", "5", "-300", "-2", idx()]),
                    self.pick(["-1", "-2", "-5", "300", "1000", idx()])]
        if op == "LINDEX":
            return [op, k, idx()]
        if op == "LRANGE":
            i = self.r.randint(-700, 700)
            return [op, k, str(i), str(i + self.r.randint(-3, 20))]
        cmd = ["LPOS", k, elem()]
        if self.chance(0.6):
            cmd += ["RANK", self.pick(["1", "-1", "2", "-2", "-3", "5", "-100"])]
        if self.chance(0.5):
            cmd += ["COUNT", self.pick(["0", "1", "2", "5"])]
        if self.chance(0.5):
            cmd += ["MAXLEN", self.pick(["0", "1", "10", "100", "1000"])]
        return cmd

    # --- past the default encoding thresholds
    def c_bulk(self):
        """One command that makes a collection large (or a string long)."""
        kind = self.pick(["list", "hash", "set", "set", "zset", "zset", "str"])
        self.home = HOME_KEYS[kind]
        k = self.key()
        n = self.r.randint(100, 600)
        if kind == "list":
            return [self.pick(["RPUSH", "LPUSH"]), k] + [
                self.pick(MEMBERS) if self.chance(0.2) else "e%d" % i for i in range(n)]
        if kind == "hash":
            cmd = ["HSET", k]
            for i in range(n // 4):
                cmd += ["f%d" % i, self.pick(VALUES)]
            return cmd
        if kind == "set":
            ints = self.chance(0.6)
            return ["SADD", k] + [str(i * self.pick([1, 7, -3])) if ints else "s%d" % i
                                  for i in range(n)]
        if kind == "zset":
            same = self.chance(0.4)  # equal scores: the lex commands apply
            cmd = ["ZADD", k]
            for i in range(n // 3):
                cmd += ["0" if same else str(self.r.randint(-20, 20)), "z%03d" % i]
            return cmd
        return [self.pick(["SET", "APPEND"]), k, "x" * self.r.randint(40, 2000)]

    # --- other
    def c_sort(self):
        cmd = [self.pick(["SORT", "SORT", "SORT_RO"]), self.key()]
        if self.chance(0.3):
            cmd += ["LIMIT", self.pick(["0", "1", "-1"]), self.pick(["0", "1", "2", "-1"])]
        if self.chance(0.3):
            cmd.append(self.pick(["ASC", "DESC"]))
        if self.chance(0.5) or self.in_block:  # numeric SORT in MULTI: see SORT_ERANGE
            cmd.append("ALPHA")
        if cmd[0] == "SORT" and self.chance(0.3):
            cmd += ["STORE", self.key()]
        return cmd

    def c_misc(self):
        x = self.r.random()
        if x < 0.2:
            return ["PING"] + ([self.val()] if self.chance(0.5) else [])
        if x < 0.3:
            return ["ECHO", self.val()]
        if x < 0.35 and not self.in_block:  # switch the protocol mid-sequence
            return ["HELLO", self.pick(["2", "3", "3", "4", "abc"])]
        if x < 0.5:
            return [self.pick(["FOO", "GETT", "HSETT", "zadd2"])] + [
                self.val() for _ in range(self.r.randint(0, 3))]
        if x < 0.65:
            # stray transaction control
            return [self.pick(["EXEC", "DISCARD", "UNWATCH"])]
        if x < 0.8:
            return ["WATCH"] + self.keys(1, 2)
        return [self.pick(["GET", "SET", "HSET", "LPUSH", "ZADD", "SADD", "INCR", "EXPIRE",
                           "LRANGE", "ZRANGE", "HGET", "TYPE", "DEL", "OBJECT"])]

    def c_config(self):
        x = self.r.random()
        name = self.pick(sorted(THRESHOLDS))
        if x < 0.7:
            return ["CONFIG", "SET", name, self.pick(THRESHOLDS[name][1])]
        if x < 0.8:
            alias = self.pick(sorted(THRESHOLD_ALIASES))
            return ["CONFIG", "SET", alias, self.pick(THRESHOLDS[THRESHOLD_ALIASES[alias]][1])]
        if x < 0.9:
            return ["CONFIG", "SET", name, self.pick(["abc", "", "-1", "1.5"])]
        return ["CONFIG", "GET", name]

    def c_multi(self):
        block = [["MULTI"]]
        outer = self.in_block  # a nested draw (replaced by a GET below) must not end ours
        self.in_block = True
        for _ in range(self.r.randint(0, 5)):
            x = self.r.random()
            if x < 0.06:
                block.append(["MULTI"])
            elif x < 0.1:
                block.append(["WATCH", self.key()])
            else:
                cmds = self.one()
                if cmds[0][0] == "MULTI":
                    cmds = [["GET", self.key()]]
                block.extend(cmds)
        block.append([self.pick(["EXEC", "EXEC", "EXEC", "DISCARD"])])
        self.in_block = outer
        return block


WEIGHTS = [  # (generator, weight, preferred keys: HOME_KEYS entry)
    ("set", 8, "str"), ("get", 5, "str"), ("getset", 1, "str"), ("getex", 2, "str"),
    ("mget", 2, "str"), ("mset", 2, "str"), ("append", 3, "str"), ("getrange", 2, "str"),
    ("setrange", 2, "str"), ("incr", 5, "str"), ("setnx", 2, "str"), ("lcs", 1, "str"),
    ("del", 5, "any"), ("type", 3, "any"), ("rename", 2, "any"), ("copy", 2, "any"),
    ("move", 1, "any"), ("expire", 3, "any"), ("keys", 2, "any"), ("object", 4, "any"),
    ("hset", 6, "hash"), ("hget", 4, "hash"), ("hall", 4, "hash"), ("hincr", 3, "hash"),
    ("push", 6, "list"), ("pop", 3, "list"), ("lread", 4, "list"), ("lwrite", 4, "list"),
    ("lpos", 2, "list"), ("lmove", 2, "list"),
    ("sadd", 6, "set"), ("sread", 4, "set"), ("smove", 1, "set"), ("sops", 3, "set"),
    ("zadd", 7, "zset"), ("zread", 5, "zset"), ("zcount", 2, "zset"), ("zrange", 6, "zset"),
    ("zrem", 2, "zset"), ("zpop", 2, "zset"), ("zstore", 3, "zset"),
    ("bits", 3, "str"), ("sort", 2, "any"), ("misc", 2, "any"), ("config", 2, "any"),
    ("multi", 2, "any"), ("bulk", 1, "any"),
    ("bitfield", 3, "str"), ("hll", 4, "hll"), ("script", 5, "any"), ("sortby", 3, "coll"),
    ("sortaux", 2, "any"), ("biglist", 2, "list"),
]
HOMES = {name: home for name, _, home in WEIGHTS}


def prelude(resp3=False):
    """Every sequence starts from an empty server with default thresholds."""
    cmds = [["HELLO", "3"]] if resp3 else []
    cmds += [["SELECT", "0"], ["FLUSHALL"], ["SCRIPT", "FLUSH"]]
    for name in sorted(THRESHOLDS):
        cmds.append(["CONFIG", "SET", name, THRESHOLDS[name][0]])
    return cmds


# --- comparing ------------------------------------------------------------------

SORTED_REPLIES = {b"SMEMBERS", b"SINTER", b"SUNION", b"SDIFF", b"KEYS"}
HASH_REPLIES = {b"HKEYS", b"HVALS", b"HGETALL"}


HELLO_ID = re.compile(rb"(\$2\r\nid\r\n):\d+\r\n")


def _canon(name, node, hash_ordered):
    """Bytes to compare for a reply node of command name."""
    if name == b"HELLO":
        return HELLO_ID.sub(rb"\1:<id>\r\n", node.raw)
    if node.type not in "*~%" or node.value is None:
        return node.raw
    kids = [c.raw for c in node.children]
    if name in SORTED_REPLIES or (name in HASH_REPLIES and not hash_ordered):
        if node.type == "%" or name == b"HGETALL":
            pairs = sorted(zip(kids[0::2], kids[1::2]))
            kids = [x for p in pairs for x in p]
        else:
            kids.sort()
        return node.header + b"".join(kids)
    return node.raw


def _same_ttl(name, a, b):
    try:
        na, nb = ch.parse(a)[0], ch.parse(b)[0]
        if na.type != ":" or nb.type != ":":
            return False
        x, y = int(na.value), int(nb.value)
    except (ValueError, IndexError):
        return False
    return x >= 0 and y >= 0 and abs(x - y) <= TTL_TOLERANCE[name]


def same_reply(cmd, ref, tgt, queued=(), hash_ordered=False):
    """Whether the two raw replies to cmd match (after the normalisations)."""
    if ref == tgt:
        return True
    if not isinstance(ref, bytes) or not isinstance(tgt, bytes):
        return False
    name = cmd[0].upper().encode() if isinstance(cmd[0], str) else cmd[0].upper()
    if name in TTL_TOLERANCE:
        return _same_ttl(name, ref, tgt)
    try:
        nr, nt = ch.parse(ref)[0], ch.parse(tgt)[0]
    except (ValueError, IndexError):
        return False
    if name == b"EXEC" and nr.type == "*" and nt.type == "*" and nr.value is not None:
        if nr.header != nt.header or len(nr.children) != len(queued):
            return False
        return all(same_reply(q, r.raw, t.raw) for q, r, t in zip(queued, nr.children,
                                                                  nt.children))
    return _canon(name, nr, hash_ordered) == _canon(name, nt, hash_ordered)


# --- running ----------------------------------------------------------------------


class Side:
    """One server and our connection to it."""

    def __init__(self, server):
        self.server = server
        self.conn = None

    def connect(self):
        self.close()
        self.conn = self.server.connect()

    def send(self, cmd):
        try:
            self.conn.send(ch.encode_command(cmd))
            return None
        except OSError:
            return "<EOF>"

    def read(self):
        try:
            return self.conn.read_reply()
        except (EOFError, ConnectionResetError, BrokenPipeError):
            return "<EOF>"
        except socket.timeout:
            return "<timeout>"
        except ch.ProtocolViolation as e:
            return "<protocol violation: %s>" % e

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Mismatch:
    def __init__(self, seed, index, cmds, ref, tgt, skipped=(), resp3=False):
        self.seed, self.index, self.cmds, self.resp3 = seed, index, cmds, resp3
        self.ref, self.tgt = ref, tgt
        self.skipped = skipped
        self.minimal = None

    def __str__(self):
        cmd = self.cmds[self.index]
        lines = ["seed %d%s, command #%d: %s" % (self.seed, " (RESP3)" if self.resp3 else "",
                                                 self.index, show_cmd(cmd, 2000)),
                 "  repr:          %s" % show_reply(repr(cmd)),
                 "  redis-server:  %s" % show_reply(self.ref),
                 "  under test:    %s" % show_reply(self.tgt),
                 "  before it:"]
        for i in range(max(0, self.index - HISTORY), self.index):
            lines.append("    #%d %s%s" % (i, show_cmd(self.cmds[i], 200), (
                "   (not sent: lex range on mixed scores)" if i in self.skipped else "")))
        if self.minimal is not None:
            lines.append("  minimal repro (from an empty server with default thresholds%s):"
                         % (", after HELLO 3" if self.resp3 else ""))
            lines += ["    " + show_cmd(c) for c in self.minimal]
        return "\n".join(lines)


LEX_COMMANDS = {"ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX"}


def lex_unspecified(ref, cmd, in_multi):
    """Whether cmd is a lex-range command whose result Redis leaves undefined:
    on a skiplist whose scores differ, the range search follows the skiplist's
    random levels, so redis-server itself answers differently run to run (a
    listpack is scanned in order and stays deterministic). Inside MULTI the
    state at EXEC is not known yet: always skipped there."""
    name = cmd[0].upper()
    if name in ("ZRANGE", "ZRANGESTORE"):
        if not any(a.upper() == "BYLEX" for a in cmd[1:]):
            return False
    elif name not in LEX_COMMANDS:
        return False
    at = 2 if name == "ZRANGESTORE" else 1
    if len(cmd) <= at:
        return False
    if in_multi:
        return True
    key = cmd[at]
    if ref.conn.call("OBJECT", "ENCODING", key) != b"$8\r\nskiplist\r\n":
        return False
    v = ch.decode(ref.conn.call("ZRANGE", key, "0", "-1", "WITHSCORES"))
    if not isinstance(v, list):
        return False
    scores = [p[1] for p in v] if v and isinstance(v[0], list) else v[1::2]  # RESP3: pairs
    return len(set(scores)) > 1


def sort_unspecified(ref, cmd, in_multi):
    """Whether cmd is a SORT whose order Redis leaves to a hash table: of a
    set BY a pattern without '*' (no sorting at all) unless STORE forces
    ALPHA; or BY a pattern with ALPHA of a set or of a zset (SORT converts
    a listpack zset to a skiplist, then reads it from its dict), where
    elements whose BY values tie (e.g. both missing) keep the order the hash
    table gave them. Intsets and lists are ordered and do not count. Inside
    MULTI (state unknown until EXEC) any SORT ... BY is skipped; the
    generator puts none there."""
    name = cmd[0].upper()
    if name not in ("SORT", "SORT_RO") or len(cmd) < 2:
        return False
    up = [a.upper() for a in cmd]
    by = [cmd[i + 1] for i in range(2, len(cmd) - 1) if up[i] == "BY"]
    if not by:
        return False
    if in_multi:
        return True
    dontsort = "*" not in by[-1]
    if not dontsort and "ALPHA" not in up:
        return False
    if dontsort and "STORE" in up:
        return False
    enc = ref.conn.call("OBJECT", "ENCODING", cmd[1])
    if enc == b"$9\r\nhashtable\r\n":
        return True
    return not dontsort and enc in (b"$8\r\nskiplist\r\n", b"$8\r\nlistpack\r\n") and \
        ref.conn.call("TYPE", cmd[1]) == b"+zset\r\n"


SORT_ERANGE = b"-ERR One or more scores can't be converted into double\r\n"
ERRNO_RESET = ["ZADD", "fuzz:errno-reset", "XX", "0", "x"]  # parses a double, creates nothing


def sort_errno_quirk(ref, cmd, r, t):
    """The reference's reply to a numeric SORT once its stale errno is cleared.

    Redis 7.0's SORT checks errno == ERANGE after strtod without clearing
    errno first, so a subnormal score parsed by any earlier command (ZADD k
    5e-324 m sets ERANGE and succeeds) makes a later numeric SORT of string
    elements fail, until some other double parse resets errno: hidden state
    that other clients move too. When the reference fails that way and the
    target does not, the SORT is asked again with errno cleared, on the
    reference only (a SORT ... STORE then stores there too)."""
    if (cmd[0].upper() not in ("SORT", "SORT_RO") or r != SORT_ERANGE
            or not isinstance(t, bytes) or t.startswith(b"-")):
        return r
    ref.conn.call(*ERRNO_RESET)
    return ref.conn.call(*cmd)


def run_commands(ref, tgt, cmds, skipped=None):
    """Runs cmds on both sides; (index, ref reply, tgt reply) of the first
    mismatch, or None. Indices of commands not sent (lex_unspecified) go to
    skipped."""
    in_multi, queued = False, []
    for i, cmd in enumerate(cmds):
        if lex_unspecified(ref, cmd, in_multi) or sort_unspecified(ref, cmd, in_multi):
            if skipped is not None:
                skipped.add(i)
            continue
        errs = [ref.send(cmd), tgt.send(cmd)]
        r = errs[0] or ref.read()
        t = errs[1] or tgt.read()
        name = cmd[0].upper()
        if not in_multi:
            r = sort_errno_quirk(ref, cmd, r, t)
        ordered = False
        if (not in_multi and name in ("HKEYS", "HVALS", "HGETALL") and r != t
                and isinstance(r, bytes) and r[:1] in (b"*", b"%")):
            enc = ref.conn.call("OBJECT", "ENCODING", cmd[1]) if len(cmd) == 2 else b""
            ordered = enc == b"$8\r\nlistpack\r\n"
        if not same_reply(cmd, r, t, queued, ordered):
            return i, r, t
        if name == "MULTI" and r == b"+OK\r\n":
            in_multi, queued = True, []
        elif in_multi and name in ("EXEC", "DISCARD"):
            in_multi, queued = False, []
        elif in_multi and r == b"+QUEUED\r\n":
            queued.append(cmd)
    return None


def replay(ref, tgt, cmds, resp3=False):
    """cmds from an empty server on fresh connections (RESP3 after HELLO 3 if
    resp3): the first mismatch or None."""
    for s in (ref, tgt):
        s.connect()
    pre = prelude(resp3)
    skipped = set()
    got = run_commands(ref, tgt, pre + cmds, skipped)
    if got is None:
        return None
    # a negative index: the prelude itself differs
    return (got[0] - len(pre),) + got[1:] + ({i - len(pre) for i in skipped},)


def minimize(ref, tgt, cmds, index, resp3=False):
    """A short command list whose last command still mismatches: ddmin over
    the commands before cmds[index]."""
    last = cmds[index]

    def fails(prefix):
        try:
            got = replay(ref, tgt, prefix + [last], resp3)
        except (OSError, EOFError):  # the target died on the way: not this mismatch
            return False
        return got is not None and got[0] == len(prefix)

    prefix = cmds[:index]
    if not fails(prefix):
        return None  # not reproducible as a prefix (timing?)
    n = 2
    while prefix:
        chunk = max(1, len(prefix) // n)
        shrunk = False
        for start in range(0, len(prefix), chunk):
            cand = prefix[:start] + prefix[start + chunk:]
            if fails(cand):
                prefix, n, shrunk = cand, max(n - 1, 2), True
                break
        if not shrunk:
            if chunk == 1:
                break
            n = min(n * 2, len(prefix))
    return prefix + [last]


@ch.requires_redis_server
@ch.requires_target
class CacheFuzzTest(ch.ReferencePairCase):
    """Seeded random sequences, byte-compared against redis-server."""

    def target_alive(self):
        d = getattr(self.tgt, "daemon", self.tgt)  # cache-emu: its Daemon; redis-server: itself
        proc = getattr(d, "proc", None)
        return proc is None or proc.poll() is None

    def restart_target(self):
        try:
            self.tgt.close()
        except Exception:  # noqa: BLE001 - a crashed server may not close cleanly
            pass
        type(self).tgt = ch.start_target()

    def test_random_sequences(self):
        first = int(os.environ.get("DRYDOCK_FUZZ_FIRST", "0"))
        seeds = int(os.environ.get("DRYDOCK_FUZZ_SEEDS", str(DEFAULT_SEEDS)))
        length = int(os.environ.get("DRYDOCK_FUZZ_LEN", str(DEFAULT_LEN)))
        shrink = os.environ.get("DRYDOCK_FUZZ_MINIMIZE") == "1"
        ref, tgt = Side(self.ref), Side(self.tgt)
        found = []
        try:
            for seed in range(first, first + seeds):
                cmds = Gen(seed, int(time.time())).sequence(length)
                resp3 = seed % RESP3_EVERY == RESP3_EVERY - 1
                got = replay(ref, tgt, cmds, resp3)
                if got is None:
                    continue
                if got[0] < 0:
                    found.append("seed %d: the prelude (FLUSHALL, CONFIG SET of the default "
                                 "thresholds) differs at %s: %s vs %s"
                                 % (seed, show_cmd(prelude(resp3)[got[0] + len(prelude(resp3))]),
                                    show_reply(got[1]), show_reply(got[2])))
                    break
                m = Mismatch(seed, got[0], cmds, got[1], got[2], got[3], resp3)
                if not self.target_alive() or m.tgt == "<timeout>":
                    m.tgt = "%s (the server under test %s)" % (
                        show_reply(m.tgt), "hung" if self.target_alive() else "died")
                    self.restart_target()
                    tgt = Side(self.tgt)
                elif shrink:
                    m.minimal = minimize(ref, tgt, cmds, got[0], resp3)
                    if not self.target_alive():
                        self.restart_target()
                        tgt = Side(self.tgt)
                found.append(str(m))
        finally:
            ref.close()
            tgt.close()
        if found:
            self.fail("%d of %d sequences differ from redis-server (reproduce one with "
                      "DRYDOCK_FUZZ_FIRST=<seed> DRYDOCK_FUZZ_SEEDS=1, shrink with "
                      "DRYDOCK_FUZZ_MINIMIZE=1):\n\n%s"
                      % (len(found), seeds, "\n\n".join(found)))


def embedded(cmd):
    """The grammar command an EVAL of a SCRIPT_RUNNERS or SCRIPT_KEYED body
    runs, or None."""
    if cmd[0] not in ("EVAL", "EVAL_RO") or len(cmd) < 4 or not cmd[2].isdigit():
        return None
    n = int(cmd[2])
    if cmd[1] in SCRIPT_RUNNERS and n == 0:
        return cmd[3:]
    if cmd[1] == SCRIPT_KEYED and n == 1 and len(cmd) > 4:
        return [cmd[4], cmd[3]] + cmd[5:]
    return None


class GeneratorTest(unittest.TestCase):
    """The generator itself: reproducible, and never a command that could
    expire a key mid-run."""

    def test_same_seed_same_commands(self):
        self.assertEqual(Gen(7, 1700000000).sequence(300), Gen(7, 1700000000).sequence(300))
        self.assertNotEqual(Gen(7, 1700000000).sequence(300), Gen(8, 1700000000).sequence(300))

    def test_no_short_ttl(self):
        t0 = 1700000000
        for seed in range(30):
            for cmd in Gen(seed, t0).sequence(400):
                cmd = embedded(cmd) or cmd
                name = cmd[0].upper()
                arg = cmd[2] if len(cmd) > 2 else ""
                if name in ("EXPIRE", "SETEX") and arg.lstrip("-").isdigit():
                    v = int(arg)
                    self.assertTrue(v <= 0 or v >= 86400 or v > 2 ** 40, cmd)
                if name in ("PEXPIRE", "PSETEX") and arg.lstrip("-").isdigit():
                    v = int(arg)
                    self.assertTrue(v <= 0 or v >= 86400000 or v > 2 ** 40, cmd)
                if name == "SET":  # no key stored already expired
                    for opt, val in zip(cmd[3:], cmd[4:]):
                        if opt in ("EXAT", "PXAT") and val.isdigit() and int(val) > 0:
                            self.assertGreater(int(val), t0 * (1000 if opt == "PXAT" else 1),
                                               cmd)

    def test_scripts_run_ordered_replies(self):
        seen = 0
        for seed in range(30):
            for cmd in Gen(seed, 1700000000).sequence(400):
                inner = embedded(cmd)
                if inner:
                    seen += 1
                    self.assertNotIn(inner[0].upper(), SCRIPT_UNORDERED, cmd)
                    self.assertNotIn("BYLEX", [a.upper() for a in inner], cmd)
        self.assertGreater(seen, 50)

    def test_normalisation(self):
        a = b"*2\r\n$1\r\nx\r\n$1\r\ny\r\n"
        b = b"*2\r\n$1\r\ny\r\n$1\r\nx\r\n"
        self.assertTrue(same_reply(["SMEMBERS", "k"], a, b))
        self.assertFalse(same_reply(["LRANGE", "k", "0", "-1"], a, b))
        self.assertFalse(same_reply(["HKEYS", "k"], a, b, hash_ordered=True))
        self.assertTrue(same_reply(["HKEYS", "k"], a, b))
        self.assertTrue(same_reply(["TTL", "k"], b":100\r\n", b":99\r\n"))
        self.assertFalse(same_reply(["TTL", "k"], b":-1\r\n", b":1\r\n"))
        self.assertTrue(same_reply(["EXEC"], b"*1\r\n" + a, b"*1\r\n" + b, [["SUNION", "k"]]))
        m1 = b"%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n"
        m2 = b"%2\r\n$1\r\nb\r\n:2\r\n$1\r\na\r\n:1\r\n"
        self.assertTrue(same_reply(["HGETALL", "k"], m1, m2))
        self.assertFalse(same_reply(["HGETALL", "k"], m1, m2, hash_ordered=True))
        self.assertFalse(same_reply(["HGETALL", "k"], m1, m1.replace(b":2", b":3")))
        self.assertFalse(same_reply(["EXEC"], b"*1\r\n" + a, b"*1\r\n" + b, [["LRANGE", "k"]]))


if __name__ == "__main__":
    unittest.main()
