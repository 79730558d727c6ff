/*
 * The bitmap commands beyond SETBIT/GETBIT/BITCOUNT (Redis's bitops.c):
 * BITPOS, BITOP, BITFIELD and BITFIELD_RO, with Redis 7.0.15's order of
 * checks, error texts and results, down to the corner cases (a BITPOS for
 * 0 that runs off the end of the string, BITFIELD creating a key even when
 * every write fails its OVERFLOW FAIL check).
 *
 * The bit logic (cache_bits_*) works on plain byte arrays and is declared in
 * cmd_bits.h for the unit tests; the handlers below only parse, look up and
 * reply. Strings are read as their bytes; values changed in place go
 * through t_string.c, which makes them "raw" as Redis's unsharing does.
 */
#include "cache-emu/cmd_bits.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/db.h"
#include "cache-emu/server.h"
#include "cache-emu/t_string.h"
#include "common/err.h"

/* ---- bit logic ---- */

long long cache_bits_pos(const unsigned char *p, size_t count, int bit)
{
    unsigned char skip = bit ? 0x00 : 0xff;
    size_t i = 0;
    while (i < count && p[i] == skip)
        i++;
    if (i == count)
        return bit ? -1 : (long long)count * 8;
    unsigned char b = p[i];
    for (int k = 0; k < 8; k++) {
        int v = (b >> (7 - k)) & 1;
        if (v == bit)
            return (long long)i * 8 + k;
    }
    return -1; /* unreachable: b differs from skip */
}

/*
 * Redis 7.0's BITPOS range walk. In BIT mode the range's first and last
 * bytes are only partly inside it: their outside bits are masked (set when
 * looking for 0, cleared when looking for 1) and searched on their own,
 * the whole bytes between in one go. A search for 0 that reaches past the
 * range's last byte means "none" when the end was given, else the first
 * zero of the implicit padding.
 */
long long cache_bits_pos_range(const unsigned char *p, size_t len, int bit, long long start,
                               long long end, bool end_given, bool isbit)
{
    long long total = (long long)len;
    if (isbit)
        total <<= 3;
    if (start < 0)
        start = total + start;
    if (end < 0)
        end = total + end;
    if (start < 0)
        start = 0;
    if (end < 0)
        end = 0;
    if (end >= total)
        end = total - 1;
    unsigned char first_mask = 0, last_mask = 0;
    if (isbit && start <= end) {
        first_mask = (unsigned char)(~((1u << (8 - (start & 7))) - 1) & 0xff);
        last_mask = (unsigned char)((1u << (7 - (end & 7))) - 1);
        start >>= 3;
        end >>= 3;
    }
    if (start > end)
        return -1;
    long long bytes = end - start + 1, pos = -1;
    unsigned char tmp;
    if (first_mask) {
        tmp =
            bit ? (unsigned char)(p[start] & ~first_mask) : (unsigned char)(p[start] | first_mask);
        if (last_mask && bytes == 1)
            tmp = bit ? (unsigned char)(tmp & ~last_mask) : (unsigned char)(tmp | last_mask);
        pos = cache_bits_pos(&tmp, 1, bit);
        if (bytes == 1 || (pos != -1 && pos != 8))
            goto result;
        start++;
        bytes--;
    }
    long long mid = bytes - (last_mask ? 1 : 0);
    if (mid > 0) {
        pos = cache_bits_pos(p + start, (size_t)mid, bit);
        if (bytes == mid || (pos != -1 && pos != mid * 8))
            goto result;
        start += mid;
        bytes -= mid;
    }
    tmp = bit ? (unsigned char)(p[end] & ~last_mask) : (unsigned char)(p[end] | last_mask);
    pos = cache_bits_pos(&tmp, 1, bit);
result:
    if (end_given && bit == 0 && pos == bytes * 8)
        return -1;
    if (pos != -1)
        pos += start * 8;
    return pos;
}

