/*
 * The tunables the data types read: Redis's encoding thresholds. The server
 * owns one struct (CONFIG SET writes it) and hands it to the type modules,
 * which use it to decide when a small encoding converts to the big one, so
 * that OBJECT ENCODING and the reply order of small collections match Redis.
 */
#ifndef CACHE_SETTINGS_H
#define CACHE_SETTINGS_H

/* Redis 7.0 defaults of the parameters with the same names. */
struct cache_settings {
    long long hash_max_listpack_entries; /* hash-max-listpack-entries, 512 */
    long long hash_max_listpack_value;   /* hash-max-listpack-value, 64 */
    long long set_max_intset_entries;    /* set-max-intset-entries, 512 */
    long long zset_max_listpack_entries; /* zset-max-listpack-entries, 128 */
    long long zset_max_listpack_value;   /* zset-max-listpack-value, 64 */
    long long list_max_listpack_size;    /* list-max-listpack-size, -2 */
    long long list_compress_depth;       /* list-compress-depth, 0 */
};

#define CACHE_SETTINGS_DEFAULTS      \
    {                                \
        512, 64, 512, 128, 64, -2, 0 \
    }

#endif
