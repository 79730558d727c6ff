/*
 * The scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT
 * (LOAD, EXISTS, FLUSH, KILL, DEBUG, HELP), with Redis 7.0.15's argument
 * checks in its order (EVALSHA refuses a SHA of the wrong length before
 * reading numkeys). The engine they drive is script.c.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/script.h"
#include "common/err.h"

static const char err_noscript[] = "NOSCRIPT No matching script. Please use EVAL.";

/* evalGenericCommand(): numkeys, then the engine. */
static int eval_generic(struct cache_client *c, bool by_sha, bool read_only)
{
    if (by_sha && c->argv[1].len != CACHE_SCRIPT_SHA_LEN) {
        cache_reply_error(c, err_noscript);
        return DD_OK;
    }
    long long numkeys;
    if (!cache_arg_ll(c, 2, &numkeys))
        return DD_OK;
    if (numkeys > (long long)(c->argc - 3)) {
        cache_reply_error(c, "ERR Number of keys can't be greater than number of args");
        return DD_OK;
    }
    if (numkeys < 0) {
        cache_reply_error(c, "ERR Number of keys can't be negative");
        return DD_OK;
    }
    size_t nk = (size_t)numkeys;
    return cache_script_eval(c, &c->argv[1], by_sha, read_only, &c->argv[3], nk, &c->argv[3 + nk],
                             c->argc - 3 - nk);
}

static int cache_cmd_eval(struct cache_client *c)
{
    return eval_generic(c, false, false);
}

static int cache_cmd_evalsha(struct cache_client *c)
{
    return eval_generic(c, true, false);
}

static int cache_cmd_eval_ro(struct cache_client *c)
{
    return eval_generic(c, false, true);
}

static int cache_cmd_evalsha_ro(struct cache_client *c)
{
    return eval_generic(c, true, true);
}

static int cache_cmd_script_load(struct cache_client *c)
{
    char sha[CACHE_SCRIPT_SHA_LEN + 1];
    char *err = NULL;
    int rc = cache_script_load(c->srv, c->argv[2].ptr, c->argv[2].len, sha, &err);
    if (rc == DD_OK) {
        cache_reply_bulk(c, sha, CACHE_SCRIPT_SHA_LEN);
        return DD_OK;
    }
    if (rc == DD_EINVAL) {
        cache_reply_error(c, err);
        free(err);
        return DD_OK;
    }
    cache_reply_error(c, "ERR out of memory");
    return rc;
}

static int cache_cmd_script_exists(struct cache_client *c)
{
    cache_reply_array(c, c->argc - 2);
    for (size_t i = 2; i < c->argc; i++)
        cache_reply_ll(c, cache_script_exists(c->srv, c->argv[i].ptr, c->argv[i].len));
    return DD_OK;
}

/* SCRIPT FLUSH [ASYNC|SYNC]: both modes flush at once (there is no
 * background freeing to hand the work to). */
static int cache_cmd_script_flush(struct cache_client *c)
{
    if (c->argc > 3 ||
        (c->argc == 3 && !cache_arg_is(c, 2, "sync") && !cache_arg_is(c, 2, "async"))) {
        cache_reply_error(c, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        return DD_OK;
    }
    cache_script_flush(c->srv);
    cache_reply_ok(c);
    return DD_OK;
}

/* A script runs to completion before any other command is read, so there is
 * never one to kill. */
static int cache_cmd_script_kill(struct cache_client *c)
{
    cache_reply_error(c, "NOTBUSY No scripts in execution right now.");
    return DD_OK;
}

/* SCRIPT DEBUG: NO is accepted; the Lua debugger (YES, SYNC) is not there. */
static int cache_cmd_script_debug(struct cache_client *c)
{
    if (c->out.len > c->out_pos) {
        cache_reply_error(c, "ERR SCRIPT DEBUG must be called outside a pipeline");
        return DD_OK;
    }
    if (cache_arg_is(c, 2, "no")) {
        cache_reply_ok(c);
    } else if (cache_arg_is(c, 2, "yes") || cache_arg_is(c, 2, "sync")) {
        cache_reply_error(c, "ERR SCRIPT DEBUG YES/SYNC: the Lua debugger is not supported");
    } else {
        cache_reply_error(c, "ERR Use SCRIPT DEBUG YES/SYNC/NO");
    }
    return DD_OK;
}

static int cache_cmd_script_help(struct cache_client *c)
{
    static const char *const lines[] = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };
    cache_reply_array(c, DD_ARRAY_LEN(lines));
    for (size_t i = 0; i < DD_ARRAY_LEN(lines); i++)
        cache_reply_simple(c, lines[i]);
    return DD_OK;
}

