/*
 * Unit tests for script.c and cmd_script.c: the RESP -> Lua conversion that
 * redis.call hands a script, the Lua -> RESP conversion of a script's result
 * (both table-driven, with Redis 7.0.15's results as the expectations), and
 * the commands end to end on a server without sockets: error shapes, the
 * sandbox, the script cache, shebang flags, read-only scripts, math.random's
 * sequence and the error statistics. Handlers are called straight from the
 * cache_cmds_script table; commands inside scripts go through the real
 * command table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cache-emu/script.h"

#ifdef CACHE_SCRIPT_HAVE_LUA

#include <event2/event.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/server_run.h"
#include "common/clock.h"
#include "common/err.h"

/* ---- a canonical text for Lua values, to compare conversions ---- */

static void describe(lua_State *L, int idx, char *out, size_t cap);

static void cat(char *out, size_t cap, const char *s)
{
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%s", s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Numbers as %.17g, strings in quotes, tables as {array..., key=value...}
 * with string keys sorted. */
static void describe(lua_State *L, int idx, char *out, size_t cap)
{
    char tmp[512];
    idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        cat(out, cap, "nil");
        return;
    case LUA_TBOOLEAN:
        cat(out, cap, lua_toboolean(L, idx) ? "true" : "false");
        return;
    case LUA_TNUMBER:
        snprintf(tmp, sizeof(tmp), "%.17g", lua_tonumber(L, idx));
        cat(out, cap, tmp);
        return;
    case LUA_TSTRING:
        snprintf(tmp, sizeof(tmp), "'%s'", lua_tostring(L, idx));
        cat(out, cap, tmp);
        return;
    case LUA_TTABLE:
        break;
    default:
        cat(out, cap, "?");
        return;
    }
    cat(out, cap, "{");
    int n = (int)lua_objlen(L, idx);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            cat(out, cap, ",");
        lua_rawgeti(L, idx, i);
        describe(L, -1, out, cap);
        lua_pop(L, 1);
    }
    char *keys[32];
    size_t nk = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) && nk < 32) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING)
            keys[nk++] = strdup(lua_tostring(L, -1));
    }
    qsort(keys, nk, sizeof(keys[0]), cmp_str);
    for (size_t i = 0; i < nk; i++) {
        if (n > 0 || i > 0)
            cat(out, cap, ",");
        cat(out, cap, keys[i]);
        cat(out, cap, "=");
        lua_getfield(L, idx, keys[i]);
        describe(L, -1, out, cap);
        lua_pop(L, 1);
        free(keys[i]);
    }
    cat(out, cap, "}");
}

/* ---- RESP -> Lua ---- */

struct to_lua_case {
    const char *reply; /* one RESP reply */
    const char *lua;   /* describe() of the value redis.call hands over */
};

static const struct to_lua_case to_lua_cases[] = {
    { ":42\r\n", "42" },
    { ":-9007199254740993\r\n", "-9007199254740992" },
    { "$3\r\nfoo\r\n", "'foo'" },
    { "$0\r\n\r\n", "''" },
    { "$-1\r\n", "false" },
    { "*-1\r\n", "false" },
    { "*0\r\n", "{}" },
    { "*3\r\n:1\r\n$1\r\nx\r\n*1\r\n$-1\r\n", "{1,'x',{false}}" },
    { "+OK\r\n", "{ok='OK'}" },
    { "-ERR bad thing\r\n", "{err='ERR bad thing',ignore_error_stats_update=true}" },
    { "-WRONGTYPE Operation against a key\r\n",
      "{err='WRONGTYPE Operation against a key',ignore_error_stats_update=true}" },
    { "-NOSPACE\r\n", "{err='ERR NOSPACE',ignore_error_stats_update=true}" },
    { "*2\r\n+QUEUED\r\n-ERR x\r\n",
      "{{ok='QUEUED'},{err='ERR x',ignore_error_stats_update=true}}" },
    { "_\r\n", "nil" },
    { "#t\r\n", "true" },
    { "#f\r\n", "false" },
    { ",3.5\r\n", "{double=3.5}" },
    { ",inf\r\n", "{double=inf}" },
    { "%1\r\n$1\r\na\r\n:1\r\n", "{map={a=1}}" },
    { "~2\r\n$1\r\na\r\n$1\r\nb\r\n", "{set={a=true,b=true}}" },
    { "(12345678901234567890\r\n", "{big_number='12345678901234567890'}" },
    { "=8\r\ntxt:hiya\r\n", "{verbatim_string={format='txt',string='hiya'}}" },
    { "|1\r\n$1\r\nk\r\n$1\r\nv\r\n:5\r\n", "5" },
};

