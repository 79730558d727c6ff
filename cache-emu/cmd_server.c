/*
 * Server commands: COMMAND, INFO, CONFIG, DBSIZE, FLUSHDB, FLUSHALL, TIME,
 * LASTSAVE, SAVE, BGSAVE, FUNCTION and DEBUG, answering as Redis 7.0.15's
 * server.c, config.c and functions.c do.
 *
 * COMMAND's replies are built from two sources: each command's table row
 * (name, arity, flags, key range, ACL categories, summary, since, group) and
 * the metadata table at the end of this file, which holds what rows do not
 * carry: Redis 7.0.15's command tips, key specifications, the flags rows
 * have no bit for (asking, no_async_loading), and the COMMAND DOCS
 * complexity and deprecation fields, recorded from the live server. With
 * both, COMMAND INFO is Redis's byte for byte for every command the
 * emulator implements, and COMMAND DOCS too, argument trees and history
 * included (redis-cli builds its hints from them).
 *
 * Persistence does not exist here: SAVE and BGSAVE succeed at once without
 * writing anything (LASTSAVE and INFO's rdb_* fields move as if they had),
 * since clients call them to checkpoint and ElastiCache's snapshots are not
 * part of the emulated surface. FUNCTION knows no libraries (there is no
 * Lua): FLUSH, LIST, STATS, DELETE, KILL and HELP answer as an empty Redis.
 * DEBUG answers as Redis does when enable-debug-command is "no".
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/config.h"
#include "cache-emu/db.h"
#include "cache-emu/evict.h"
#include "cache-emu/info.h"
#include "cache-emu/server.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"

/* What a command row does not say (see the table at the end). */
struct cmd_meta {
    const char *name;       /* full name: "get", "config|get" */
    const char *flags;      /* extra COMMAND INFO flags, space separated */
    const char *tips;       /* command tips, space separated */
    const char *specs;      /* key specs, '\n' separated: "flags;begin;find[;notes]" */
    const char *complexity; /* COMMAND DOCS complexity */
    const char *doc_flags;  /* COMMAND DOCS doc_flags, space separated */
    const char *deprecated; /* COMMAND DOCS deprecated_since */
    const char *replaced;   /* COMMAND DOCS replaced_by */
    const char *history;    /* COMMAND DOCS history: "version\001text" entries, '\002' apart */
    const char *args;       /* COMMAND DOCS arguments, encoded (see reply_doc_args) */
};

static const struct cmd_meta cmd_meta[];
static const size_t cmd_meta_count;

static const struct cmd_meta *meta_for(const struct cache_command *cmd)
{
    char name[96];
    size_t lo = 0, hi = cmd_meta_count;
    cache_command_fullname(cmd, name, sizeof(name));
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(cmd_meta[mid].name, name);
        if (r == 0)
            return &cmd_meta[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- small helpers ---- */

/* Words of a space-separated list: calls fn for each, returns the count. */
static size_t each_word(const char *s, void (*fn)(struct cache_client *, const char *, size_t),
                        struct cache_client *c)
{
    size_t n = 0;
    while (s && *s) {
        const char *e = strchr(s, ' ');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len) {
            if (fn)
                fn(c, s, len);
            n++;
        }
        s = e ? e + 1 : s + len;
    }
    return n;
}

static void emit_simple(struct cache_client *c, const char *w, size_t len)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.*s", (int)len, w);
    cache_reply_simple(c, buf);
}

static void emit_category(struct cache_client *c, const char *w, size_t len)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "@%.*s", (int)len, w);
    cache_reply_simple(c, buf);
}

static void emit_bulk(struct cache_client *c, const char *w, size_t len)
{
    cache_reply_bulk(c, w, len);
}

/* addReplySubcommandSyntaxError(). */
static void reply_sub_syntax(struct cache_client *c, const char *parent)
{
    cache_reply_errorf(c,
                       "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try %s "
                       "HELP.",
                       (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].ptr, parent);
}

/* ---- key specs ---- */

enum bs_type { BS_INDEX, BS_KEYWORD, BS_UNKNOWN };
enum fk_type { FK_RANGE, FK_KEYNUM, FK_UNKNOWN };

struct key_spec {
    char flags[96];  /* comma separated: "RW,access,delete" */
    char notes[160]; /* "" when none */
    enum bs_type bs;
    int index;        /* BS_INDEX */
    char keyword[24]; /* BS_KEYWORD */
    int startfrom;    /* BS_KEYWORD */
    enum fk_type fk;
    int a, b, d; /* range: lastkey, keystep, limit; keynum: keynumidx, firstkey, keystep */
};

/* Parses the n-th spec of an encoded list; false when there is none. */
static bool spec_at(const char *specs, size_t n, struct key_spec *ks)
{
    char buf[400];
    const char *p = specs;
    char *f[4] = { NULL, NULL, NULL, NULL };
    char *save = NULL;
    size_t nf = 0;

    for (size_t i = 0; p && i < n; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p || !*p)
        return false;
    size_t len = strcspn(p, "\n");
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    for (char *t = strtok_r(buf, ";", &save); t && nf < 4; t = strtok_r(NULL, ";", &save))
        f[nf++] = t;
    if (nf < 3)
        return false;
    memset(ks, 0, sizeof(*ks));
    snprintf(ks->flags, sizeof(ks->flags), "%s", f[0]);
    if (nf == 4)
        snprintf(ks->notes, sizeof(ks->notes), "%s", f[3]);
    if (f[1][0] == 'i') {
        ks->bs = BS_INDEX;
        ks->index = atoi(f[1] + 1);
    } else if (f[1][0] == 'k') {
        char *comma = strrchr(f[1], ',');
        ks->bs = BS_KEYWORD;
        if (comma) {
            *comma = '\0';
            ks->startfrom = atoi(comma + 1);
        }
        snprintf(ks->keyword, sizeof(ks->keyword), "%s", f[1] + 1);
    } else {
        ks->bs = BS_UNKNOWN;
    }
    if (f[2][0] == 'r' || f[2][0] == 'n') {
        ks->fk = f[2][0] == 'r' ? FK_RANGE : FK_KEYNUM;
        if (sscanf(f[2] + 1, "%d,%d,%d", &ks->a, &ks->b, &ks->d) != 3)
            ks->fk = FK_UNKNOWN;
    } else {
        ks->fk = FK_UNKNOWN;
    }
    return true;
}

/* The key specs of cmd: the recorded ones, else one synthesised from the
 * row's first/last/step (what Redis's legacy range means). */
static const char *specs_of(const struct cache_command *cmd, char *buf, size_t buflen)
{
    const struct cmd_meta *m = meta_for(cmd);
    if (m)
        return m->specs;
    if (cmd->first_key <= 0)
        return "";
    snprintf(buf, buflen, "%s;i%d;r%d,%d,0",
             (cmd->flags & CACHE_CMD_WRITE) ? "RW,update" : "RO,access", cmd->first_key,
             cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key,
             cmd->key_step > 0 ? cmd->key_step : 1);
    return buf;
}

static size_t count_specs(const char *specs)
{
    size_t n = 0;
    struct key_spec ks;
    while (spec_at(specs, n, &ks))
        n++;
    return n;
}

static bool movable_keys(const char *specs)
{
    struct key_spec ks;
    for (size_t i = 0; spec_at(specs, i, &ks); i++)
        if (ks.bs != BS_INDEX || ks.fk != FK_RANGE)
            return true;
    return false;
}

static void reply_flag_set(struct cache_client *c, const char *commas)
{
    char buf[96];
    size_t n = 0;
    char *save = NULL;
    snprintf(buf, sizeof(buf), "%s", commas);
    for (const char *p = buf; *p; p++)
        n += *p == ',';
    cache_reply_set(c, buf[0] ? n + 1 : 0);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        cache_reply_simple(c, t);
}

static void reply_key_spec(struct cache_client *c, const struct key_spec *ks)
{
    cache_reply_map(c, ks->notes[0] ? 4 : 3);
    if (ks->notes[0]) {
        cache_reply_bulk_cstr(c, "notes");
        cache_reply_bulk_cstr(c, ks->notes);
    }
    cache_reply_bulk_cstr(c, "flags");
    reply_flag_set(c, ks->flags);

    cache_reply_bulk_cstr(c, "begin_search");
    cache_reply_map(c, 2);
    cache_reply_bulk_cstr(c, "type");
    if (ks->bs == BS_INDEX) {
        cache_reply_bulk_cstr(c, "index");
        cache_reply_bulk_cstr(c, "spec");
        cache_reply_map(c, 1);
        cache_reply_bulk_cstr(c, "index");
        cache_reply_ll(c, ks->index);
    } else if (ks->bs == BS_KEYWORD) {
        cache_reply_bulk_cstr(c, "keyword");
        cache_reply_bulk_cstr(c, "spec");
        cache_reply_map(c, 2);
        cache_reply_bulk_cstr(c, "keyword");
        cache_reply_bulk_cstr(c, ks->keyword);
        cache_reply_bulk_cstr(c, "startfrom");
        cache_reply_ll(c, ks->startfrom);
    } else {
        cache_reply_bulk_cstr(c, "unknown");
        cache_reply_bulk_cstr(c, "spec");
        cache_reply_map(c, 0);
    }

    cache_reply_bulk_cstr(c, "find_keys");
    cache_reply_map(c, 2);
    cache_reply_bulk_cstr(c, "type");
    if (ks->fk == FK_RANGE) {
        cache_reply_bulk_cstr(c, "range");
        cache_reply_bulk_cstr(c, "spec");
        cache_reply_map(c, 3);
        cache_reply_bulk_cstr(c, "lastkey");
        cache_reply_ll(c, ks->a);
        cache_reply_bulk_cstr(c, "keystep");
        cache_reply_ll(c, ks->b);
        cache_reply_bulk_cstr(c, "limit");
        cache_reply_ll(c, ks->d);
    } else if (ks->fk == FK_KEYNUM) {
        cache_reply_bulk_cstr(c, "keynum");
        cache_reply_bulk_cstr(c, "spec");
        cache_reply_map(c, 3);
        cache_reply_bulk_cstr(c, "keynumidx");
        cache_reply_ll(c, ks->a);
        cache_reply_bulk_cstr(c, "firstkey");
        cache_reply_ll(c, ks->b);
        cache_reply_bulk_cstr(c, "keystep");
        cache_reply_ll(c, ks->d);
    } else {
        cache_reply_bulk_cstr(c, "unknown");
        cache_reply_bulk_cstr(c, "spec");
        cache_reply_map(c, 0);
    }
}

/* ---- COMMAND ---- */

/* COMMAND INFO's flag names in Redis's order; extra ones come from the
 * metadata ("asking", "no_async_loading") or the key specs
 * ("movablekeys"). may_replicate and sentinel are hidden, as in Redis. */
static const struct {
    uint32_t bit;
    const char *name;
} flag_names[] = {
    { CACHE_CMD_WRITE, "write" },
    { CACHE_CMD_READONLY, "readonly" },
    { CACHE_CMD_DENYOOM, "denyoom" },
    { 0, "module" },
    { CACHE_CMD_ADMIN, "admin" },
    { CACHE_CMD_PUBSUB, "pubsub" },
    { CACHE_CMD_NOSCRIPT, "noscript" },
    { CACHE_CMD_BLOCKING, "blocking" },
    { CACHE_CMD_LOADING, "loading" },
    { CACHE_CMD_STALE, "stale" },
    { CACHE_CMD_SKIP_MONITOR, "skip_monitor" },
    { CACHE_CMD_SKIP_SLOWLOG, "skip_slowlog" },
    { 0, "asking" },
    { CACHE_CMD_FAST, "fast" },
    { CACHE_CMD_NO_AUTH, "no_auth" },
    { CACHE_CMD_NO_MANDATORY_KEYS, "no_mandatory_keys" },
    { 0, "no_async_loading" },
    { CACHE_CMD_NO_MULTI, "no_multi" },
    { 0, "movablekeys" },
    { CACHE_CMD_ALLOW_BUSY, "allow_busy" },
};

static bool word_in(const char *list, const char *w)
{
    size_t wl = strlen(w);
    while (list && *list) {
        const char *e = strchr(list, ' ');
        size_t len = e ? (size_t)(e - list) : strlen(list);
        if (len == wl && !strncmp(list, w, wl))
            return true;
        list = e ? e + 1 : list + len;
    }
    return false;
}

static bool has_flag(const struct cache_command *cmd, const struct cmd_meta *m, bool movable,
                     size_t i)
{
    if (flag_names[i].bit)
        return (cmd->flags & flag_names[i].bit) != 0;
    if (!strcmp(flag_names[i].name, "movablekeys"))
        return movable;
    return m && word_in(m->flags, flag_names[i].name);
}

/* addReplyCommandInfo(): the 10-element entry, subcommands nested. */
static void reply_command_info(struct cache_client *c, const struct cache_command *cmd)
{
    const struct cmd_meta *m = meta_for(cmd);
    char specbuf[128], name[96];
    const char *specs = specs_of(cmd, specbuf, sizeof(specbuf));
    bool movable = movable_keys(specs);
    size_t nflags = 0, nspecs = count_specs(specs), nsubs = 0;
    struct key_spec ks;

    for (size_t i = 0; i < DD_ARRAY_LEN(flag_names); i++)
        nflags += has_flag(cmd, m, movable, i);
    for (const struct cache_command *s = cmd->subcommands; s && s->name; s++)
        nsubs++;

    cache_command_fullname(cmd, name, sizeof(name));
    cache_reply_array(c, 10);
    cache_reply_bulk_cstr(c, name);
    cache_reply_ll(c, cmd->arity);
    cache_reply_set(c, nflags);
    for (size_t i = 0; i < DD_ARRAY_LEN(flag_names); i++)
        if (has_flag(cmd, m, movable, i))
            cache_reply_simple(c, flag_names[i].name);
    cache_reply_ll(c, cmd->first_key);
    cache_reply_ll(c, cmd->last_key);
    cache_reply_ll(c, cmd->key_step);
    cache_reply_set(c, each_word(cmd->acl, NULL, c));
    each_word(cmd->acl, emit_category, c);
    cache_reply_set(c, each_word(m ? m->tips : NULL, NULL, c));
    each_word(m ? m->tips : NULL, emit_bulk, c);
    cache_reply_set(c, nspecs);
    for (size_t i = 0; spec_at(specs, i, &ks); i++)
        reply_key_spec(c, &ks);
    /* Redis answers an empty set without subcommands, an array with. */
    if (nsubs == 0) {
        cache_reply_set(c, 0);
    } else {
        cache_reply_array(c, nsubs);
        for (const struct cache_command *s = cmd->subcommands; s && s->name; s++)
            reply_command_info(c, s);
    }
}

/*
 * COMMAND DOCS "arguments": the recorded tree, encoded as arguments
 * separated by '\002', each seven fields separated by '\001' (name, type,
 * key_spec_index, "=" + token, since, deprecated_since, flags) and, for
 * "oneof" and "block", its own arguments between '\003' and '\004'.
 * Empty fields are absent keys, as in Redis's addReplyCommandArgList().
 */
#define ARG_FIELD 1
#define ARG_NEXT  2
#define ARG_OPEN  3
#define ARG_CLOSE 4

/* The end of the field or argument that starts at p (stops at any
 * separator at this nesting level). */
static const char *arg_field_end(const char *p)
{
    while (*p && *p != ARG_FIELD && *p != ARG_NEXT && *p != ARG_OPEN && *p != ARG_CLOSE)
        p++;
    return p;
}

/* Skips one argument with its children; returns the separator after it. */
static const char *arg_skip(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == ARG_OPEN)
            depth++;
        else if (*p == ARG_CLOSE) {
            if (depth == 0)
                return p;
            depth--;
        } else if (*p == ARG_NEXT && depth == 0)
            return p;
    }
    return p;
}

static size_t arg_count(const char *p)
{
    size_t n = 0;
    if (!*p || *p == ARG_CLOSE)
        return 0;
    for (;;) {
        n++;
        p = arg_skip(p);
        if (*p != ARG_NEXT)
            return n;
        p++;
    }
}

/* Replies the argument list at p; returns where it ended. */
static const char *reply_doc_args(struct cache_client *c, const char *p)
{
    static const char *const keys[] = { "name",  "type",  "key_spec_index",
                                        "token", "since", "deprecated_since",
                                        "flags" };
    size_t n = arg_count(p);
    cache_reply_array(c, n);
    for (size_t i = 0; i < n; i++) {
        const char *f[7], *e[7];
        const char *q = p;
        size_t nfields = 0;
        for (int k = 0; k < 7; k++) {
            f[k] = q;
            e[k] = arg_field_end(q);
            q = *e[k] == ARG_FIELD ? e[k] + 1 : e[k];
            nfields += e[k] > f[k];
        }
        bool kids = *q == ARG_OPEN;
        cache_reply_map(c, nfields + kids);
        for (int k = 0; k < 7; k++) {
            if (e[k] == f[k])
                continue;
            cache_reply_bulk_cstr(c, keys[k]);
            if (k == 2) {
                cache_reply_ll(c, atoll(f[k]));
            } else if (k == 3) {
                cache_reply_bulk(c, f[k] + 1, (size_t)(e[k] - f[k] - 1));
            } else if (k == 6) {
                char flags[64];
                size_t nf = 1;
                snprintf(flags, sizeof(flags), "%.*s", (int)(e[k] - f[k]), f[k]);
                for (const char *x = flags; *x; x++)
                    nf += *x == ' ';
                cache_reply_set(c, nf);
                each_word(flags, emit_simple, c);
            } else {
                cache_reply_bulk(c, f[k], (size_t)(e[k] - f[k]));
            }
        }
        if (kids) {
            cache_reply_bulk_cstr(c, "arguments");
            q = reply_doc_args(c, q + 1);
            if (*q == ARG_CLOSE)
                q++;
        }
        p = *q == ARG_NEXT ? q + 1 : q;
    }
    return p;
}

static void reply_doc_history(struct cache_client *c, const char *h)
{
    size_t n = 1;
    for (const char *x = h; *x; x++)
        n += *x == ARG_NEXT;
    cache_reply_set(c, n);
    while (*h) {
        const char *sep = strchr(h, ARG_FIELD);
        const char *end = strchr(h, ARG_NEXT);
        if (!end)
            end = h + strlen(h);
        if (!sep || sep > end)
            sep = end;
        cache_reply_array(c, 2);
        cache_reply_bulk(c, h, (size_t)(sep - h));
        cache_reply_bulk(c, sep < end ? sep + 1 : end, sep < end ? (size_t)(end - sep - 1) : 0);
        h = *end ? end + 1 : end;
    }
}

