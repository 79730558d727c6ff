/*
 * SORT and SORT_RO (Redis's sort.c): sort the elements of a list, set or
 * sorted set numerically or (ALPHA) as strings, optionally by the values of
 * other keys (BY pattern), return them or values of other keys (GET
 * pattern), optionally store the result as a list (STORE).
 *
 * How Redis 7.0.15 does it, and so how this file does it:
 *
 *   1. Options are parsed left to right; the last ASC/DESC, LIMIT, BY and
 *      STORE win, GETs accumulate. A BY pattern without '*' means "do not
 *      sort" (BY nosort): lists and sorted sets then keep their own order,
 *      read directly in the LIMIT range (from the end for DESC); a set still
 *      gets sorted (ALPHA) when the result is STOREd, so that the stored
 *      list does not depend on the hash table's order.
 *   2. The key is looked up (for write when storing, so the lookups count no
 *      hits or misses); a sorted set is converted to its skiplist encoding
 *      for good, as Redis does before sorting.
 *   3. Every element is loaded into a vector with its sort key: the number
 *      (strtod() of the element or of the BY value; an unparsable one makes
 *      the whole command fail after the sort) or, for ALPHA BY, the BY value
 *      (missing values sort first). The vector is sorted with the C
 *      library's qsort (stable merge sort in glibc, like the one Redis
 *      links), or with Redis's partial quicksort when there is a BY pattern
 *      and a LIMIT that does not cover everything: equal keys then end where
 *      that algorithm leaves them, so it is reproduced exactly.
 *   4. Numbers tie-break on the element bytes; ALPHA compares with strcoll()
 *      (C strings: up to the first NUL) when replying and bytewise when
 *      storing, as Redis does.
 *
 * Elements and ALPHA BY values are copied into a request-scoped arena: the
 * lookups of BY and GET keys may reclaim expired keys, and copies keep the
 * sort independent of where the database keeps its bytes.
 */
#include "cache-emu/cmd_sort.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/block.h"
#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/db.h"
#include "cache-emu/server.h"
#include "cache-emu/t_hash.h"
#include "cache-emu/t_list.h"
#include "cache-emu/t_set.h"
#include "cache-emu/t_zset.h"
#include "common/buf.h"
#include "common/err.h"

/* ---- the partial quicksort ---- */

static void swap_bytes(char *a, char *b, size_t size)
{
    if (a == b)
        return;
    char tmp[64];
    while (size) {
        size_t n = size < sizeof(tmp) ? size : sizeof(tmp);
        memcpy(tmp, a, n);
        memcpy(a, b, n);
        memcpy(b, tmp, n);
        a += n;
        b += n;
        size -= n;
    }
}

struct psort {
    char *base; /* the whole array: indexes are relative to it */
    size_t size;
    cache_sort_cmp_fn cmp;
    void *ctx;
    long long lo, hi; /* the range the caller needs sorted */
};

static int pcmp(const struct psort *s, const char *a, const char *b)
{
    return s->cmp(a, b, s->ctx);
}

/* Swaps n consecutive elements at a and b. */
static void vec_swap(const struct psort *s, char *a, char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        swap_bytes(a + i * s->size, b + i * s->size, s->size);
}

static char *med3(const struct psort *s, char *a, char *b, char *c)
{
    return pcmp(s, a, b) < 0 ? (pcmp(s, b, c) < 0 ? b : (pcmp(s, a, c) < 0 ? c : a))
                             : (pcmp(s, b, c) > 0 ? b : (pcmp(s, a, c) < 0 ? a : c));
}

static void insertion_sort(const struct psort *s, char *a, size_t n)
{
    size_t es = s->size;
    for (char *pm = a + es; pm < a + n * es; pm += es)
        for (char *pl = pm; pl > a && pcmp(s, pl - es, pl) > 0; pl -= es)
            swap_bytes(pl, pl - es, es);
}