static void test_reply_to_lua(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    for (size_t i = 0; i < DD_ARRAY_LEN(to_lua_cases); i++) {
        const struct to_lua_case *tc = &to_lua_cases[i];
        size_t len = strlen(tc->reply);
        ssize_t n = cache_script_push_reply(L, tc->reply, len);
        if (n != (ssize_t)len)
            fail_msg("case %zu (%s): consumed %zd of %zu", i, tc->reply, n, len);
        assert_int_equal(lua_gettop(L), 1);
        char got[512] = "";
        describe(L, -1, got, sizeof(got));
        if (strcmp(got, tc->lua) != 0)
            fail_msg("case %zu: %s gave %s, want %s", i, tc->reply, got, tc->lua);
        lua_settop(L, 0);
    }
    lua_close(L);
}

static void test_reply_to_lua_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",     "$5\r\nab\r\n", "*2\r\n:1\r\n", "?x\r\n",      ":abc\r\n",
        ":1\r", "+OK",          "%1\r\n:1\r\n", "$3\r\nabc\n", "*1\r\n*1\r\n",
    };
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    for (size_t i = 0; i < DD_ARRAY_LEN(bad); i++) {
        if (cache_script_push_reply(L, bad[i], strlen(bad[i])) != DD_ERR)
            fail_msg("case %zu accepted", i);
        assert_int_equal(lua_gettop(L), 0);
    }
    /* One reply of several: only its bytes are consumed. */
    assert_int_equal(cache_script_push_reply(L, ":1\r\n:2\r\n", 8), 4);
    lua_close(L);
}

/* ---- fixture: a server without sockets and a client ---- */

struct fixture {
    struct event_base *base;
    struct dd_clock *clock;
    struct cache_server *srv;
    struct cache_client c;
    struct cache_resp_arg argv[16];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->base = event_base_new();
    f->clock = dd_clock_new(NULL, NULL);
    assert_non_null(f->base);
    assert_non_null(f->clock);
    f->srv = cache_server_new(f->base, f->clock, 16);
    assert_non_null(f->srv);
    f->c.srv = f->srv;
    f->c.db = cache_keyspace_db(f->srv->ks, 0);
    f->c.proto = CACHE_RESP2;
    f->c.authenticated = true;
    f->c.argv = f->argv;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    dd_buf_release(&f->c.out);
    cache_script_release(f->srv);
    cache_server_free(f->srv);
    dd_clock_free(f->clock);
    event_base_free(f->base);
    free(f);
    return 0;
}

static const struct cache_command *find(const struct cache_command *t, const char *name)
{
    for (; t && t->name; t++)
        if (strcasecmp(t->name, name) == 0)
            return t;
    return NULL;
}

/* Runs the scripting command in the NULL-terminated args (SCRIPT's
 * subcommands too) and returns its reply bytes. */
static const char *run_argv(struct fixture *f, const char *const *args)
{
    size_t n = 0;
    for (; args[n]; n++) {
        f->argv[n].ptr = args[n];
        f->argv[n].len = strlen(args[n]);
    }
    f->c.argc = n;
    dd_buf_reset(&f->c.out);
    const struct cache_command *cmd = find(cache_cmds_script, args[0]);
    assert_non_null(cmd);
    if (cmd->subcommands) {
        cmd = find(cmd->subcommands, args[1]);
        assert_non_null(cmd);
    }
    f->c.cmd = cmd;
    assert_int_equal(cmd->fn(&f->c), DD_OK);
    assert_int_equal(dd_buf_putc(&f->c.out, '\0'), DD_OK);
    f->c.out.len--;
    return f->c.out.data;
}