/* addReplyCommandDocs(). */
static void reply_command_docs(struct cache_client *c, const struct cache_command *cmd)
{
    const struct cmd_meta *m = meta_for(cmd);
    size_t nsubs = 0, nfields = 3;
    bool has_cx = m && m->complexity[0], has_df = m && m->doc_flags[0];
    bool has_dep = m && m->deprecated[0], has_rep = m && m->replaced[0];
    bool has_hist = m && m->history[0], has_args = m && m->args[0];

    for (const struct cache_command *s = cmd->subcommands; s && s->name; s++)
        nsubs++;
    nfields += has_cx + has_df + has_dep + has_rep + has_hist + has_args + (nsubs > 0);
    cache_reply_map(c, nfields);
    cache_reply_bulk_cstr(c, "summary");
    cache_reply_bulk_cstr(c, cmd->summary ? cmd->summary : "");
    cache_reply_bulk_cstr(c, "since");
    cache_reply_bulk_cstr(c, cmd->since ? cmd->since : "");
    cache_reply_bulk_cstr(c, "group");
    cache_reply_bulk_cstr(c, cmd->group ? cmd->group : "");
    if (has_cx) {
        cache_reply_bulk_cstr(c, "complexity");
        cache_reply_bulk_cstr(c, m->complexity);
    }
    if (has_df) {
        cache_reply_bulk_cstr(c, "doc_flags");
        cache_reply_set(c, each_word(m->doc_flags, NULL, c));
        each_word(m->doc_flags, emit_simple, c);
    }
    if (has_dep) {
        cache_reply_bulk_cstr(c, "deprecated_since");
        cache_reply_bulk_cstr(c, m->deprecated);
    }
    if (has_rep) {
        cache_reply_bulk_cstr(c, "replaced_by");
        cache_reply_bulk_cstr(c, m->replaced);
    }
    if (has_hist) {
        cache_reply_bulk_cstr(c, "history");
        reply_doc_history(c, m->history);
    }
    if (has_args) {
        cache_reply_bulk_cstr(c, "arguments");
        reply_doc_args(c, m->args);
    }
    if (nsubs) {
        cache_reply_bulk_cstr(c, "subcommands");
        cache_reply_map(c, nsubs);
        for (const struct cache_command *s = cmd->subcommands; s && s->name; s++) {
            char name[96];
            cache_command_fullname(s, name, sizeof(name));
            cache_reply_bulk_cstr(c, name);
            reply_command_docs(c, s);
        }
    }
}

/* lookupCommandBySds(): "get", or "config|get" for a subcommand. */
static const struct cache_command *lookup_by_fullname(const char *p, size_t len)
{
    const char *bar = memchr(p, '|', len);
    const struct cache_command *cmd;
    if (!bar)
        return cache_command_lookup(p, len);
    cmd = cache_command_lookup(p, (size_t)(bar - p));
    if (!cmd || !cmd->subcommands)
        return NULL;
    return cache_command_sub_lookup(cmd, bar + 1, len - (size_t)(bar - p) - 1);
}

static int cache_cmd_command(struct cache_client *c)
{
    size_t n = cache_command_count();
    cache_reply_array(c, n);
    for (size_t i = 0; i < n; i++)
        reply_command_info(c, cache_command_at(i));
    return 0;
}

static int cache_cmd_command_count(struct cache_client *c)
{
    cache_reply_ll(c, (long long)cache_command_count());
    return 0;
}

static int cache_cmd_command_info(struct cache_client *c)
{
    if (c->argc == 2)
        return cache_cmd_command(c);
    cache_reply_array(c, c->argc - 2);
    for (size_t i = 2; i < c->argc; i++) {
        const struct cache_command *cmd = lookup_by_fullname(c->argv[i].ptr, c->argv[i].len);
        if (cmd)
            reply_command_info(c, cmd);
        else
            cache_reply_null(c); /* addReplyNull(): $-1 in RESP2 */
    }
    return 0;
}

static int cache_cmd_command_docs(struct cache_client *c)
{
    if (c->argc == 2) {
        size_t n = cache_command_count();
        cache_reply_map(c, n);
        for (size_t i = 0; i < n; i++) {
            const struct cache_command *cmd = cache_command_at(i);
            cache_reply_bulk_cstr(c, cmd->name);
            reply_command_docs(c, cmd);
        }
        return 0;
    }
    size_t h = cache_reply_defer(c), found = 0;
    for (size_t i = 2; i < c->argc; i++) {
        const struct cache_command *cmd = lookup_by_fullname(c->argv[i].ptr, c->argv[i].len);
        char name[96];
        if (!cmd)
            continue;
        cache_command_fullname(cmd, name, sizeof(name));
        cache_reply_bulk_cstr(c, name);
        reply_command_docs(c, cmd);
        found++;
    }
    cache_reply_defer_set(c, h, 'm', found);
    return 0;
}

static bool acl_has(const struct cache_command *cmd, const struct cache_resp_arg *cat)
{
    const char *list = cmd->acl;
    while (list && *list) {
        const char *e = strchr(list, ' ');
        size_t len = e ? (size_t)(e - list) : strlen(list);
        if (len == cat->len && !strncasecmp(list, cat->ptr, len))
            return true;
        list = e ? e + 1 : list + len;
    }
    return false;
}

enum list_filter { LF_NONE, LF_MODULE, LF_ACLCAT, LF_PATTERN };

static bool list_match(const struct cache_command *cmd, enum list_filter f,
                       const struct cache_resp_arg *arg)
{
    char name[96];
    switch (f) {
    case LF_NONE:
        return true;
    case LF_MODULE:
        return false;
    case LF_ACLCAT:
        return acl_has(cmd, arg);
    case LF_PATTERN:
        cache_command_fullname(cmd, name, sizeof(name));
        return cache_glob_match(arg->ptr, arg->len, name, strlen(name), true);
    }
    return false;
}

static int cache_cmd_command_list(struct cache_client *c)
{
    enum list_filter f = LF_NONE;
    const struct cache_resp_arg *arg = NULL;
    size_t h, n = 0;

    if (c->argc == 5 && cache_arg_is(c, 2, "filterby")) {
        arg = &c->argv[4];
        if (cache_arg_is(c, 3, "module"))
            f = LF_MODULE;
        else if (cache_arg_is(c, 3, "aclcat"))
            f = LF_ACLCAT;
        else if (cache_arg_is(c, 3, "pattern"))
            f = LF_PATTERN;
        else {
            cache_reply_syntax(c);
            return 0;
        }
    } else if (c->argc != 2) {
        cache_reply_syntax(c);
        return 0;
    }
    h = cache_reply_defer(c);
    for (size_t i = 0; i < cache_command_count(); i++) {
        const struct cache_command *cmd = cache_command_at(i);
        if (list_match(cmd, f, arg)) {
            cache_reply_bulk_cstr(c, cmd->name);
            n++;
        }
        for (const struct cache_command *s = cmd->subcommands; s && s->name; s++) {
            char name[96];
            if (!list_match(s, f, arg))
                continue;
            cache_command_fullname(s, name, sizeof(name));
            cache_reply_bulk_cstr(c, name);
            n++;
        }
    }
    cache_reply_defer_set(c, h, 'a', n);
    return 0;
}

/* One key found by getKeysUsingKeySpecs(). */
struct found_key {
    size_t pos;
    const char *flags; /* the spec's flags, commas */
};

/*
 * getKeysUsingKeySpecs() for COMMAND GETKEYS: the keys of argv[from..] (a
 * whole command line) by cmd's key specs. Returns how many were found (at
 * most max), or -1 when a spec does not fit the arguments.
 */
static long keys_by_specs(const struct cache_resp_arg *argv, size_t argc, const char *specs,
                          struct found_key *out, size_t max, char flagbuf[][96])
{
    struct key_spec ks;
    size_t n = 0;
    for (size_t s = 0; spec_at(specs, s, &ks); s++) {
        long first = 0, last, step, i;
        if (ks.bs == BS_INDEX) {
            first = ks.index;
        } else if (ks.bs == BS_KEYWORD) {
            long start = ks.startfrom > 0 ? ks.startfrom : (long)argc + ks.startfrom;
            long end = ks.startfrom > 0 ? (long)argc - 1 : 0;
            long dir = ks.startfrom > 0 ? 1 : -1;
            size_t kwlen = strlen(ks.keyword);
            for (i = start; i != end + dir; i += dir) {
                if (i >= (long)argc || i < 1)
                    break;
                if (argv[i].len == kwlen && !strncasecmp(argv[i].ptr, ks.keyword, kwlen)) {
                    first = i + 1;
                    break;
                }
            }
            if (!first)
                continue;
        } else {
            continue;
        }
        if (ks.fk == FK_RANGE) {
            step = ks.b;
            if (ks.a >= 0)
                last = first + ks.a;
            else if (ks.d <= 1)
                last = (long)argc + ks.a;
            else
                last = first + (((long)argc - first) / ks.d + ks.a);
        } else if (ks.fk == FK_KEYNUM) {
            long idx = first + ks.a;
            long long numkeys;
            char tmp[32];
            char *end;
            if (idx >= (long)argc || argv[idx].len == 0 || argv[idx].len >= sizeof(tmp))
                return -1;
            memcpy(tmp, argv[idx].ptr, argv[idx].len);
            tmp[argv[idx].len] = '\0';
            numkeys = strtoll(tmp, &end, 10);
            if (*end || numkeys < 0)
                return -1;
            first += ks.b;
            step = ks.d;
            last = first + (long)numkeys * step - 1;
            if (numkeys == 0)
                continue;
        } else {
            continue;
        }
        if (last >= (long)argc || last < first || step <= 0)
            return -1;
        for (i = first; i <= last; i += step) {
            if (n < max) {
                snprintf(flagbuf[s < 8 ? s : 7], 96, "%s", ks.flags);
                out[n].pos = (size_t)i;
                out[n].flags = flagbuf[s < 8 ? s : 7];
            }
            n++;
        }
    }
    return (long)(n < max ? n : max);
}

static int getkeys_common(struct cache_client *c, bool with_flags)
{
    const struct cache_resp_arg *argv = c->argv + 2;
    size_t argc = c->argc - 2;
    const struct cache_command *cmd = cache_command_lookup(argv[0].ptr, argv[0].len);
    char specbuf[128];
    const char *specs;
    struct found_key *keys;
    char flagbuf[8][96];
    long n;

    if (cmd && cmd->subcommands) {
        cmd = argc >= 2 ? cache_command_sub_lookup(cmd, argv[1].ptr, argv[1].len) : NULL;
    }
    if (!cmd) {
        cache_reply_error(c, "ERR Invalid command specified");
        return 0;
    }
    specs = specs_of(cmd, specbuf, sizeof(specbuf));
    if (!specs[0]) {
        cache_reply_error(c, "ERR The command has no key arguments");
        return 0;
    }
    if ((cmd->arity > 0 && (size_t)cmd->arity != argc) ||
        (cmd->arity < 0 && argc < (size_t)-cmd->arity)) {
        cache_reply_error(c, "ERR Invalid number of arguments specified for command");
        return 0;
    }
    keys = calloc(argc, sizeof(*keys));
    if (!keys)
        return DD_ENOMEM;
    n = keys_by_specs(argv, argc, specs, keys, argc, flagbuf);
    if (n <= 0) {
        if (cmd->flags & CACHE_CMD_NO_MANDATORY_KEYS)
            cache_reply_array(c, 0);
        else
            cache_reply_error(c, "ERR Invalid arguments specified for command");
        free(keys);
        return 0;
    }
    cache_reply_array(c, (size_t)n);
    for (long i = 0; i < n; i++) {
        const struct cache_resp_arg *k = &argv[keys[i].pos];
        if (with_flags) {
            cache_reply_array(c, 2);
            cache_reply_bulk(c, k->ptr, k->len);
            reply_flag_set(c, keys[i].flags);
        } else {
            cache_reply_bulk(c, k->ptr, k->len);
        }
    }
    free(keys);
    return 0;
}

static int cache_cmd_command_getkeys(struct cache_client *c)
{
    return getkeys_common(c, false);
}

static int cache_cmd_command_getkeysandflags(struct cache_client *c)
{
    return getkeys_common(c, true);
}

static int cache_cmd_command_help(struct cache_client *c)
{
    static const char *const help[] = {
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        NULL,
    };
    cache_reply_help(c, "COMMAND", help);
    return 0;
}

/* ---- INFO ---- */

static int cache_cmd_info(struct cache_client *c)
{
    struct dd_buf b = DD_BUF_INIT;
    if (cache_info_generate(c->srv, c->argv + 1, c->argc - 1, &b) < 0) {
        dd_buf_release(&b);
        return DD_ENOMEM;
    }
    cache_reply_verbatim(c, b.data ? b.data : "", b.len);
    dd_buf_release(&b);
    return 0;
}

/* ---- CONFIG ---- */

static void config_get_visit(void *ctx, const char *name, size_t nlen, const char *value,
                             size_t vlen)
{
    struct cache_client *c = ctx;
    cache_reply_bulk(c, name, nlen);
    cache_reply_bulk(c, value, vlen);
}

static int cache_cmd_config_get(struct cache_client *c)
{
    size_t npats = c->argc - 2;
    struct cache_config_pattern *pats = calloc(npats, sizeof(*pats));
    size_t h;
    long n;
    if (!pats)
        return DD_ENOMEM;
    for (size_t i = 0; i < npats; i++) {
        pats[i].p = c->argv[2 + i].ptr;
        pats[i].len = c->argv[2 + i].len;
    }
    h = cache_reply_defer(c);
    n = cache_config_get(c->srv->config, c->srv, pats, npats, config_get_visit, c);
    free(pats);
    cache_reply_defer_set(c, h, 'm', n < 0 ? 0 : (size_t)n);
    return n < 0 ? (int)n : 0;
}

static int cache_cmd_config_set(struct cache_client *c)
{
    size_t npairs;
    struct cache_config_pair *pairs;
    char err[512];
    int rc;

    if (c->argc & 1) {
        cache_reply_syntax(c);
        return 0;
    }
    npairs = (c->argc - 2) / 2;
    pairs = calloc(npairs, sizeof(*pairs));
    if (!pairs)
        return DD_ENOMEM;
    for (size_t i = 0; i < npairs; i++) {
        pairs[i].name = c->argv[2 + 2 * i].ptr;
        pairs[i].nlen = c->argv[2 + 2 * i].len;
        pairs[i].value = c->argv[3 + 2 * i].ptr;
        pairs[i].vlen = c->argv[3 + 2 * i].len;
    }
    err[0] = '\0';
    rc = cache_config_set_pairs(c->srv->config, c->srv, pairs, npairs, err, sizeof(err));
    free(pairs);
    if (rc == 0)
        cache_reply_ok(c);
    else
        cache_reply_error(c, err[0] ? err : "ERR out of memory");
    return 0;
}

