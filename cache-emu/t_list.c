/*
 * The list type (see t_list.h): a quicklist of packed chunks.
 *
 * Layout. A list is a doubly linked chain of nodes; a node is one allocation
 * holding a small header and a byte buffer `data[cap]` of which
 * data[start..end) is in use, packed with `count` entries back to back. Every
 * node in a list holds at least one entry (an emptied node is freed), so the
 * list's length is the sum of the counts and "the first element" is always at
 * head->start.
 *
 * Entry encoding, as Redis's listpack does it, so that a chunk can be walked
 * in both directions without an offset table:
 *
 *     [len: LEB128 varint][len bytes][backlen: reverse varint]
 *
 * `backlen` is the size of the first two parts, written so that it can be
 * decoded starting from its last byte (its 7-bit groups are stored most
 * significant first; every byte but the first carries the continuation bit).
 * A 3-byte element costs 5 bytes, as in Redis.
 *
 * Why free space at both ends of a chunk. Redis's listpack keeps its bytes at
 * the start of the block, so LPUSH memmoves the whole listpack (up to 8 KB)
 * on every push. Here a node keeps a gap at each end: LPUSH writes into the
 * head gap, RPUSH into the tail gap, LPOP/RPOP only move `start`/`end`. When
 * the gap on the side being written runs out, the node is re-laid out once:
 * in place when the total free space suffices, else into a buffer twice as
 * big (capped at the 8 KB chunk size), with three quarters of the spare room
 * put on the side that ran out. Either way the cost is amortised O(1) per
 * push, and a queue (LPUSH + RPOP) never moves bytes at all except when a
 * chunk grows.
 *
 * Chunk size: a node accepts a new entry while its used bytes stay within
 * 8 KB (list-max-listpack-size -2, Redis's default); an element too big for
 * that gets a node of its own. Deleting from the middle (LREM, LSET, LINSERT)
 * memmoves the shorter side of the node, and shrinks a node's buffer once it
 * is less than a quarter used, so trimmed lists give their memory back.
 */
#include "cache-emu/t_list.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* The most bytes of entries a node takes before a new node is started. */
#define NODE_MAX_BYTES 8192u
/* The smallest data buffer a node is given. */
#define NODE_MIN_CAP 32u
/* Largest element: its entry must fit a node's 32-bit offsets. */
#define ENTRY_MAX ((size_t)UINT32_MAX - 64)

struct cache_list_node {
    struct cache_list_node *prev; /* towards the head; NULL for the head */
    struct cache_list_node *next; /* towards the tail; NULL for the tail */
    uint32_t cap;                 /* bytes in data */
    uint32_t start;               /* first used byte of data */
    uint32_t end;                 /* one past the last used byte */
    uint32_t count;               /* entries in data[start..end), >= 1 */
    unsigned char data[];         /* the packed entries, with gaps at both ends */
};

struct cache_list {
    struct cache_list_node *head; /* first chunk, NULL when empty */
    struct cache_list_node *tail; /* last chunk */
    size_t len;                   /* elements */
};

/* ---- entry encoding ---- */

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 128) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t put_fwd(unsigned char *d, uint64_t v)
{
    size_t i = 0;
    while (v >= 128) {
        d[i++] = (unsigned char)((v & 127) | 128);
        v >>= 7;
    }
    d[i++] = (unsigned char)v;
    return i;
}

static uint64_t get_fwd(const unsigned char *d, size_t *used)
{
    uint64_t v = 0;
    unsigned shift = 0;
    size_t i = 0;
    for (;;) {
        unsigned char b = d[i++];
        v |= (uint64_t)(b & 127) << shift;
        if (!(b & 128))
            break;
        shift += 7;
    }
    *used = i;
    return v;
}

/* Writes v as a reverse varint of exactly n = varint_len(v) bytes at d. */
static void put_back(unsigned char *d, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char g = (unsigned char)(v & 127);
        v >>= 7;
        d[n - 1 - i] = (unsigned char)(g | (i + 1 < n ? 128 : 0));
    }
}