void cache_bits_op(enum cache_bitop op, const unsigned char *const *src, const size_t *len,
                   size_t n, unsigned char *dst, size_t maxlen)
{
    for (size_t j = 0; j < maxlen; j++) {
        unsigned char out = j < len[0] ? src[0][j] : 0;
        if (op == CACHE_BITOP_NOT) {
            dst[j] = (unsigned char)~out;
            continue;
        }
        for (size_t i = 1; i < n; i++) {
            unsigned char b = j < len[i] ? src[i][j] : 0;
            if (op == CACHE_BITOP_AND)
                out &= b;
            else if (op == CACHE_BITOP_OR)
                out |= b;
            else
                out ^= b;
        }
        dst[j] = out;
    }
}

uint64_t cache_bits_get_unsigned(const unsigned char *p, uint64_t offset, unsigned bits)
{
    uint64_t v = 0;
    for (unsigned j = 0; j < bits; j++, offset++)
        v = (v << 1) | ((p[offset >> 3] >> (7 - (offset & 7))) & 1u);
    return v;
}

int64_t cache_bits_get_signed(const unsigned char *p, uint64_t offset, unsigned bits)
{
    uint64_t u = cache_bits_get_unsigned(p, offset, bits);
    /* Sign-extend from the field's top bit. */
    if (bits < 64 && (u & ((uint64_t)1 << (bits - 1))))
        u |= UINT64_MAX << bits;
    return (int64_t)u;
}

void cache_bits_set(unsigned char *p, uint64_t offset, unsigned bits, uint64_t value)
{
    for (unsigned j = 0; j < bits; j++, offset++) {
        unsigned bitval = (value >> (bits - 1 - j)) & 1u;
        unsigned shift = 7 - (unsigned)(offset & 7);
        unsigned char *b = &p[offset >> 3];
        *b = (unsigned char)((*b & ~(1u << shift)) | (bitval << shift));
    }
}

int cache_bits_overflow_unsigned(uint64_t value, int64_t incr, unsigned bits,
                                 enum cache_bf_overflow ow, uint64_t *limit)
{
    uint64_t max = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    int64_t maxincr = (int64_t)(max - value); /* only read when value <= max */
    int64_t minincr = (int64_t)(0 - value);
    int r;
    if (value > max || (incr > 0 && incr > maxincr))
        r = 1;
    else if (incr < 0 && incr < minincr)
        r = -1;
    else
        return 0;
    if (ow == CACHE_BF_WRAP) {
        uint64_t res = value + (uint64_t)incr;
        if (bits < 64)
            res &= ~(UINT64_MAX << bits);
        *limit = res;
        /* Redis's wrap path reports 1 whichever way it went. */
        return 1;
    }
    if (ow == CACHE_BF_SAT)
        *limit = r > 0 ? max : 0;
    return r;
}

int cache_bits_overflow_signed(int64_t value, int64_t incr, unsigned bits,
                               enum cache_bf_overflow ow, int64_t *limit)
{
    int64_t max = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
    int64_t min = -max - 1;
    /* Redis's differences, computed without signed overflow (they wrap as
     * its compiled code does); they are read only where they are exact. */
    int64_t maxincr = (int64_t)((uint64_t)max - (uint64_t)value);
    int64_t minincr = (int64_t)((uint64_t)min - (uint64_t)value);
    int r;
    if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr))
        r = 1;
    else if (value < min || (bits != 64 && incr < minincr) ||
             (value < 0 && incr < 0 && incr < minincr))
        r = -1;
    else
        return 0;
    if (ow == CACHE_BF_WRAP) {
        uint64_t c = (uint64_t)value + (uint64_t)incr;
        if (bits < 64) {
            uint64_t mask = UINT64_MAX << bits;
            if (c & ((uint64_t)1 << (bits - 1)))
                c |= mask;
            else
                c &= ~mask;
        }
        *limit = (int64_t)c;
        return 1;
    }
    if (ow == CACHE_BF_SAT)
        *limit = r > 0 ? max : min;
    return r;
}

/* ---- helpers ---- */

static struct cache_keyspace *ks_of(struct cache_client *c)
{
    return c->srv->ks;
}