/* Whether the partition of n elements at a overlaps the wanted range. */
static bool wanted(const struct psort *s, const char *a, size_t n)
{
    long long first = (long long)((size_t)(a - s->base) / s->size);
    long long last = first + (long long)n - 1;
    return !((s->lo < first && s->hi < first) || (s->lo > last && s->hi > last));
}

/*
 * Bentley & McIlroy, "Engineering a Sort Function": the pivot is the median
 * of three (of three medians of three above 40 elements); elements equal to
 * it are gathered at both ends during the partition and swapped into the
 * middle afterwards; a partition pass that swapped nothing means the input
 * was already in order, finished by insertion sort. Partitions outside the
 * wanted range are left unsorted.
 */
static void psort_run(const struct psort *s, char *a, size_t n)
{
    size_t es = s->size;
    for (;;) {
        if (n < 7) {
            insertion_sort(s, a, n);
            return;
        }
        char *pm = a + (n / 2) * es;
        if (n > 7) {
            char *pl = a, *pn = a + (n - 1) * es;
            if (n > 40) {
                size_t d = (n / 8) * es;
                pl = med3(s, pl, pl + d, pl + 2 * d);
                pm = med3(s, pm - d, pm, pm + d);
                pn = med3(s, pn - 2 * d, pn - d, pn);
            }
            pm = med3(s, pl, pm, pn);
        }
        swap_bytes(a, pm, es);
        char *pa = a + es, *pb = a + es;
        char *pc = a + (n - 1) * es, *pd = pc;
        bool swapped = false;
        for (;;) {
            int r;
            while (pb <= pc && (r = pcmp(s, pb, a)) <= 0) {
                if (r == 0) {
                    swapped = true;
                    swap_bytes(pa, pb, es);
                    pa += es;
                }
                pb += es;
            }
            while (pb <= pc && (r = pcmp(s, pc, a)) >= 0) {
                if (r == 0) {
                    swapped = true;
                    swap_bytes(pc, pd, es);
                    pd -= es;
                }
                pc -= es;
            }
            if (pb > pc)
                break;
            swap_bytes(pb, pc, es);
            swapped = true;
            pb += es;
            pc -= es;
        }
        if (!swapped) {
            insertion_sort(s, a, n);
            return;
        }
        char *pn = a + n * es;
        size_t r1 = (size_t)(pa - a) / es, r2 = (size_t)(pb - pa) / es;
        size_t r = r1 < r2 ? r1 : r2;
        vec_swap(s, a, pb - r * es, r);
        r1 = (size_t)(pd - pc) / es;
        r2 = (size_t)(pn - pd) / es - 1;
        r = r1 < r2 ? r1 : r2;
        vec_swap(s, pb, pn - r * es, r);
        r = (size_t)(pb - pa) / es;
        if (r > 1 && wanted(s, a, r))
            psort_run(s, a, r);
        r = (size_t)(pd - pc) / es;
        if (r <= 1)
            return;
        a = pn - r * es;
        n = r;
        if (!wanted(s, a, n))
            return;
    }
}

void cache_sort_partial(void *base, size_t n, size_t size, cache_sort_cmp_fn cmp, void *ctx,
                        long long lo, long long hi)
{
    if (n == 0 || size == 0)
        return;
    struct psort s = { base, size, cmp, ctx, lo, hi };
    psort_run(&s, base, n);
}

/* ---- patterns ---- */