/* Decodes the reverse varint whose last byte is end[-1]. */
static uint64_t get_back(const unsigned char *end, size_t *used)
{
    uint64_t v = 0;
    unsigned shift = 0;
    size_t i = 0;
    for (;;) {
        unsigned char b = *(end - 1 - i);
        i++;
        v |= (uint64_t)(b & 127) << shift;
        if (!(b & 128))
            break;
        shift += 7;
    }
    *used = i;
    return v;
}

/* Encoded size of an element of n bytes. */
static size_t entry_size(size_t n)
{
    size_t front = varint_len(n) + n;
    return front + varint_len(front);
}

static void entry_write(unsigned char *d, const void *p, size_t n)
{
    size_t h = put_fwd(d, n);
    if (n)
        memcpy(d + h, p, n);
    put_back(d + h + n, h + n, varint_len(h + n));
}

/* The entry starting at data[off]: its bytes and its encoded size. */
static uint32_t entry_at(const struct cache_list_node *nd, uint32_t off, const char **p, size_t *n)
{
    size_t h;
    uint64_t len = get_fwd(nd->data + off, &h);
    *p = (const char *)nd->data + off + h;
    *n = (size_t)len;
    return (uint32_t)(h + len + varint_len(h + len));
}

/* Encoded size of the entry starting at data[off]. */
static uint32_t entry_size_at(const struct cache_list_node *nd, uint32_t off)
{
    const char *p;
    size_t n;
    return entry_at(nd, off, &p, &n);
}

/* Offset where the entry ending at data[end_off] starts. */
static uint32_t entry_start_before(const struct cache_list_node *nd, uint32_t end_off)
{
    size_t b;
    uint64_t front = get_back(nd->data + end_off, &b);
    return (uint32_t)(end_off - b - front);
}

/* ---- nodes ---- */

static uint32_t node_used(const struct cache_list_node *nd)
{
    return nd->end - nd->start;
}

/* Whether an entry of esz bytes may join nd without exceeding a chunk. */
static bool node_fits(const struct cache_list_node *nd, size_t esz)
{
    return (size_t)node_used(nd) + esz <= NODE_MAX_BYTES;
}

static struct cache_list_node *node_new(struct cache_keyspace *ks, size_t cap)
{
    if (cap < NODE_MIN_CAP)
        cap = NODE_MIN_CAP;
    struct cache_list_node *nd = cache_mem_alloc(ks, sizeof(*nd) + cap);
    if (!nd)
        return NULL;
    nd->prev = nd->next = NULL;
    nd->cap = (uint32_t)cap;
    nd->start = nd->end = 0;
    nd->count = 0;
    return nd;
}

/* Links nd into l after `after` (NULL: as the new head). */
static void node_link_after(struct cache_list *l, struct cache_list_node *after,
                            struct cache_list_node *nd)
{
    nd->prev = after;
    nd->next = after ? after->next : l->head;
    if (nd->next)
        nd->next->prev = nd;
    else
        l->tail = nd;
    if (after)
        after->next = nd;
    else
        l->head = nd;
}

static void node_unlink_free(struct cache_keyspace *ks, struct cache_list *l,
                             struct cache_list_node *nd)
{
    if (nd->prev)
        nd->prev->next = nd->next;
    else
        l->head = nd->next;
    if (nd->next)
        nd->next->prev = nd->prev;
    else
        l->tail = nd->prev;
    cache_mem_free(ks, nd);
}

/* Moves nd's entries into a new buffer of cap bytes at offset new_start and
 * puts the new node in nd's place. Returns it, or NULL (nd untouched). */
static struct cache_list_node *node_realloc(struct cache_keyspace *ks, struct cache_list *l,
                                            struct cache_list_node *nd, uint32_t cap,
                                            uint32_t new_start)
{
    uint32_t used = node_used(nd);
    assert((size_t)new_start + used <= cap);
    struct cache_list_node *nn = node_new(ks, cap);
    if (!nn)
        return NULL;
    memcpy(nn->data + new_start, nd->data + nd->start, used);
    nn->start = new_start;
    nn->end = new_start + used;
    nn->count = nd->count;
    nn->prev = nd->prev;
    nn->next = nd->next;
    if (nn->prev)
        nn->prev->next = nn;
    else
        l->head = nn;
    if (nn->next)
        nn->next->prev = nn;
    else
        l->tail = nn;
    cache_mem_free(ks, nd);
    return nn;
}

