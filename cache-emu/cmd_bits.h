/*
 * The bit-level logic of cmd_bits.c (BITPOS, BITOP, BITFIELD), apart from
 * the commands so that it can be tested on plain byte arrays. Bits are
 * numbered as SETBIT numbers them: bit 0 is the most significant bit of the
 * first byte. The command table itself is declared in command.h.
 */
#ifndef CACHE_CMD_BITS_H
#define CACHE_CMD_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* redisBitpos(): the position of the first bit equal to bit (0 or 1) in
 * p[0..count). For 1 with none set: -1. For 0 with none clear: count * 8,
 * as if the string went on with zero bytes. p borrowed. */
long long cache_bits_pos(const unsigned char *p, size_t count, int bit);

/* BITPOS over the range [start, end] of p[0..len) (bytes, or bits when
 * isbit), with Redis's index rules (negative from the end, clamped). With
 * end_given a search for 0 that finds none in the range answers -1; without
 * it the string counts as followed by zeros. */
long long cache_bits_pos_range(const unsigned char *p, size_t len, int bit, long long start,
                               long long end, bool end_given, bool isbit);

/* BITOP operations. */
enum cache_bitop { CACHE_BITOP_AND, CACHE_BITOP_OR, CACHE_BITOP_XOR, CACHE_BITOP_NOT };

/* dst[0..maxlen) = op over the n sources src[i][0..len[i]) (a missing key is
 * len 0), shorter sources read as zero bytes; NOT takes src[0] alone.
 * All pointers borrowed; dst must hold maxlen bytes. */
void cache_bits_op(enum cache_bitop op, const unsigned char *const *src, const size_t *len,
                   size_t n, unsigned char *dst, size_t maxlen);

/* BITFIELD's overflow behaviours. */
enum cache_bf_overflow { CACHE_BF_WRAP, CACHE_BF_SAT, CACHE_BF_FAIL };

/* The bits-wide field at bit offset (1..64 bits) of p, which must have
 * the bytes it spans. */
uint64_t cache_bits_get_unsigned(const unsigned char *p, uint64_t offset, unsigned bits);
int64_t cache_bits_get_signed(const unsigned char *p, uint64_t offset, unsigned bits);
/* Writes the low bits of value into the field (two's complement for signed). */
void cache_bits_set(unsigned char *p, uint64_t offset, unsigned bits, uint64_t value);

/* Redis's checkUnsignedBitfieldOverflow() / checkSignedBitfieldOverflow():
 * 0 when value + incr fits a field of bits bits, 1 on overflow, -1 on
 * underflow; then for WRAP and SAT *limit holds the value to store (wrapped
 * around, or the nearest bound), for FAIL it is left alone. */
int cache_bits_overflow_unsigned(uint64_t value, int64_t incr, unsigned bits,
                                 enum cache_bf_overflow ow, uint64_t *limit);
int cache_bits_overflow_signed(int64_t value, int64_t incr, unsigned bits,
                               enum cache_bf_overflow ow, int64_t *limit);

#endif
