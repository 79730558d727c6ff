/*
 * The keyspace: cache-emu's numbered databases, each a hash table from a
 * binary-safe key to a typed value object, plus the per-database expires
 * table that expire.c manages.
 *
 * This is the engine layer (design.md): no I/O and no clock. Every call that
 * may meet an expired key takes the current time in milliseconds, so tests
 * drive it with a fake clock and the server passes its cached mstime.
 *
 * Memory: every byte the keyspace allocates goes through cache_mem_alloc(),
 * which counts malloc_usable_size() of each block, the way Redis's zmalloc
 * counts used_memory. Type modules (hash, list, set, zset) must allocate
 * their payloads the same way so that eviction sees an honest number.
 *
 * Pointers to keys handed out (random key, SCAN callbacks, listener) point
 * into the table and are valid only until the next call that changes it.
 */
#ifndef CACHE_DB_H
#define CACHE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_DB_DEFAULT_COUNT 16

struct cache_keyspace;
struct cache_db;

/* The value types Redis has; each non-string type lives in its t_<type>.c. */
enum cache_type {
    CACHE_TYPE_STRING = 0,
    CACHE_TYPE_LIST,
    CACHE_TYPE_SET,
    CACHE_TYPE_ZSET,
    CACHE_TYPE_HASH,
};

/* Releases a type's payload; must return its memory through cache_mem_free(). */
typedef void (*cache_obj_free_fn)(struct cache_keyspace *ks, void *ptr);

/* A value. Owned by the keyspace once stored under a key; the db may keep it
 * inside the key's own entry, so a stored object's address is only stable
 * until the next change to its database. (In fact db.c moves an entry only
 * when its own key is overwritten, renamed or deleted; resizes never move it.)
 *
 * Plain strings of up to CACHE_DB_INLINE_MAX bytes (from cache_obj_new_string,
 * cache_db_set_string, or any string object whose free is NULL) are copied
 * into the key's entry when stored: one block per key. A string object with
 * a free function of its own (a type module's block) is stored as it is.
 * free == NULL means ptr is not a block of its own: such bytes may be
 * overwritten in place at the same length but never resized or freed; to
 * change the length, store a new value, or give the object a payload of its
 * own (set ptr, len and free together). */
struct cache_obj {
    enum cache_type type;   /* which of Redis's types the payload is */
    uint32_t lru;           /* LRU: access time in s (24 bits); LFU: minutes<<8 | log counter */
    void *ptr;              /* payload; for strings the bytes, allocated by cache_mem_alloc */
    size_t len;             /* payload length for strings; type-defined otherwise */
    cache_obj_free_fn free; /* frees ptr; NULL when ptr needs no freeing */
};

/* Why the listener is being told about a key. */
enum cache_key_event {
    CACHE_KEY_EXPIRED,     /* removed because its TTL passed (lazy or active) */
    CACHE_KEY_DELETED,     /* removed by DEL, RENAME's source, FLUSH, ... */
    CACHE_KEY_OVERWRITTEN, /* its value was replaced by cache_db_set / RENAME's target */
    CACHE_KEY_EVICTED,     /* removed by maxmemory eviction (evict.c) */
    CACHE_KEY_SWAPPED,     /* SWAPDB: the database's contents are about to be exchanged */
};

/* Called while the key still exists (key/klen point into the table); must not
 * change the keyspace. ctx is the caller's, passed back unchanged. */
typedef void (*cache_key_listener_fn)(void *ctx, struct cache_db *db, const void *key, size_t klen,
                                      enum cache_key_event ev);

/* Counters INFO stats reports. */
struct cache_keyspace_stats {
    uint64_t expired_keys; /* keys removed because their TTL passed */
    uint64_t evicted_keys; /* keys removed by maxmemory eviction */
};

/* A keyspace of ndb databases (CACHE_DB_DEFAULT_COUNT when ndb <= 0); seed
 * makes hashing and random picks reproducible. Caller owns the result, frees
 * it with cache_keyspace_free(). NULL when out of memory. */