/* Opens a k-byte gap at boundary pos by sliding the shorter side of the node
 * into free room, when that room exists. */
static bool gap_cheap(struct cache_list_node *nd, uint32_t pos, uint32_t k, uint32_t *at)
{
    uint32_t front = pos - nd->start, back = nd->end - pos;
    uint32_t headroom = nd->start, tailroom = nd->cap - nd->end;
    if (headroom >= k && (tailroom < k || front <= back)) {
        memmove(nd->data + nd->start - k, nd->data + nd->start, front);
        nd->start -= k;
        *at = pos - k;
        return true;
    }
    if (tailroom >= k) {
        memmove(nd->data + pos + k, nd->data + pos, back);
        nd->end += k;
        *at = pos;
        return true;
    }
    return false;
}

/*
 * Makes k free bytes at boundary pos of *np (between two entries, or at
 * either end) and returns their offset in *at. The node may be re-laid out
 * or replaced by a bigger one (*np updated); see the essay at the top for
 * where the spare room goes. 0 or DD_ENOMEM (node unchanged).
 */
static int node_open_gap(struct cache_keyspace *ks, struct cache_list *l,
                         struct cache_list_node **np, uint32_t pos, uint32_t k, uint32_t *at)
{
    struct cache_list_node *nd = *np;
    if (gap_cheap(nd, pos, k, at))
        return DD_OK;
    uint32_t used = node_used(nd), front = pos - nd->start, back = nd->end - pos;
    size_t need = (size_t)used + k;
    size_t cap = nd->cap;
    if (need > cap) {
        cap *= 2;
        if (cap > NODE_MAX_BYTES)
            cap = NODE_MAX_BYTES;
        if (cap < need)
            cap = need;
    }
    uint32_t spare = (uint32_t)(cap - need);
    uint32_t lead;
    if (pos == nd->start)
        lead = spare - spare / 4;
    else if (pos == nd->end)
        lead = spare / 4;
    else
        lead = spare / 2;
    /* Place the data so that gap_cheap() then slides the shorter side. */
    uint32_t new_start = lead + (front <= back ? k : 0);
    pos = pos - nd->start + new_start;
    if (cap == nd->cap) {
        memmove(nd->data + new_start, nd->data + nd->start, used);
    } else {
        nd = node_realloc(ks, l, nd, (uint32_t)cap, new_start);
        if (!nd)
            return DD_ENOMEM;
        *np = nd;
    }
    nd->start = new_start;
    nd->end = new_start + used;
    bool ok = gap_cheap(nd, pos, k, at);
    assert(ok);
    (void)ok;
    return DD_OK;
}

/* Removes the esz-byte entry at off by sliding the shorter side over it;
 * returns the boundary where it was (in post-move offsets). */
static uint32_t node_cut(struct cache_list_node *nd, uint32_t off, uint32_t esz)
{
    uint32_t front = off - nd->start, back = nd->end - (off + esz);
    if (front < back) {
        memmove(nd->data + nd->start + esz, nd->data + nd->start, front);
        nd->start += esz;
        return off + esz;
    }
    memmove(nd->data + off, nd->data + off + esz, back);
    nd->end -= esz;
    return off;
}

/* Gives memory back when nd is under a quarter used; *pos (a boundary in nd)
 * follows the move. Best effort: on ENOMEM nd stays as it is. */
static struct cache_list_node *node_maybe_shrink(struct cache_keyspace *ks, struct cache_list *l,
                                                 struct cache_list_node *nd, uint32_t *pos)
{
    uint32_t used = node_used(nd);
    if (nd->cap <= 4 * NODE_MIN_CAP || (size_t)used * 4 >= nd->cap)
        return nd;
    uint32_t cap = used * 2;
    uint32_t new_start = (cap - used) / 2;
    uint32_t old_start = nd->start;
    struct cache_list_node *nn =
        node_realloc(ks, l, nd, cap < NODE_MIN_CAP ? NODE_MIN_CAP : cap, new_start);
    if (!nn)
        return nd;
    if (pos)
        *pos = *pos - old_start + new_start;
    return nn;
}