void cache_sort_pattern_parse(const char *pat, size_t len, struct cache_sort_pattern *out)
{
    memset(out, 0, sizeof(*out));
    if (len >= 1 && pat[0] == '#' && (len == 1 || pat[1] == '\0')) {
        out->kind = CACHE_SORT_PAT_SELF;
        return;
    }
    const char *nul = memchr(pat, '\0', len);
    size_t clen = nul ? (size_t)(nul - pat) : len;
    const char *star = memchr(pat, '*', clen);
    if (!star) {
        out->kind = CACHE_SORT_PAT_NONE;
        return;
    }
    out->kind = CACHE_SORT_PAT_KEY;
    out->prefix = pat;
    out->prefixlen = (size_t)(star - pat);
    size_t after = out->prefixlen + 1;
    for (size_t i = after; i + 1 < clen; i++) {
        if (pat[i] == '-' && pat[i + 1] == '>') {
            /* Only the first arrow counts, and only with a field after it. */
            if (i + 2 < clen) {
                out->field = pat + i + 2;
                out->fieldlen = len - i - 2;
            }
            break;
        }
    }
    out->postfix = star + 1;
    out->postfixlen = len - after - (out->field ? out->fieldlen + 2 : 0);
}

/* ---- the request ---- */

/* One element being sorted. */
struct sort_item {
    const char *p;   /* element bytes, NUL-terminated copy in the arena */
    size_t n;        /* their length */
    double score;    /* numeric sort key */
    const char *cmp; /* ALPHA BY value (NUL-terminated, arena), NULL when missing */
    size_t cmplen;   /* its length */
};

/* How items compare (Redis's server.sort_* globals). */
struct sort_rules {
    bool desc;      /* DESC */
    bool alpha;     /* ALPHA */
    bool bypattern; /* a BY pattern with '*' */
    bool store;     /* STORE: bytewise, not strcoll() */
};

/* A bump allocator of request-scoped chunks; pointers into it are stable. */
struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    char data[];
};

struct arena {
    struct arena_chunk *head;
};

static void arena_free(struct arena *a)
{
    while (a->head) {
        struct arena_chunk *c = a->head;
        a->head = c->next;
        free(c);
    }
}

/* A NUL-terminated copy of p[0..n) in the arena, or NULL on ENOMEM. */
static const char *arena_copy(struct arena *a, const void *p, size_t n)
{
    struct arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *dst = c->data + c->used;
    if (n)
        memcpy(dst, p, n);
    dst[n] = '\0';
    c->used += n + 1;
    return dst;
}

/* compareStringObjects(): memcmp, then the shorter first. */
static int bin_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r)
        return r;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* sortCompare(). */
static int item_cmp(const void *va, const void *vb, void *vctx)
{
    const struct sort_item *a = va, *b = vb;
    const struct sort_rules *x = vctx;
    int cmp;
    if (!x->alpha) {
        if (a->score > b->score)
            cmp = 1;
        else if (a->score < b->score)
            cmp = -1;
        else
            cmp = bin_cmp(a->p, a->n, b->p, b->n);
    } else if (x->bypattern) {
        if (!a->cmp || !b->cmp)
            cmp = a->cmp == b->cmp ? 0 : (!a->cmp ? -1 : 1);
        else if (x->store)
            cmp = bin_cmp(a->cmp, a->cmplen, b->cmp, b->cmplen);
        else
            cmp = strcoll(a->cmp, b->cmp);
    } else if (x->store) {
        cmp = bin_cmp(a->p, a->n, b->p, b->n);
    } else {
        cmp = strcoll(a->p, b->p);
    }
    if (x->desc)
        return cmp > 0 ? -1 : cmp < 0 ? 1 : 0;
    return cmp;
}

struct sort_req {
    struct cache_client *c;
    bool write;         /* STORE: lookups for write */
    struct dd_buf key;  /* scratch for substituted key names */
    struct arena arena; /* element and BY value copies */
};

/*
 * lookupKeyByPattern(): the value pattern names for element elem, borrowed
 * from the database (or elem itself for "#") and valid until the database
 * changes. false when there is none: no '*', no such key, a key of another
 * type than the pattern needs (string, or hash for ->field), no such field.
 */