struct cache_keyspace *cache_keyspace_new(int ndb, uint64_t seed);
/* Frees ks and every key and value in it; NULL is a no-op. Listener not called. */
void cache_keyspace_free(struct cache_keyspace *ks);
/* Database idx (0-based), or NULL when out of range. Borrowed from ks. */
struct cache_db *cache_keyspace_db(struct cache_keyspace *ks, int idx);
int cache_keyspace_db_count(const struct cache_keyspace *ks);
/* Installs (or with fn NULL removes) the key listener; ctx is borrowed. */
void cache_keyspace_set_listener(struct cache_keyspace *ks, cache_key_listener_fn fn, void *ctx);
/* The counters; borrowed from ks, the caller may reset them (CONFIG RESETSTAT). */
struct cache_keyspace_stats *cache_keyspace_stats(struct cache_keyspace *ks);
/* Empties every database (FLUSHALL SYNC); the listener hears each key as DELETED. */
void cache_keyspace_flushall(struct cache_keyspace *ks);
/* Incremental rehash for the server's cron (Redis's incrementallyRehash):
 * moves buckets of resizing tables, and starts shrinking sparse ones, for
 * about budget_us of CPU time (at least one batch of 100 buckets, so 0 means
 * one batch). True when some table is still rehashing. Every
 * keyspace operation also moves a bucket, so this only speeds things up. */
bool cache_keyspace_rehash_step(struct cache_keyspace *ks, int64_t budget_us);
/* How lookups age objects: LRU (default) stamps the access second; LFU keeps
 * Redis's 8-bit logarithmic counter (lfu-log-factor, lfu-decay-time in minutes)
 * in obj->lru. Switching resets nothing; objects are re-stamped as touched. */
void cache_keyspace_set_lfu(struct cache_keyspace *ks, bool lfu, int log_factor, int decay_minutes);

/* used_memory: the sum of malloc_usable_size() of every live keyspace block. */
size_t cache_db_used_memory(const struct cache_keyspace *ks);
/* Counted allocation; NULL when out of memory. Free with cache_mem_free(). */
void *cache_mem_alloc(struct cache_keyspace *ks, size_t n);
/* Frees p (from cache_mem_alloc on the same ks); NULL is a no-op. */
void cache_mem_free(struct cache_keyspace *ks, void *p);
/* Counted realloc of p (NULL: alloc). NULL when out of memory, p then intact
 * and still the caller's; otherwise p is gone and the result is. */
void *cache_mem_realloc(struct cache_keyspace *ks, void *p, size_t n);
/* Test hook (fault injection): the n-th counted allocation from now fails,
 * then allocation works again; 0 disarms. */
void cache_mem_fail_after(struct cache_keyspace *ks, unsigned n);

/* Strings up to this many bytes are stored inside their key's entry. */
#define CACHE_DB_INLINE_MAX 128

/* A new string object holding a copy of data[0..len); caller owns it until
 * it is stored. NULL when out of memory. */
struct cache_obj *cache_obj_new_string(struct cache_keyspace *ks, const void *data, size_t len);
/* A new object of a container type around payload ptr (owned by the object
 * from now on, released with free_fn); caller owns the object until it is
 * stored. NULL when out of memory (ptr then still belongs to the caller). */
struct cache_obj *cache_obj_new(struct cache_keyspace *ks, enum cache_type type, void *ptr,
                                cache_obj_free_fn free_fn);
/* OBJECT IDLETIME: ms since obj was last touched (LRU mode), at now_ms. */
int64_t cache_obj_idle_ms(const struct cache_keyspace *ks, const struct cache_obj *obj,
                          int64_t now_ms);
/* OBJECT FREQ: the LFU counter after decay to now_ms (LFU mode). */
unsigned cache_obj_lfu_freq(const struct cache_keyspace *ks, const struct cache_obj *obj,
                            int64_t now_ms);
