/*
 * The Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * PUBLISH, their shard twins SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, and the
 * PUBSUB container, answering as Redis 7.0.15's pubsub.c does.
 *
 * The (un)subscribe commands answer with one confirmation per name, each a
 * three-element ["subscribe", name, count] (a push frame for RESP3 clients,
 * an array for RESP2), where count is the client's channels + patterns, or
 * its shard channels alone for the shard commands. An unsubscribe with no
 * arguments from a client with nothing to drop still confirms once, with a
 * null name. Shard channels in a server without cluster mode behave like
 * channels in a namespace of their own that patterns never reach.
 *
 * The subscriptions live in pubsub.c; c->nsubs (kept there) is what lets the
 * dispatcher confine a RESP2 subscriber to (P|S)(UN)SUBSCRIBE, PING, QUIT and
 * RESET.
 */
#include <stdbool.h>
#include <stddef.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/pubsub.h"
#include "cache-emu/resp_write.h"
#include "common/err.h"

#define PS_SUB (CACHE_CMD_PUBSUB | CACHE_CMD_NOSCRIPT | CACHE_CMD_LOADING | CACHE_CMD_STALE)
/* may_replicate: a read-only script must not publish (Redis 7.0 flags it so). */
#define PS_PUB                                                                 \
    (CACHE_CMD_PUBSUB | CACHE_CMD_LOADING | CACHE_CMD_STALE | CACHE_CMD_FAST | \
     CACHE_CMD_MAY_REPLICATE)
#define PS_INFO (CACHE_CMD_PUBSUB | CACHE_CMD_LOADING | CACHE_CMD_STALE)

/* The words of each kind's confirmations, indexed by enum cache_pubsub_kind. */
static const char *const SUBSCRIBE_WORD[CACHE_PUBSUB_KINDS] = { "subscribe", "psubscribe",
                                                                "ssubscribe" };
static const char *const UNSUBSCRIBE_WORD[CACHE_PUBSUB_KINDS] = { "unsubscribe", "punsubscribe",
                                                                  "sunsubscribe" };

/* A push header: "><n>" for RESP3, "*<n>" for RESP2 (cmd.h has no push
 * writer; a failed append closes the client like every other reply). */
static void reply_push(struct cache_client *c, size_t n)
{
    if (cache_resp_write_push(&c->out, c->proto, n) != DD_OK)
        c->flags |= CACHE_CLIENT_REPLY_OOM;
}

/* [word, name or null, count] */
static void reply_confirm(struct cache_client *c, const char *word, const char *name, size_t len,
                          size_t count)
{
    reply_push(c, 3);
    cache_reply_bulk_cstr(c, word);
    if (name)
        cache_reply_bulk(c, name, len);
    else
        cache_reply_null(c);
    cache_reply_ll(c, (long long)count);
}

/* ---- (P|S)SUBSCRIBE ---- */

static int subscribe_args(struct cache_client *c, enum cache_pubsub_kind kind)
{
    for (size_t i = 1; i < c->argc; i++) {
        int rc = cache_pubsub_subscribe(c, kind, c->argv[i].ptr, c->argv[i].len);
        if (rc < 0)
            return rc;
        reply_confirm(c, SUBSCRIBE_WORD[kind], c->argv[i].ptr, c->argv[i].len,
                      cache_pubsub_count(c, kind));
    }
    return 0;
}

static int cache_cmd_subscribe(struct cache_client *c)
{
    return subscribe_args(c, CACHE_PUBSUB_CHANNEL);
}

static int cache_cmd_psubscribe(struct cache_client *c)
{
    return subscribe_args(c, CACHE_PUBSUB_PATTERN);
}