static bool pattern_value(struct sort_req *r, const struct cache_resp_arg *pat, const char *elem,
                          size_t elen, const char **v, size_t *vlen, int *err)
{
    struct cache_sort_pattern sp;
    cache_sort_pattern_parse(pat->ptr, pat->len, &sp);
    if (sp.kind == CACHE_SORT_PAT_SELF) {
        *v = elem;
        *vlen = elen;
        return true;
    }
    if (sp.kind == CACHE_SORT_PAT_NONE)
        return false;
    dd_buf_reset(&r->key);
    if (dd_buf_append(&r->key, sp.prefix, sp.prefixlen) != DD_OK ||
        dd_buf_append(&r->key, elem, elen) != DD_OK ||
        dd_buf_append(&r->key, sp.postfix, sp.postfixlen) != DD_OK) {
        *err = DD_ENOMEM;
        return false;
    }
    struct cache_resp_arg key = { r->key.data ? r->key.data : "", r->key.len };
    struct cache_obj *o = r->write ? cache_lookup_write(r->c, &key) : cache_lookup_read(r->c, &key);
    if (!o)
        return false;
    if (sp.field) {
        if (o->type != CACHE_TYPE_HASH)
            return false;
        const unsigned char *fv;
        if (!cache_hash_get(o->ptr, sp.field, sp.fieldlen, &fv, vlen))
            return false;
        *v = (const char *)fv;
        return true;
    }
    if (o->type != CACHE_TYPE_STRING)
        return false;
    *v = o->ptr;
    *vlen = o->len;
    return true;
}

/* The growing vector of items. */
struct item_vec {
    struct sort_item *v;
    size_t n, cap;
};

static int vec_push(struct sort_req *r, struct item_vec *iv, const char *p, size_t n)
{
    if (iv->n == iv->cap) {
        size_t ncap = iv->cap ? iv->cap * 2 : 16;
        struct sort_item *nv = realloc(iv->v, ncap * sizeof(*nv));
        if (!nv)
            return DD_ENOMEM;
        iv->v = nv;
        iv->cap = ncap;
    }
    const char *copy = arena_copy(&r->arena, p, n);
    if (!copy)
        return DD_ENOMEM;
    struct sort_item *it = &iv->v[iv->n++];
    it->p = copy;
    it->n = n;
    it->score = 0;
    it->cmp = NULL;
    it->cmplen = 0;
    return DD_OK;
}

/* Loads the elements to sort: a whole list, set or sorted set in its own
 * order, or (ranged: a list or sorted set not to be sorted) count elements
 * from index start, counted from the tail and walking backwards for desc. */
static int load_items(struct sort_req *r, struct cache_obj *o, bool ranged, bool desc,
                      long long start, long long count, struct item_vec *iv)
{
    const char *p;
    size_t n;
    int rc = DD_OK;
    if (o->type == CACHE_TYPE_LIST) {
        struct cache_list *l = o->ptr;
        size_t len = cache_list_len(l);
        size_t from = 0;
        if (ranged) {
            if (count <= 0)
                return DD_OK;
            from = desc ? len - (size_t)start - 1 : (size_t)start;
        }
        struct cache_list_iter it;
        cache_list_iter_init(&it, l, from, !(ranged && desc));
        while (rc == DD_OK && (!ranged || (long long)iv->n < count) &&
               cache_list_iter_next(&it, &p, &n))
            rc = vec_push(r, iv, p, n);
    } else if (o->type == CACHE_TYPE_SET) {
        struct cache_set_iter it;
        cache_set_iter_init(&it, o->ptr);
        while (rc == DD_OK && cache_set_iter_next(&it, &p, &n))
            rc = vec_push(r, iv, p, n);
    } else {
        const struct cache_zset *z = o->ptr;
        size_t len = cache_zset_len(z);
        size_t from = 0;
        if (ranged) {
            if (count <= 0)
                return DD_OK;
            from = desc ? len - (size_t)start - 1 : (size_t)start;
        }
        struct cache_zset_iter it;
        double score;
        cache_zset_iter_init(&it, z, from, ranged && desc);
        while (rc == DD_OK && (!ranged || (long long)iv->n < count) &&
               cache_zset_iter_next(&it, &p, &n, &score))
            rc = vec_push(r, iv, p, n);
    }
    return rc;
}