/* Frees obj and its payload; NULL is a no-op. Only for objects not stored. */
void cache_obj_free(struct cache_keyspace *ks, struct cache_obj *obj);

/* The keyspace this database belongs to (borrowed) and its index. */
struct cache_keyspace *cache_db_keyspace(struct cache_db *db);
int cache_db_id(const struct cache_db *db);

/* The value under key, or NULL. An expired key is deleted first (lazy expiry,
 * counted in expired_keys, listener told EXPIRED) and reported as missing.
 * The object's access stamp is updated (LRU/LFU). The result is borrowed from
 * db and valid until the next change to db. */
struct cache_obj *cache_db_lookup(struct cache_db *db, const void *key, size_t klen,
                                  int64_t now_ms);
/* cache_db_lookup() flags. */
#define CACHE_LOOKUP_NOTOUCH 0x1 /* leave the access stamp alone (OBJECT, TYPE-like reads) */
struct cache_obj *cache_db_lookup_flags(struct cache_db *db, const void *key, size_t klen,
                                        int64_t now_ms, unsigned flags);
/* Stores obj under a key that must not exist (an expired one is reclaimed
 * first). On 0 db owns obj and *stored (when not NULL) receives the object as
 * stored, which may be a different address than obj: obj must not be used
 * again. On DD_EEXIST / DD_ENOMEM the caller still owns obj. */
int cache_db_add(struct cache_db *db, const void *key, size_t klen, struct cache_obj *obj,
                 int64_t now_ms, struct cache_obj **stored);
/* Stores obj under key, adding or replacing (the old value is freed and the
 * listener told OVERWRITTEN). The TTL is kept when keep_ttl, else removed, as
 * SET vs SET KEEPTTL. Ownership and *stored as for cache_db_add(). */
int cache_db_set(struct cache_db *db, const void *key, size_t klen, struct cache_obj *obj,
                 bool keep_ttl, int64_t now_ms, struct cache_obj **stored);
/* cache_db_set() of a string value copied from val[0..vlen) (borrowed; it may
 * be the key's current bytes). Short strings go straight into the entry with
 * no object allocated: the fast path for SET. 0 or DD_ENOMEM. */
int cache_db_set_string(struct cache_db *db, const void *key, size_t klen, const void *val,
                        size_t vlen, bool keep_ttl, int64_t now_ms, struct cache_obj **stored);
/* Removes key and its TTL: 0, or DD_ENOENT when absent or already expired. */
int cache_db_delete(struct cache_db *db, const void *key, size_t klen, int64_t now_ms);
/* Keys stored, including expired ones not yet reclaimed (as DBSIZE counts). */
size_t cache_db_count(const struct cache_db *db);
/* Keys that carry a TTL. */
size_t cache_db_expires_count(const struct cache_db *db);
/* A random live key: 0 with *key and *klen set (borrowed, valid until the next
 * change), DD_ENOENT when the database has none. Expired keys met on the way
 * are reclaimed, as RANDOMKEY does. */
int cache_db_random_key(struct cache_db *db, int64_t now_ms, const void **key, size_t *klen);
/* RENAME / RENAMENX: moves src's value and TTL to dst, replacing dst unless
 * nx. 0, DD_ENOENT (no src), DD_EEXIST (nx and dst exists), DD_ENOMEM. */
int cache_db_rename(struct cache_db *db, const void *src, size_t slen, const void *dst, size_t dlen,
                    bool nx, int64_t now_ms);
/* Empties this database (FLUSHDB SYNC); the listener hears each key as DELETED. */
void cache_db_flush(struct cache_db *db);

/* MOVE: moves key's entry from src to dst whole (value not copied, TTL and
 * LRU/LFU stamp kept). Both are looked up with lazy expiry at now_ms. The
 * listener hears the key DELETED in src before it leaves. 0, DD_ENOENT (no
 * live key in src), DD_EEXIST (a live key of that name in dst), DD_EINVAL
 * (src == dst or different keyspaces), DD_ENOMEM (nothing changed). */
