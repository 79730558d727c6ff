/*
 * Redis's HyperLogLog (hyperloglog.c) as cmd_hll.c implements it, exposed
 * for the unit tests: the hash, the dense and sparse register encodings
 * and the cardinality estimate. An HLL is an ordinary string value whose
 * bytes are Redis's exact representation, so GET, DUMP-free copies and
 * PFCOUNT all agree with a real Redis byte for byte. The command table is
 * declared in command.h.
 *
 * Layout: a 16-byte header ("HYLL", encoding byte 0 dense / 1 sparse, three
 * zero bytes, the cached cardinality as 8 little-endian bytes whose top bit
 * marks it stale), then either 16384 6-bit registers packed LSB first
 * (12288 bytes) or the sparse opcodes ZERO (00xxxxxx: 1-64 zero registers),
 * XZERO (01xxxxxx yyyyyyyy: 1-16384 zero registers) and VAL (1vvvvvxx:
 * 1-4 registers of value 1-32).
 */
#ifndef CACHE_CMD_HLL_H
#define CACHE_CMD_HLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_HLL_P          14
#define CACHE_HLL_REGISTERS  (1 << CACHE_HLL_P) /* 16384 */
#define CACHE_HLL_HDR_SIZE   16
#define CACHE_HLL_DENSE_SIZE (CACHE_HLL_HDR_SIZE + (CACHE_HLL_REGISTERS * 6 + 7) / 8)
#define CACHE_HLL_DENSE      0
#define CACHE_HLL_SPARSE     1

/* MurmurHash64A as Redis has it (endian-neutral). key borrowed. */
uint64_t cache_hll_murmur64a(const void *key, size_t len, uint32_t seed);
/* hllPatLen(): the register an element hashes to (*index) and the length of
 * its 000..1 pattern (the value the register is raised to, 1..51). */
int cache_hll_pat_len(const void *ele, size_t len, long *index);

/* An HLL being changed: a private, growable copy of the string's bytes. */
struct cache_hll {
    unsigned char *p;  /* len bytes (malloc'd, owned) */
    size_t len, cap;   /* bytes used, allocated */
    size_t sparse_max; /* hll-sparse-max-bytes: a longer sparse form goes dense */
};

/* A new empty HLL (sparse: one XZERO of 16384). 0 or DD_ENOMEM. */
int cache_hll_init_empty(struct cache_hll *h, size_t sparse_max);
/* A copy of bytes[0..len) (borrowed) to work on. 0 or DD_ENOMEM. */
int cache_hll_init_copy(struct cache_hll *h, const void *bytes, size_t len, size_t sparse_max);
/* Frees h's bytes; safe on a zeroed struct. */
void cache_hll_release(struct cache_hll *h);

/* isHLLObjectOrReply()'s checks: at least a header, the magic, a known
 * encoding, and the exact size when dense. bytes borrowed. */
bool cache_hll_is_valid(const void *bytes, size_t len);

/* PFADD of one element: 1 when a register grew, 0 when not, DD_EINVAL when
 * the sparse form is corrupt (h may be partly changed, as in Redis),
 * DD_ENOMEM. The cached cardinality is not touched (callers invalidate). */
int cache_hll_add(struct cache_hll *h, const void *ele, size_t len);
/* Raises register index to count if lower: 1, 0, DD_EINVAL, DD_ENOMEM. A
 * sparse HLL goes dense when count > 32 or when the sparse form would
 * exceed sparse_max bytes. */
int cache_hll_set(struct cache_hll *h, long index, uint8_t count);
/* Converts a sparse h to dense (no-op when dense). 0, DD_EINVAL, DD_ENOMEM. */
int cache_hll_to_dense(struct cache_hll *h);
/* Marks the cached cardinality stale. */
void cache_hll_invalidate(struct cache_hll *h);

/* max[i] = MAX(max[i], register i of the HLL in bytes[0..len)), for the 16384
 * registers. 0, or DD_EINVAL for a corrupt sparse form. */
int cache_hll_merge(uint8_t *max, const void *bytes, size_t len);
/* The estimate (Ertl's improved estimator, as Redis 5+) of the HLL in
 * bytes[0..len); *invalid is set when a sparse form is corrupt. */
uint64_t cache_hll_count(const void *bytes, size_t len, bool *invalid);
/* The same over 16384 one-byte registers (PFCOUNT of several keys). */
uint64_t cache_hll_count_raw(const uint8_t *regs);

#endif