static int cache_cmd_ssubscribe(struct cache_client *c)
{
    /* Redis refuses SSUBSCRIBE to a client that expects one reply per command
     * (CLIENT_DENY_BLOCKING, which EXEC sets); SUBSCRIBE and PSUBSCRIBE make
     * an exception for MULTI, SSUBSCRIBE none. */
    if (c->flags & CACHE_CLIENT_IN_EXEC) {
        cache_reply_error(c, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        return 0;
    }
    return subscribe_args(c, CACHE_PUBSUB_SHARD);
}

/* ---- (P|S)UNSUBSCRIBE ---- */

struct unsub_ctx {
    enum cache_pubsub_kind kind; /* namespace being emptied */
};

static void on_unsubscribed(struct cache_client *c, const char *name, size_t len, size_t left,
                            void *arg)
{
    const struct unsub_ctx *u = arg;
    reply_confirm(c, UNSUBSCRIBE_WORD[u->kind], name, len, left);
}

static int unsubscribe_args(struct cache_client *c, enum cache_pubsub_kind kind)
{
    if (c->argc == 1) {
        struct unsub_ctx u = { kind };
        if (cache_pubsub_unsubscribe_all(c, kind, on_unsubscribed, &u) == 0)
            reply_confirm(c, UNSUBSCRIBE_WORD[kind], NULL, 0, cache_pubsub_count(c, kind));
        return 0;
    }
    for (size_t i = 1; i < c->argc; i++) {
        cache_pubsub_unsubscribe(c, kind, c->argv[i].ptr, c->argv[i].len);
        reply_confirm(c, UNSUBSCRIBE_WORD[kind], c->argv[i].ptr, c->argv[i].len,
                      cache_pubsub_count(c, kind));
    }
    return 0;
}

static int cache_cmd_unsubscribe(struct cache_client *c)
{
    return unsubscribe_args(c, CACHE_PUBSUB_CHANNEL);
}

static int cache_cmd_punsubscribe(struct cache_client *c)
{
    return unsubscribe_args(c, CACHE_PUBSUB_PATTERN);
}

static int cache_cmd_sunsubscribe(struct cache_client *c)
{
    return unsubscribe_args(c, CACHE_PUBSUB_SHARD);
}

/* ---- (S)PUBLISH ---- */

static int cache_cmd_publish(struct cache_client *c)
{
    size_t n = cache_pubsub_publish(c->srv, c, false, c->argv[1].ptr, c->argv[1].len,
                                    c->argv[2].ptr, c->argv[2].len);
    cache_reply_ll(c, (long long)n);
    return 0;
}

static int cache_cmd_spublish(struct cache_client *c)
{
    size_t n = cache_pubsub_publish(c->srv, c, true, c->argv[1].ptr, c->argv[1].len, c->argv[2].ptr,
                                    c->argv[2].len);
    cache_reply_ll(c, (long long)n);
    return 0;
}

/* ---- PUBSUB ---- */

/* addReplySubcommandSyntaxError(): the subcommand exists but its argument
 * count is wrong for what pubsubCommand() accepts. */
static void reply_subcommand_syntax(struct cache_client *c)
{
    int len = c->argv[1].len < 128 ? (int)c->argv[1].len : 128;
    cache_reply_errorf(c,
                       "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                       "PUBSUB HELP.",
                       len, c->argv[1].ptr);
}

struct channel_list {
    struct cache_client *c;           /* replying client */
    const struct cache_resp_arg *pat; /* filter, NULL for every name */
    size_t n;                         /* names replied */
};

static void list_one(const char *name, size_t len, void *arg)
{
    struct channel_list *l = arg;
    if (l->pat && !cache_glob_match(l->pat->ptr, l->pat->len, name, len, false))
        return;
    cache_reply_bulk(l->c, name, len);
    l->n++;
}

/* channelList(): the names with subscribers, filtered by argv[2] if given. */
static int channel_list(struct cache_client *c, enum cache_pubsub_kind kind)
{
    if (c->argc > 3) {
        reply_subcommand_syntax(c);
        return 0;
    }
    struct channel_list l = { c, c->argc == 3 ? &c->argv[2] : NULL, 0 };
    size_t h = cache_reply_defer(c);
    cache_pubsub_foreach_name(c->srv, kind, list_one, &l);
    cache_reply_defer_set(c, h, 'a', l.n);
    return 0;
}

/* NUMSUB / SHARDNUMSUB: a flat [name, count, ...] array, also for RESP3. */
static int numsub(struct cache_client *c, enum cache_pubsub_kind kind)
{
    cache_reply_array(c, (c->argc - 2) * 2);
    for (size_t i = 2; i < c->argc; i++) {
        cache_reply_bulk(c, c->argv[i].ptr, c->argv[i].len);
        cache_reply_ll(
            c, (long long)cache_pubsub_numsub(c->srv, kind, c->argv[i].ptr, c->argv[i].len));
    }
    return 0;
}

static int cache_cmd_pubsub_channels(struct cache_client *c)
{
    return channel_list(c, CACHE_PUBSUB_CHANNEL);
}

static int cache_cmd_pubsub_shardchannels(struct cache_client *c)
{
    return channel_list(c, CACHE_PUBSUB_SHARD);
}

static int cache_cmd_pubsub_numsub(struct cache_client *c)
{
    return numsub(c, CACHE_PUBSUB_CHANNEL);
}

static int cache_cmd_pubsub_shardnumsub(struct cache_client *c)
{
    return numsub(c, CACHE_PUBSUB_SHARD);
}

static int cache_cmd_pubsub_numpat(struct cache_client *c)
{
    cache_reply_ll(c, (long long)cache_pubsub_numnames(c->srv, CACHE_PUBSUB_PATTERN));
    return 0;
}

static int cache_cmd_pubsub_help(struct cache_client *c)
{
    static const char *const lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };
    cache_reply_array(c, DD_ARRAY_LEN(lines));
    for (size_t i = 0; i < DD_ARRAY_LEN(lines); i++)
        cache_reply_simple(c, lines[i]);
    return 0;
}

