/*
 * The Lua scripting engine behind EVAL, EVALSHA, their _RO forms and SCRIPT:
 * one Lua 5.1 interpreter per server, sandboxed the way Redis 7.0.15 does it,
 * the script cache keyed by SHA1, and the two conversions that define what a
 * script sees and what its caller gets back (RESP reply -> Lua value for
 * redis.call, Lua value -> RESP reply for the script's result).
 *
 * Commands a script runs go through the normal command table with a client
 * of the engine's own, so every write signals WATCH, wakes blocked clients
 * and counts in INFO exactly as when a connection sends it. Scripts are
 * atomic because the server has one thread and a script runs to completion.
 * cmd_script.c holds the command handlers; this file the engine.
 */
#ifndef CACHE_SCRIPT_H
#define CACHE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Set when Lua 5.1's headers are on the include path (cache_server links
 * pkg-config's lua5.1); without them script.c builds stubs and EVAL answers
 * an error, so the tree keeps building before the link is in place. */
#if defined(__has_include)
#if __has_include(<lua.h>)
#define CACHE_SCRIPT_HAVE_LUA 1
#endif
#endif

struct cache_client;
struct cache_server;
struct cache_resp_arg;
struct lua_State;

/* Length of a script's SHA1 in hex, without the NUL. */
#define CACHE_SCRIPT_SHA_LEN 40

/*
 * Runs a script for c and writes its one reply: the script's result, or the
 * error Redis gives (NOSCRIPT, a compile error, a runtime error with its
 * "script: <sha>, on @user_script:<line>." suffix ...). script is the body,
 * or with by_sha a SHA1 in hex of any case; read_only is EVAL_RO/EVALSHA_RO.
 * The caller has validated numkeys; keys and args (borrowed) become KEYS and
 * ARGV. 0, or DD_ENOMEM after replying an error.
 */
int cache_script_eval(struct cache_client *c, const struct cache_resp_arg *script, bool by_sha,
                      bool read_only, const struct cache_resp_arg *keys, size_t nkeys,
                      const struct cache_resp_arg *args, size_t nargs);

/*
 * SCRIPT LOAD: compiles body[0..len) into srv's cache (a no-op when cached)
 * and writes its SHA1 to sha (CACHE_SCRIPT_SHA_LEN + 1 bytes). 0; DD_EINVAL
 * with *err set to the error text Redis replies ("ERR Error compiling
 * script ..."), owned by the caller (free()); DD_ENOMEM.
 */
int cache_script_load(struct cache_server *srv, const void *body, size_t len, char *sha,
                      char **err);
/* SCRIPT EXISTS: true when sha[0..len) (any case) names a cached script. */
bool cache_script_exists(struct cache_server *srv, const void *sha, size_t len);
/* SCRIPT FLUSH: forgets every script and starts a fresh interpreter (the
 * math.random sequence goes on, as in Redis). */
void cache_script_flush(struct cache_server *srv);

/* INFO: scripts in the cache (number_of_cached_scripts). */
size_t cache_script_count(struct cache_server *srv);
/* INFO: bytes the interpreter holds (used_memory_lua); 0 before any script. */
size_t cache_script_lua_memory(struct cache_server *srv);
/* INFO: bytes of the cached scripts' bodies and index (used_memory_scripts). */
size_t cache_script_cache_memory(struct cache_server *srv);

/* Frees srv's engine (the interpreter and the cache); a no-op when it has
 * none. For cache_server_free(). */
void cache_script_release(struct cache_server *srv);

/*
 * The conversions, public for the unit tests.
 *
 * cache_script_push_reply() pushes on L the Lua value of the one RESP reply
 * at p[0..len), as redis.call() hands it to a script: integer -> number, bulk
 * -> string, null bulk and null array -> false, array -> table, status ->
 * {ok=s}, error -> {err="CODE msg", ignore_error_stats_update=true}, and the
 * RESP3 types as Redis 7.0 maps them ({map=}, {set=}, {double=}, nil,
 * booleans, {big_number=}, {verbatim_string=}). Returns the bytes consumed,
 * or DD_ERR (nothing pushed) when p does not hold one complete reply. May
 * raise a Lua error (memory, stack), so call it from Lua-protected code.
 */
ssize_t cache_script_push_reply(struct lua_State *L, const char *p, size_t len);
/*
 * Pops the value on top of L and writes it as c's reply, as Redis converts a
 * script's result: numbers truncated to integers, strings as bulk, tables as
 * arrays up to the first nil, {ok=}/{err=} as status/error, booleans true ->
 * 1 and false -> null (script_resp 3: RESP3 booleans), anything else null.
 * Must run where L has stack room checks (any C function or cpcall).
 */
void cache_script_write_reply(struct cache_client *c, struct lua_State *L, int script_resp);

#endif
