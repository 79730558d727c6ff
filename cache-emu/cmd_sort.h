/*
 * The parts of SORT (cmd_sort.c) with logic worth testing on their own: the
 * partial quicksort Redis uses for SORT ... BY ... LIMIT, and the parsing of
 * BY / GET patterns ("weight_*", "h_*->field", "#"). The command table
 * itself is declared in command.h.
 */
#ifndef CACHE_CMD_SORT_H
#define CACHE_CMD_SORT_H

#include <stdbool.h>
#include <stddef.h>

/* Three-way comparison of two elements with the caller's context. */
typedef int (*cache_sort_cmp_fn)(const void *a, const void *b, void *ctx);

/*
 * Redis's pqsort(): Bentley and McIlroy's quicksort (NetBSD's qsort) that
 * only recurses into partitions overlapping the element range [lo, hi] (0-
 * based, inclusive; hi may be lo - 1 for an empty range, either may be
 * negative). Afterwards elements lo..hi are those a full sort would put
 * there, in order; the rest are partitioned around them. Not stable: equal
 * elements end where this exact algorithm leaves them, which is why SORT
 * uses it rather than any other partial sort. base is n elements of size
 * bytes, borrowed.
 */
void cache_sort_partial(void *base, size_t n, size_t size, cache_sort_cmp_fn cmp, void *ctx,
                        long long lo, long long hi);

/* What a BY / GET pattern names for an element (lookupKeyByPattern()). */
enum cache_sort_pattern_kind {
    CACHE_SORT_PAT_SELF, /* "#": the element itself */
    CACHE_SORT_PAT_NONE, /* no '*': names no key, the lookup finds nothing */
    CACHE_SORT_PAT_KEY,  /* prefix * postfix, optionally ->field of a hash */
};

/* A parsed pattern; the pointers are into the pattern, borrowed. */
struct cache_sort_pattern {
    enum cache_sort_pattern_kind kind; /* what it names */
    const char *prefix;                /* bytes before the '*' */
    size_t prefixlen;
    const char *postfix; /* bytes after the '*' (up to "->field" when there is one) */
    size_t postfixlen;
    const char *field; /* hash field after "->", NULL when the key is a string */
    size_t fieldlen;
};

/* Parses pat[0..len) as Redis does, with its C-string rules: "#" is
 * recognised up to a NUL ("#\0x" is "#"), the '*' and the "->" are only
 * searched before the first NUL, and "->" with nothing (or a NUL) after it
 * is part of the key. The field then runs to the end of the pattern. */
void cache_sort_pattern_parse(const char *pat, size_t len, struct cache_sort_pattern *out);

#endif