#define RUN(f, ...) run_argv((f), (const char *const[]){ __VA_ARGS__, NULL })

/* ---- Lua -> RESP ---- */

struct to_resp_case {
    const char *expr; /* a Lua expression */
    int caller;       /* the caller's protocol */
    int script_resp;  /* redis.setresp() in force */
    const char *resp; /* the reply bytes */
};

static const struct to_resp_case to_resp_cases[] = {
    { "1", 2, 2, ":1\r\n" },
    { "3.99", 2, 2, ":3\r\n" },
    { "-3.99", 2, 2, ":-3\r\n" },
    { "1/0", 2, 2, ":-9223372036854775808\r\n" },
    { "0/0", 2, 2, ":-9223372036854775808\r\n" },
    { "'x'", 2, 2, "$1\r\nx\r\n" },
    { "true", 2, 2, ":1\r\n" },
    { "false", 2, 2, "$-1\r\n" },
    { "false", 3, 2, "_\r\n" },
    { "false", 2, 3, ":0\r\n" },
    { "false", 3, 3, "#f\r\n" },
    { "nil", 2, 2, "$-1\r\n" },
    { "nil", 3, 2, "_\r\n" },
    { "{}", 2, 2, "*0\r\n" },
    { "{1,2,{3,'x'},nil,5}", 2, 2, "*3\r\n:1\r\n:2\r\n*2\r\n:3\r\n$1\r\nx\r\n" },
    { "{true,false,1}", 2, 2, "*3\r\n:1\r\n$-1\r\n:1\r\n" },
    { "{a=1}", 2, 2, "*0\r\n" },
    { "{ok='fine'}", 2, 2, "+fine\r\n" },
    { "{ok='a\\r\\nb'}", 2, 2, "+a  b\r\n" },
    { "{ok=3}", 2, 2, "*0\r\n" },
    { "{err='MY bad'}", 2, 2, "-MY bad\r\n" },
    { "{err='-x y'}", 2, 2, "--x y\r\n" },
    { "{err=''}", 2, 2, "-\r\n" },
    { "{err=3}", 2, 2, "*0\r\n" },
    { "{1,{err='E in'},3}", 2, 2, "*3\r\n:1\r\n-E in\r\n:3\r\n" },
    { "{double=3.5}", 2, 2, "$3\r\n3.5\r\n" },
    { "{double=3.5}", 3, 2, ",3.5\r\n" },
    { "{double='3'}", 2, 2, "*0\r\n" },
    { "{map={a=1}}", 2, 2, "*2\r\n$1\r\na\r\n:1\r\n" },
    { "{map={a=1}}", 3, 2, "%1\r\n$1\r\na\r\n:1\r\n" },
    { "{set={a=true}}", 2, 2, "*1\r\n$1\r\na\r\n" },
    { "{set={a=true}}", 3, 2, "~1\r\n$1\r\na\r\n" },
    { "{big_number='123'}", 2, 2, "$3\r\n123\r\n" },
    { "{big_number='123'}", 3, 2, "(123\r\n" },
    { "{verbatim_string={format='txt', string='hi'}}", 2, 2, "$2\r\nhi\r\n" },
    { "{verbatim_string={format='txt', string='hi'}}", 3, 2, "=6\r\ntxt:hi\r\n" },
    { "print", 2, 2, "$-1\r\n" },
};