static int cache_cmd_config_resetstat(struct cache_client *c)
{
    cache_config_reset_stats(c->srv);
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_config_rewrite(struct cache_client *c)
{
    cache_reply_error(c, "ERR The server is running without a config file");
    return 0;
}

static int cache_cmd_config_help(struct cache_client *c)
{
    static const char *const help[] = {
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        NULL,
    };
    cache_reply_help(c, "CONFIG", help);
    return 0;
}

/* ---- keyspace-wide commands ---- */

static int cache_cmd_dbsize(struct cache_client *c)
{
    cache_reply_ll(c, (long long)cache_db_count(c->db));
    return 0;
}

/* getFlushCommandFlags(): [SYNC|ASYNC]; both are synchronous here. */
static bool flush_args_ok(struct cache_client *c)
{
    if (c->argc > 2 ||
        (c->argc == 2 && !cache_arg_is(c, 1, "sync") && !cache_arg_is(c, 1, "async"))) {
        cache_reply_syntax(c);
        return false;
    }
    return true;
}

static int cache_cmd_flushdb(struct cache_client *c)
{
    if (!flush_args_ok(c))
        return 0;
    cache_db_flush(c->db);
    cache_evict_reset(c->srv->evict);
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_flushall(struct cache_client *c)
{
    char save[64] = "";
    if (!flush_args_ok(c))
        return 0;
    cache_keyspace_flushall(c->srv->ks);
    cache_evict_reset(c->srv->evict);
    /* With save points configured Redis writes an (empty) RDB right away,
     * which moves LASTSAVE. */
    (void)cache_config_get_value(c->srv->config, c->srv, "save", save, sizeof(save));
    if (save[0])
        cache_info_note_save(c->srv, cache_now_ms(c->srv) / 1000);
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_time(struct cache_client *c)
{
    struct timespec ts;
    int64_t now = dd_clock_now_ms(c->srv->clock);
    /* Emulated milliseconds; the real clock supplies the microseconds. */
    clock_gettime(CLOCK_REALTIME, &ts);
    cache_reply_array(c, 2);
    cache_reply_bulk_ll(c, now / 1000);
    cache_reply_bulk_ll(c, (now % 1000) * 1000 + ts.tv_nsec / 1000 % 1000);
    return 0;
}

static int cache_cmd_lastsave(struct cache_client *c)
{
    cache_reply_ll(c, cache_info_lastsave(c->srv));
    return 0;
}

static int cache_cmd_save(struct cache_client *c)
{
    cache_info_note_save(c->srv, cache_now_ms(c->srv) / 1000);
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_bgsave(struct cache_client *c)
{
    if (c->argc > 2 || (c->argc == 2 && !cache_arg_is(c, 1, "schedule"))) {
        cache_reply_syntax(c);
        return 0;
    }
    cache_info_note_save(c->srv, cache_now_ms(c->srv) / 1000);
    cache_reply_simple(c, "Background saving started");
    return 0;
}

static int cache_cmd_debug(struct cache_client *c)
{
    cache_reply_error(c, "ERR DEBUG command not allowed. If the enable-debug-command option is "
                         "set to \"local\", you can run it from a local connection, otherwise "
                         "you need to set this option in the configuration file, and then "
                         "restart the server.");
    return 0;
}

/* ---- FUNCTION (no Lua, so never any library) ---- */

static int cache_cmd_function_flush(struct cache_client *c)
{
    if (c->argc > 3) {
        reply_sub_syntax(c, "FUNCTION");
        return 0;
    }
    if (c->argc == 3 && !cache_arg_is(c, 2, "sync") && !cache_arg_is(c, 2, "async")) {
        cache_reply_error(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        return 0;
    }
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_function_list(struct cache_client *c)
{
    bool with_code = false, with_name = false;
    for (size_t i = 2; i < c->argc; i++) {
        if (!with_code && cache_arg_is(c, i, "withcode")) {
            with_code = true;
            continue;
        }
        if (!with_name && cache_arg_is(c, i, "libraryname")) {
            if (i >= c->argc - 1) {
                cache_reply_error(c, "ERR library name argument was not given");
                return 0;
            }
            with_name = true;
            i++;
            continue;
        }
        cache_reply_errorf(c, "ERR Unknown argument %.*s", (int)c->argv[i].len, c->argv[i].ptr);
        return 0;
    }
    cache_reply_array(c, 0);
    return 0;
}

static int cache_cmd_function_stats(struct cache_client *c)
{
    cache_reply_map(c, 2);
    cache_reply_bulk_cstr(c, "running_script");
    cache_reply_null(c);
    cache_reply_bulk_cstr(c, "engines");
    cache_reply_map(c, 1);
    cache_reply_bulk_cstr(c, "LUA");
    cache_reply_map(c, 2);
    cache_reply_bulk_cstr(c, "libraries_count");
    cache_reply_ll(c, 0);
    cache_reply_bulk_cstr(c, "functions_count");
    cache_reply_ll(c, 0);
    return 0;
}

static int cache_cmd_function_delete(struct cache_client *c)
{
    cache_reply_error(c, "ERR Library not found");
    return 0;
}

static int cache_cmd_function_kill(struct cache_client *c)
{
    cache_reply_error(c, "NOTBUSY No scripts in execution right now.");
    return 0;
}

static int cache_cmd_function_help(struct cache_client *c)
{
    static const char *const help[] = {
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME "
        "argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored "
        "using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a "
        "restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
        "abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
        "replace the old",
        "      libraries with the new libraries (notice that even on this option there is a "
        "chance of failure",
        "      in case of functions name collision with another library).",
        NULL,
    };
    cache_reply_help(c, "FUNCTION", help);
    return 0;
}

/* ---- the table ---- */

#define ADMIN_SUB (CACHE_CMD_ADMIN | CACHE_CMD_NOSCRIPT | CACHE_CMD_LOADING | CACHE_CMD_STALE)
#define LS        (CACHE_CMD_LOADING | CACHE_CMD_STALE)

#define SUBCMD(n, ar, fl, f, grp, sum_, since_, acl_)                                \
    {                                                                                \
        .name = n, .arity = ar, .flags = fl, .fn = f, .group = grp, .since = since_, \
        .summary = sum_, .acl = acl_                                                 \
    }

static const struct cache_command command_subcommands[] = {
    SUBCMD("info", -2, LS, cache_cmd_command_info, "server",
           "Get array of specific Redis command details, or all when no argument is given.",
           "2.8.13", "slow connection"),
    SUBCMD("count", 2, LS, cache_cmd_command_count, "server", "Get total number of Redis commands",
           "2.8.13", "slow connection"),
    SUBCMD("getkeys", -4, LS, cache_cmd_command_getkeys, "server",
           "Extract keys given a full Redis command", "2.8.13", "slow connection"),
    SUBCMD("list", -2, LS, cache_cmd_command_list, "server", "Get an array of Redis command names",
           "7.0.0", "slow connection"),
    SUBCMD("docs", -2, LS, cache_cmd_command_docs, "server",
           "Get array of specific Redis command documentation", "7.0.0", "slow connection"),
    SUBCMD("help", 2, LS, cache_cmd_command_help, "server",
           "Show helpful text about the different subcommands", "5.0.0", "slow connection"),
    SUBCMD("getkeysandflags", -4, LS, cache_cmd_command_getkeysandflags, "server",
           "Extract keys and access flags given a full Redis command", "7.0.0", "slow connection"),
    { .name = NULL },
};

static const struct cache_command config_subcommands[] = {
    SUBCMD("resetstat", 2, ADMIN_SUB, cache_cmd_config_resetstat, "server",
           "Reset the stats returned by INFO", "2.0.0", "admin slow dangerous"),
    SUBCMD("get", -3, ADMIN_SUB, cache_cmd_config_get, "server",
           "Get the values of configuration parameters", "2.0.0", "admin slow dangerous"),
    SUBCMD("help", 2, LS, cache_cmd_config_help, "server",
           "Show helpful text about the different subcommands", "5.0.0", "slow"),
    SUBCMD("rewrite", 2, ADMIN_SUB, cache_cmd_config_rewrite, "server",
           "Rewrite the configuration file with the in memory configuration", "2.8.0",
           "admin slow dangerous"),
    SUBCMD("set", -4, ADMIN_SUB, cache_cmd_config_set, "server",
           "Set configuration parameters to the given values", "2.0.0", "admin slow dangerous"),
    { .name = NULL },
};

static const struct cache_command function_subcommands[] = {
    SUBCMD("flush", -2, CACHE_CMD_WRITE | CACHE_CMD_NOSCRIPT, cache_cmd_function_flush, "scripting",
           "Deleting all functions", "7.0.0", "write slow scripting"),
    SUBCMD("delete", 3, CACHE_CMD_WRITE | CACHE_CMD_NOSCRIPT, cache_cmd_function_delete,
           "scripting", "Delete a function by name", "7.0.0", "write slow scripting"),
    SUBCMD("list", -2, CACHE_CMD_NOSCRIPT, cache_cmd_function_list, "scripting",
           "List information about all the functions", "7.0.0", "slow scripting"),
    SUBCMD("stats", 2, CACHE_CMD_NOSCRIPT | CACHE_CMD_ALLOW_BUSY, cache_cmd_function_stats,
           "scripting",
           "Return information about the function currently running (name, description, "
           "duration)",
           "7.0.0", "slow scripting"),
    SUBCMD("kill", 2, CACHE_CMD_NOSCRIPT | CACHE_CMD_ALLOW_BUSY, cache_cmd_function_kill,
           "scripting", "Kill the function currently in execution.", "7.0.0", "slow scripting"),
    SUBCMD("help", 2, LS, cache_cmd_function_help, "scripting",
           "Show helpful text about the different subcommands", "7.0.0", "slow scripting"),
    { .name = NULL },
};

const struct cache_command cache_cmds_server[] = {
    { .name = "command",
      .arity = -1,
      .flags = LS,
      .fn = cache_cmd_command,
      .group = "server",
      .since = "2.8.13",
      .summary = "Get array of Redis command details",
      .acl = "slow connection",
      .subcommands = command_subcommands },
    { .name = "info",
      .arity = -1,
      .flags = LS,
      .fn = cache_cmd_info,
      .group = "server",
      .since = "1.0.0",
      .summary = "Get information and statistics about the server",
      .acl = "slow dangerous" },
    { .name = "config",
      .arity = -2,
      .group = "server",
      .since = "2.0.0",
      .summary = "A container for server configuration commands",
      .acl = "slow",
      .subcommands = config_subcommands },
    { .name = "dbsize",
      .arity = 1,
      .flags = CACHE_CMD_READONLY | CACHE_CMD_FAST,
      .fn = cache_cmd_dbsize,
      .group = "server",
      .since = "1.0.0",
      .summary = "Return the number of keys in the selected database",
      .acl = "keyspace read fast" },
    { .name = "flushdb",
      .arity = -1,
      .flags = CACHE_CMD_WRITE,
      .fn = cache_cmd_flushdb,
      .group = "server",
      .since = "1.0.0",
      .summary = "Remove all keys from the current database",
      .acl = "keyspace write slow dangerous" },
    { .name = "flushall",
      .arity = -1,
      .flags = CACHE_CMD_WRITE,
      .fn = cache_cmd_flushall,
      .group = "server",
      .since = "1.0.0",
      .summary = "Remove all keys from all databases",
      .acl = "keyspace write slow dangerous" },
    { .name = "time",
      .arity = 1,
      .flags = LS | CACHE_CMD_FAST,
      .fn = cache_cmd_time,
      .group = "server",
      .since = "2.6.0",
      .summary = "Return the current server time",
      .acl = "fast" },
    { .name = "lastsave",
      .arity = 1,
      .flags = LS | CACHE_CMD_FAST,
      .fn = cache_cmd_lastsave,
      .group = "server",
      .since = "1.0.0",
      .summary = "Get the UNIX time stamp of the last successful save to disk",
      .acl = "admin fast dangerous" },
    { .name = "save",
      .arity = 1,
      .flags = CACHE_CMD_ADMIN | CACHE_CMD_NOSCRIPT | CACHE_CMD_NO_MULTI,
      .fn = cache_cmd_save,
      .group = "server",
      .since = "1.0.0",
      .summary = "Synchronously save the dataset to disk",
      .acl = "admin slow dangerous" },
    { .name = "bgsave",
      .arity = -1,
      .flags = CACHE_CMD_ADMIN | CACHE_CMD_NOSCRIPT,
      .fn = cache_cmd_bgsave,
      .group = "server",
      .since = "1.0.0",
      .summary = "Asynchronously save the dataset to disk",
      .acl = "admin slow dangerous" },
    { .name = "debug",
      .arity = -2,
      .flags = ADMIN_SUB,
      .fn = cache_cmd_debug,
      .group = "server",
      .since = "1.0.0",
      .summary = "A container for debugging commands",
      .acl = "admin slow dangerous" },
    { .name = "function",
      .arity = -2,
      .group = "scripting",
      .since = "7.0.0",
      .summary = "A container for function commands",
      .acl = "slow",
      .subcommands = function_subcommands },
    { .name = NULL },
};

/* ---- Redis 7.0.15's command metadata ----
 *
 * Recorded from COMMAND and COMMAND DOCS of redis-server 7.0.15, sorted by
 * full name (strcmp order) for the binary search in meta_for(). Columns:
 * name, extra flags, tips, key specs ("flags;begin_search;find_keys[;notes]"
 * with begin_search "i<index>" / "k<keyword>,<startfrom>" / "u" and
 * find_keys "r<lastkey>,<keystep>,<limit>" / "n<keynumidx>,<firstkey>,
 * <keystep>" / "u", one spec per line), complexity, doc_flags,
 * deprecated_since, replaced_by, history and arguments (encoded as
 * reply_doc_args() reads them).
 */
static const struct cmd_meta cmd_meta[] = {
    { "acl", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "acl|cat", "", "", "", "O(1) since the categories and commands are a fixed set.", "", "", "",
      "", "categoryname\001string\001\001\001\001\001optional" },
    { "acl|deluser", "", "", "", "O(1) amortized time considering the typical user.", "", "", "",
      "", "username\001string\001\001\001\001\001multiple" },
    { "acl|dryrun", "", "", "", "O(1).", "", "", "", "",
      "username\001string\001\001\001\001\001\002command\001string\001\001\001\001\001\002arg\001st"
      "ring\001\001\001\001\001optional multiple" },
    { "acl|genpass", "", "", "", "O(1)", "", "", "", "",
      "bits\001integer\001\001\001\001\001optional" },
    { "acl|getuser", "", "", "",
      "O(N). Where N is the number of password, command and pattern rules that the user has.", "",
      "", "",
      "6.2.0\001Added Pub/Sub channel patterns.\0027.0.0\001Added selectors and changed the format "
      "of key and channel patterns from a list to their rule representation.",
      "username\001string\001\001\001\001\001" },
    { "acl|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "acl|list", "", "", "", "O(N). Where N is the number of configured users.", "", "", "", "",
      "" },
    { "acl|load", "", "", "", "O(N). Where N is the number of configured users.", "", "", "", "",
      "" },
    { "acl|log", "", "", "", "O(N) with N being the number of entries shown.", "", "", "", "",
      "operation\001oneof\001\001\001\001\001optional\003count\001integer\001\001\001\001\001\002re"
      "set\001pure-token\001\001=RESET\001\001\001\004" },
    { "acl|save", "", "", "", "O(N). Where N is the number of configured users.", "", "", "", "",
      "" },
    { "acl|setuser", "", "", "", "O(N). Where N is the number of rules provided.", "", "", "",
      "6.2.0\001Added Pub/Sub channel patterns.\0027.0.0\001Added selectors and key based "
      "permissions.",
      "username\001string\001\001\001\001\001\002rule\001string\001\001\001\001\001optional "
      "multiple" },
    { "acl|users", "", "", "", "O(N). Where N is the number of configured users.", "", "", "", "",
      "" },
    { "acl|whoami", "", "", "", "O(1)", "", "", "", "", "" },
    { "append", "", "", "RW,insert;i1;r0,1,0",
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
      "already present value is of any size, since the dynamic string library used by Redis will "
      "double the free space available on every reallocation.",
      "", "", "", "", "key\001key\0010\001\001\001\001\002value\001string\001\001\001\001\001" },
    { "asking", "", "", "", "O(1)", "", "", "", "", "" },
    { "auth", "", "", "", "O(N) where N is the number of passwords defined for the user", "", "",
      "", "6.0.0\001Added ACL style (username and password).",
      "username\001string\001\001\0016.0."
      "0\001\001optional\002password\001string\001\001\001\001\001" },
    { "bgrewriteaof", "no_async_loading", "", "", "O(1)", "", "", "", "", "" },
    { "bgsave", "no_async_loading", "", "", "O(1)", "", "", "",
      "3.2.2\001Added the `SCHEDULE` option.",
      "schedule\001pure-token\001\001=SCHEDULE\0013.2.2\001\001optional" },
    { "bitcount", "", "", "RO,access;i1;r0,1,0", "O(N)", "", "", "",
      "7.0.0\001Added the `BYTE|BIT` option.",
      "key\001key\0010\001\001\001\001\002index\001block\001\001\001\001\001optional\003start\001in"
      "teger\001\001\001\001\001\002end\001integer\001\001\001\001\001\002index_"
      "unit\001oneof\001\001\0017.0.0\001\001optional\003byte\001pure-token\001\001="
      "BYTE\001\001\001\002bit\001pure-token\001\001=BIT\001\001\001\004\004" },
    { "bitfield", "", "",
      "RW,access,update,variable_flags;i1;r0,1,0;This command allows both access and modification "
      "of the key",
      "O(1) for each subcommand specified", "", "", "", "",
      "key\001key\0010\001\001\001\001\002operation\001oneof\001\001\001\001\001optional "
      "multiple\003encoding_offset\001block\001\001="
      "GET\001\001\001\003encoding\001string\001\001\001\001\001\002offset\001integer\001\001\001"
      "\001\001\004\002write\001block\001\001\001\001\001\003wrap_sat_fail\001oneof\001\001="
      "OVERFLOW\001\001\001optional\003wrap\001pure-token\001\001=WRAP\001\001\001\002sat\001pure-"
      "token\001\001=SAT\001\001\001\002fail\001pure-token\001\001=FAIL\001\001\001\004\002write_"
      "operation\001oneof\001\001\001\001\001\003encoding_offset_value\001block\001\001="
      "SET\001\001\001\003encoding\001string\001\001\001\001\001\002offset\001integer\001\001\001"
      "\001\001\002value\001integer\001\001\001\001\001\004\002encoding_offset_"
      "increment\001block\001\001="
      "INCRBY\001\001\001\003encoding\001string\001\001\001\001\001\002offset\001integer\001\001"
      "\001\001\001\002increment\001integer\001\001\001\001\001\004\004\004\004" },
    { "bitfield_ro", "", "", "RO,access;i1;r0,1,0", "O(1) for each subcommand specified", "", "",
      "", "",
      "key\001key\0010\001\001\001\001\002encoding_offset\001block\001\001=GET\001\001\001optional "
      "multiple "
      "multiple_"
      "token\003encoding\001string\001\001\001\001\001\002offset\001integer\001\001\001\001\001"
      "\004" },
    { "bitop", "", "", "OW,update;i2;r0,1,0\nRO,access;i3;r-1,1,0", "O(N)", "", "", "", "",
      "operation\001string\001\001\001\001\001\002destkey\001key\0010\001\001\001\001\002key\001key"
      "\0011\001\001\001\001multiple" },
    { "bitpos", "", "", "RO,access;i1;r0,1,0", "O(N)", "", "", "",
      "7.0.0\001Added the `BYTE|BIT` option.",
      "key\001key\0010\001\001\001\001\002bit\001integer\001\001\001\001\001\002index\001block\001"
      "\001\001\001\001optional\003start\001integer\001\001\001\001\001\002end_"
      "index\001block\001\001\001\001\001optional\003end\001integer\001\001\001\001\001\002index_"
      "unit\001oneof\001\001\0017.0.0\001\001optional\003byte\001pure-token\001\001="
      "BYTE\001\001\001\002bit\001pure-token\001\001=BIT\001\001\001\004\004\004" },
    { "blmove", "", "", "RW,access,delete;i1;r0,1,0\nRW,insert;i2;r0,1,0", "O(1)", "", "", "", "",
      "source\001key\0010\001\001\001\001\002destination\001key\0011\001\001\001\001\002wherefrom"
      "\001oneof\001\001\001\001\001\003left\001pure-token\001\001="
      "LEFT\001\001\001\002right\001pure-token\001\001="
      "RIGHT\001\001\001\004\002whereto\001oneof\001\001\001\001\001\003left\001pure-token\001\001="
      "LEFT\001\001\001\002right\001pure-token\001\001="
      "RIGHT\001\001\001\004\002timeout\001double\001\001\001\001\001" },
    { "blmpop", "", "", "RW,access,delete;i2;n0,1,1",
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "",
      "", "", "",
      "timeout\001double\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001ke"
      "y\0010\001\001\001\001multiple\002where\001oneof\001\001\001\001\001\003left\001pure-"
      "token\001\001=LEFT\001\001\001\002right\001pure-token\001\001="
      "RIGHT\001\001\001\004\002count\001integer\001\001=COUNT\001\001\001optional" },
    { "blpop", "", "", "RW,access,delete;i1;r-2,1,0",
      "O(N) where N is the number of provided keys.", "", "", "",
      "6.0.0\001`timeout` is interpreted as a double instead of an integer.",
      "key\001key\0010\001\001\001\001multiple\002timeout\001double\001\001\001\001\001" },
    { "brpop", "", "", "RW,access,delete;i1;r-2,1,0",
      "O(N) where N is the number of provided keys.", "", "", "",
      "6.0.0\001`timeout` is interpreted as a double instead of an integer.",
      "key\001key\0010\001\001\001\001multiple\002timeout\001double\001\001\001\001\001" },
    { "brpoplpush", "", "", "RW,access,delete;i1;r0,1,0\nRW,insert;i2;r0,1,0", "O(1)", "deprecated",
      "6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
      "6.0.0\001`timeout` is interpreted as a double instead of an integer.",
      "source\001key\0010\001\001\001\001\002destination\001key\0011\001\001\001\001\002timeout\001"
      "double\001\001\001\001\001" },
    { "bzmpop", "", "", "RW,access,delete;i2;n0,1,1",
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
      "in the sorted set, and M being the number of elements popped.",
      "", "", "", "",
      "timeout\001double\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001ke"
      "y\0010\001\001\001\001multiple\002where\001oneof\001\001\001\001\001\003min\001pure-"
      "token\001\001=MIN\001\001\001\002max\001pure-token\001\001="
      "MAX\001\001\001\004\002count\001integer\001\001=COUNT\001\001\001optional" },
    { "bzpopmax", "", "", "RW,access,delete;i1;r-2,1,0",
      "O(log(N)) with N being the number of elements in the sorted set.", "", "", "",
      "6.0.0\001`timeout` is interpreted as a double instead of an integer.",
      "key\001key\0010\001\001\001\001multiple\002timeout\001double\001\001\001\001\001" },
    { "bzpopmin", "", "", "RW,access,delete;i1;r-2,1,0",
      "O(log(N)) with N being the number of elements in the sorted set.", "", "", "",
      "6.0.0\001`timeout` is interpreted as a double instead of an integer.",
      "key\001key\0010\001\001\001\001multiple\002timeout\001double\001\001\001\001\001" },
    { "client", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "client|caching", "", "", "", "O(1)", "", "", "", "",
      "mode\001oneof\001\001\001\001\001\003yes\001pure-token\001\001="
      "YES\001\001\001\002no\001pure-token\001\001=NO\001\001\001\004" },
    { "client|getname", "", "", "", "O(1)", "", "", "", "", "" },
    { "client|getredir", "", "", "", "O(1)", "", "", "", "", "" },
    { "client|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "client|id", "", "", "", "O(1)", "", "", "", "", "" },
    { "client|info", "", "nondeterministic_output", "", "O(1)", "", "", "", "", "" },
    { "client|kill", "", "", "", "O(N) where N is the number of client connections", "", "", "",
      "2.8.12\001Added new filter format.\0022.8.12\001`ID` option.\0023.2.0\001Added `master` "
      "type in for `TYPE` option.\0025.0.0\001Replaced `slave` `TYPE` with `replica`. `slave` "
      "still supported for backward compatibility.\0026.2.0\001`LADDR` option.",
      "filter\001oneof\001\001\001\001\001\003ip:port\001string\001\001\001\0012.8.12\001\002new-"
      "format\001oneof\001\001\001\001\001multiple\003client-id\001integer\001\001=ID\0012.8."
      "12\001\001optional\002normal_master_slave_pubsub\001oneof\001\001=TYPE\0012.8."
      "12\001\001optional\003normal\001pure-token\001\001=NORMAL\001\001\001\002master\001pure-"
      "token\001\001=MASTER\0013.2.0\001\001\002slave\001pure-token\001\001="
      "SLAVE\001\001\001\002replica\001pure-token\001\001=REPLICA\0015.0."
      "0\001\001\002pubsub\001pure-token\001\001="
      "PUBSUB\001\001\001\004\002username\001string\001\001=USER\001\001\001optional\002ip:"
      "port\001string\001\001=ADDR\001\001\001optional\002ip:port\001string\001\001=LADDR\0016.2."
      "0\001\001optional\002yes/no\001string\001\001=SKIPME\001\001\001optional\004\004" },
    { "client|list", "", "nondeterministic_output", "",
      "O(N) where N is the number of client connections", "", "", "",
      "2.8.12\001Added unique client `id` field.\0025.0.0\001Added optional `TYPE` "
      "filter.\0026.0.0\001Added `user` field.\0026.2.0\001Added `argv-mem`, `tot-mem`, `laddr` "
      "and `redir` fields and the optional `ID` filter.\0027.0.0\001Added `resp`, `multi-mem`, "
      "`rbs` and `rbp` fields.\0027.0.3\001Added `ssub` field.",
      "normal_master_replica_pubsub\001oneof\001\001=TYPE\0015.0."
      "0\001\001optional\003normal\001pure-token\001\001=NORMAL\001\001\001\002master\001pure-"
      "token\001\001=MASTER\001\001\001\002replica\001pure-token\001\001="
      "REPLICA\001\001\001\002pubsub\001pure-token\001\001="
      "PUBSUB\001\001\001\004\002id\001block\001\001=ID\0016.2.0\001\001optional\003client-"
      "id\001integer\001\001\001\001\001multiple\004" },
    { "client|no-evict", "", "", "", "O(1)", "", "", "", "",
      "enabled\001oneof\001\001\001\001\001\003on\001pure-token\001\001="
      "ON\001\001\001\002off\001pure-token\001\001=OFF\001\001\001\004" },
    { "client|pause", "", "", "", "O(1)", "", "", "",
      "6.2.0\001`CLIENT PAUSE WRITE` mode added along with the `mode` option.",
      "timeout\001integer\001\001\001\001\001\002mode\001oneof\001\001\0016.2."
      "0\001\001optional\003write\001pure-token\001\001=WRITE\001\001\001\002all\001pure-"
      "token\001\001=ALL\001\001\001\004" },
    { "client|reply", "", "", "", "O(1)", "", "", "", "",
      "on_off_skip\001oneof\001\001\001\001\001\003on\001pure-token\001\001="
      "ON\001\001\001\002off\001pure-token\001\001=OFF\001\001\001\002skip\001pure-token\001\001="
      "SKIP\001\001\001\004" },
    { "client|setname", "", "", "", "O(1)", "", "", "", "",
      "connection-name\001string\001\001\001\001\001" },
    { "client|tracking", "", "", "", "O(1). Some options may introduce additional complexity.", "",
      "", "", "",
      "status\001oneof\001\001\001\001\001\003on\001pure-token\001\001="
      "ON\001\001\001\002off\001pure-token\001\001=OFF\001\001\001\004\002client-"
      "id\001integer\001\001=REDIRECT\001\001\001optional\002prefix\001string\001\001="
      "PREFIX\001\001\001optional multiple "
      "multiple_token\002bcast\001pure-token\001\001=BCAST\001\001\001optional\002optin\001pure-"
      "token\001\001=OPTIN\001\001\001optional\002optout\001pure-token\001\001="
      "OPTOUT\001\001\001optional\002noloop\001pure-token\001\001=NOLOOP\001\001\001optional" },
    { "client|trackinginfo", "", "", "", "O(1)", "", "", "", "", "" },
    { "client|unblock", "", "", "", "O(log N) where N is the number of client connections", "", "",
      "", "",
      "client-id\001integer\001\001\001\001\001\002timeout_"
      "error\001oneof\001\001\001\001\001optional\003timeout\001pure-token\001\001="
      "TIMEOUT\001\001\001\002error\001pure-token\001\001=ERROR\001\001\001\004" },
    { "client|unpause", "", "", "", "O(N) Where N is the number of paused clients", "", "", "", "",
      "" },
    { "cluster", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "cluster|addslots", "no_async_loading", "", "",
      "O(N) where N is the total number of hash slot arguments", "", "", "", "",
      "slot\001integer\001\001\001\001\001multiple" },
    { "cluster|addslotsrange", "no_async_loading", "", "",
      "O(N) where N is the total number of the slots between the start slot and end slot "
      "arguments.",
      "", "", "", "",
      "start-slot_end-slot\001block\001\001\001\001\001multiple\003start-"
      "slot\001integer\001\001\001\001\001\002end-slot\001integer\001\001\001\001\001\004" },
    { "cluster|bumpepoch", "no_async_loading", "nondeterministic_output", "", "O(1)", "", "", "",
      "", "" },
    { "cluster|count-failure-reports", "", "nondeterministic_output", "",
      "O(N) where N is the number of failure reports", "", "", "", "",
      "node-id\001string\001\001\001\001\001" },
    { "cluster|countkeysinslot", "", "", "", "O(1)", "", "", "", "",
      "slot\001integer\001\001\001\001\001" },
    { "cluster|delslots", "no_async_loading", "", "",
      "O(N) where N is the total number of hash slot arguments", "", "", "", "",
      "slot\001integer\001\001\001\001\001multiple" },
    { "cluster|delslotsrange", "no_async_loading", "", "",
      "O(N) where N is the total number of the slots between the start slot and end slot "
      "arguments.",
      "", "", "", "",
      "start-slot_end-slot\001block\001\001\001\001\001multiple\003start-"
      "slot\001integer\001\001\001\001\001\002end-slot\001integer\001\001\001\001\001\004" },
    { "cluster|failover", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "options\001oneof\001\001\001\001\001optional\003force\001pure-token\001\001="
      "FORCE\001\001\001\002takeover\001pure-token\001\001=TAKEOVER\001\001\001\004" },
    { "cluster|flushslots", "no_async_loading", "", "", "O(1)", "", "", "", "", "" },
    { "cluster|forget", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "node-id\001string\001\001\001\001\001" },
    { "cluster|getkeysinslot", "", "nondeterministic_output", "",
      "O(log(N)) where N is the number of requested keys", "", "", "", "",
      "slot\001integer\001\001\001\001\001\002count\001integer\001\001\001\001\001" },
    { "cluster|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "cluster|info", "", "nondeterministic_output", "", "O(1)", "", "", "", "", "" },
    { "cluster|keyslot", "", "", "", "O(N) where N is the number of bytes in the key", "", "", "",
      "", "key\001string\001\001\001\001\001" },
    { "cluster|links", "", "nondeterministic_output", "",
      "O(N) where N is the total number of Cluster nodes", "", "", "", "", "" },
    { "cluster|meet", "no_async_loading", "", "", "O(1)", "", "", "",
      "4.0.0\001Added the optional `cluster_bus_port` argument.",
      "ip\001string\001\001\001\001\001\002port\001integer\001\001\001\001\001\002cluster_bus_"
      "port\001integer\001\001\0014.0.0\001\001optional" },
    { "cluster|myid", "", "", "", "O(1)", "", "", "", "", "" },
    { "cluster|nodes", "", "nondeterministic_output", "",
      "O(N) where N is the total number of Cluster nodes", "", "", "", "", "" },
    { "cluster|replicas", "", "nondeterministic_output", "", "O(1)", "", "", "", "",
      "node-id\001string\001\001\001\001\001" },
    { "cluster|replicate", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "node-id\001string\001\001\001\001\001" },
    { "cluster|reset", "", "", "",
      "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side "
      "effect.",
      "", "", "", "",
      "hard_soft\001oneof\001\001\001\001\001optional\003hard\001pure-token\001\001="
      "HARD\001\001\001\002soft\001pure-token\001\001=SOFT\001\001\001\004" },
    { "cluster|saveconfig", "no_async_loading", "", "", "O(1)", "", "", "", "", "" },
    { "cluster|set-config-epoch", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "config-epoch\001integer\001\001\001\001\001" },
    { "cluster|setslot", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "slot\001integer\001\001\001\001\001\002subcommand\001oneof\001\001\001\001\001\003node-"
      "id\001string\001\001=IMPORTING\001\001\001\002node-id\001string\001\001="
      "MIGRATING\001\001\001\002node-id\001string\001\001=NODE\001\001\001\002stable\001pure-"
      "token\001\001=STABLE\001\001\001\004" },
    { "cluster|shards", "", "nondeterministic_output", "",
      "O(N) where N is the total number of cluster nodes", "", "", "", "", "" },
    { "cluster|slaves", "", "nondeterministic_output", "", "O(1)", "deprecated", "5.0.0",
      "`CLUSTER REPLICAS`", "", "node-id\001string\001\001\001\001\001" },
    { "cluster|slots", "", "nondeterministic_output", "",
      "O(N) where N is the total number of Cluster nodes", "deprecated", "7.0.0",
      "`CLUSTER SHARDS`",
      "4.0.0\001Added node IDs.\0027.0.0\001Added additional networking metadata field.", "" },
    { "command", "", "nondeterministic_output_order", "",
      "O(N) where N is the total number of Redis commands", "", "", "", "", "" },
    { "command|count", "", "", "", "O(1)", "", "", "", "", "" },
    { "command|docs", "", "nondeterministic_output_order", "",
      "O(N) where N is the number of commands to look up", "", "", "", "",
      "command-name\001string\001\001\001\001\001optional multiple" },
    { "command|getkeys", "", "", "", "O(N) where N is the number of arguments to the command", "",
      "", "", "", "" },
    { "command|getkeysandflags", "", "", "",
      "O(N) where N is the number of arguments to the command", "", "", "", "", "" },
    { "command|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "command|info", "", "nondeterministic_output_order", "",
      "O(N) where N is the number of commands to look up", "", "", "",
      "7.0.0\001Allowed to be called with no argument to get info on all commands.",
      "command-name\001string\001\001\001\001\001optional multiple" },
    { "command|list", "", "nondeterministic_output_order", "",
      "O(N) where N is the total number of Redis commands", "", "", "", "",
      "filterby\001oneof\001\001=FILTERBY\001\001\001optional\003module-name\001string\001\001="
      "MODULE\001\001\001\002category\001string\001\001="
      "ACLCAT\001\001\001\002pattern\001pattern\001\001=PATTERN\001\001\001\004" },
    { "config", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "config|get", "", "", "", "O(N) when N is the number of configuration parameters provided",
      "", "", "", "7.0.0\001Added the ability to pass multiple pattern parameters in one call",
      "parameter\001block\001\001\001\001\001multiple\003parameter\001string\001\001\001\001\001"
      "\004" },
    { "config|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "config|resetstat", "", "", "", "O(1)", "", "", "", "", "" },
    { "config|rewrite", "", "", "", "O(1)", "", "", "", "", "" },
    { "config|set", "", "request_policy:all_nodes response_policy:all_succeeded", "",
      "O(N) when N is the number of configuration parameters provided", "", "", "",
      "7.0.0\001Added the ability to set multiple parameters in one call.",
      "parameter_"
      "value\001block\001\001\001\001\001multiple\003parameter\001string\001\001\001\001\001\002val"
      "ue\001string\001\001\001\001\001\004" },
    { "copy", "", "", "RO,access;i1;r0,1,0\nOW,update;i2;r0,1,0",
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
      "values.",
      "", "", "", "",
      "source\001key\0010\001\001\001\001\002destination\001key\0011\001\001\001\001\002destination"
      "-db\001integer\001\001=DB\001\001\001optional\002replace\001pure-token\001\001="
      "REPLACE\001\001\001optional" },
    { "dbsize", "", "request_policy:all_shards response_policy:agg_sum", "", "O(1)", "", "", "", "",
      "" },
    { "debug", "", "", "", "Depends on subcommand.", "syscmd", "", "", "", "" },
    { "decr", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "decrby", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002decrement\001integer\001\001\001\001\001" },
    { "del", "", "request_policy:multi_shard response_policy:agg_sum", "RM,delete;i1;r-1,1,0",
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value "
      "other than a string, the individual complexity for this key is O(M) where M is the number "
      "of elements in the list, set, sorted set or hash. Removing a single key that holds a string "
      "value is O(1).",
      "", "", "", "", "key\001key\0010\001\001\001\001multiple" },
    { "discard", "", "", "", "O(N), when N is the number of queued commands", "", "", "", "", "" },
    { "dump", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of "
      "Redis objects composing the value and M their average size. For small string values the "
      "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
      "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "echo", "", "", "", "O(1)", "", "", "", "", "message\001string\001\001\001\001\001" },
    { "eval", "", "",
      "RW,access,update;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, "
      "RW and UPDATE",
      "Depends on the script that is executed.", "", "", "", "",
      "script\001string\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001key"
      "\0010\001\001\001\001optional multiple\002arg\001string\001\001\001\001\001optional "
      "multiple" },
    { "eval_ro", "", "",
      "RO,access;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, RO and "
      "ACCESS",
      "Depends on the script that is executed.", "", "", "", "",
      "script\001string\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001key"
      "\0010\001\001\001\001optional multiple\002arg\001string\001\001\001\001\001optional "
      "multiple" },
    { "evalsha", "", "", "RW,access,update;i2;n0,1,1", "Depends on the script that is executed.",
      "", "", "", "",
      "sha1\001string\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001key"
      "\0010\001\001\001\001optional multiple\002arg\001string\001\001\001\001\001optional "
      "multiple" },
    { "evalsha_ro", "", "", "RO,access;i2;n0,1,1", "Depends on the script that is executed.", "",
      "", "", "",
      "sha1\001string\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001key"
      "\0010\001\001\001\001optional multiple\002arg\001string\001\001\001\001\001optional "
      "multiple" },
    { "exec", "", "", "", "Depends on commands in the transaction", "", "", "", "", "" },
    { "exists", "", "request_policy:multi_shard response_policy:agg_sum", "RO;i1;r-1,1,0",
      "O(N) where N is the number of keys to check.", "", "", "",
      "3.0.3\001Accepts multiple `key` arguments.", "key\001key\0010\001\001\001\001multiple" },
    { "expire", "", "", "RW,update;i1;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added options: `NX`, `XX`, `GT` and `LT`.",
      "key\001key\0010\001\001\001\001\002seconds\001integer\001\001\001\001\001\002condition\001on"
      "eof\001\001\0017.0.0\001\001optional\003nx\001pure-token\001\001="
      "NX\001\001\001\002xx\001pure-token\001\001=XX\001\001\001\002gt\001pure-token\001\001="
      "GT\001\001\001\002lt\001pure-token\001\001=LT\001\001\001\004" },
    { "expireat", "", "", "RW,update;i1;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added options: `NX`, `XX`, `GT` and `LT`.",
      "key\001key\0010\001\001\001\001\002unix-time-seconds\001unix-"
      "time\001\001\001\001\001\002condition\001oneof\001\001\0017.0."
      "0\001\001optional\003nx\001pure-token\001\001=NX\001\001\001\002xx\001pure-token\001\001="
      "XX\001\001\001\002gt\001pure-token\001\001=GT\001\001\001\002lt\001pure-token\001\001="
      "LT\001\001\001\004" },
    { "expiretime", "", "", "RO,access;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "failover", "", "", "", "O(1)", "", "", "", "",
      "target\001block\001\001="
      "TO\001\001\001optional\003host\001string\001\001\001\001\001\002port\001integer\001\001\001"
      "\001\001\002force\001pure-token\001\001=FORCE\001\001\001optional\004\002abort\001pure-"
      "token\001\001=ABORT\001\001\001optional\002milliseconds\001integer\001\001="
      "TIMEOUT\001\001\001optional" },
    { "fcall", "", "",
      "RW,access,update;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, "
      "RW and UPDATE",
      "Depends on the function that is executed.", "", "", "", "",
      "function\001string\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001k"
      "ey\0010\001\001\001\001optional multiple\002arg\001string\001\001\001\001\001optional "
      "multiple" },
    { "fcall_ro", "", "",
      "RO,access;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, RO and "
      "ACCESS",
      "Depends on the function that is executed.", "", "", "", "",
      "function\001string\001\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001k"
      "ey\0010\001\001\001\001optional multiple\002arg\001string\001\001\001\001\001optional "
      "multiple" },
    { "flushall", "", "request_policy:all_shards response_policy:all_succeeded", "",
      "O(N) where N is the total number of keys in all databases", "", "", "",
      "4.0.0\001Added the `ASYNC` flushing mode modifier.\0026.2.0\001Added the `SYNC` flushing "
      "mode modifier.",
      "async\001oneof\001\001\001\001\001optional\003async\001pure-token\001\001=ASYNC\0014.0."
      "0\001\001\002sync\001pure-token\001\001=SYNC\0016.2.0\001\001\004" },
    { "flushdb", "", "request_policy:all_shards response_policy:all_succeeded", "",
      "O(N) where N is the number of keys in the selected database", "", "", "",
      "4.0.0\001Added the `ASYNC` flushing mode modifier.\0026.2.0\001Added the `SYNC` flushing "
      "mode modifier.",
      "async\001oneof\001\001\001\001\001optional\003async\001pure-token\001\001=ASYNC\0014.0."
      "0\001\001\002sync\001pure-token\001\001=SYNC\0016.2.0\001\001\004" },
    { "function", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "function|delete", "", "request_policy:all_shards response_policy:all_succeeded", "", "O(1)",
      "", "", "", "", "library-name\001string\001\001\001\001\001" },
    { "function|dump", "", "", "", "O(N) where N is the number of functions", "", "", "", "", "" },
    { "function|flush", "", "request_policy:all_shards response_policy:all_succeeded", "",
      "O(N) where N is the number of functions deleted", "", "", "", "",
      "async\001oneof\001\001\001\001\001optional\003async\001pure-token\001\001="
      "ASYNC\001\001\001\002sync\001pure-token\001\001=SYNC\001\001\001\004" },
    { "function|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "function|kill", "", "request_policy:all_shards response_policy:one_succeeded", "", "O(1)",
      "", "", "", "", "" },
    { "function|list", "", "nondeterministic_output_order", "",
      "O(N) where N is the number of functions", "", "", "", "",
      "library-name-pattern\001string\001\001=LIBRARYNAME\001\001\001optional\002withcode\001pure-"
      "token\001\001=WITHCODE\001\001\001optional" },
    { "function|load", "", "request_policy:all_shards response_policy:all_succeeded", "",
      "O(1) (considering compilation time is redundant)", "", "", "", "",
      "replace\001pure-token\001\001=REPLACE\001\001\001optional\002function-"
      "code\001string\001\001\001\001\001" },
    { "function|restore", "", "request_policy:all_shards response_policy:all_succeeded", "",
      "O(N) where N is the number of functions on the payload", "", "", "", "",
      "serialized-"
      "value\001string\001\001\001\001\001\002policy\001oneof\001\001\001\001\001optional\003flush"
      "\001pure-token\001\001=FLUSH\001\001\001\002append\001pure-token\001\001="
      "APPEND\001\001\001\002replace\001pure-token\001\001=REPLACE\001\001\001\004" },
    { "function|stats", "",
      "nondeterministic_output request_policy:all_shards response_policy:special", "", "O(1)", "",
      "", "", "", "" },
    { "geoadd", "", "", "RW,update;i1;r0,1,0",
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "", "",
      "", "6.2.0\001Added the `CH`, `NX` and `XX` options.",
      "key\001key\0010\001\001\001\001\002condition\001oneof\001\001\0016.2."
      "0\001\001optional\003nx\001pure-token\001\001=NX\001\001\001\002xx\001pure-token\001\001="
      "XX\001\001\001\004\002change\001pure-token\001\001=CH\0016.2.0\001\001optional\002longitude_"
      "latitude_"
      "member\001block\001\001\001\001\001multiple\003longitude\001double\001\001\001\001\001\002la"
      "titude\001double\001\001\001\001\001\002member\001string\001\001\001\001\001\004" },
    { "geodist", "", "", "RO,access;i1;r0,1,0", "O(log(N))", "", "", "", "",
      "key\001key\0010\001\001\001\001\002member1\001string\001\001\001\001\001\002member2\001strin"
      "g\001\001\001\001\001\002unit\001oneof\001\001\001\001\001optional\003m\001pure-"
      "token\001\001=M\001\001\001\002km\001pure-token\001\001=KM\001\001\001\002ft\001pure-"
      "token\001\001=FT\001\001\001\002mi\001pure-token\001\001=MI\001\001\001\004" },
    { "geohash", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001multiple" },
    { "geopos", "", "", "RO,access;i1;r0,1,0", "O(N) where N is the number of members requested.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001multiple" },
    { "georadius", "", "",
      "RO,access;i1;r0,1,0\nOW,update;kSTORE,6;r0,1,0\nOW,update;kSTOREDIST,6;r0,1,0",
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area "
      "delimited by center and radius and M is the number of items inside the index.",
      "deprecated", "6.2.0", "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
      "6.2.0\001Added the `ANY` option for `COUNT`.\0027.0.0\001Added support for uppercase unit "
      "names.",
      "key\001key\0010\001\001\001\001\002longitude\001double\001\001\001\001\001\002latitude\001do"
      "uble\001\001\001\001\001\002radius\001double\001\001\001\001\001\002unit\001oneof\001\001"
      "\001\001\001\003m\001pure-token\001\001=M\001\001\001\002km\001pure-token\001\001="
      "KM\001\001\001\002ft\001pure-token\001\001=FT\001\001\001\002mi\001pure-token\001\001="
      "MI\001\001\001\004\002withcoord\001pure-token\001\001="
      "WITHCOORD\001\001\001optional\002withdist\001pure-token\001\001="
      "WITHDIST\001\001\001optional\002withhash\001pure-token\001\001="
      "WITHHASH\001\001\001optional\002count\001block\001\001\001\001\001optional\003count\001integ"
      "er\001\001=COUNT\001\001\001\002any\001pure-token\001\001=ANY\0016.2."
      "0\001\001optional\004\002order\001oneof\001\001\001\001\001optional\003asc\001pure-"
      "token\001\001=ASC\001\001\001\002desc\001pure-token\001\001="
      "DESC\001\001\001\004\002key\001key\0011\001="
      "STORE\001\001\001optional\002key\001key\0012\001=STOREDIST\001\001\001optional" },
    { "georadius_ro", "", "", "RO,access;i1;r0,1,0",
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area "
      "delimited by center and radius and M is the number of items inside the index.",
      "deprecated", "6.2.0", "`GEOSEARCH` with the `BYRADIUS` argument",
      "6.2.0\001Added the `ANY` option for `COUNT`.",
      "key\001key\0010\001\001\001\001\002longitude\001double\001\001\001\001\001\002latitude\001do"
      "uble\001\001\001\001\001\002radius\001double\001\001\001\001\001\002unit\001oneof\001\001"
      "\001\001\001\003m\001pure-token\001\001=M\001\001\001\002km\001pure-token\001\001="
      "KM\001\001\001\002ft\001pure-token\001\001=FT\001\001\001\002mi\001pure-token\001\001="
      "MI\001\001\001\004\002withcoord\001pure-token\001\001="
      "WITHCOORD\001\001\001optional\002withdist\001pure-token\001\001="
      "WITHDIST\001\001\001optional\002withhash\001pure-token\001\001="
      "WITHHASH\001\001\001optional\002count\001block\001\001\001\001\001optional\003count\001integ"
      "er\001\001=COUNT\001\001\001\002any\001pure-token\001\001=ANY\0016.2."
      "0\001\001optional\004\002order\001oneof\001\001\001\001\001optional\003asc\001pure-"
      "token\001\001=ASC\001\001\001\002desc\001pure-token\001\001=DESC\001\001\001\004" },
    { "georadiusbymember", "", "",
      "RO,access;i1;r0,1,0\nOW,update;kSTORE,5;r0,1,0\nOW,update;kSTOREDIST,5;r0,1,0",
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area "
      "delimited by center and radius and M is the number of items inside the index.",
      "deprecated", "6.2.0",
      "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
      "7.0.0\001Added support for uppercase unit names.",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001\002radius\001double"
      "\001\001\001\001\001\002unit\001oneof\001\001\001\001\001\003m\001pure-token\001\001="
      "M\001\001\001\002km\001pure-token\001\001=KM\001\001\001\002ft\001pure-token\001\001="
      "FT\001\001\001\002mi\001pure-token\001\001=MI\001\001\001\004\002withcoord\001pure-"
      "token\001\001=WITHCOORD\001\001\001optional\002withdist\001pure-token\001\001="
      "WITHDIST\001\001\001optional\002withhash\001pure-token\001\001="
      "WITHHASH\001\001\001optional\002count\001block\001\001\001\001\001optional\003count\001integ"
      "er\001\001=COUNT\001\001\001\002any\001pure-token\001\001="
      "ANY\001\001\001optional\004\002order\001oneof\001\001\001\001\001optional\003asc\001pure-"
      "token\001\001=ASC\001\001\001\002desc\001pure-token\001\001="
      "DESC\001\001\001\004\002key\001key\0011\001="
      "STORE\001\001\001optional\002key\001key\0012\001=STOREDIST\001\001\001optional" },
    { "georadiusbymember_ro", "", "", "RO,access;i1;r0,1,0",
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area "
      "delimited by center and radius and M is the number of items inside the index.",
      "deprecated", "6.2.0", "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001\002radius\001double"
      "\001\001\001\001\001\002unit\001oneof\001\001\001\001\001\003m\001pure-token\001\001="
      "M\001\001\001\002km\001pure-token\001\001=KM\001\001\001\002ft\001pure-token\001\001="
      "FT\001\001\001\002mi\001pure-token\001\001=MI\001\001\001\004\002withcoord\001pure-"
      "token\001\001=WITHCOORD\001\001\001optional\002withdist\001pure-token\001\001="
      "WITHDIST\001\001\001optional\002withhash\001pure-token\001\001="
      "WITHHASH\001\001\001optional\002count\001block\001\001\001\001\001optional\003count\001integ"
      "er\001\001=COUNT\001\001\001\002any\001pure-token\001\001="
      "ANY\001\001\001optional\004\002order\001oneof\001\001\001\001\001optional\003asc\001pure-"
      "token\001\001=ASC\001\001\001\002desc\001pure-token\001\001=DESC\001\001\001\004" },
    { "geosearch", "", "", "RO,access;i1;r0,1,0",
      "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around "
      "the shape provided as the filter and M is the number of items inside the shape",
      "", "", "", "7.0.0\001Added support for uppercase unit names.",
      "key\001key\0010\001\001\001\001\002from\001oneof\001\001\001\001\001\003member\001string\001"
      "\001=FROMMEMBER\001\001\001\002longitude_latitude\001block\001\001="
      "FROMLONLAT\001\001\001\003longitude\001double\001\001\001\001\001\002latitude\001double\001"
      "\001\001\001\001\004\004\002by\001oneof\001\001\001\001\001\003circle\001block\001\001\001"
      "\001\001\003radius\001double\001\001="
      "BYRADIUS\001\001\001\002unit\001oneof\001\001\001\001\001\003m\001pure-token\001\001="
      "M\001\001\001\002km\001pure-token\001\001=KM\001\001\001\002ft\001pure-token\001\001="
      "FT\001\001\001\002mi\001pure-token\001\001="
      "MI\001\001\001\004\004\002box\001block\001\001\001\001\001\003width\001double\001\001="
      "BYBOX\001\001\001\002height\001double\001\001\001\001\001\002unit\001oneof\001\001\001\001"
      "\001\003m\001pure-token\001\001=M\001\001\001\002km\001pure-token\001\001="
      "KM\001\001\001\002ft\001pure-token\001\001=FT\001\001\001\002mi\001pure-token\001\001="
      "MI\001\001\001\004\004\004\002order\001oneof\001\001\001\001\001optional\003asc\001pure-"
      "token\001\001=ASC\001\001\001\002desc\001pure-token\001\001="
      "DESC\001\001\001\004\002count\001block\001\001\001\001\001optional\003count\001integer\001"
      "\001=COUNT\001\001\001\002any\001pure-token\001\001="
      "ANY\001\001\001optional\004\002withcoord\001pure-token\001\001="
      "WITHCOORD\001\001\001optional\002withdist\001pure-token\001\001="
      "WITHDIST\001\001\001optional\002withhash\001pure-token\001\001="
      "WITHHASH\001\001\001optional" },
    { "geosearchstore", "", "", "OW,update;i1;r0,1,0\nRO,access;i2;r0,1,0",
      "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around "
      "the shape provided as the filter and M is the number of items inside the shape",
      "", "", "", "7.0.0\001Added support for uppercase unit names.",
      "destination\001key\0010\001\001\001\001\002source\001key\0011\001\001\001\001\002from\001one"
      "of\001\001\001\001\001\003member\001string\001\001=FROMMEMBER\001\001\001\002longitude_"
      "latitude\001block\001\001="
      "FROMLONLAT\001\001\001\003longitude\001double\001\001\001\001\001\002latitude\001double\001"
      "\001\001\001\001\004\004\002by\001oneof\001\001\001\001\001\003circle\001block\001\001\001"
      "\001\001\003radius\001double\001\001="
      "BYRADIUS\001\001\001\002unit\001oneof\001\001\001\001\001\003m\001pure-token\001\001="
      "M\001\001\001\002km\001pure-token\001\001=KM\001\001\001\002ft\001pure-token\001\001="
      "FT\001\001\001\002mi\001pure-token\001\001="
      "MI\001\001\001\004\004\002box\001block\001\001\001\001\001\003width\001double\001\001="
      "BYBOX\001\001\001\002height\001double\001\001\001\001\001\002unit\001oneof\001\001\001\001"
      "\001\003m\001pure-token\001\001=M\001\001\001\002km\001pure-token\001\001="
      "KM\001\001\001\002ft\001pure-token\001\001=FT\001\001\001\002mi\001pure-token\001\001="
      "MI\001\001\001\004\004\004\002order\001oneof\001\001\001\001\001optional\003asc\001pure-"
      "token\001\001=ASC\001\001\001\002desc\001pure-token\001\001="
      "DESC\001\001\001\004\002count\001block\001\001\001\001\001optional\003count\001integer\001"
      "\001=COUNT\001\001\001\002any\001pure-token\001\001="
      "ANY\001\001\001optional\004\002storedist\001pure-token\001\001="
      "STOREDIST\001\001\001optional" },
    { "get", "", "", "RO,access;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "getbit", "", "", "RO,access;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002offset\001integer\001\001\001\001\001" },
    { "getdel", "", "", "RW,access,delete;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "getex", "", "", "RW,access,update;i1;r0,1,0;RW and UPDATE because it changes the TTL",
      "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002expiration\001oneof\001\001\001\001\001optional\003second"
      "s\001integer\001\001=EX\001\001\001\002milliseconds\001integer\001\001="
      "PX\001\001\001\002unix-time-seconds\001unix-time\001\001=EXAT\001\001\001\002unix-time-"
      "milliseconds\001unix-time\001\001=PXAT\001\001\001\002persist\001pure-token\001\001="
      "PERSIST\001\001\001\004" },
    { "getrange", "", "", "RO,access;i1;r0,1,0",
      "O(N) where N is the length of the returned string. The complexity is ultimately determined "
      "by the returned length, but because creating a substring from an existing string is very "
      "cheap, it can be considered O(1) for small strings.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002start\001integer\001\001\001\001\001\002end\001integer"
      "\001\001\001\001\001" },
    { "getset", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "deprecated", "6.2.0",
      "`SET` with the `!GET` argument", "",
      "key\001key\0010\001\001\001\001\002value\001string\001\001\001\001\001" },
    { "hdel", "", "", "RW,delete;i1;r0,1,0", "O(N) where N is the number of fields to be removed.",
      "", "", "", "2.4.0\001Accepts multiple `field` arguments.",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001multiple" },
    { "hello", "", "", "", "O(1)", "", "", "",
      "6.2.0\001`protover` made optional; when called without arguments the command reports the "
      "current connection's context.",
      "arguments\001block\001\001\001\001\001optional\003protover\001integer\001\001\001\001\001"
      "\002username_password\001block\001\001="
      "AUTH\001\001\001optional\003username\001string\001\001\001\001\001\002password\001string\001"
      "\001\001\001\001\004\002clientname\001string\001\001=SETNAME\001\001\001optional\004" },
    { "hexists", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001" },
    { "hget", "", "", "RO,access;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001" },
    { "hgetall", "", "nondeterministic_output_order", "RO,access;i1;r0,1,0",
      "O(N) where N is the size of the hash.", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "hincrby", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001\002increment\001integ"
      "er\001\001\001\001\001" },
    { "hincrbyfloat", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001\002increment\001doubl"
      "e\001\001\001\001\001" },
    { "hkeys", "", "nondeterministic_output_order", "RO,access;i1;r0,1,0",
      "O(N) where N is the size of the hash.", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "hlen", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "hmget", "", "", "RO,access;i1;r0,1,0",
      "O(N) where N is the number of fields being requested.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001multiple" },
    { "hmset", "", "", "RW,update;i1;r0,1,0", "O(N) where N is the number of fields being set.",
      "deprecated", "4.0.0", "`HSET` with multiple field-value pairs", "",
      "key\001key\0010\001\001\001\001\002field_"
      "value\001block\001\001\001\001\001multiple\003field\001string\001\001\001\001\001\002value"
      "\001string\001\001\001\001\001\004" },
    { "hrandfield", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "O(N) where N is the number of fields returned", "", "", "", "",
      "key\001key\0010\001\001\001\001\002options\001block\001\001\001\001\001optional\003count\001"
      "integer\001\001\001\001\001\002withvalues\001pure-token\001\001="
      "WITHVALUES\001\001\001optional\004" },
    { "hscan", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
      "cursor to return back to 0. N is the number of elements inside the collection..",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002cursor\001integer\001\001\001\001\001\002pattern\001patte"
      "rn\001\001=MATCH\001\001\001optional\002count\001integer\001\001="
      "COUNT\001\001\001optional" },
    { "hset", "", "", "RW,update;i1;r0,1,0",
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command "
      "is called with multiple field/value pairs.",
      "", "", "", "4.0.0\001Accepts multiple `field` and `value` arguments.",
      "key\001key\0010\001\001\001\001\002field_"
      "value\001block\001\001\001\001\001multiple\003field\001string\001\001\001\001\001\002value"
      "\001string\001\001\001\001\001\004" },
    { "hsetnx", "", "", "RW,insert;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001\002value\001string"
      "\001\001\001\001\001" },
    { "hstrlen", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002field\001string\001\001\001\001\001" },
    { "hvals", "", "nondeterministic_output_order", "RO,access;i1;r0,1,0",
      "O(N) where N is the size of the hash.", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "incr", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "incrby", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002increment\001integer\001\001\001\001\001" },
    { "incrbyfloat", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002increment\001double\001\001\001\001\001" },
    { "info", "", "nondeterministic_output request_policy:all_shards response_policy:special", "",
      "O(1)", "", "", "", "7.0.0\001Added support for taking multiple section arguments.",
      "section\001string\001\001\001\001\001optional multiple" },
    { "keys", "", "request_policy:all_shards nondeterministic_output_order", "",
      "O(N) with N being the number of keys in the database, under the assumption that the key "
      "names in the database and the given pattern have limited length.",
      "", "", "", "", "pattern\001pattern\001\001\001\001\001" },
    { "lastsave", "", "nondeterministic_output", "", "O(1)", "", "", "", "", "" },
    { "latency", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "latency|doctor", "",
      "nondeterministic_output request_policy:all_nodes response_policy:special", "", "O(1)", "",
      "", "", "", "" },
    { "latency|graph", "",
      "nondeterministic_output request_policy:all_nodes response_policy:special", "", "O(1)", "",
      "", "", "", "event\001string\001\001\001\001\001" },
    { "latency|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "latency|histogram", "",
      "nondeterministic_output request_policy:all_nodes response_policy:special", "",
      "O(N) where N is the number of commands with latency information being retrieved.", "", "",
      "", "", "command\001string\001\001\001\001\001optional multiple" },
    { "latency|history", "",
      "nondeterministic_output request_policy:all_nodes response_policy:special", "", "O(1)", "",
      "", "", "", "event\001string\001\001\001\001\001" },
    { "latency|latest", "",
      "nondeterministic_output request_policy:all_nodes response_policy:special", "", "O(1)", "",
      "", "", "", "" },
    { "latency|reset", "", "request_policy:all_nodes response_policy:all_succeeded", "", "O(1)", "",
      "", "", "", "event\001string\001\001\001\001\001optional multiple" },
    { "lcs", "", "", "RO,access;i1;r1,1,0",
      "O(N*M) where N and M are the lengths of s1 and s2, respectively", "", "", "", "",
      "key1\001key\0010\001\001\001\001\002key2\001key\0010\001\001\001\001\002len\001pure-"
      "token\001\001=LEN\001\001\001optional\002idx\001pure-token\001\001="
      "IDX\001\001\001optional\002len\001integer\001\001="
      "MINMATCHLEN\001\001\001optional\002withmatchlen\001pure-token\001\001="
      "WITHMATCHLEN\001\001\001optional" },
    { "lindex", "", "", "RO,access;i1;r0,1,0",
      "O(N) where N is the number of elements to traverse to get to the element at index. This "
      "makes asking for the first or the last element of the list O(1).",
      "", "", "", "", "key\001key\0010\001\001\001\001\002index\001integer\001\001\001\001\001" },
    { "linsert", "", "", "RW,insert;i1;r0,1,0",
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
      "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
      "and inserting somewhere on the right end (tail) is O(N).",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002where\001oneof\001\001\001\001\001\003before\001pure-"
      "token\001\001=BEFORE\001\001\001\002after\001pure-token\001\001="
      "AFTER\001\001\001\004\002pivot\001string\001\001\001\001\001\002element\001string\001\001"
      "\001\001\001" },
    { "llen", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "lmove", "", "", "RW,access,delete;i1;r0,1,0\nRW,insert;i2;r0,1,0", "O(1)", "", "", "", "",
      "source\001key\0010\001\001\001\001\002destination\001key\0011\001\001\001\001\002wherefrom"
      "\001oneof\001\001\001\001\001\003left\001pure-token\001\001="
      "LEFT\001\001\001\002right\001pure-token\001\001="
      "RIGHT\001\001\001\004\002whereto\001oneof\001\001\001\001\001\003left\001pure-token\001\001="
      "LEFT\001\001\001\002right\001pure-token\001\001=RIGHT\001\001\001\004" },
    { "lmpop", "", "", "RW,access,delete;i1;n0,1,1",
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "",
      "", "", "",
      "numkeys\001integer\001\001\001\001\001\002key\001key\0010\001\001\001\001multiple\002where"
      "\001oneof\001\001\001\001\001\003left\001pure-token\001\001="
      "LEFT\001\001\001\002right\001pure-token\001\001="
      "RIGHT\001\001\001\004\002count\001integer\001\001=COUNT\001\001\001optional" },
    { "lolwut", "", "", "", "", "", "", "", "",
      "version\001integer\001\001=VERSION\001\001\001optional" },
    { "lpop", "", "", "RW,access,delete;i1;r0,1,0",
      "O(N) where N is the number of elements returned", "", "", "",
      "6.2.0\001Added the `count` argument.",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001\0016.2.0\001\001optional" },
    { "lpos", "", "", "RO,access;i1;r0,1,0",
      "O(N) where N is the number of elements in the list, for the average case. When searching "
      "for elements near the head or the tail of the list, or when the MAXLEN option is provided, "
      "the command may run in constant time.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002element\001string\001\001\001\001\001\002rank\001integer"
      "\001\001=RANK\001\001\001optional\002num-matches\001integer\001\001="
      "COUNT\001\001\001optional\002len\001integer\001\001=MAXLEN\001\001\001optional" },
    { "lpush", "", "", "RW,insert;i1;r0,1,0",
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      "", "", "", "2.4.0\001Accepts multiple `element` arguments.",
      "key\001key\0010\001\001\001\001\002element\001string\001\001\001\001\001multiple" },
    { "lpushx", "", "", "RW,insert;i1;r0,1,0",
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      "", "", "", "4.0.0\001Accepts multiple `element` arguments.",
      "key\001key\0010\001\001\001\001\002element\001string\001\001\001\001\001multiple" },
    { "lrange", "", "", "RO,access;i1;r0,1,0",
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end "
      "(HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002start\001integer\001\001\001\001\001\002stop\001integer"
      "\001\001\001\001\001" },
    { "lrem", "", "", "RW,delete;i1;r0,1,0",
      "O(N+M) where N is the length of the list and M is the number of elements removed.", "", "",
      "", "",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001\001\001\001\002element\001string"
      "\001\001\001\001\001" },
    { "lset", "", "", "RW,update;i1;r0,1,0",
      "O(N) where N is the length of the list. Setting either the first or the last element of the "
      "list is O(1).",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002index\001integer\001\001\001\001\001\002element\001string"
      "\001\001\001\001\001" },
    { "ltrim", "", "", "RW,delete;i1;r0,1,0",
      "O(N) where N is the number of elements to be removed by the operation.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002start\001integer\001\001\001\001\001\002stop\001integer"
      "\001\001\001\001\001" },
    { "memory", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "memory|doctor", "",
      "nondeterministic_output request_policy:all_shards response_policy:special", "", "O(1)", "",
      "", "", "", "" },
    { "memory|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "memory|malloc-stats", "",
      "nondeterministic_output request_policy:all_shards response_policy:special", "",
      "Depends on how much memory is allocated, could be slow", "", "", "", "", "" },
    { "memory|purge", "", "request_policy:all_shards response_policy:all_succeeded", "",
      "Depends on how much memory is allocated, could be slow", "", "", "", "", "" },
    { "memory|stats", "",
      "nondeterministic_output request_policy:all_shards response_policy:special", "", "O(1)", "",
      "", "", "", "" },
    { "memory|usage", "", "", "RO;i2;r0,1,0", "O(N) where N is the number of samples.", "", "", "",
      "",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001=SAMPLES\001\001\001optional" },
    { "mget", "", "request_policy:multi_shard", "RO,access;i1;r-1,1,0",
      "O(N) where N is the number of keys to retrieve.", "", "", "", "",
      "key\001key\0010\001\001\001\001multiple" },
    { "migrate", "", "nondeterministic_output",
      "RW,access,delete;i3;r0,1,0\nRW,access,delete,incomplete;kKEYS,-2;r-1,1,0",
      "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the "
      "target instance. See the pages of these commands for time complexity. Also an O(N) data "
      "transfer between the two instances is performed.",
      "", "", "",
      "3.0.0\001Added the `COPY` and `REPLACE` options.\0023.0.6\001Added the `KEYS` "
      "option.\0024.0.7\001Added the `AUTH` option.\0026.0.0\001Added the `AUTH2` option.",
      "host\001string\001\001\001\001\001\002port\001integer\001\001\001\001\001\002key_or_empty_"
      "string\001oneof\001\001\001\001\001\003key\001key\0010\001\001\001\001\002empty_"
      "string\001pure-token\001\001=\001\001\001\004\002destination-"
      "db\001integer\001\001\001\001\001\002timeout\001integer\001\001\001\001\001\002copy\001pure-"
      "token\001\001=COPY\0013.0.0\001\001optional\002replace\001pure-token\001\001=REPLACE\0013.0."
      "0\001\001optional\002authentication\001oneof\001\001\001\001\001optional\003password\001stri"
      "ng\001\001=AUTH\0014.0.7\001\001optional\002username_password\001block\001\001=AUTH2\0016.0."
      "0\001\001optional\003username\001string\001\001\001\001\001\002password\001string\001\001"
      "\001\001\001\004\004\002key\001key\0011\001=KEYS\0013.0.6\001\001optional multiple" },
    { "module", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "module|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "module|list", "", "nondeterministic_output_order", "",
      "O(N) where N is the number of loaded modules.", "", "", "", "", "" },
    { "module|load", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "path\001string\001\001\001\001\001\002arg\001string\001\001\001\001\001optional multiple" },
    { "module|loadex", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "path\001string\001\001\001\001\001\002configs\001block\001\001=CONFIG\001\001\001optional "
      "multiple "
      "multiple_"
      "token\003name\001string\001\001\001\001\001\002value\001string\001\001\001\001\001\004\002ar"
      "gs\001block\001\001=ARGS\001\001\001optional "
      "multiple\003arg\001string\001\001\001\001\001\004" },
    { "module|unload", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "name\001string\001\001\001\001\001" },
    { "monitor", "", "", "", "", "", "", "", "", "" },
    { "move", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002db\001integer\001\001\001\001\001" },
    { "mset", "", "request_policy:multi_shard response_policy:all_succeeded",
      "OW,update;i1;r-1,2,0", "O(N) where N is the number of keys to set.", "", "", "", "",
      "key_"
      "value\001block\001\001\001\001\001multiple\003key\001key\0010\001\001\001\001\002value\001st"
      "ring\001\001\001\001\001\004" },
    { "msetnx", "", "request_policy:multi_shard response_policy:agg_min", "OW,insert;i1;r-1,2,0",
      "O(N) where N is the number of keys to set.", "", "", "", "",
      "key_"
      "value\001block\001\001\001\001\001multiple\003key\001key\0010\001\001\001\001\002value\001st"
      "ring\001\001\001\001\001\004" },
    { "multi", "", "", "", "O(1)", "", "", "", "", "" },
    { "object", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "object|encoding", "", "nondeterministic_output", "RO;i2;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "object|freq", "", "nondeterministic_output", "RO;i2;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "object|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "object|idletime", "", "nondeterministic_output", "RO;i2;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "object|refcount", "", "nondeterministic_output", "RO;i2;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "persist", "", "", "RW,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "pexpire", "", "", "RW,update;i1;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added options: `NX`, `XX`, `GT` and `LT`.",
      "key\001key\0010\001\001\001\001\002milliseconds\001integer\001\001\001\001\001\002condition"
      "\001oneof\001\001\0017.0.0\001\001optional\003nx\001pure-token\001\001="
      "NX\001\001\001\002xx\001pure-token\001\001=XX\001\001\001\002gt\001pure-token\001\001="
      "GT\001\001\001\002lt\001pure-token\001\001=LT\001\001\001\004" },
    { "pexpireat", "", "", "RW,update;i1;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added options: `NX`, `XX`, `GT` and `LT`.",
      "key\001key\0010\001\001\001\001\002unix-time-milliseconds\001unix-"
      "time\001\001\001\001\001\002condition\001oneof\001\001\0017.0."
      "0\001\001optional\003nx\001pure-token\001\001=NX\001\001\001\002xx\001pure-token\001\001="
      "XX\001\001\001\002gt\001pure-token\001\001=GT\001\001\001\002lt\001pure-token\001\001="
      "LT\001\001\001\004" },
    { "pexpiretime", "", "", "RO,access;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001" },
    { "pfadd", "", "", "RW,insert;i1;r0,1,0", "O(1) to add every element.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002element\001string\001\001\001\001\001optional multiple" },
    { "pfcount", "", "",
      "RW,access;i1;r-1,1,0;RW because it may change the internal representation of the key, and "
      "propagate to replicas",
      "O(1) with a very small average constant time when called with a single key. O(N) with N "
      "being the number of keys, and much bigger constant times, when called with multiple keys.",
      "", "", "", "", "key\001key\0010\001\001\001\001multiple" },
    { "pfdebug", "", "", "RW,access;i2;r0,1,0", "N/A", "syscmd", "", "", "",
      "subcommand\001string\001\001\001\001\001\002key\001key\0010\001\001\001\001" },
    { "pfmerge", "", "", "RW,access,insert;i1;r0,1,0\nRO,access;i2;r-1,1,0",
      "O(N) to merge N HyperLogLogs, but with high constant times.", "", "", "", "",
      "destkey\001key\0010\001\001\001\001\002sourcekey\001key\0011\001\001\001\001multiple" },
    { "pfselftest", "", "", "", "N/A", "syscmd", "", "", "", "" },
    { "ping", "", "request_policy:all_shards response_policy:all_succeeded", "", "O(1)", "", "", "",
      "", "message\001string\001\001\001\001\001optional" },
    { "psetex", "", "", "OW,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002milliseconds\001integer\001\001\001\001\001\002value\001s"
      "tring\001\001\001\001\001" },
    { "psubscribe", "", "", "",
      "O(N) where N is the number of patterns the client is already subscribed to.", "", "", "", "",
      "pattern\001block\001\001\001\001\001multiple\003pattern\001pattern\001\001\001\001\001"
      "\004" },
    { "psync", "no_async_loading", "", "", "", "", "", "", "",
      "replicationid\001string\001\001\001\001\001\002offset\001integer\001\001\001\001\001" },
    { "pttl", "", "nondeterministic_output", "RO,access;i1;r0,1,0", "O(1)", "", "", "",
      "2.8.0\001Added the -2 reply.", "key\001key\0010\001\001\001\001" },
    { "publish", "", "", "",
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the "
      "total number of subscribed patterns (by any client).",
      "", "", "", "",
      "channel\001string\001\001\001\001\001\002message\001string\001\001\001\001\001" },
    { "pubsub", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "pubsub|channels", "", "", "",
      "O(N) where N is the number of active channels, and assuming constant time pattern matching "
      "(relatively short channels and patterns)",
      "", "", "", "", "pattern\001pattern\001\001\001\001\001optional" },
    { "pubsub|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "pubsub|numpat", "", "", "", "O(1)", "", "", "", "", "" },
    { "pubsub|numsub", "", "", "",
      "O(N) for the NUMSUB subcommand, where N is the number of requested channels", "", "", "", "",
      "channel\001string\001\001\001\001\001optional multiple" },
    { "pubsub|shardchannels", "", "", "",
      "O(N) where N is the number of active shard channels, and assuming constant time pattern "
      "matching (relatively short shard channels).",
      "", "", "", "", "pattern\001pattern\001\001\001\001\001optional" },
    { "pubsub|shardnumsub", "", "", "",
      "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", "",
      "", "", "", "shardchannel\001string\001\001\001\001\001optional multiple" },
    { "punsubscribe", "", "", "",
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the "
      "number of total patterns subscribed in the system (by any client).",
      "", "", "", "", "pattern\001pattern\001\001\001\001\001optional multiple" },
    { "quit", "", "", "", "O(1)", "", "", "", "", "" },
    { "randomkey", "", "request_policy:all_shards nondeterministic_output", "", "O(1)", "", "", "",
      "", "" },
    { "readonly", "", "", "", "O(1)", "", "", "", "", "" },
    { "readwrite", "", "", "", "O(1)", "", "", "", "", "" },
    { "rename", "", "", "RW,access,delete;i1;r0,1,0\nOW,update;i2;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002newkey\001key\0011\001\001\001\001" },
    { "renamenx", "", "", "RW,access,delete;i1;r0,1,0\nOW,insert;i2;r0,1,0", "O(1)", "", "", "",
      "3.2.0\001The command no longer returns an error when source and destination names are the "
      "same.",
      "key\001key\0010\001\001\001\001\002newkey\001key\0011\001\001\001\001" },
    { "replconf", "", "", "", "O(1)", "syscmd", "", "", "", "" },
    { "replicaof", "no_async_loading", "", "", "O(1)", "", "", "", "",
      "args\001oneof\001\001\001\001\001\003host-"
      "port\001block\001\001\001\001\001\003host\001string\001\001\001\001\001\002port\001integer"
      "\001\001\001\001\001\004\002no-one\001block\001\001\001\001\001\003no\001pure-token\001\001="
      "NO\001\001\001\002one\001pure-token\001\001=ONE\001\001\001\004\004" },
    { "reset", "", "", "", "O(1)", "", "", "", "", "" },
    { "restore", "", "", "OW,update;i1;r0,1,0",
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where "
      "N is the number of Redis objects composing the value and M their average size. For small "
      "string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). "
      "However for sorted set values the complexity is O(N*M*log(N)) because inserting values into "
      "sorted sets is O(log(N)).",
      "", "", "",
      "3.0.0\001Added the `REPLACE` modifier.\0025.0.0\001Added the `ABSTTL` "
      "modifier.\0025.0.0\001Added the `IDLETIME` and `FREQ` options.",
      "key\001key\0010\001\001\001\001\002ttl\001integer\001\001\001\001\001\002serialized-"
      "value\001string\001\001\001\001\001\002replace\001pure-token\001\001=REPLACE\0013.0."
      "0\001\001optional\002absttl\001pure-token\001\001=ABSTTL\0015.0."
      "0\001\001optional\002seconds\001integer\001\001=IDLETIME\0015.0."
      "0\001\001optional\002frequency\001integer\001\001=FREQ\0015.0.0\001\001optional" },
    { "restore-asking", "asking", "", "OW,update;i1;r0,1,0",
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where "
      "N is the number of Redis objects composing the value and M their average size. For small "
      "string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). "
      "However for sorted set values the complexity is O(N*M*log(N)) because inserting values into "
      "sorted sets is O(log(N)).",
      "syscmd", "", "",
      "3.0.0\001Added the `REPLACE` modifier.\0025.0.0\001Added the `ABSTTL` "
      "modifier.\0025.0.0\001Added the `IDLETIME` and `FREQ` options.",
      "key\001key\0010\001\001\001\001\002ttl\001integer\001\001\001\001\001\002serialized-"
      "value\001string\001\001\001\001\001\002replace\001pure-token\001\001=REPLACE\0013.0."
      "0\001\001optional\002absttl\001pure-token\001\001=ABSTTL\0015.0."
      "0\001\001optional\002seconds\001integer\001\001=IDLETIME\0015.0."
      "0\001\001optional\002frequency\001integer\001\001=FREQ\0015.0.0\001\001optional" },
    { "role", "", "", "", "O(1)", "", "", "", "", "" },
    { "rpop", "", "", "RW,access,delete;i1;r0,1,0",
      "O(N) where N is the number of elements returned", "", "", "",
      "6.2.0\001Added the `count` argument.",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001\0016.2.0\001\001optional" },
    { "rpoplpush", "", "", "RW,access,delete;i1;r0,1,0\nRW,insert;i2;r0,1,0", "O(1)", "deprecated",
      "6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments", "",
      "source\001key\0010\001\001\001\001\002destination\001key\0011\001\001\001\001" },
    { "rpush", "", "", "RW,insert;i1;r0,1,0",
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      "", "", "", "2.4.0\001Accepts multiple `element` arguments.",
      "key\001key\0010\001\001\001\001\002element\001string\001\001\001\001\001multiple" },
    { "rpushx", "", "", "RW,insert;i1;r0,1,0",
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      "", "", "", "4.0.0\001Accepts multiple `element` arguments.",
      "key\001key\0010\001\001\001\001\002element\001string\001\001\001\001\001multiple" },
    { "sadd", "", "", "RW,insert;i1;r0,1,0",
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      "", "", "", "2.4.0\001Accepts multiple `member` arguments.",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001multiple" },
    { "save", "no_async_loading", "", "",
      "O(N) where N is the total number of keys in all databases", "", "", "", "", "" },
    { "scan", "", "nondeterministic_output request_policy:special", "",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
      "cursor to return back to 0. N is the number of elements inside the collection.",
      "", "", "", "6.0.0\001Added the `TYPE` subcommand.",
      "cursor\001integer\001\001\001\001\001\002pattern\001pattern\001\001="
      "MATCH\001\001\001optional\002count\001integer\001\001="
      "COUNT\001\001\001optional\002type\001string\001\001=TYPE\0016.0.0\001\001optional" },
    { "scard", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "script", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "script|debug", "", "", "", "O(1)", "", "", "", "",
      "mode\001oneof\001\001\001\001\001\003yes\001pure-token\001\001="
      "YES\001\001\001\002sync\001pure-token\001\001=SYNC\001\001\001\002no\001pure-token\001\001="
      "NO\001\001\001\004" },
    { "script|exists", "", "request_policy:all_shards response_policy:agg_logical_and", "",
      "O(N) with N being the number of scripts to check (so checking a single script is an O(1) "
      "operation).",
      "", "", "", "", "sha1\001string\001\001\001\001\001multiple" },
    { "script|flush", "", "request_policy:all_nodes response_policy:all_succeeded", "",
      "O(N) with N being the number of scripts in cache", "", "", "",
      "6.2.0\001Added the `ASYNC` and `SYNC` flushing mode modifiers.",
      "async\001oneof\001\001\0016.2.0\001\001optional\003async\001pure-token\001\001="
      "ASYNC\001\001\001\002sync\001pure-token\001\001=SYNC\001\001\001\004" },
    { "script|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "script|kill", "", "request_policy:all_shards response_policy:one_succeeded", "", "O(1)", "",
      "", "", "", "" },
    { "script|load", "", "request_policy:all_nodes response_policy:all_succeeded", "",
      "O(N) with N being the length in bytes of the script body.", "", "", "", "",
      "script\001string\001\001\001\001\001" },
    { "sdiff", "", "nondeterministic_output_order", "RO,access;i1;r-1,1,0",
      "O(N) where N is the total number of elements in all given sets.", "", "", "", "",
      "key\001key\0010\001\001\001\001multiple" },
    { "sdiffstore", "", "", "OW,update;i1;r0,1,0\nRO,access;i2;r-1,1,0",
      "O(N) where N is the total number of elements in all given sets.", "", "", "", "",
      "destination\001key\0010\001\001\001\001\002key\001key\0011\001\001\001\001multiple" },
    { "select", "", "", "", "O(1)", "", "", "", "", "index\001integer\001\001\001\001\001" },
    { "set", "", "",
      "RW,access,update,variable_flags;i1;r0,1,0;RW and ACCESS due to the optional `GET` argument",
      "O(1)", "", "", "",
      "2.6.12\001Added the `EX`, `PX`, `NX` and `XX` options.\0026.0.0\001Added the `KEEPTTL` "
      "option.\0026.2.0\001Added the `GET`, `EXAT` and `PXAT` option.\0027.0.0\001Allowed the `NX` "
      "and `GET` options to be used together.",
      "key\001key\0010\001\001\001\001\002value\001string\001\001\001\001\001\002condition\001oneof"
      "\001\001\0012.6.12\001\001optional\003nx\001pure-token\001\001=NX\001\001\001\002xx\001pure-"
      "token\001\001=XX\001\001\001\004\002get\001pure-token\001\001=GET\0016.2."
      "0\001\001optional\002expiration\001oneof\001\001\001\001\001optional\003seconds\001integer"
      "\001\001=EX\0012.6.12\001\001\002milliseconds\001integer\001\001=PX\0012.6."
      "12\001\001\002unix-time-seconds\001unix-time\001\001=EXAT\0016.2.0\001\001\002unix-time-"
      "milliseconds\001unix-time\001\001=PXAT\0016.2.0\001\001\002keepttl\001pure-token\001\001="
      "KEEPTTL\0016.0.0\001\001\004" },
    { "setbit", "", "", "RW,access,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002offset\001integer\001\001\001\001\001\002value\001integer"
      "\001\001\001\001\001" },
    { "setex", "", "", "OW,update;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002seconds\001integer\001\001\001\001\001\002value\001string"
      "\001\001\001\001\001" },
    { "setnx", "", "", "OW,insert;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002value\001string\001\001\001\001\001" },
    { "setrange", "", "", "RW,update;i1;r0,1,0",
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is "
      "very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being "
      "the length of the value argument.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002offset\001integer\001\001\001\001\001\002value\001string"
      "\001\001\001\001\001" },
    { "shutdown", "", "", "",
      "O(N) when saving, where N is the total number of keys in all databases when saving data, "
      "otherwise O(1)",
      "", "", "", "7.0.0\001Added the `NOW`, `FORCE` and `ABORT` modifiers.",
      "nosave_save\001oneof\001\001\001\001\001optional\003nosave\001pure-token\001\001="
      "NOSAVE\001\001\001\002save\001pure-token\001\001=SAVE\001\001\001\004\002now\001pure-"
      "token\001\001=NOW\0017.0.0\001\001optional\002force\001pure-token\001\001=FORCE\0017.0."
      "0\001\001optional\002abort\001pure-token\001\001=ABORT\0017.0.0\001\001optional" },
    { "sinter", "", "nondeterministic_output_order", "RO,access;i1;r-1,1,0",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      "", "", "", "", "key\001key\0010\001\001\001\001multiple" },
    { "sintercard", "", "", "RO,access;i1;n0,1,1",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      "", "", "", "",
      "numkeys\001integer\001\001\001\001\001\002key\001key\0010\001\001\001\001multiple\002limit"
      "\001integer\001\001=LIMIT\001\001\001optional" },
    { "sinterstore", "", "", "RW,update;i1;r0,1,0\nRO,access;i2;r-1,1,0",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      "", "", "", "",
      "destination\001key\0010\001\001\001\001\002key\001key\0011\001\001\001\001multiple" },
    { "sismember", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001" },
    { "slaveof", "no_async_loading", "", "", "O(1)", "deprecated", "5.0.0", "`REPLICAOF`", "",
      "args\001oneof\001\001\001\001\001\003host-"
      "port\001block\001\001\001\001\001\003host\001string\001\001\001\001\001\002port\001integer"
      "\001\001\001\001\001\004\002no-one\001block\001\001\001\001\001\003no\001pure-token\001\001="
      "NO\001\001\001\002one\001pure-token\001\001=ONE\001\001\001\004\004" },
    { "slowlog", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "slowlog|get", "", "request_policy:all_nodes nondeterministic_output", "",
      "O(N) where N is the number of entries returned", "", "", "",
      "4.0.0\001Added client IP address, port and name to the reply.",
      "count\001integer\001\001\001\001\001optional" },
    { "slowlog|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "slowlog|len", "", "request_policy:all_nodes response_policy:agg_sum nondeterministic_output",
      "", "O(1)", "", "", "", "", "" },
    { "slowlog|reset", "", "request_policy:all_nodes response_policy:all_succeeded", "",
      "O(N) where N is the number of entries in the slowlog", "", "", "", "", "" },
    { "smembers", "", "nondeterministic_output_order", "RO,access;i1;r0,1,0",
      "O(N) where N is the set cardinality.", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "smismember", "", "", "RO,access;i1;r0,1,0",
      "O(N) where N is the number of elements being checked for membership", "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001multiple" },
    { "smove", "", "", "RW,access,delete;i1;r0,1,0\nRW,insert;i2;r0,1,0", "O(1)", "", "", "", "",
      "source\001key\0010\001\001\001\001\002destination\001key\0011\001\001\001\001\002member\001s"
      "tring\001\001\001\001\001" },
    { "sort", "", "",
      "RO,access;i1;r0,1,0\nRO,access;u;u;For the optional BY/GET keyword. It is marked 'unknown' "
      "because the key names derive from the content of the key we sort\nOW,update;u;u;For the "
      "optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in "
      "the argument array",
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002pattern\001pattern\0011\001="
      "BY\001\001\001optional\002offset_count\001block\001\001="
      "LIMIT\001\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001"
      "\001\001\001\001\004\002pattern\001pattern\0011\001=GET\001\001\001optional multiple "
      "multiple_token\002order\001oneof\001\001\001\001\001optional\003asc\001pure-token\001\001="
      "ASC\001\001\001\002desc\001pure-token\001\001=DESC\001\001\001\004\002sorting\001pure-"
      "token\001\001=ALPHA\001\001\001optional\002destination\001key\0012\001="
      "STORE\001\001\001optional" },
    { "sort_ro", "", "",
      "RO,access;i1;r0,1,0\nRO,access;u;u;For the optional BY/GET keyword. It is marked 'unknown' "
      "because the key names derive from the content of the key we sort",
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002pattern\001pattern\0011\001="
      "BY\001\001\001optional\002offset_count\001block\001\001="
      "LIMIT\001\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001"
      "\001\001\001\001\004\002pattern\001pattern\0011\001=GET\001\001\001optional multiple "
      "multiple_token\002order\001oneof\001\001\001\001\001optional\003asc\001pure-token\001\001="
      "ASC\001\001\001\002desc\001pure-token\001\001=DESC\001\001\001\004\002sorting\001pure-"
      "token\001\001=ALPHA\001\001\001optional" },
    { "spop", "", "nondeterministic_output", "RW,access,delete;i1;r0,1,0",
      "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
      "", "", "", "3.2.0\001Added the `count` argument.",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001\0013.2.0\001\001optional" },
    { "spublish", "", "", "not_key;i1;r0,1,0",
      "O(N) where N is the number of clients subscribed to the receiving shard channel.", "", "",
      "", "",
      "shardchannel\001string\001\001\001\001\001\002message\001string\001\001\001\001\001" },
    { "srandmember", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed "
      "count.",
      "", "", "", "2.6.0\001Added the optional `count` argument.",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001\0012.6.0\001\001optional" },
    { "srem", "", "", "RW,delete;i1;r0,1,0", "O(N) where N is the number of members to be removed.",
      "", "", "", "2.4.0\001Accepts multiple `member` arguments.",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001multiple" },
    { "sscan", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
      "cursor to return back to 0. N is the number of elements inside the collection..",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002cursor\001integer\001\001\001\001\001\002pattern\001patte"
      "rn\001\001=MATCH\001\001\001optional\002count\001integer\001\001="
      "COUNT\001\001\001optional" },
    { "ssubscribe", "", "", "not_key;i1;r-1,1,0",
      "O(N) where N is the number of shard channels to subscribe to.", "", "", "", "",
      "shardchannel\001string\001\001\001\001\001multiple" },
    { "strlen", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "subscribe", "", "", "", "O(N) where N is the number of channels to subscribe to.", "", "",
      "", "", "channel\001string\001\001\001\001\001multiple" },
    { "substr", "", "", "RO,access;i1;r0,1,0",
      "O(N) where N is the length of the returned string. The complexity is ultimately determined "
      "by the returned length, but because creating a substring from an existing string is very "
      "cheap, it can be considered O(1) for small strings.",
      "deprecated", "2.0.0", "`GETRANGE`", "",
      "key\001key\0010\001\001\001\001\002start\001integer\001\001\001\001\001\002end\001integer"
      "\001\001\001\001\001" },
    { "sunion", "", "nondeterministic_output_order", "RO,access;i1;r-1,1,0",
      "O(N) where N is the total number of elements in all given sets.", "", "", "", "",
      "key\001key\0010\001\001\001\001multiple" },
    { "sunionstore", "", "", "OW,update;i1;r0,1,0\nRO,access;i2;r-1,1,0",
      "O(N) where N is the total number of elements in all given sets.", "", "", "", "",
      "destination\001key\0010\001\001\001\001\002key\001key\0011\001\001\001\001multiple" },
    { "sunsubscribe", "", "", "not_key;i1;r-1,1,0",
      "O(N) where N is the number of clients already subscribed to a shard channel.", "", "", "",
      "", "shardchannel\001string\001\001\001\001\001optional multiple" },
    { "swapdb", "", "", "",
      "O(N) where N is the count of clients watching or blocking on keys from both databases.", "",
      "", "", "",
      "index1\001integer\001\001\001\001\001\002index2\001integer\001\001\001\001\001" },
    { "sync", "no_async_loading", "", "", "", "", "", "", "", "" },
    { "time", "", "nondeterministic_output", "", "O(1)", "", "", "", "", "" },
    { "touch", "", "request_policy:multi_shard response_policy:agg_sum", "RO;i1;r-1,1,0",
      "O(N) where N is the number of keys that will be touched.", "", "", "", "",
      "key\001key\0010\001\001\001\001multiple" },
    { "ttl", "", "nondeterministic_output", "RO,access;i1;r0,1,0", "O(1)", "", "", "",
      "2.8.0\001Added the -2 reply.", "key\001key\0010\001\001\001\001" },
    { "type", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "unlink", "", "request_policy:multi_shard response_policy:agg_sum", "RM,delete;i1;r-1,1,0",
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
      "different thread in order to reclaim memory, where N is the number of allocations the "
      "deleted objects where composed of.",
      "", "", "", "", "key\001key\0010\001\001\001\001multiple" },
    { "unsubscribe", "", "", "",
      "O(N) where N is the number of clients already subscribed to a channel.", "", "", "", "",
      "channel\001string\001\001\001\001\001optional multiple" },
    { "unwatch", "", "", "", "O(1)", "", "", "", "", "" },
    { "wait", "", "request_policy:all_shards response_policy:agg_min", "", "O(1)", "", "", "", "",
      "numreplicas\001integer\001\001\001\001\001\002timeout\001integer\001\001\001\001\001" },
    { "watch", "", "", "RO;i1;r-1,1,0", "O(1) for every key.", "", "", "", "",
      "key\001key\0010\001\001\001\001multiple" },
    { "xack", "", "", "RW,update;i1;r0,1,0", "O(1) for each message ID processed.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002group\001string\001\001\001\001\001\002id\001string\001"
      "\001\001\001\001multiple" },
    { "xadd", "", "nondeterministic_output",
      "RW,update;i1;r0,1,0;UPDATE instead of INSERT because of the optional trimming feature",
      "O(1) when adding a new entry, O(N) when trimming where N being the number of entries "
      "evicted.",
      "", "", "",
      "6.2.0\001Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` "
      "option.\0027.0.0\001Added support for the `<ms>-*` explicit ID form.",
      "key\001key\0010\001\001\001\001\002nomkstream\001pure-token\001\001=NOMKSTREAM\0016.2."
      "0\001\001optional\002trim\001block\001\001\001\001\001optional\003strategy\001oneof\001\001"
      "\001\001\001\003maxlen\001pure-token\001\001=MAXLEN\001\001\001\002minid\001pure-"
      "token\001\001=MINID\0016.2."
      "0\001\001\004\002operator\001oneof\001\001\001\001\001optional\003equal\001pure-"
      "token\001\001==\001\001\001\002approximately\001pure-token\001\001=~"
      "\001\001\001\004\002threshold\001string\001\001\001\001\001\002count\001integer\001\001="
      "LIMIT\0016.2.0\001\001optional\004\002id_or_auto\001oneof\001\001\001\001\001\003auto_"
      "id\001pure-token\001\001=*\001\001\001\002id\001string\001\001\001\001\001\004\002field_"
      "value\001block\001\001\001\001\001multiple\003field\001string\001\001\001\001\001\002value"
      "\001string\001\001\001\001\001\004" },
    { "xautoclaim", "", "nondeterministic_output", "RW,delete;i1;r0,1,0", "O(1) if COUNT is small.",
      "", "", "",
      "7.0.0\001Added an element to the reply array, containing deleted entries the command "
      "cleared from the PEL",
      "key\001key\0010\001\001\001\001\002group\001string\001\001\001\001\001\002consumer\001string"
      "\001\001\001\001\001\002min-idle-"
      "time\001string\001\001\001\001\001\002start\001string\001\001\001\001\001\002count\001intege"
      "r\001\001=COUNT\001\001\001optional\002justid\001pure-token\001\001="
      "JUSTID\001\001\001optional" },
    { "xclaim", "", "nondeterministic_output", "RW,update;i1;r0,1,0",
      "O(log N) with N being the number of messages in the PEL of the consumer group.", "", "", "",
      "",
      "key\001key\0010\001\001\001\001\002group\001string\001\001\001\001\001\002consumer\001string"
      "\001\001\001\001\001\002min-idle-"
      "time\001string\001\001\001\001\001\002id\001string\001\001\001\001\001multiple\002ms\001inte"
      "ger\001\001=IDLE\001\001\001optional\002unix-time-milliseconds\001unix-time\001\001="
      "TIME\001\001\001optional\002count\001integer\001\001="
      "RETRYCOUNT\001\001\001optional\002force\001pure-token\001\001="
      "FORCE\001\001\001optional\002justid\001pure-token\001\001="
      "JUSTID\001\001\001optional\002id\001string\001\001=LASTID\001\001\001optional" },
    { "xdel", "", "", "RW,delete;i1;r0,1,0",
      "O(1) for each single item to delete in the stream, regardless of the stream size.", "", "",
      "", "", "key\001key\0010\001\001\001\001\002id\001string\001\001\001\001\001multiple" },
    { "xgroup", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "xgroup|create", "", "", "RW,insert;i2;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added the `entries_read` named argument.",
      "key\001key\0010\001\001\001\001\002groupname\001string\001\001\001\001\001\002id\001oneof"
      "\001\001\001\001\001\003id\001string\001\001\001\001\001\002new_id\001pure-token\001\001=$"
      "\001\001\001\004\002mkstream\001pure-token\001\001=MKSTREAM\001\001\001optional\002entries_"
      "read\001integer\001\001=ENTRIESREAD\001\001\001optional" },
    { "xgroup|createconsumer", "", "", "RW,insert;i2;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002groupname\001string\001\001\001\001\001\002consumername"
      "\001string\001\001\001\001\001" },
    { "xgroup|delconsumer", "", "", "RW,delete;i2;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002groupname\001string\001\001\001\001\001\002consumername"
      "\001string\001\001\001\001\001" },
    { "xgroup|destroy", "", "", "RW,delete;i2;r0,1,0",
      "O(N) where N is the number of entries in the group's pending entries list (PEL).", "", "",
      "", "", "key\001key\0010\001\001\001\001\002groupname\001string\001\001\001\001\001" },
    { "xgroup|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "xgroup|setid", "", "", "RW,update;i2;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added the optional `entries_read` argument.",
      "key\001key\0010\001\001\001\001\002groupname\001string\001\001\001\001\001\002id\001oneof"
      "\001\001\001\001\001\003id\001string\001\001\001\001\001\002new_id\001pure-token\001\001=$"
      "\001\001\001\004\002entries_read\001integer\001\001=ENTRIESREAD\001\001\001optional" },
    { "xinfo", "", "", "", "Depends on subcommand.", "", "", "", "", "" },
    { "xinfo|consumers", "", "nondeterministic_output", "RO,access;i2;r0,1,0", "O(1)", "", "", "",
      "", "key\001key\0010\001\001\001\001\002groupname\001string\001\001\001\001\001" },
    { "xinfo|groups", "", "", "RO,access;i2;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added the `entries-read` and `lag` fields", "key\001key\0010\001\001\001\001" },
    { "xinfo|help", "", "", "", "O(1)", "", "", "", "", "" },
    { "xinfo|stream", "", "", "RO,access;i2;r0,1,0", "O(1)", "", "", "",
      "6.0.0\001Added the `FULL` modifier.\0027.0.0\001Added the `max-deleted-entry-id`, "
      "`entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields",
      "key\001key\0010\001\001\001\001\002full\001block\001\001="
      "FULL\001\001\001optional\003count\001integer\001\001=COUNT\001\001\001optional\004" },
    { "xlen", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "xpending", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "O(N) with N being the number of elements returned, so asking for a small fixed number of "
      "entries per call is O(1). O(M), where M is the total number of entries scanned when used "
      "with the IDLE filter. When the command returns just the summary and the list of consumers "
      "is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every "
      "consumer.",
      "", "", "", "6.2.0\001Added the `IDLE` option and exclusive range intervals.",
      "key\001key\0010\001\001\001\001\002group\001string\001\001\001\001\001\002filters\001block"
      "\001\001\001\001\001optional\003min-idle-time\001integer\001\001=IDLE\0016.2."
      "0\001\001optional\002start\001string\001\001\001\001\001\002end\001string\001\001\001\001"
      "\001\002count\001integer\001\001\001\001\001\002consumer\001string\001\001\001\001\001option"
      "al\004" },
    { "xrange", "", "", "RO,access;i1;r0,1,0",
      "O(N) with N being the number of elements being returned. If N is constant (e.g. always "
      "asking for the first 10 elements with COUNT), you can consider it O(1).",
      "", "", "", "6.2.0\001Added exclusive ranges.",
      "key\001key\0010\001\001\001\001\002start\001string\001\001\001\001\001\002end\001string\001"
      "\001\001\001\001\002count\001integer\001\001=COUNT\001\001\001optional" },
    { "xread", "", "", "RO,access;kSTREAMS,1;r-1,1,2",
      "For each stream mentioned: O(N) with N being the number of elements being returned, it "
      "means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, "
      "XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new "
      "data.",
      "", "", "", "",
      "count\001integer\001\001=COUNT\001\001\001optional\002milliseconds\001integer\001\001="
      "BLOCK\001\001\001optional\002streams\001block\001\001="
      "STREAMS\001\001\001\003key\001key\0010\001\001\001\001multiple\002id\001string\001\001\001"
      "\001\001multiple\004" },
    { "xreadgroup", "", "", "RO,access;kSTREAMS,4;r-1,1,2",
      "For each stream mentioned: O(M) with M being the number of elements returned. If M is "
      "constant (e.g. always asking for the first 10 elements with COUNT), you can consider it "
      "O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to "
      "serve the N clients blocked on the stream getting new data.",
      "", "", "", "",
      "group_consumer\001block\001\001="
      "GROUP\001\001\001\003group\001string\001\001\001\001\001\002consumer\001string\001\001\001"
      "\001\001\004\002count\001integer\001\001="
      "COUNT\001\001\001optional\002milliseconds\001integer\001\001="
      "BLOCK\001\001\001optional\002noack\001pure-token\001\001="
      "NOACK\001\001\001optional\002streams\001block\001\001="
      "STREAMS\001\001\001\003key\001key\0010\001\001\001\001multiple\002id\001string\001\001\001"
      "\001\001multiple\004" },
    { "xrevrange", "", "", "RO,access;i1;r0,1,0",
      "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for "
      "the first 10 elements with COUNT), you can consider it O(1).",
      "", "", "", "6.2.0\001Added exclusive ranges.",
      "key\001key\0010\001\001\001\001\002end\001string\001\001\001\001\001\002start\001string\001"
      "\001\001\001\001\002count\001integer\001\001=COUNT\001\001\001optional" },
    { "xsetid", "", "", "RW,update;i1;r0,1,0", "O(1)", "", "", "",
      "7.0.0\001Added the `entries_added` and `max_deleted_entry_id` arguments.",
      "key\001key\0010\001\001\001\001\002last-id\001string\001\001\001\001\001\002entries_"
      "added\001integer\001\001=ENTRIESADDED\0017.0.0\001\001optional\002max_deleted_entry_"
      "id\001string\001\001=MAXDELETEDID\0017.0.0\001\001optional" },
    { "xtrim", "", "nondeterministic_output", "RW,delete;i1;r0,1,0",
      "O(N), with N being the number of evicted entries. Constant times are very small however, "
      "since entries are organized in macro nodes containing multiple entries that can be released "
      "with a single deallocation.",
      "", "", "", "6.2.0\001Added the `MINID` trimming strategy and the `LIMIT` option.",
      "key\001key\0010\001\001\001\001\002trim\001block\001\001\001\001\001\003strategy\001oneof"
      "\001\001\001\001\001\003maxlen\001pure-token\001\001=MAXLEN\001\001\001\002minid\001pure-"
      "token\001\001=MINID\0016.2."
      "0\001\001\004\002operator\001oneof\001\001\001\001\001optional\003equal\001pure-"
      "token\001\001==\001\001\001\002approximately\001pure-token\001\001=~"
      "\001\001\001\004\002threshold\001string\001\001\001\001\001\002count\001integer\001\001="
      "LIMIT\0016.2.0\001\001optional\004" },
    { "zadd", "", "", "RW,update;i1;r0,1,0",
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "", "",
      "",
      "2.4.0\001Accepts multiple elements.\0023.0.2\001Added the `XX`, `NX`, `CH` and `INCR` "
      "options.\0026.2.0\001Added the `GT` and `LT` options.",
      "key\001key\0010\001\001\001\001\002condition\001oneof\001\001\0013.0."
      "2\001\001optional\003nx\001pure-token\001\001=NX\001\001\001\002xx\001pure-token\001\001="
      "XX\001\001\001\004\002comparison\001oneof\001\001\0016.2.0\001\001optional\003gt\001pure-"
      "token\001\001=GT\001\001\001\002lt\001pure-token\001\001="
      "LT\001\001\001\004\002change\001pure-token\001\001=CH\0013.0."
      "2\001\001optional\002increment\001pure-token\001\001=INCR\0013.0.2\001\001optional\002score_"
      "member\001block\001\001\001\001\001multiple\003score\001double\001\001\001\001\001\002member"
      "\001string\001\001\001\001\001\004" },
    { "zcard", "", "", "RO;i1;r0,1,0", "O(1)", "", "", "", "", "key\001key\0010\001\001\001\001" },
    { "zcount", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)) with N being the number of elements in the sorted set.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002min\001double\001\001\001\001\001\002max\001double\001"
      "\001\001\001\001" },
    { "zdiff", "", "", "RO,access;i1;n0,1,1",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is "
      "the size of the first set, and K is the size of the result set.",
      "", "", "", "",
      "numkeys\001integer\001\001\001\001\001\002key\001key\0010\001\001\001\001multiple\002withsco"
      "res\001pure-token\001\001=WITHSCORES\001\001\001optional" },
    { "zdiffstore", "", "", "OW,update;i1;r0,1,0\nRO,access;i2;n0,1,1",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is "
      "the size of the first set, and K is the size of the result set.",
      "", "", "", "",
      "destination\001key\0010\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001"
      "key\0011\001\001\001\001multiple" },
    { "zincrby", "", "", "RW,access,update;i1;r0,1,0",
      "O(log(N)) where N is the number of elements in the sorted set.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002increment\001integer\001\001\001\001\001\002member\001str"
      "ing\001\001\001\001\001" },
    { "zinter", "", "", "RO,access;i1;n0,1,1",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted set.",
      "", "", "", "",
      "numkeys\001integer\001\001\001\001\001\002key\001key\0010\001\001\001\001multiple\002weight"
      "\001integer\001\001=WEIGHTS\001\001\001optional "
      "multiple\002aggregate\001oneof\001\001=AGGREGATE\001\001\001optional\003sum\001pure-"
      "token\001\001=SUM\001\001\001\002min\001pure-token\001\001=MIN\001\001\001\002max\001pure-"
      "token\001\001=MAX\001\001\001\004\002withscores\001pure-token\001\001="
      "WITHSCORES\001\001\001optional" },
    { "zintercard", "", "", "RO,access;i1;n0,1,1",
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input "
      "sorted sets.",
      "", "", "", "",
      "numkeys\001integer\001\001\001\001\001\002key\001key\0010\001\001\001\001multiple\002limit"
      "\001integer\001\001=LIMIT\001\001\001optional" },
    { "zinterstore", "", "", "OW,update;i1;r0,1,0\nRO,access;i2;n0,1,1",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted set.",
      "", "", "", "",
      "destination\001key\0010\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001"
      "key\0011\001\001\001\001multiple\002weight\001integer\001\001=WEIGHTS\001\001\001optional "
      "multiple\002aggregate\001oneof\001\001=AGGREGATE\001\001\001optional\003sum\001pure-"
      "token\001\001=SUM\001\001\001\002min\001pure-token\001\001=MIN\001\001\001\002max\001pure-"
      "token\001\001=MAX\001\001\001\004" },
    { "zlexcount", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)) with N being the number of elements in the sorted set.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002min\001string\001\001\001\001\001\002max\001string\001"
      "\001\001\001\001" },
    { "zmpop", "", "", "RW,access,delete;i1;n0,1,1",
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
      "in the sorted set, and M being the number of elements popped.",
      "", "", "", "",
      "numkeys\001integer\001\001\001\001\001\002key\001key\0010\001\001\001\001multiple\002where"
      "\001oneof\001\001\001\001\001\003min\001pure-token\001\001=MIN\001\001\001\002max\001pure-"
      "token\001\001=MAX\001\001\001\004\002count\001integer\001\001=COUNT\001\001\001optional" },
    { "zmscore", "", "", "RO,access;i1;r0,1,0",
      "O(N) where N is the number of members being requested.", "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001multiple" },
    { "zpopmax", "", "", "RW,access,delete;i1;r0,1,0",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
      "of elements popped.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001\001\001\001optional" },
    { "zpopmin", "", "", "RW,access,delete;i1;r0,1,0",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
      "of elements popped.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002count\001integer\001\001\001\001\001optional" },
    { "zrandmember", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "O(N) where N is the number of elements returned", "", "", "", "",
      "key\001key\0010\001\001\001\001\002options\001block\001\001\001\001\001optional\003count\001"
      "integer\001\001\001\001\001\002withscores\001pure-token\001\001="
      "WITHSCORES\001\001\001optional\004" },
    { "zrange", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.",
      "", "", "", "6.2.0\001Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.",
      "key\001key\0010\001\001\001\001\002start\001string\001\001\001\001\001\002stop\001string\001"
      "\001\001\001\001\002sortby\001oneof\001\001\0016.2.0\001\001optional\003byscore\001pure-"
      "token\001\001=BYSCORE\001\001\001\002bylex\001pure-token\001\001="
      "BYLEX\001\001\001\004\002rev\001pure-token\001\001=REV\0016.2.0\001\001optional\002offset_"
      "count\001block\001\001=LIMIT\0016.2."
      "0\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001\001\001"
      "\001\001\004\002withscores\001pure-token\001\001=WITHSCORES\001\001\001optional" },
    { "zrangebylex", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      "deprecated", "6.2.0", "`ZRANGE` with the `BYLEX` argument", "",
      "key\001key\0010\001\001\001\001\002min\001string\001\001\001\001\001\002max\001string\001"
      "\001\001\001\001\002offset_count\001block\001\001="
      "LIMIT\001\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001"
      "\001\001\001\001\004" },
    { "zrangebyscore", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      "deprecated", "6.2.0", "`ZRANGE` with the `BYSCORE` argument",
      "2.0.0\001Added the `WITHSCORES` modifier.",
      "key\001key\0010\001\001\001\001\002min\001double\001\001\001\001\001\002max\001double\001"
      "\001\001\001\001\002withscores\001pure-token\001\001=WITHSCORES\0012.0."
      "0\001\001optional\002offset_count\001block\001\001="
      "LIMIT\001\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001"
      "\001\001\001\001\004" },
    { "zrangestore", "", "", "OW,update;i1;r0,1,0\nRO,access;i2;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements stored into the destination key.",
      "", "", "", "",
      "dst\001key\0010\001\001\001\001\002src\001key\0011\001\001\001\001\002min\001string\001\001"
      "\001\001\001\002max\001string\001\001\001\001\001\002sortby\001oneof\001\001\001\001\001opti"
      "onal\003byscore\001pure-token\001\001=BYSCORE\001\001\001\002bylex\001pure-token\001\001="
      "BYLEX\001\001\001\004\002rev\001pure-token\001\001=REV\001\001\001optional\002offset_"
      "count\001block\001\001="
      "LIMIT\001\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001"
      "\001\001\001\001\004" },
    { "zrank", "", "", "RO,access;i1;r0,1,0", "O(log(N))", "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001" },
    { "zrem", "", "", "RW,delete;i1;r0,1,0",
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
      "elements to be removed.",
      "", "", "", "2.4.0\001Accepts multiple elements.",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001multiple" },
    { "zremrangebylex", "", "", "RW,delete;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002min\001string\001\001\001\001\001\002max\001string\001"
      "\001\001\001\001" },
    { "zremrangebyrank", "", "", "RW,delete;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002start\001integer\001\001\001\001\001\002stop\001integer"
      "\001\001\001\001\001" },
    { "zremrangebyscore", "", "", "RW,delete;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002min\001double\001\001\001\001\001\002max\001double\001"
      "\001\001\001\001" },
    { "zrevrange", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.",
      "deprecated", "6.2.0", "`ZRANGE` with the `REV` argument", "",
      "key\001key\0010\001\001\001\001\002start\001integer\001\001\001\001\001\002stop\001integer"
      "\001\001\001\001\001\002withscores\001pure-token\001\001=WITHSCORES\001\001\001optional" },
    { "zrevrangebylex", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      "deprecated", "6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments", "",
      "key\001key\0010\001\001\001\001\002max\001string\001\001\001\001\001\002min\001string\001"
      "\001\001\001\001\002offset_count\001block\001\001="
      "LIMIT\001\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001"
      "\001\001\001\001\004" },
    { "zrevrangebyscore", "", "", "RO,access;i1;r0,1,0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      "deprecated", "6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments",
      "2.1.6\001`min` and `max` can be exclusive.",
      "key\001key\0010\001\001\001\001\002max\001double\001\001\001\001\001\002min\001double\001"
      "\001\001\001\001\002withscores\001pure-token\001\001="
      "WITHSCORES\001\001\001optional\002offset_count\001block\001\001="
      "LIMIT\001\001\001optional\003offset\001integer\001\001\001\001\001\002count\001integer\001"
      "\001\001\001\001\004" },
    { "zrevrank", "", "", "RO,access;i1;r0,1,0", "O(log(N))", "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001" },
    { "zscan", "", "nondeterministic_output", "RO,access;i1;r0,1,0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
      "cursor to return back to 0. N is the number of elements inside the collection..",
      "", "", "", "",
      "key\001key\0010\001\001\001\001\002cursor\001integer\001\001\001\001\001\002pattern\001patte"
      "rn\001\001=MATCH\001\001\001optional\002count\001integer\001\001="
      "COUNT\001\001\001optional" },
    { "zscore", "", "", "RO,access;i1;r0,1,0", "O(1)", "", "", "", "",
      "key\001key\0010\001\001\001\001\002member\001string\001\001\001\001\001" },
    { "zunion", "", "", "RO,access;i1;n0,1,1",
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.",
      "", "", "", "",
      "numkeys\001integer\001\001\001\001\001\002key\001key\0010\001\001\001\001multiple\002weight"
      "\001integer\001\001=WEIGHTS\001\001\001optional "
      "multiple\002aggregate\001oneof\001\001=AGGREGATE\001\001\001optional\003sum\001pure-"
      "token\001\001=SUM\001\001\001\002min\001pure-token\001\001=MIN\001\001\001\002max\001pure-"
      "token\001\001=MAX\001\001\001\004\002withscores\001pure-token\001\001="
      "WITHSCORES\001\001\001optional" },
    { "zunionstore", "", "", "OW,update;i1;r0,1,0\nRO,access;i2;n0,1,1",
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.",
      "", "", "", "",
      "destination\001key\0010\001\001\001\001\002numkeys\001integer\001\001\001\001\001\002key\001"
      "key\0011\001\001\001\001multiple\002weight\001integer\001\001=WEIGHTS\001\001\001optional "
      "multiple\002aggregate\001oneof\001\001=AGGREGATE\001\001\001optional\003sum\001pure-"
      "token\001\001=SUM\001\001\001\002min\001pure-token\001\001=MIN\001\001\001\002max\001pure-"
      "token\001\001=MAX\001\001\001\004" },
};

static const size_t cmd_meta_count = DD_ARRAY_LEN(cmd_meta);