/* Redis compares option words as C strings (strcasecmp on the sds): the
 * argument's bytes up to its first NUL must equal word (lower case). */
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

/*
 * lookupStringForBitCommand(): the string at argv[1] made at least
 * byte + 1 bytes long (zero padded) and unshared ("raw"), created when
 * missing. NULL after replying WRONGTYPE, or with *rc = DD_ENOMEM.
 * *grown tells whether the key was created or lengthened.
 */
static struct cache_obj *string_for_bits(struct cache_client *c, uint64_t byte, bool *grown,
                                         int *rc)
{
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return NULL;
    if (!o) {
        struct cache_keyspace *ks = ks_of(c);
        struct cache_obj *n = cache_string_new(ks, NULL, (size_t)byte + 1, CACHE_STRING_ENC_RAW);
        if (!n) {
            *rc = DD_ENOMEM;
            return NULL;
        }
        *rc = cache_db_set(c->db, key->ptr, key->len, n, false, cache_now_ms(c->srv), &o);
        if (*rc != DD_OK) {
            cache_obj_free(ks, n);
            return NULL;
        }
        *grown = true;
        return o;
    }
    size_t old = o->len;
    *rc = cache_string_grow_zero(ks_of(c), o, (size_t)byte + 1 > old ? (size_t)byte + 1 : old);
    if (*rc != DD_OK)
        return NULL;
    *grown = o->len != old;
    return o;
}

/* ---- BITPOS ---- */

/* BITPOS key bit [start [end [BYTE|BIT]]]: the bit is checked first, then
 * the key (a missing one answers at once, whatever the range says), then
 * the range. */