static void test_lua_to_reply(void **state)
{
    struct fixture *f = *state;
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    for (size_t i = 0; i < DD_ARRAY_LEN(to_resp_cases); i++) {
        const struct to_resp_case *tc = &to_resp_cases[i];
        char src[256];
        snprintf(src, sizeof(src), "return %s", tc->expr);
        assert_int_equal(luaL_loadstring(L, src), 0);
        assert_int_equal(lua_pcall(L, 0, 1, 0), 0);
        dd_buf_reset(&f->c.out);
        f->c.proto = tc->caller == 3 ? CACHE_RESP3 : CACHE_RESP2;
        cache_script_write_reply(&f->c, L, tc->script_resp);
        assert_int_equal(lua_gettop(L), 0);
        if (f->c.out.len != strlen(tc->resp) || memcmp(f->c.out.data, tc->resp, f->c.out.len))
            fail_msg("case %zu (%s): got %.*s", i, tc->expr, (int)f->c.out.len, f->c.out.data);
    }
    f->c.proto = CACHE_RESP2;
    lua_close(L);
}

/* A table holding itself nests until Lua's stack limit, as in Redis. */
static void test_lua_to_reply_cycle(void **state)
{
    struct fixture *f = *state;
    const char *r = RUN(f, "EVAL", "local t = {} t[1] = t return t", "0");
    size_t depth = 0;
    while (strncmp(r, "*1\r\n", 4) == 0) {
        depth++;
        r += 4;
    }
    assert_int_equal(depth, 7995);
    assert_string_equal(r, "-ERR reached lua stack limit\r\n");
}

/* ---- EVAL end to end ---- */

struct eval_case {
    const char *args[8]; /* the command, NULL-terminated */
    const char *reply;   /* Redis 7.0.15's reply */
};

