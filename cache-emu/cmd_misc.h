/*
 * The logic of cmd_misc.c that deserves tests of its own: LCS, the longest
 * common subsequence of two strings with the match ranges Redis's LCS IDX
 * reports. The command table itself is declared in command.h.
 */
#ifndef CACHE_CMD_MISC_H
#define CACHE_CMD_MISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One run of bytes common to both strings, inclusive at both ends. */
struct cache_lcs_range {
    uint32_t a_start, a_end; /* in the first string */
    uint32_t b_start, b_end; /* in the second string */
};

/* What cache_lcs() found; release with cache_lcs_result_free(). */
struct cache_lcs_result {
    uint32_t len;                   /* length of the LCS */
    char *str;                      /* the LCS bytes (len of them), malloc'd; NULL if not walked */
    struct cache_lcs_range *ranges; /* malloc'd, in Redis's order (from the ends backwards) */
    size_t nranges;                 /* entries in ranges */
};

/*
 * The LCS of a[0..alen) and b[0..blen) (both borrowed, each < UINT32_MAX - 1
 * bytes) by Redis's dynamic programming table. With walk, the table is then
 * walked back from the ends as Redis's lcsCommand walks it, which fixes both
 * the LCS string and the ranges (several LCS may exist; Redis's tie rule
 * picks one). 0, or DD_ENOMEM (nothing to free). The table takes
 * (alen+1)*(blen+1)*4 bytes: callers apply their own limit first.
 */
int cache_lcs(const char *a, size_t alen, const char *b, size_t blen, bool walk,
              struct cache_lcs_result *out);
/* Frees what cache_lcs() allocated in r; safe on a zeroed struct. */
void cache_lcs_result_free(struct cache_lcs_result *r);

#endif