/* Redis compares option words as C strings (strcasecmp on the sds). */
static bool opt_is(const struct cache_resp_arg *a, const char *word)
{
    for (size_t i = 0;; i++) {
        char ch = i < a->len ? a->ptr[i] : '\0';
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch + 32);
        if (ch != word[i])
            return false;
        if (ch == '\0')
            return true;
    }
}

/* The parsed options. */
struct sort_opts {
    bool desc, alpha, dontsort;
    long long limit_start, limit_count;
    const struct cache_resp_arg *by;    /* BY pattern, or NULL */
    const struct cache_resp_arg *store; /* STORE key, or NULL */
    size_t *gets;                       /* argv indexes of GET patterns, malloc'd */
    size_t ngets;
};

/* The options loop; false after replying (or *rc = DD_ENOMEM). */
static bool parse_opts(struct cache_client *c, bool readonly, struct sort_opts *o, int *rc)
{
    for (size_t j = 2; j < c->argc; j++) {
        const struct cache_resp_arg *a = &c->argv[j];
        size_t left = c->argc - j - 1;
        if (opt_is(a, "asc")) {
            o->desc = false;
        } else if (opt_is(a, "desc")) {
            o->desc = true;
        } else if (opt_is(a, "alpha")) {
            o->alpha = true;
        } else if (opt_is(a, "limit") && left >= 2) {
            if (!cache_arg_ll(c, j + 1, &o->limit_start) ||
                !cache_arg_ll(c, j + 2, &o->limit_count))
                return false;
            j += 2;
        } else if (!readonly && opt_is(a, "store") && left >= 1) {
            o->store = &c->argv[++j];
        } else if (opt_is(a, "by") && left >= 1) {
            o->by = &c->argv[++j];
            /* strchr() on the C string: a '*' after a NUL does not count. */
            const char *nul = memchr(o->by->ptr, '\0', o->by->len);
            size_t clen = nul ? (size_t)(nul - o->by->ptr) : o->by->len;
            o->dontsort = memchr(o->by->ptr, '*', clen) == NULL;
        } else if (opt_is(a, "get") && left >= 1) {
            size_t *ng = realloc(o->gets, (o->ngets + 1) * sizeof(*ng));
            if (!ng) {
                *rc = DD_ENOMEM;
                return false;
            }
            o->gets = ng;
            o->gets[o->ngets++] = ++j;
        } else {
            cache_reply_syntax(c);
            return false;
        }
    }
    return true;
}

/* Fills each item's sort key: its number, or for ALPHA BY the BY value.
 * Returns DD_OK, DD_ENOMEM, or DD_ERANGE when some number did not parse
 * (Redis goes on and fails after sorting: the lookups still happen). */
static int load_keys(struct sort_req *r, const struct sort_opts *o, struct item_vec *iv)
{
    bool bad = false;
    for (size_t j = 0; j < iv->n; j++) {
        struct sort_item *it = &iv->v[j];
        const char *v = it->p;
        size_t vlen = it->n;
        if (o->by) {
            int err = DD_OK;
            if (!pattern_value(r, o->by, it->p, it->n, &v, &vlen, &err)) {
                if (err != DD_OK)
                    return err;
                continue;
            }
        }
        if (o->alpha) {
            if (o->by) {
                it->cmp = arena_copy(&r->arena, v, vlen);
                if (!it->cmp)
                    return DD_ENOMEM;
                it->cmplen = vlen;
            }
            continue;
        }
        /* strtod() over the C string, as Redis reads the sds. */
        const char *s = v;
        if (v != it->p) {
            s = arena_copy(&r->arena, v, vlen);
            if (!s)
                return DD_ENOMEM;
        }
        char *end;
        errno = 0;
        it->score = strtod(s, &end);
        if (*end != '\0' || errno == ERANGE || isnan(it->score))
            bad = true;
    }
    return bad ? DD_ERANGE : DD_OK;
}