/* Locates the element at index (< l->len): its node and entry offset. */
static void locate(const struct cache_list *l, size_t index, struct cache_list_node **np,
                   uint32_t *off)
{
    struct cache_list_node *nd;
    size_t i;
    assert(index < l->len);
    if (index < l->len / 2) {
        nd = l->head;
        while (index >= nd->count) {
            index -= nd->count;
            nd = nd->next;
        }
        i = index;
    } else {
        size_t r = l->len - 1 - index;
        nd = l->tail;
        while (r >= nd->count) {
            r -= nd->count;
            nd = nd->prev;
        }
        i = nd->count - 1 - r;
    }
    uint32_t pos;
    if (i < nd->count / 2) {
        pos = nd->start;
        while (i--)
            pos += entry_size_at(nd, pos);
    } else {
        pos = nd->end;
        for (size_t k = nd->count - i; k > 0; k--)
            pos = entry_start_before(nd, pos);
    }
    *np = nd;
    *off = pos;
}

/*
 * Inserts an element at boundary pos of *np. When the node is full the
 * element goes to the neighbour on that side if it has room, else into a new
 * node; in the middle of a full node, the node is split at pos first. On 0,
 * *np and *at say where the new entry is. DD_ENOMEM leaves the elements as
 * they were (a split may have happened).
 */
static int insert_at(struct cache_keyspace *ks, struct cache_list *l, struct cache_list_node **np,
                     uint32_t pos, const void *p, size_t n, uint32_t *at)
{
    size_t esz = entry_size(n);
    struct cache_list_node *nd = *np;
    if (node_fits(nd, esz)) {
        int rc = node_open_gap(ks, l, &nd, pos, (uint32_t)esz, at);
        if (rc)
            return rc;
    } else if (pos == nd->start || pos == nd->end) {
        bool before = pos == nd->start;
        struct cache_list_node *nb = before ? nd->prev : nd->next;
        if (nb && node_fits(nb, esz)) {
            int rc = node_open_gap(ks, l, &nb, before ? nb->end : nb->start, (uint32_t)esz, at);
            if (rc)
                return rc;
        } else {
            nb = node_new(ks, esz);
            if (!nb)
                return DD_ENOMEM;
            node_link_after(l, before ? nd->prev : nd, nb);
            nb->start = 0;
            nb->end = (uint32_t)esz;
            *at = 0;
        }
        nd = nb;
    } else {
        /* Split: the entries from pos on move to a new node after nd. */
        uint32_t rbytes = nd->end - pos, rcount = 0;
        for (uint32_t o = pos; o < nd->end; o += entry_size_at(nd, o))
            rcount++;
        struct cache_list_node *right = node_new(ks, rbytes);
        if (!right)
            return DD_ENOMEM;
        memcpy(right->data, nd->data + pos, rbytes);
        right->start = 0;
        right->end = rbytes;
        right->count = rcount;
        nd->end = pos;
        nd->count -= rcount;
        node_link_after(l, nd, right);
        *np = nd;
        return insert_at(ks, l, np, nd->end, p, n, at);
    }
    entry_write(nd->data + *at, p, n);
    nd->count++;
    l->len++;
    *np = nd;
    return DD_OK;
}

/* ---- the public API ---- */

struct cache_list *cache_list_new(struct cache_keyspace *ks)
{
    struct cache_list *l = cache_mem_alloc(ks, sizeof(*l));
    if (!l)
        return NULL;
    l->head = l->tail = NULL;
    l->len = 0;
    return l;
}

struct cache_obj *cache_list_obj_new(struct cache_keyspace *ks)
{
    struct cache_list *l = cache_list_new(ks);
    if (!l)
        return NULL;
    struct cache_obj *o = cache_obj_new(ks, CACHE_TYPE_LIST, l, cache_list_free);
    if (!o)
        cache_list_free(ks, l);
    return o;
}