int cache_db_move(struct cache_db *src, struct cache_db *dst, const void *key, size_t klen,
                  int64_t now_ms);
/*
 * SWAPDB: exchanges the contents (keys, TTLs, expiry cursor) of databases a
 * and b. The struct cache_db of each index stays where it is, so a client
 * that SELECTed index a sees b's former keys, as in Redis. Before the swap
 * the listener hears CACHE_KEY_SWAPPED for every key of either database
 * (expired ones not yet reclaimed included), once in a and once in b; a key
 * told in a database may live only in the other one (it exists in the
 * keyspace for the duration of the call). That is Redis's
 * touchAllWatchedKeysInDb() for both: a WATCH on a key of a or b that
 * exists in either is touched. 0, or DD_EINVAL (index out of range).
 */
int cache_keyspace_swapdb(struct cache_keyspace *ks, int a, int b);

/* Eviction sampling (Redis's dictGetSomeKeys): calls fn for up to n keys
 * picked at random from the keys table, or from the keys with a TTL when
 * volatile_only; returns how many were visited. Keys and objects borrowed;
 * fn must not change the keyspace. when_ms is the TTL, -1 when none. */
typedef void (*cache_sample_fn)(void *ctx, const void *key, size_t klen, struct cache_obj *obj,
                                int64_t when_ms);
size_t cache_db_sample(struct cache_db *db, bool volatile_only, size_t n, cache_sample_fn fn,
                       void *ctx);
/* Removes key as evicted: counted in evicted_keys, listener told EVICTED.
 * 0, or DD_ENOENT when absent. */
int cache_db_evict_key(struct cache_db *db, const void *key, size_t klen);

/* SCAN callback: key is borrowed; obj borrowed; must not change the keyspace. */
typedef void (*cache_scan_fn)(void *ctx, const void *key, size_t klen, struct cache_obj *obj);
/* One SCAN step from cursor: calls fn for the keys of whole buckets until at
 * least count keys were seen (count 0 means 10) or the iteration ended, and
 * returns the next cursor (0 when the iteration is complete). Keys already
 * expired at now_ms are skipped. Guarantee: a key present from the call with
 * cursor 0 to the call returning 0 is reported at least once, whatever the
 * table did in between; keys may be reported more than once. */
uint64_t cache_db_scan(struct cache_db *db, uint64_t cursor, size_t count, int64_t now_ms,
                       cache_scan_fn fn, void *ctx);

/* Redis's glob (stringmatchlen): * ? [abc] [^a] [a-z] and \ escapes, binary
 * safe, optionally case-insensitive. True when str matches the whole pattern. */
bool cache_glob_match(const char *pat, size_t plen, const char *str, size_t slen, bool nocase);

/* Primitives over the TTLs, for expire.c (and evict.c's volatile check) only. */
/* The stored expire time of key, or NULL; borrowed, valid until the next change. */
int64_t *cache_db_ttl_slot(struct cache_db *db, const void *key, size_t klen);
/* Sets key's TTL; 0, DD_ENOENT when key is not in the keyspace, DD_ENOMEM. */
int cache_db_ttl_put(struct cache_db *db, const void *key, size_t klen, int64_t when_ms);
/* Drops key's TTL: 0, or DD_ENOENT when it had none. */
int cache_db_ttl_del(struct cache_db *db, const void *key, size_t klen);
/* Removes key as expired: counted in expired_keys, listener told EXPIRED. */
void cache_db_expire_key(struct cache_db *db, const void *key, size_t klen);
/* Visits one slot of the TTL array at the db's own expiry cursor (slots in
 * bit-reversed order; a slot past the volatile keys is an empty visit),
 * expiring the key if due at now_ms; adds to *sampled and *expired and
 * returns true when the walk wrapped around to the start. */
bool cache_db_ttl_step(struct cache_db *db, int64_t now_ms, size_t *sampled, size_t *expired);

#endif