/* Replies (or, for STORE, pushes) the output of item it: the element, or
 * the value of each GET pattern (null / "" when there is none). */
static int emit_item(struct sort_req *r, const struct sort_opts *o, const struct sort_item *it,
                     struct cache_list *dst)
{
    struct cache_client *c = r->c;
    struct cache_keyspace *ks = c->srv->ks;
    if (o->ngets == 0) {
        if (dst)
            return cache_list_push(ks, dst, CACHE_LIST_TAIL, it->p, it->n);
        cache_reply_bulk(c, it->p, it->n);
        return DD_OK;
    }
    for (size_t g = 0; g < o->ngets; g++) {
        const char *v;
        size_t vlen;
        int err = DD_OK;
        bool found = pattern_value(r, &c->argv[o->gets[g]], it->p, it->n, &v, &vlen, &err);
        if (err != DD_OK)
            return err;
        if (dst) {
            int rc = cache_list_push(ks, dst, CACHE_LIST_TAIL, found ? v : "", found ? vlen : 0);
            if (rc != DD_OK)
                return rc;
        } else if (found) {
            cache_reply_bulk(c, v, vlen);
        } else {
            cache_reply_null(c);
        }
    }
    return DD_OK;
}

/* STORE: the result list replaces the key (TTL dropped); an empty result
 * deletes it. Replies the number of elements stored. */