void cache_list_free(struct cache_keyspace *ks, void *payload)
{
    struct cache_list *l = payload;
    if (!l)
        return;
    struct cache_list_node *nd = l->head;
    while (nd) {
        struct cache_list_node *next = nd->next;
        cache_mem_free(ks, nd);
        nd = next;
    }
    cache_mem_free(ks, l);
}

void *cache_list_dup(struct cache_keyspace *ks, const void *payload)
{
    const struct cache_list *src = payload;
    struct cache_list *l = cache_list_new(ks);
    if (!l)
        return NULL;
    for (const struct cache_list_node *nd = src->head; nd; nd = nd->next) {
        uint32_t used = node_used(nd);
        struct cache_list_node *nn = node_new(ks, used);
        if (!nn) {
            cache_list_free(ks, l);
            return NULL;
        }
        memcpy(nn->data, nd->data + nd->start, used);
        nn->start = 0;
        nn->end = used;
        nn->count = nd->count;
        node_link_after(l, l->tail, nn);
    }
    l->len = src->len;
    return l;
}

const char *cache_list_encoding(const void *payload)
{
    (void)payload;
    return "quicklist";
}

size_t cache_list_len(const void *payload)
{
    return ((const struct cache_list *)payload)->len;
}

int cache_list_push(struct cache_keyspace *ks, struct cache_list *l, enum cache_list_where where,
                    const void *p, size_t n)
{
    if (n > ENTRY_MAX)
        return DD_ERANGE;
    size_t esz = entry_size(n);
    bool head = where == CACHE_LIST_HEAD;
    struct cache_list_node *nd = head ? l->head : l->tail;
    uint32_t at;
    if (nd && node_fits(nd, esz)) {
        int rc = node_open_gap(ks, l, &nd, head ? nd->start : nd->end, (uint32_t)esz, &at);
        if (rc)
            return rc;
    } else {
        nd = node_new(ks, esz);
        if (!nd)
            return DD_ENOMEM;
        /* Leave the new node's spare room on the side pushes come from. */
        at = head ? nd->cap - (uint32_t)esz : 0;
        nd->start = at;
        nd->end = at + (uint32_t)esz;
        node_link_after(l, head ? NULL : l->tail, nd);
    }
    entry_write(nd->data + at, p, n);
    nd->count++;
    l->len++;
    return DD_OK;
}

int cache_list_peek(const struct cache_list *l, enum cache_list_where where, const char **p,
                    size_t *n)
{
    if (!l->len)
        return DD_ENOENT;
    if (where == CACHE_LIST_HEAD)
        entry_at(l->head, l->head->start, p, n);
    else
        entry_at(l->tail, entry_start_before(l->tail, l->tail->end), p, n);
    return DD_OK;
}

int cache_list_pop(struct cache_keyspace *ks, struct cache_list *l, enum cache_list_where where)
{
    if (!l->len)
        return DD_ENOENT;
    struct cache_list_node *nd;
    if (where == CACHE_LIST_HEAD) {
        nd = l->head;
        nd->start += entry_size_at(nd, nd->start);
    } else {
        nd = l->tail;
        nd->end = entry_start_before(nd, nd->end);
    }
    nd->count--;
    l->len--;
    if (!nd->count)
        node_unlink_free(ks, l, nd);
    else
        node_maybe_shrink(ks, l, nd, NULL);
    return DD_OK;
}

int cache_list_move(struct cache_keyspace *ks, struct cache_list *src, enum cache_list_where from,
                    struct cache_list *dst, enum cache_list_where to)
{
    const char *p;
    size_t n;
    if (cache_list_peek(src, from, &p, &n))
        return DD_ENOENT;
    if (src != dst) {
        int rc = cache_list_push(ks, dst, to, p, n);
        if (rc)
            return rc;
        return cache_list_pop(ks, src, from);
    }
    if (from == to)
        return DD_OK; /* popped and pushed back at the same end */
    /* A rotation: the element's bytes live in the list being changed, so
     * they are copied out first (request-scoped, not keyspace memory). */
    char small[256];
    char *tmp = n <= sizeof(small) ? small : malloc(n);
    if (!tmp)
        return DD_ENOMEM;
    memcpy(tmp, p, n);
    int rc = cache_list_push(ks, dst, to, tmp, n);
    if (!rc) {
        /* The pushed copy is at the other end, so `from` still holds the
         * original (a one-element list now has two). */
        rc = cache_list_pop(ks, src, from);
    }
    if (tmp != small)
        free(tmp);
    return rc;
}