static int cache_cmd_bitpos(struct cache_client *c)
{
    long long bit;
    if (!cache_arg_ll(c, 2, &bit))
        return DD_OK;
    if (bit != 0 && bit != 1) {
        cache_reply_error(c, "ERR The bit argument must be 1 or 0.");
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_ll(c, bit ? -1 : 0);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    long long start = 0, end = (long long)o->len - 1;
    bool end_given = false, isbit = false;
    if (c->argc >= 4 && c->argc <= 6) {
        if (!cache_arg_ll(c, 3, &start))
            return DD_OK;
        if (c->argc == 6) {
            if (opt_is(&c->argv[5], "bit")) {
                isbit = true;
            } else if (!opt_is(&c->argv[5], "byte")) {
                cache_reply_syntax(c);
                return DD_OK;
            }
        }
        if (c->argc >= 5) {
            if (!cache_arg_ll(c, 4, &end))
                return DD_OK;
            end_given = true;
        }
    } else if (c->argc != 3) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    cache_reply_ll(c, cache_bits_pos_range(o->ptr, o->len, (int)bit, start, end, end_given, isbit));
    return DD_OK;
}

/* ---- BITOP ---- */

/* BITOP op destkey key [key ...]: the result is a raw string as long as the
 * longest source (missing sources are empty); an empty result deletes the
 * destination. The destination's TTL is dropped. */
static int cache_cmd_bitop(struct cache_client *c)
{
    const struct cache_resp_arg *opname = &c->argv[1], *dest = &c->argv[2];
    enum cache_bitop op;
    if (opt_is(opname, "and"))
        op = CACHE_BITOP_AND;
    else if (opt_is(opname, "or"))
        op = CACHE_BITOP_OR;
    else if (opt_is(opname, "xor"))
        op = CACHE_BITOP_XOR;
    else if (opt_is(opname, "not"))
        op = CACHE_BITOP_NOT;
    else {
        cache_reply_syntax(c);
        return DD_OK;
    }
    if (op == CACHE_BITOP_NOT && c->argc != 4) {
        cache_reply_error(c, "ERR BITOP NOT must be called with a single source key.");
        return DD_OK;
    }
    size_t n = c->argc - 3;
    /* Request-scoped arrays of borrowed pointers: nothing changes the
     * database until the result is stored. */
    const unsigned char **src = calloc(n, sizeof(*src));
    size_t *len = calloc(n, sizeof(*len));
    int rc = DD_OK;
    if (!src || !len) {
        rc = DD_ENOMEM;
        goto out;
    }
    size_t maxlen = 0;
    for (size_t j = 0; j < n; j++) {
        struct cache_obj *o = cache_lookup_read(c, &c->argv[j + 3]);
        if (!o)
            continue;
        if (!cache_check_type(c, o, CACHE_TYPE_STRING))
            goto out;
        src[j] = o->ptr;
        len[j] = o->len;
        if (len[j] > maxlen)
            maxlen = len[j];
    }
    int64_t now = cache_now_ms(c->srv);
    if (maxlen) {
        /* Computed straight into the new value; the destination (maybe a
         * source too) is only replaced afterwards. */
        struct cache_keyspace *ks = ks_of(c);
        struct cache_obj *v = cache_string_new(ks, NULL, maxlen, CACHE_STRING_ENC_RAW);
        if (!v) {
            rc = DD_ENOMEM;
            goto out;
        }
        cache_bits_op(op, src, len, n, v->ptr, maxlen);
        rc = cache_db_set(c->db, dest->ptr, dest->len, v, false, now, NULL);
        if (rc != DD_OK) {
            cache_obj_free(ks, v);
            goto out;
        }
        cache_signal_modified(c, dest);
    } else if (cache_db_delete(c->db, dest->ptr, dest->len, now) == DD_OK) {
        cache_signal_modified(c, dest);
    }
    cache_reply_ll(c, (long long)maxlen);
out:
    free(src);
    free(len);
    return rc;
}

/* ---- BITFIELD ---- */

enum bf_opcode { BF_GET, BF_SET, BF_INCRBY };

/* One parsed operation. */
struct bf_op {
    uint64_t offset;           /* bit offset */
    int64_t value;             /* SET value or INCRBY increment */
    enum bf_opcode opcode;     /* what to do */
    enum cache_bf_overflow ow; /* OVERFLOW in force when it was parsed */
    unsigned bits;             /* field width */
    bool sign;                 /* i<bits> rather than u<bits> */
};

/* getBitfieldTypeFromArgument(): "i1".."i64" or "u1".."u63" (the letter
 * lower case only, the number read as a C string). */
static bool parse_bf_type(struct cache_client *c, const struct cache_resp_arg *a, bool *sign,
                          unsigned *bits)
{
    static const char err[] = "ERR Invalid bitfield type. Use something like i16 u8. Note that "
                              "u64 is not supported but i64 is.";
    const char *nul = a->len ? memchr(a->ptr, '\0', a->len) : NULL;
    size_t clen = nul ? (size_t)(nul - a->ptr) : a->len;
    long long v;
    if (clen == 0 || (a->ptr[0] != 'i' && a->ptr[0] != 'u')) {
        cache_reply_error(c, err);
        return false;
    }
    *sign = a->ptr[0] == 'i';
    if (!cache_string2ll(a->ptr + 1, clen - 1, &v) || v < 1 || (*sign && v > 64) ||
        (!*sign && v > 63)) {
        cache_reply_error(c, err);
        return false;
    }
    *bits = (unsigned)v;
    return true;
}

/* getBitOffsetFromArgument() with the "#<n>" form (n times the width). The
 * product wraps as Redis's long long multiplication does on its targets. */
static bool parse_bf_offset(struct cache_client *c, const struct cache_resp_arg *a, unsigned bits,
                            uint64_t *out)
{
    bool hash = a->len > 0 && a->ptr[0] == '#';
    long long v;
    if (!cache_string2ll(a->ptr + hash, a->len - hash, &v)) {
        cache_reply_error(c, "ERR bit offset is not an integer or out of range");
        return false;
    }
    if (hash)
        v = (long long)((unsigned long long)v * bits);
    if (v < 0 || (v >> 3) >= c->srv->opts.proto_max_bulk_len) {
        cache_reply_error(c, "ERR bit offset is not an integer or out of range");
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

/* Parses every operation before anything is looked up. false after
 * replying (or with *rc = DD_ENOMEM). */
static bool parse_bf_ops(struct cache_client *c, struct bf_op **ops, size_t *nops,
                         uint64_t *highest, bool *readonly, int *rc)
{
    enum cache_bf_overflow ow = CACHE_BF_WRAP;
    size_t cap = 0;
    *readonly = true;
    *highest = 0;
    for (size_t j = 2; j < c->argc; j++) {
        size_t rem = c->argc - j - 1;
        const struct cache_resp_arg *sub = &c->argv[j];
        enum bf_opcode opc;
        if (opt_is(sub, "get") && rem >= 2) {
            opc = BF_GET;
        } else if (opt_is(sub, "set") && rem >= 3) {
            opc = BF_SET;
        } else if (opt_is(sub, "incrby") && rem >= 3) {
            opc = BF_INCRBY;
        } else if (opt_is(sub, "overflow") && rem >= 1) {
            const struct cache_resp_arg *t = &c->argv[++j];
            if (opt_is(t, "wrap")) {
                ow = CACHE_BF_WRAP;
            } else if (opt_is(t, "sat")) {
                ow = CACHE_BF_SAT;
            } else if (opt_is(t, "fail")) {
                ow = CACHE_BF_FAIL;
            } else {
                cache_reply_error(c, "ERR Invalid OVERFLOW type specified");
                return false;
            }
            continue;
        } else {
            cache_reply_syntax(c);
            return false;
        }
        struct bf_op op = { .opcode = opc, .ow = ow };
        if (!parse_bf_type(c, &c->argv[j + 1], &op.sign, &op.bits) ||
            !parse_bf_offset(c, &c->argv[j + 2], op.bits, &op.offset))
            return false;
        if (opc != BF_GET) {
            *readonly = false;
            if (*highest < op.offset + op.bits - 1)
                *highest = op.offset + op.bits - 1;
            long long v;
            if (!cache_arg_ll(c, j + 3, &v))
                return false;
            op.value = v;
        }
        if (*nops == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct bf_op *n = realloc(*ops, ncap * sizeof(*n));
            if (!n) {
                *rc = DD_ENOMEM;
                return false;
            }
            *ops = n;
            cap = ncap;
        }
        (*ops)[(*nops)++] = op;
        j += opc == BF_GET ? 2 : 3;
    }
    return true;
}

/* GET reads through a 9-byte window copied from the string, zero padded
 * past its end (or all zero for a missing key). */
static void bf_reply_get(struct cache_client *c, const struct cache_obj *o, const struct bf_op *op)
{
    unsigned char buf[9] = { 0 };
    uint64_t byte = op->offset >> 3;
    for (size_t i = 0; o && i < 9 && byte + i < o->len; i++)
        buf[i] = ((const unsigned char *)o->ptr)[byte + i];
    uint64_t off = op->offset - byte * 8;
    if (op->sign)
        cache_reply_ll(c, cache_bits_get_signed(buf, off, op->bits));
    else
        cache_reply_ll(c, (long long)cache_bits_get_unsigned(buf, off, op->bits));
}

/* SET / INCRBY on the (long enough) string; true when it wrote a change. */
static bool bf_write(struct cache_client *c, unsigned char *p, const struct bf_op *op, bool grown)
{
    int overflow;
    bool changed;
    if (op->sign) {
        int64_t oldv = cache_bits_get_signed(p, op->offset, op->bits), newv, wrapped = 0, ret;
        if (op->opcode == BF_INCRBY) {
            overflow = cache_bits_overflow_signed(oldv, op->value, op->bits, op->ow, &wrapped);
            newv = overflow ? wrapped : (int64_t)((uint64_t)oldv + (uint64_t)op->value);
            ret = newv;
        } else {
            newv = op->value;
            overflow = cache_bits_overflow_signed(newv, 0, op->bits, op->ow, &wrapped);
            if (overflow)
                newv = wrapped;
            ret = oldv;
        }
        if (overflow && op->ow == CACHE_BF_FAIL) {
            cache_reply_null(c);
            return false;
        }
        cache_reply_ll(c, ret);
        cache_bits_set(p, op->offset, op->bits, (uint64_t)newv);
        changed = grown || oldv != newv;
    } else {
        uint64_t oldv = cache_bits_get_unsigned(p, op->offset, op->bits), newv, wrapped = 0, ret;
        if (op->opcode == BF_INCRBY) {
            newv = oldv + (uint64_t)op->value;
            overflow = cache_bits_overflow_unsigned(oldv, op->value, op->bits, op->ow, &wrapped);
            if (overflow)
                newv = wrapped;
            ret = newv;
        } else {
            newv = (uint64_t)op->value;
            overflow = cache_bits_overflow_unsigned(newv, 0, op->bits, op->ow, &wrapped);
            if (overflow)
                newv = wrapped;
            ret = oldv;
        }
        if (overflow && op->ow == CACHE_BF_FAIL) {
            cache_reply_null(c);
            return false;
        }
        cache_reply_ll(c, (long long)ret);
        cache_bits_set(p, op->offset, op->bits, newv);
        changed = grown || oldv != newv;
    }
    return changed;
}

/*
 * BITFIELD / BITFIELD_RO: all operations are parsed first. Only GETs: a
 * read lookup (a missing key reads as zeros). Any write: BITFIELD_RO
 * refuses; BITFIELD creates or pads the string up to the highest bit any
 * write touches before running the operations in order (so the key exists
 * afterwards even when every write failed), and signals a change only when
 * some write changed something.
 */
static int bitfield_generic(struct cache_client *c, bool ro_cmd)
{
    struct bf_op *ops = NULL;
    size_t nops = 0;
    uint64_t highest;
    bool readonly;
    int rc = DD_OK;
    if (!parse_bf_ops(c, &ops, &nops, &highest, &readonly, &rc))
        goto out;
    struct cache_obj *o;
    bool grown = false;
    if (readonly) {
        o = cache_lookup_read(c, &c->argv[1]);
        if (!cache_check_type(c, o, CACHE_TYPE_STRING))
            goto out;
    } else {
        if (ro_cmd) {
            cache_reply_error(c, "ERR BITFIELD_RO only supports the GET subcommand");
            goto out;
        }
        o = string_for_bits(c, highest >> 3, &grown, &rc);
        if (!o)
            goto out;
    }
    cache_reply_array(c, nops);
    size_t changes = 0;
    for (size_t j = 0; j < nops; j++) {
        if (ops[j].opcode == BF_GET)
            bf_reply_get(c, o, &ops[j]);
        else if (bf_write(c, o->ptr, &ops[j], grown))
            changes++;
    }
    if (changes)
        cache_signal_modified(c, &c->argv[1]);
out:
    free(ops);
    return rc;
}

static int cache_cmd_bitfield(struct cache_client *c)
{
    return bitfield_generic(c, false);
}

static int cache_cmd_bitfield_ro(struct cache_client *c)
{
    return bitfield_generic(c, true);
}

/* ---- the table ---- */

#define W  CACHE_CMD_WRITE
#define R  CACHE_CMD_READONLY
#define DO CACHE_CMD_DENYOOM
#define F  CACHE_CMD_FAST

/* Redis 7.0.15's COMMAND INFO / COMMAND DOCS for each row. */
const struct cache_command cache_cmds_bits[] = {
    { "bitpos", -3, R, cache_cmd_bitpos, 1, 1, 1, "bitmap", "2.8.7",
      "Find first bit set or clear in a string", "read bitmap slow", NULL },
    { "bitop", -4, W | DO, cache_cmd_bitop, 2, -1, 1, "bitmap", "2.6.0",
      "Perform bitwise operations between strings", "write bitmap slow", NULL },
    { "bitfield", -2, W | DO, cache_cmd_bitfield, 1, 1, 1, "bitmap", "3.2.0",
      "Perform arbitrary bitfield integer operations on strings", "write bitmap slow", NULL },
    { "bitfield_ro", -2, R | F, cache_cmd_bitfield_ro, 1, 1, 1, "bitmap", "6.0.0",
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
      "read bitmap fast", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