static int store_result(struct sort_req *r, const struct sort_opts *o, struct item_vec *iv,
                        long long start, long long end, long long outputlen)
{
    struct cache_client *c = r->c;
    struct cache_keyspace *ks = c->srv->ks;
    const struct cache_resp_arg *key = o->store;
    int64_t now = cache_now_ms(c->srv);
    if (outputlen <= 0) {
        if (cache_db_delete(c->db, key->ptr, key->len, now) == DD_OK)
            cache_signal_modified(c, key);
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    struct cache_obj *lo = cache_list_obj_new(ks);
    if (!lo)
        return DD_ENOMEM;
    for (long long j = start; j <= end; j++) {
        int rc = emit_item(r, o, &iv->v[j], lo->ptr);
        if (rc != DD_OK) {
            cache_obj_free(ks, lo);
            return rc;
        }
    }
    bool existed = cache_lookup_write(c, key) != NULL;
    int rc = cache_db_set(c->db, key->ptr, key->len, lo, false, now, NULL);
    if (rc != DD_OK) {
        cache_obj_free(ks, lo);
        return rc;
    }
    cache_signal_modified(c, key);
    /* Redis's dbAdd() wakes clients blocked on a new list; an overwrite
     * (dbOverwrite) does not. */
    if (!existed)
        cache_signal_key_ready(c, key);
    cache_reply_ll(c, outputlen);
    return DD_OK;
}

static int sort_generic(struct cache_client *c, bool readonly)
{
    struct sort_opts o = { .limit_count = -1 };
    struct sort_req r = { .c = c };
    struct item_vec iv = { 0 };
    dd_buf_init(&r.key);
    int rc = DD_OK;
    if (!parse_opts(c, readonly, &o, &rc))
        goto out;
    r.write = o.store != NULL;
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *obj = r.write ? cache_lookup_write(c, key) : cache_lookup_read(c, key);
    if (obj && obj->type != CACHE_TYPE_LIST && obj->type != CACHE_TYPE_SET &&
        obj->type != CACHE_TYPE_ZSET) {
        cache_reply_wrongtype(c);
        goto out;
    }
    bool dontsort = o.dontsort, alpha = o.alpha;
    const struct cache_resp_arg *by = o.by;
    if (dontsort && obj && obj->type == CACHE_TYPE_SET && o.store) {
        /* A stored result must not depend on the hash table's order. */
        dontsort = false;
        alpha = true;
        by = NULL;
    }
    if (obj && obj->type == CACHE_TYPE_ZSET) {
        rc = cache_zset_to_skiplist(c->srv->ks, obj->ptr);
        if (rc != DD_OK)
            goto out;
    }
    long long vectorlen = 0;
    if (obj) {
        if (obj->type == CACHE_TYPE_LIST)
            vectorlen = (long long)cache_list_len(obj->ptr);
        else if (obj->type == CACHE_TYPE_SET)
            vectorlen = (long long)cache_set_len(obj->ptr);
        else
            vectorlen = (long long)cache_zset_len(obj->ptr);
    }
    /* LIMIT, clamped to the length first so that nothing overflows. */
    long long start = o.limit_start < 0 ? 0 : o.limit_start;
    if (start > vectorlen)
        start = vectorlen;
    long long count = o.limit_count < -1 ? -1 : o.limit_count;
    if (count > vectorlen)
        count = vectorlen;
    long long end = count < 0 ? vectorlen - 1 : start + count - 1;
    if (start >= vectorlen) {
        start = vectorlen - 1;
        end = vectorlen - 2;
    }
    if (end >= vectorlen)
        end = vectorlen - 1;
    /* Without sorting, a list or sorted set is read in its own order (from
     * the end for DESC), only the LIMIT range of it. */
    bool ranged = obj && obj->type != CACHE_TYPE_SET && dontsort;
    if (obj) {
        rc = load_items(&r, obj, ranged, o.desc, start, end - start + 1, &iv);
        if (rc != DD_OK)
            goto out;
    }
    if (ranged) {
        /* The range was read directly: the output is all of it. */
        end -= start;
        start = 0;
        if (end >= (long long)iv.n)
            end = (long long)iv.n - 1;
    }
    bool conversion_error = false;
    if (!dontsort) {
        struct sort_opts eff = o;
        eff.alpha = alpha;
        eff.by = by;
        rc = load_keys(&r, &eff, &iv);
        if (rc == DD_ERANGE)
            conversion_error = true;
        else if (rc != DD_OK)
            goto out;
        rc = DD_OK;
        struct sort_rules rules = { o.desc, alpha, by != NULL, o.store != NULL };
        if (by && (start != 0 || end != (long long)iv.n - 1))
            cache_sort_partial(iv.v, iv.n, sizeof(*iv.v), item_cmp, &rules, start, end);
        else if (iv.n > 1)
            qsort_r(iv.v, iv.n, sizeof(*iv.v), item_cmp, &rules);
    }
    long long outputlen = end - start + 1;
    if (outputlen < 0)
        outputlen = 0;
    if (o.ngets)
        outputlen *= (long long)o.ngets;
    if (conversion_error) {
        cache_reply_error(c, "ERR One or more scores can't be converted into double");
    } else if (!o.store) {
        cache_reply_array(c, (size_t)outputlen);
        for (long long j = start; j <= end; j++) {
            rc = emit_item(&r, &o, &iv.v[j], NULL);
            if (rc != DD_OK)
                goto out;
        }
    } else {
        rc = store_result(&r, &o, &iv, start, end, outputlen);
    }
out:
    free(o.gets);
    free(iv.v);
    arena_free(&r.arena);
    dd_buf_release(&r.key);
    return rc;
}

static int cache_cmd_sort(struct cache_client *c)
{
    return sort_generic(c, false);
}

static int cache_cmd_sort_ro(struct cache_client *c)
{
    return sort_generic(c, true);
}

/* ---- the table ---- */

/* Redis 7.0.15's COMMAND INFO / COMMAND DOCS for each row. */
const struct cache_command cache_cmds_sort[] = {
    { "sort", -2, CACHE_CMD_WRITE | CACHE_CMD_DENYOOM, cache_cmd_sort, 1, 1, 1, "generic", "1.0.0",
      "Sort the elements in a list, set or sorted set", "write set sortedset list slow dangerous",
      NULL },
    { "sort_ro", -2, CACHE_CMD_READONLY, cache_cmd_sort_ro, 1, 1, 1, "generic", "7.0.0",
      "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
      "read set sortedset list slow dangerous", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
