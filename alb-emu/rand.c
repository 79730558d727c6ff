/*
 * The injectable random source (see rand.h): xoshiro256** seeded by
 * splitmix64, and unbiased bounded draws by rejection.
 */
#include "alb-emu/rand.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void alb_xoshiro_seed(struct alb_xoshiro *x, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        x->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

uint64_t alb_xoshiro_next(void *ctx)
{
    struct alb_xoshiro *x = ctx;
    uint64_t *s = x->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t alb_rand_u64(const struct alb_rand *r)
{
    return r->next(r->ctx);
}

uint64_t alb_rand_below(const struct alb_rand *r, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Reject the top sliver that would make some residues more likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    for (;;) {
        uint64_t v = r->next(r->ctx);
        if (v < limit)
            return v % n;
    }
}
