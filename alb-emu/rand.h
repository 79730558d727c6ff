/*
 * alb_rand: the injectable random source of the alb-emu engine.
 *
 * The engine reads no entropy of its own: weighted target-group choice,
 * weighted_random target choice, trace ids and cookie nonces all draw from a
 * struct alb_rand the caller hands in. The daemon seeds an alb_xoshiro from
 * the OS once; tests pass a fixed seed or a scripted sequence, so every
 * "random" decision is reproducible.
 */
#ifndef ALB_RAND_H
#define ALB_RAND_H

#include <stdint.h>

/* Returns 64 uniformly random bits; ctx as given in struct alb_rand. */
typedef uint64_t (*alb_rand_fn)(void *ctx);

/* A random source: a function and its state (borrowed; must outlive uses). */
struct alb_rand {
    alb_rand_fn next; /* never NULL in a usable source */
    void *ctx;        /* passed to next */
};

/* xoshiro256** state: fast, good statistics, not cryptographic. */
struct alb_xoshiro {
    uint64_t s[4]; /* never all zero after alb_xoshiro_seed */
};

/* Seeds x from one 64-bit value (expanded with splitmix64). */
void alb_xoshiro_seed(struct alb_xoshiro *x, uint64_t seed);
/* alb_rand_fn over a struct alb_xoshiro *ctx. */
uint64_t alb_xoshiro_next(void *ctx);

/* 64 random bits from r (borrowed). */
uint64_t alb_rand_u64(const struct alb_rand *r);
/* Uniform in [0, n) without modulo bias; n == 0 returns 0. */
uint64_t alb_rand_below(const struct alb_rand *r, uint64_t n);

#endif