#define EVAL_FLAGS \
    (CACHE_CMD_NOSCRIPT | CACHE_CMD_STALE | CACHE_CMD_SKIP_MONITOR | CACHE_CMD_NO_MANDATORY_KEYS)

static const struct cache_command script_subcommands[] = {
    /* In the order Redis 7.0.15 lists them (COMMAND INFO/DOCS). */
    { .name = "debug",
      .arity = 3,
      .flags = CACHE_CMD_NOSCRIPT,
      .fn = cache_cmd_script_debug,
      .group = "scripting",
      .since = "3.2.0",
      .summary = "Set the debug mode for executed scripts.",
      .acl = "slow scripting" },
    { .name = "exists",
      .arity = -3,
      .flags = CACHE_CMD_NOSCRIPT,
      .fn = cache_cmd_script_exists,
      .group = "scripting",
      .since = "2.6.0",
      .summary = "Check existence of scripts in the script cache.",
      .acl = "slow scripting" },
    { .name = "kill",
      .arity = 2,
      .flags = CACHE_CMD_NOSCRIPT | CACHE_CMD_ALLOW_BUSY,
      .fn = cache_cmd_script_kill,
      .group = "scripting",
      .since = "2.6.0",
      .summary = "Kill the script currently in execution.",
      .acl = "slow scripting" },
    { .name = "load",
      .arity = 3,
      .flags = CACHE_CMD_NOSCRIPT | CACHE_CMD_STALE,
      .fn = cache_cmd_script_load,
      .group = "scripting",
      .since = "2.6.0",
      .summary = "Load the specified Lua script into the script cache.",
      .acl = "slow scripting" },
    { .name = "flush",
      .arity = -2,
      .flags = CACHE_CMD_NOSCRIPT,
      .fn = cache_cmd_script_flush,
      .group = "scripting",
      .since = "2.6.0",
      .summary = "Remove all the scripts from the script cache.",
      .acl = "slow scripting" },
    { .name = "help",
      .arity = 2,
      .flags = CACHE_CMD_LOADING | CACHE_CMD_STALE,
      .fn = cache_cmd_script_help,
      .group = "scripting",
      .since = "5.0.0",
      .summary = "Show helpful text about the different subcommands",
      .acl = "slow scripting" },
    { 0 },
};

const struct cache_command cache_cmds_script[] = {
    { .name = "eval",
      .arity = -3,
      .flags = EVAL_FLAGS,
      .fn = cache_cmd_eval,
      .group = "scripting",
      .since = "2.6.0",
      .summary = "Execute a Lua script server side",
      .acl = "slow scripting" },
    { .name = "evalsha",
      .arity = -3,
      .flags = EVAL_FLAGS,
      .fn = cache_cmd_evalsha,
      .group = "scripting",
      .since = "2.6.0",
      .summary = "Execute a Lua script server side",
      .acl = "slow scripting" },
    { .name = "eval_ro",
      .arity = -3,
      .flags = CACHE_CMD_READONLY | EVAL_FLAGS,
      .fn = cache_cmd_eval_ro,
      .group = "scripting",
      .since = "7.0.0",
      .summary = "Execute a read-only Lua script server side",
      .acl = "slow scripting" },
    { .name = "evalsha_ro",
      .arity = -3,
      .flags = CACHE_CMD_READONLY | EVAL_FLAGS,
      .fn = cache_cmd_evalsha_ro,
      .group = "scripting",
      .since = "7.0.0",
      .summary = "Execute a read-only Lua script server side",
      .acl = "slow scripting" },
    { .name = "script",
      .arity = -2,
      .group = "scripting",
      .since = "2.6.0",
      .summary = "A container for Lua scripts management commands",
      .acl = "slow",
      .subcommands = script_subcommands },
    { 0 },
};
