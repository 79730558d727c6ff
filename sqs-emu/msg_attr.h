/*
 * SQS message attributes (user MessageAttributes and MessageSystemAttributes):
 * the in-memory shape, validation with SQS's rules and error messages, and
 * the MD5 digests the SDKs verify (MD5OfMessageBody, MD5OfMessageAttributes,
 * MD5OfMessageSystemAttributes).
 */
#ifndef SQS_MSG_ATTR_H
#define SQS_MSG_ATTR_H

#include <stddef.h>

/* One message attribute. Every pointer is owned by the attribute. */
struct sqs_attr {
    char *name;      /* owned, NUL-terminated */
    char *data_type; /* owned: "String", "Number", "Binary", optionally ".custom" suffixed */
    char *value;     /* owned: the string value, or the raw (decoded) bytes for Binary */
    size_t value_len;
};

/* An ordered list of attributes; owns its entries. A zeroed struct is empty. */
struct sqs_attrs {
    struct sqs_attr *v; /* owned array */
    size_t n;
};

/*
 * Limits SQS applies to user message attributes (SQS Developer Guide,
 * "Message metadata"). Lengths are in characters, as the guide states them.
 */
#define SQS_MAX_MESSAGE_ATTRIBUTES 10
#define SQS_ATTR_NAME_MAX          256
#define SQS_ATTR_TYPE_MAX          256

/* A message buffer this large holds every validation message untruncated. */
#define SQS_ERRMSG_SIZE 512

/* Hex MD5 digest plus its NUL. */
#define SQS_MD5_HEX_SIZE 33

/* Error codes the validators report through their `code` out-parameter. */
#define SQS_CODE_INVALID_PARAMETER_VALUE  "InvalidParameterValue"
#define SQS_CODE_INVALID_MESSAGE_CONTENTS "InvalidMessageContents"

/*
 * Appends a copy of name, data_type and the value_len bytes at value (value may
 * be NULL when value_len is 0). The caller keeps ownership of its arguments; the
 * copies belong to a. The copied value is also NUL-terminated, for String use.
 * Does not validate (see sqs_attrs_validate). Returns DD_OK, DD_EINVAL (a NULL
 * argument) or DD_ENOMEM; on failure a is unchanged.
 */
int sqs_attrs_add(struct sqs_attrs *a, const char *name, const char *data_type, const void *value,
                  size_t value_len);

/* Returns the entry named name, borrowed from a (valid until a changes), or NULL. */
const struct sqs_attr *sqs_attrs_find(const struct sqs_attrs *a, const char *name);

/*
 * Deep-copies src into dst. dst must be empty (zeroed or released) and must not
 * be src; dst owns the copy. On failure dst is left empty.
 */
int sqs_attrs_dup(struct sqs_attrs *dst, const struct sqs_attrs *src);

/* Frees every entry a owns; a is empty and reusable afterwards. NULL is a no-op. */
void sqs_attrs_release(struct sqs_attrs *a);

/* Sorts a's entries by name in byte order, the order the MD5 digest uses. */
void sqs_attrs_sort(struct sqs_attrs *a);

/*
 * Returns 1 if the len bytes at s are valid UTF-8 made only of characters SQS
 * allows in a message body (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
 * #x10000-#x10FFFF), 0 otherwise. Emptiness is not checked here: a missing body
 * is the caller's MissingParameter error. s is borrowed.
 */
int sqs_body_valid(const char *s, size_t len);

/*
 * Like sqs_body_valid, but returns DD_OK or DD_EINVAL and, on DD_EINVAL, writes
 * SQS's exact message into msg (msg_size bytes, truncated, always terminated;
 * msg may be NULL) and points *code at a static "InvalidMessageContents" (code
 * may be NULL). s is borrowed.
 */
int sqs_body_check(const char *s, size_t len, char *msg, size_t msg_size, const char **code);

/*
 * Checks user message attributes against SQS's rules, in request order, and
 * returns DD_OK or DD_EINVAL for the first violation, with SQS's message written
 * into msg (as for sqs_body_check) and *code pointed at a static error code
 * (always "InvalidParameterValue" today). a is borrowed; NULL or empty is valid.
 */
int sqs_attrs_validate(const struct sqs_attrs *a, char *msg, size_t msg_size, const char **code);

/*
 * The size SQS compares with the queue's MaximumMessageSize: body bytes plus, for
 * each attribute, the bytes of its name, data type and value. Message system
 * attributes do not count and must not be passed. Arguments are borrowed; a may
 * be NULL. Saturates at SIZE_MAX.
 */
size_t sqs_message_size(const char *body, size_t len, const struct sqs_attrs *a);

/*
 * Writes the lowercase hex MD5 of the len bytes at body (borrowed) into out:
 * MD5OfMessageBody. Returns DD_OK, DD_EINVAL, DD_ENOMEM or DD_EIO (OpenSSL failed).
 */
int sqs_md5_body(const char *body, size_t len, char out[SQS_MD5_HEX_SIZE]);

/*
 * Writes the SQS digest of a into out (MD5OfMessageAttributes, and for the
 * system attributes MD5OfMessageSystemAttributes). a is borrowed and left in its
 * order. Returns DD_EINVAL when a is empty (the reply then omits the field) or an
 * entry's data type is not String/Number/Binary-based.
 */
int sqs_md5_attrs(const struct sqs_attrs *a, char out[SQS_MD5_HEX_SIZE]);

#endif