/* ---- the table ---- */

#define PUBSUB_SUBCMD(n, ar, fl, f, sum_, since_, acl_)                                   \
    {                                                                                     \
        .name = n, .arity = ar, .flags = fl, .fn = f, .group = "pubsub", .since = since_, \
        .summary = sum_, .acl = acl_                                                      \
    }

static const struct cache_command pubsub_subcommands[] = {
    PUBSUB_SUBCMD("channels", -2, PS_INFO, cache_cmd_pubsub_channels, "List active channels",
                  "2.8.0", "pubsub slow"),
    PUBSUB_SUBCMD("help", 2, CACHE_CMD_LOADING | CACHE_CMD_STALE, cache_cmd_pubsub_help,
                  "Show helpful text about the different subcommands", "6.2.0", "slow"),
    PUBSUB_SUBCMD("numpat", 2, PS_INFO, cache_cmd_pubsub_numpat,
                  "Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub slow"),
    PUBSUB_SUBCMD("numsub", -2, PS_INFO, cache_cmd_pubsub_numsub,
                  "Get the count of subscribers for channels", "2.8.0", "pubsub slow"),
    PUBSUB_SUBCMD("shardchannels", -2, PS_INFO, cache_cmd_pubsub_shardchannels,
                  "List active shard channels", "7.0.0", "pubsub slow"),
    PUBSUB_SUBCMD("shardnumsub", -2, PS_INFO, cache_cmd_pubsub_shardnumsub,
                  "Get the count of subscribers for shard channels", "7.0.0", "pubsub slow"),
    { .name = NULL },
};

const struct cache_command cache_cmds_pubsub[] = {
    { .name = "subscribe",
      .arity = -2,
      .flags = PS_SUB,
      .fn = cache_cmd_subscribe,
      .group = "pubsub",
      .since = "2.0.0",
      .summary = "Listen for messages published to the given channels",
      .acl = "pubsub slow" },
    { .name = "unsubscribe",
      .arity = -1,
      .flags = PS_SUB,
      .fn = cache_cmd_unsubscribe,
      .group = "pubsub",
      .since = "2.0.0",
      .summary = "Stop listening for messages posted to the given channels",
      .acl = "pubsub slow" },
    { .name = "psubscribe",
      .arity = -2,
      .flags = PS_SUB,
      .fn = cache_cmd_psubscribe,
      .group = "pubsub",
      .since = "2.0.0",
      .summary = "Listen for messages published to channels matching the given patterns",
      .acl = "pubsub slow" },
    { .name = "punsubscribe",
      .arity = -1,
      .flags = PS_SUB,
      .fn = cache_cmd_punsubscribe,
      .group = "pubsub",
      .since = "2.0.0",
      .summary = "Stop listening for messages posted to channels matching the given patterns",
      .acl = "pubsub slow" },
    { .name = "publish",
      .arity = 3,
      .flags = PS_PUB,
      .fn = cache_cmd_publish,
      .group = "pubsub",
      .since = "2.0.0",
      .summary = "Post a message to a channel",
      .acl = "pubsub fast" },
    { .name = "ssubscribe",
      .arity = -2,
      .flags = PS_SUB,
      .fn = cache_cmd_ssubscribe,
      .first_key = 1,
      .last_key = -1,
      .key_step = 1,
      .group = "pubsub",
      .since = "7.0.0",
      .summary = "Listen for messages published to the given shard channels",
      .acl = "pubsub slow" },
    { .name = "sunsubscribe",
      .arity = -1,
      .flags = PS_SUB,
      .fn = cache_cmd_sunsubscribe,
      .first_key = 1,
      .last_key = -1,
      .key_step = 1,
      .group = "pubsub",
      .since = "7.0.0",
      .summary = "Stop listening for messages posted to the given shard channels",
      .acl = "pubsub slow" },
    { .name = "spublish",
      .arity = 3,
      .flags = PS_PUB,
      .fn = cache_cmd_spublish,
      .first_key = 1,
      .last_key = 1,
      .key_step = 1,
      .group = "pubsub",
      .since = "7.0.0",
      .summary = "Post a message to a shard channel",
      .acl = "pubsub fast" },
    { .name = "pubsub",
      .arity = -2,
      .flags = 0,
      .fn = NULL,
      .group = "pubsub",
      .since = "2.8.0",
      .summary = "A container for Pub/Sub commands",
      .acl = "slow",
      .subcommands = pubsub_subcommands },
    { .name = NULL },
};