static const struct eval_case eval_cases[] = {
    /* arguments */
    { { "EVAL", "return 1", "-1" }, "-ERR Number of keys can't be negative\r\n" },
    { { "EVAL", "return 1", "2", "a" },
      "-ERR Number of keys can't be greater than number of args\r\n" },
    { { "EVAL", "return 1", "abc" }, "-ERR value is not an integer or out of range\r\n" },
    { { "EVAL", "syntax(", "5" }, "-ERR Number of keys can't be greater than number of args\r\n" },
    { { "EVALSHA", "abc", "x" }, "-NOSCRIPT No matching script. Please use EVAL.\r\n" },
    { { "EVALSHA", "0000000000000000000000000000000000000000", "x" },
      "-ERR value is not an integer or out of range\r\n" },
    { { "EVALSHA", "0000000000000000000000000000000000000000", "0" },
      "-NOSCRIPT No matching script. Please use EVAL.\r\n" },
    { { "EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "k", "a", "b" },
      "*4\r\n$1\r\nk\r\n$1\r\na\r\n:1\r\n:2\r\n" },
    /* commands from scripts */
    { { "EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v" }, "+OK\r\n" },
    { { "EVAL", "return redis.call('get', KEYS[1])", "1", "k" }, "$1\r\nv\r\n" },
    { { "EVAL", "return redis.call('get', 'nokey')", "0" }, "$-1\r\n" },
    { { "EVAL", "return redis.call('lpush', 'k', 'x')", "0" },
      "-WRONGTYPE Operation against a key holding the wrong kind of value script: "
      "bebe050f6763e9d4b51df27e34a338498e55d58a, on @user_script:1.\r\n" },
    { { "EVAL", "return redis.pcall('lpush', 'k', 'x')", "0" },
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" },
    { { "EVAL", "return redis.call('nosuch')", "0" },
      "-ERR Unknown Redis command called from script script: "
      "206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1.\r\n" },
    { { "EVAL", "return redis.pcall('nosuch')", "0" },
      "-ERR Unknown Redis command called from script\r\n" },
    { { "EVAL", "return redis.call('set')", "0" },
      "-ERR Wrong number of args calling Redis command from script script: "
      "452141d5a2fed3fc879df25ef317b9e62b0de909, on @user_script:1.\r\n" },
    { { "EVAL", "return redis.call('multi')", "0" },
      "-ERR This Redis command is not allowed from script script: "
      "c329a1a294be6bf95b44144f7502610661ae925a, on @user_script:1.\r\n" },
    { { "EVAL", "return redis.call()", "0" },
      "-ERR Please specify at least one argument for this redis lib call script: "
      "0a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1.\r\n" },
    { { "EVAL", "return redis.pcall('get', {})", "0" },
      "-ERR Lua redis lib command arguments must be strings or integers\r\n" },
    { { "EVAL", "redis.call('set', 'n', 0.1) return redis.call('get', 'n')", "0" },
      "$19\r\n0.10000000000000001\r\n" },
    /* runtime and compile errors */
    { { "EVAL", "error('boom')", "0" },
      "-ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on "
      "@user_script:1.\r\n" },
    { { "EVAL", "error({err='MY boom'})", "0" },
      "-MY boom script: 4c2ee35ef37c857625d6ec6d812eab72377cfa97, on @user_script:1.\r\n" },
    { { "EVAL", "error()", "0" },
      "-ERR nil script: aca90d914519fdb9825352bdc0befb59f7c8510f, on @user_script:1.\r\n" },
    { { "EVAL", "\n\nlocal x = nil\nreturn x.y", "0" },
      "-ERR user_script:4: attempt to index local 'x' (a nil value) script: "
      "65c63e2b1f544928dc17aad528e1b2af47e5dcc4, on @user_script:4.\r\n" },
    { { "EVAL", "return string.rep()", "0" },
      "-ERR user_script:1: bad argument #1 to 'rep' (string expected, got no value) script: "
      "312a592c4be4cbcb6748209b815c8eb090f3ca71, on @user_script:1.\r\n" },
    { { "EVAL", "syntax error here", "0" },
      "-ERR Error compiling script (new function): user_script:1: '=' expected near 'error'\r\n" },
    { { "EVAL", "error({})", "0" },
      "-ERR unknown error script: 367bf7fe449ba40e54d99d9086aa3c2164008136, on "
      "@user_script:1.\r\n" },
    /* the sandbox */
    { { "EVAL", "x = 5; return x", "0" },
      "-ERR user_script:1: Attempt to modify a readonly table script: "
      "42818e3f6cd1efa15dc59c995424f6eafcb95731, on @user_script:1.\r\n" },
    { { "EVAL", "return y", "0" },
      "-ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: "
      "e278681ed961e2fb52881313e5c90fdd93749940, on @user_script:1.\r\n" },
    { { "EVAL", "rawset(_G, 'x', 1)", "0" },
      "-ERR Attempt to modify a readonly table script: "
      "e2c706419da183d6229a1230c3be09cc32cdeee0, on @user_script:1.\r\n" },
    { { "EVAL", "redis.call = nil", "0" },
      "-ERR user_script:1: Attempt to modify a readonly table script: "
      "2786c35ed73d3860851cf52e0b5dfbbc0bdb4803, on @user_script:1.\r\n" },
    { { "EVAL", "return loadstring(string.dump(function() return 1 end))()", "0" },
      "-ERR user_script:1: attempt to call a nil value script: "
      "5dcb142d767eb350dbcc8f0ae66433b0e227f5a2, on @user_script:1.\r\n" },
    { { "EVAL", "return {type(os), type(io), type(debug), type(print), type(cjson)}", "0" },
      "-ERR user_script:1: Script attempted to access nonexistent global variable 'os' script: "
      "caf25f05a27878eda187e456a062e93a1292db2d, on @user_script:1.\r\n" },
    { { "EVAL", "return {type(cjson), type(bit), type(redis), type(_G)}", "0" },
      "*4\r\n$5\r\ntable\r\n$5\r\ntable\r\n$5\r\ntable\r\n$5\r\ntable\r\n" },
    { { "EVAL", "return cjson.encode({1, 'two', false})", "0" }, "$15\r\n[1,\"two\",false]\r\n" },
    /* the redis library */
    { { "EVAL", "return redis.sha1hex('')", "0" },
      "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n" },
    { { "EVAL", "return redis.error_reply('bar')", "0" }, "-ERR bar\r\n" },
    { { "EVAL", "return redis.status_reply('FINE')", "0" }, "+FINE\r\n" },
    { { "EVAL", "redis.setresp(3) return redis.call('hgetall', 'nokey')", "0" }, "*0\r\n" },
    { { "EVAL", "redis.setresp(3) local r = redis.call('get', 'nokey') return r == nil", "0" },
      ":1\r\n" },
    { { "EVAL", "redis.setresp(4)", "0" },
      "-ERR RESP version must be 2 or 3. script: 68e72e4d8a428b9f599dce492315f2455a425a82, on "
      "@user_script:1.\r\n" },
    { { "EVAL", "redis.log(9, 1)", "0" },
      "-ERR Invalid debug level. script: cfbac1517c13456c195bd491ae643d5691797685, on "
      "@user_script:1.\r\n" },
    { { "EVAL", "local ok, e = pcall(function() redis.call('nosuch') end) return e", "0" },
      "$44\r\nERR Unknown Redis command called from script\r\n" },
    /* shebang flags and read-only scripts */
    { { "EVAL", "#!lua flags=bogus\nreturn 1", "0" },
      "-ERR Unexpected flag in script shebang: bogus\r\n" },
    { { "EVAL", "#!foo\nreturn 1", "0" }, "-ERR Unexpected engine in script shebang: #!foo\r\n" },
    { { "EVAL", "#!lua name=foo\nreturn 1", "0" },
      "-ERR Unknown lua shebang option: name=foo\r\n" },
    { { "EVAL", "#!lua", "0" }, "-ERR Invalid script shebang\r\n" },
    { { "EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0" },
      "-ERR Write commands are not allowed from read-only scripts. script: "
      "6acb400a50fe96e33eca4e0af6e9dcfb21193726, on @user_script:2.\r\n" },
    { { "EVAL_RO", "return redis.call('set','a','b')", "1", "a" },
      "-ERR Write commands are not allowed from read-only scripts. script: "
      "ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1.\r\n" },
    { { "EVAL_RO", "#!lua\nreturn redis.call('set','x','y')", "0" },
      "-ERR Can not execute a script with write flag using *_ro command.\r\n" },
    { { "EVAL_RO", "return redis.call('get','k')", "0" }, "$1\r\nv\r\n" },
    /* SCRIPT */
    { { "SCRIPT", "KILL" }, "-NOTBUSY No scripts in execution right now.\r\n" },
    { { "SCRIPT", "FLUSH", "foo" }, "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n" },
    { { "SCRIPT", "FLUSH", "sync", "async" },
      "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n" },
    { { "SCRIPT", "DEBUG", "maybe" }, "-ERR Use SCRIPT DEBUG YES/SYNC/NO\r\n" },
    { { "SCRIPT", "DEBUG", "no" }, "+OK\r\n" },
    { { "SCRIPT", "LOAD", "return +" },
      "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'\r\n" },
};

static void test_eval_cases(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < DD_ARRAY_LEN(eval_cases); i++) {
        const struct eval_case *tc = &eval_cases[i];
        const char *got = run_argv(f, tc->args);
        if (strcmp(got, tc->reply) != 0)
            fail_msg("case %zu (%s %s): got %s", i, tc->args[0], tc->args[1], got);
    }
}

static void test_script_cache(void **state)
{
    struct fixture *f = *state;
    static const char sha[] = "b534286061d4b9e4026607613b95c06c06015ae8";
    assert_string_equal(RUN(f, "SCRIPT", "LOAD", "return 'loaded'"),
                        "$40\r\n"
                        "b534286061d4b9e4026607613b95c06c06015ae8\r\n");
    assert_int_equal(cache_script_count(f->srv), 1);
    assert_true(cache_script_lua_memory(f->srv) > 0);
    assert_int_equal(cache_script_cache_memory(f->srv), 152);
    assert_string_equal(RUN(f, "EVALSHA", sha, "0"), "$6\r\nloaded\r\n");
    assert_string_equal(RUN(f, "EVALSHA", "B534286061D4B9E4026607613B95C06C06015AE8", "0"),
                        "$6\r\nloaded\r\n");
    assert_string_equal(RUN(f, "EVALSHA_RO", sha, "0"), "$6\r\nloaded\r\n");
    assert_string_equal(RUN(f, "SCRIPT", "EXISTS", sha, "B534286061D4B9E4026607613B95C06C06015AE8",
                            "4e6d8fc8bb01276962cce5371fa795a7763657ae", "a"),
                        "*4\r\n:1\r\n:1\r\n:0\r\n:0\r\n");
    /* EVAL caches what it runs. */
    RUN(f, "EVAL", "return 'via eval'", "0");
    assert_int_equal(cache_script_count(f->srv), 2);
    assert_true(cache_script_exists(f->srv, "7b4dd9d867deb864cee5b15d67ea3fd724623b45", 40));
    assert_string_equal(RUN(f, "SCRIPT", "FLUSH", "ASYNC"), "+OK\r\n");
    assert_int_equal(cache_script_count(f->srv), 0);
    assert_string_equal(RUN(f, "SCRIPT", "EXISTS", sha), "*1\r\n:0\r\n");
    assert_string_equal(RUN(f, "EVALSHA", sha, "0"),
                        "-NOSCRIPT No matching script. Please use EVAL.\r\n");
    char out[41];
    char *err = NULL;
    assert_int_equal(cache_script_load(f->srv, "return 1", 8, out, &err), DD_OK);
    assert_string_equal(out, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    assert_int_equal(cache_script_load(f->srv, "#!lua x", 7, out, &err), DD_EINVAL);
    assert_string_equal(err, "ERR Invalid script shebang");
    free(err);
    assert_string_equal(RUN(f, "SCRIPT", "HELP"),
                        "*17\r\n+SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands "
                        "are:\r\n+DEBUG (YES|SYNC|NO)\r\n+    Set the debug mode for subsequent "
                        "scripts executed.\r\n+EXISTS <sha1> [<sha1> ...]\r\n+    Return "
                        "information about the existence of the scripts in the script "
                        "cache.\r\n+FLUSH [ASYNC|SYNC]\r\n+    Flush the Lua scripts cache. Very "
                        "dangerous on replicas.\r\n+    When called without the optional mode "
                        "argument, the behavior is determined by the\r\n+    lazyfree-lazy-user-"
                        "flush configuration directive. Valid modes are:\r\n+    * ASYNC: "
                        "Asynchronously flush the scripts cache.\r\n+    * SYNC: Synchronously "
                        "flush the scripts cache.\r\n+KILL\r\n+    Kill the currently executing "
                        "Lua script.\r\n+LOAD <script>\r\n+    Load a script into the scripts "
                        "cache without executing it.\r\n+HELP\r\n+    Prints this help.\r\n");
}

/* used_memory_scripts_eval as Redis 7.0.15 reports it after SCRIPT LOAD of
 * one body of each length ("return 'xx...'"), measured live. */
static void test_script_memory(void **state)
{
    struct fixture *f = *state;
    static const struct {
        size_t len;
        size_t bytes;
    } cases[] = {
        { 10, 136 }, { 20, 152 }, { 50, 184 }, { 100, 232 }, { 300, 440 }, { 1000, 1144 }
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        char body[1001], sha[41];
        char *err = NULL;
        memset(body, 'x', sizeof(body));
        memcpy(body, "return '", 8);
        body[cases[i].len - 1] = '\'';
        cache_script_flush(f->srv);
        assert_int_equal(cache_script_load(f->srv, body, cases[i].len, sha, &err), DD_OK);
        if (cache_script_cache_memory(f->srv) != cases[i].bytes)
            fail_msg("len %zu: %zu bytes, want %zu", cases[i].len,
                     cache_script_cache_memory(f->srv), cases[i].bytes);
    }
}

/* Redis's math.random: rand48 from its fixed start, never reseeded by
 * SCRIPT FLUSH; math.randomseed restarts it. */
static void test_math_random(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(RUN(f, "EVAL", "return tostring(math.random())", "0"),
                        "$16\r\n0.39646477363839\r\n");
    assert_string_equal(RUN(f, "EVAL", "return tostring(math.random())", "0"),
                        "$16\r\n0.84048536971234\r\n");
    RUN(f, "SCRIPT", "FLUSH");
    assert_string_equal(RUN(f, "EVAL", "return tostring(math.random())", "0"),
                        "$16\r\n0.35333609737146\r\n");
    assert_string_equal(RUN(f, "EVAL", "math.randomseed(0) return tostring(math.random())", "0"),
                        "$16\r\n0.17082803611217\r\n");
    assert_string_equal(RUN(f, "EVAL",
                            "math.randomseed(-7) return {math.random(1000), "
                            "math.random(1000)}",
                            "0"),
                        "*2\r\n:76\r\n:818\r\n");
}

/* Writes reach the keyspace of the caller's database; SELECT inside a
 * script does not move the caller. */
static void test_keyspace_and_select(void **state)
{
    struct fixture *f = *state;
    RUN(f, "EVAL", "redis.call('select', '1') redis.call('set', 'in1', 'v') return 1", "0");
    struct cache_db *db0 = cache_keyspace_db(f->srv->ks, 0);
    struct cache_db *db1 = cache_keyspace_db(f->srv->ks, 1);
    assert_null(cache_db_lookup(db0, "in1", 3, cache_now_ms(f->srv)));
    assert_non_null(cache_db_lookup(db1, "in1", 3, cache_now_ms(f->srv)));
    assert_ptr_equal(f->c.db, db0);
    assert_string_equal(RUN(f, "EVAL", "return redis.call('get', 'in1')", "0"), "$-1\r\n");
}

/* Errors a command inside the script already counted are not counted again
 * when the script fails with them (INFO errorstats as Redis keeps it). */
static void test_error_stats(void **state)
{
    struct fixture *f = *state;
    RUN(f, "EVAL", "redis.call('set', 's', 'v')", "0");
    uint64_t before = f->srv->stats.total_error_replies;
    RUN(f, "EVAL", "return redis.call('lpush', 's', 'x')", "0");
    assert_int_equal(f->srv->stats.total_error_replies - before, 1);
    RUN(f, "EVAL", "return redis.pcall('lpush', 's', 'x')", "0");
    assert_int_equal(f->srv->stats.total_error_replies - before, 2);
    RUN(f, "EVAL", "return redis.call('nosuch')", "0");
    assert_int_equal(f->srv->stats.total_error_replies - before, 3);
    RUN(f, "EVAL", "return {1, {err='NESTED x'}}", "0");
    assert_int_equal(f->srv->stats.total_error_replies - before, 4);
    RUN(f, "EVAL", "error('x')", "0");
    assert_int_equal(f->srv->stats.total_error_replies - before, 5);
}

/* Over maxmemory, a denyoom command is refused until the script has
 * written; allow-oom scripts may write. */
static void test_oom(void **state)
{
    struct fixture *f = *state;
    RUN(f, "EVAL", "return redis.call('set', 'big', string.rep('x', 100))", "0");
    f->srv->opts.maxmemory = 1;
    assert_string_equal(RUN(f, "EVAL", "return redis.pcall('set', 'a', 'b')", "0"),
                        "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    assert_string_equal(
        RUN(f, "EVAL", "redis.call('del', 'x') return redis.call('set', 'a', 'b')", "0"),
        "+OK\r\n");
    assert_string_equal(RUN(f, "EVAL", "#!lua\nreturn 1", "0"),
                        "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    assert_string_equal(
        RUN(f, "EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'c', 'd')", "0"),
        "+OK\r\n");
    f->srv->opts.maxmemory = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_to_lua),
        cmocka_unit_test(test_reply_to_lua_malformed),
        cmocka_unit_test_setup_teardown(test_lua_to_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lua_to_reply_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_math_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyspace_and_select, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oom, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* !CACHE_SCRIPT_HAVE_LUA */

/* Built without Lua: nothing to test but the stub's answer. */
static void test_without_lua(void **state)
{
    (void)state;
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_lua),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif /* CACHE_SCRIPT_HAVE_LUA */
