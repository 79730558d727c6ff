/*
 * The command table index: the groups' static tables behind one
 * case-insensitive open-addressing hash, built once at start. Lookup is on
 * the hot path of every request, so it hashes the name as sent (folding case
 * on the fly) and compares without copying.
 */
#include "cache-emu/command.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"

/* Slots of the index: a power of two well above Redis's ~240 commands. */
#define INDEX_SLOTS 1024

static const struct cache_command *index_slots[INDEX_SLOTS];
static const struct cache_command **all; /* every top-level command, owned */
static size_t nall;                      /* entries in all */
static bool built;                       /* index filled */

/* Parent of each subcommand row, for full names ("config|get"). */
struct sub_parent {
    const struct cache_command *sub;
    const struct cache_command *parent;
};
static struct sub_parent *parents; /* owned */
static size_t nparents;

static const struct cache_command *const tables[] = {
    cache_cmds_string, cache_cmds_keys, cache_cmds_hash,   cache_cmds_set,   cache_cmds_list,
    cache_cmds_zset,   cache_cmds_conn, cache_cmds_server, cache_cmds_multi, cache_cmds_pubsub,
    cache_cmds_sort,   cache_cmds_bits, cache_cmds_misc,   cache_cmds_hll,   cache_cmds_script,
};

static uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch + 32);
        h = (h ^ ch) * 16777619u;
    }
    return h;
}

static bool name_eq(const char *lower, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch + 32);
        if ((unsigned char)lower[i] != ch || lower[i] == '\0')
            return false;
    }
    return lower[len] == '\0';
}

int cache_command_init(void)
{
    if (built)
        return DD_OK;
    size_t n = 0, nsub = 0;
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const struct cache_command *c = tables[t]; c->name; c++) {
            n++;
            for (const struct cache_command *s = c->subcommands; s && s->name; s++)
                nsub++;
        }
    all = calloc(n ? n : 1, sizeof(*all));
    parents = calloc(nsub ? nsub : 1, sizeof(*parents));
    if (!all || !parents) {
        DD_FREE(all);
        DD_FREE(parents);
        return DD_ENOMEM;
    }
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        for (const struct cache_command *c = tables[t]; c->name; c++) {
            size_t len = strlen(c->name);
            uint32_t h = name_hash(c->name, len) & (INDEX_SLOTS - 1);
            while (index_slots[h]) {
                if (strcmp(index_slots[h]->name, c->name) == 0) {
                    fprintf(stderr, "cache-emu: command %s is in the table twice\n", c->name);
                    abort();
                }
                h = (h + 1) & (INDEX_SLOTS - 1);
            }
            index_slots[h] = c;
            all[nall++] = c;
            for (const struct cache_command *s = c->subcommands; s && s->name; s++) {
                parents[nparents].sub = s;
                parents[nparents].parent = c;
                nparents++;
            }
        }
    }
    built = true;
    return DD_OK;
}

const struct cache_command *cache_command_lookup(const char *name, size_t len)
{
    uint32_t h = name_hash(name, len) & (INDEX_SLOTS - 1);
    while (index_slots[h]) {
        if (name_eq(index_slots[h]->name, name, len))
            return index_slots[h];
        h = (h + 1) & (INDEX_SLOTS - 1);
    }
    return NULL;
}

const struct cache_command *cache_command_sub_lookup(const struct cache_command *parent,
                                                     const char *name, size_t len)
{
    for (const struct cache_command *s = parent->subcommands; s && s->name; s++)
        if (name_eq(s->name, name, len))
            return s;
    return NULL;
}

size_t cache_command_count(void)
{
    return nall;
}

const struct cache_command *cache_command_at(size_t i)
{
    return i < nall ? all[i] : NULL;
}

static const struct cache_command *parent_of(const struct cache_command *cmd)
{
    for (size_t i = 0; i < nparents; i++)
        if (parents[i].sub == cmd)
            return parents[i].parent;
    return NULL;
}

void cache_command_fullname(const struct cache_command *cmd, char *dst, size_t dstlen)
{
    const struct cache_command *p = parent_of(cmd);
    if (p)
        snprintf(dst, dstlen, "%s|%s", p->name, cmd->name);
    else
        snprintf(dst, dstlen, "%s", cmd->name);
}