/* Turns a Redis index (negative from the tail) into a 0-based one. */
static bool norm_index(const struct cache_list *l, long long index, size_t *out)
{
    if (index < 0) {
        if ((unsigned long long)(-(index + 1)) >= l->len)
            return false;
        *out = l->len - (size_t)(-(index + 1)) - 1;
        return true;
    }
    if ((unsigned long long)index >= l->len)
        return false;
    *out = (size_t)index;
    return true;
}

int cache_list_index(const struct cache_list *l, long long index, const char **p, size_t *n)
{
    size_t i;
    if (!norm_index(l, index, &i))
        return DD_ERANGE;
    struct cache_list_node *nd;
    uint32_t off;
    locate(l, i, &nd, &off);
    entry_at(nd, off, p, n);
    return DD_OK;
}

/* Deletes the entry that ends at boundary pos of nd (it may be the last
 * entry of nd->prev when pos is nd's start). */
static void delete_before(struct cache_keyspace *ks, struct cache_list *l,
                          struct cache_list_node *nd, uint32_t pos)
{
    if (pos == nd->start) {
        nd = nd->prev;
        pos = nd->end;
    }
    uint32_t off = entry_start_before(nd, pos);
    node_cut(nd, off, pos - off);
    nd->count--;
    l->len--;
    if (!nd->count)
        node_unlink_free(ks, l, nd);
    else
        node_maybe_shrink(ks, l, nd, NULL);
}

int cache_list_set(struct cache_keyspace *ks, struct cache_list *l, long long index, const void *p,
                   size_t n)
{
    size_t i;
    if (!norm_index(l, index, &i))
        return DD_ERANGE;
    if (n > ENTRY_MAX)
        return DD_ERANGE;
    struct cache_list_node *nd;
    uint32_t off;
    locate(l, i, &nd, &off);
    uint32_t old = entry_size_at(nd, off);
    if (old == entry_size(n)) {
        entry_write(nd->data + off, p, n);
        return DD_OK;
    }
    /* Insert the new value after the old one, then delete the old one: the
     * list is unchanged if the insert fails. */
    uint32_t at;
    int rc = insert_at(ks, l, &nd, off + old, p, n, &at);
    if (rc)
        return rc;
    delete_before(ks, l, nd, at);
    return DD_OK;
}

int cache_list_insert(struct cache_keyspace *ks, struct cache_list *l, const void *pivot,
                      size_t plen, bool after, const void *p, size_t n)
{
    if (n > ENTRY_MAX)
        return DD_ERANGE;
    struct cache_list_iter it;
    cache_list_iter_init(&it, l, 0, true);
    const char *e;
    size_t elen;
    while (cache_list_iter_next(&it, &e, &elen)) {
        if (elen == plen && memcmp(e, pivot, plen) == 0) {
            uint32_t at;
            struct cache_list_node *nd = it.node;
            return insert_at(ks, l, &nd, after ? it.pos : it.pos - it.last, p, n, &at);
        }
    }
    return DD_ENOENT;
}

size_t cache_list_remove(struct cache_keyspace *ks, struct cache_list *l, const void *p, size_t n,
                         size_t count, bool from_tail)
{
    size_t removed = 0;
    if (!l->len)
        return 0;
    struct cache_list_iter it;
    cache_list_iter_init(&it, l, from_tail ? l->len - 1 : 0, !from_tail);
    const char *e;
    size_t elen;
    while (cache_list_iter_next(&it, &e, &elen)) {
        if (elen == n && memcmp(e, p, n) == 0) {
            cache_list_iter_delete(ks, &it);
            removed++;
            if (count && removed == count)
                break;
        }
    }
    return removed;
}

void cache_list_trim(struct cache_keyspace *ks, struct cache_list *l, size_t nhead, size_t ntail)
{
    if (nhead >= l->len || ntail >= l->len - nhead) {
        while (l->head)
            node_unlink_free(ks, l, l->head);
        l->len = 0;
        return;
    }
    while (nhead) {
        struct cache_list_node *nd = l->head;
        if (nd->count <= nhead) {
            nhead -= nd->count;
            l->len -= nd->count;
            node_unlink_free(ks, l, nd);
            continue;
        }
        uint32_t pos = nd->start;
        for (size_t i = 0; i < nhead; i++)
            pos += entry_size_at(nd, pos);
        nd->start = pos;
        nd->count -= (uint32_t)nhead;
        l->len -= nhead;
        nhead = 0;
        node_maybe_shrink(ks, l, nd, NULL);
    }
    while (ntail) {
        struct cache_list_node *nd = l->tail;
        if (nd->count <= ntail) {
            ntail -= nd->count;
            l->len -= nd->count;
            node_unlink_free(ks, l, nd);
            continue;
        }
        uint32_t pos = nd->end;
        for (size_t i = 0; i < ntail; i++)
            pos = entry_start_before(nd, pos);
        nd->end = pos;
        nd->count -= (uint32_t)ntail;
        l->len -= ntail;
        ntail = 0;
        node_maybe_shrink(ks, l, nd, NULL);
    }
}

/* ---- iteration ---- */

void cache_list_iter_init(struct cache_list_iter *it, struct cache_list *l, size_t index,
                          bool forward)
{
    it->l = l;
    it->forward = forward;
    it->last = 0;
    it->node = NULL;
    it->pos = 0;
    if (index >= l->len)
        return;
    uint32_t off;
    locate(l, index, &it->node, &off);
    it->pos = forward ? off : off + entry_size_at(it->node, off);
}

bool cache_list_iter_next(struct cache_list_iter *it, const char **p, size_t *n)
{
    struct cache_list_node *nd = it->node;
    if (!nd)
        return false;
    if (it->forward) {
        if (it->pos == nd->end) {
            nd = it->node = nd->next;
            if (!nd)
                return false;
            it->pos = nd->start;
        }
        it->last = entry_at(nd, it->pos, p, n);
        it->pos += it->last;
    } else {
        if (it->pos == nd->start) {
            nd = it->node = nd->prev;
            if (!nd)
                return false;
            it->pos = nd->end;
        }
        uint32_t off = entry_start_before(nd, it->pos);
        it->last = entry_at(nd, off, p, n);
        it->pos = off;
    }
    return true;
}

void cache_list_iter_delete(struct cache_keyspace *ks, struct cache_list_iter *it)
{
    struct cache_list_node *nd = it->node;
    struct cache_list *l = it->l;
    assert(nd && it->last);
    uint32_t off = it->forward ? it->pos - it->last : it->pos;
    uint32_t b = node_cut(nd, off, it->last);
    it->last = 0;
    nd->count--;
    l->len--;
    if (!nd->count) {
        struct cache_list_node *next = it->forward ? nd->next : nd->prev;
        node_unlink_free(ks, l, nd);
        it->node = next;
        it->pos = next ? (it->forward ? next->start : next->end) : 0;
        return;
    }
    it->pos = b;
    it->node = node_maybe_shrink(ks, l, nd, &it->pos);
}

bool cache_list_valid(const struct cache_list *l)
{
    size_t total = 0;
    const struct cache_list_node *prev = NULL;
    for (const struct cache_list_node *nd = l->head; nd; nd = nd->next) {
        if (nd->prev != prev || !nd->count || nd->start > nd->end || nd->end > nd->cap)
            return false;
        uint32_t pos = nd->start, n = 0;
        while (pos < nd->end) {
            uint32_t esz = entry_size_at(nd, pos);
            if (entry_start_before(nd, pos + esz) != pos)
                return false;
            pos += esz;
            n++;
        }
        if (pos != nd->end || n != nd->count)
            return false;
        total += n;
        prev = nd;
    }
    return prev == l->tail && total == l->len;
}
