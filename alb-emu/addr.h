/*
 * alb_addr: IP addresses, ports and CIDR blocks the way ALB writes them.
 *
 * Targets, clients and source-ip conditions all speak IPv4 and IPv6; this file
 * is the one place that parses and prints them, so the access log, the
 * X-Forwarded-For header and the stickiness cookies agree on the text. ALB
 * prints an address with its port as "ip:port" for both families, with no
 * brackets around IPv6 (access log), and X-Forwarded-For uses "[v6]:port"
 * only when it carries a port; both forms are here.
 *
 * Everything is plain data: no allocation, no I/O.
 */
#ifndef ALB_ADDR_H
#define ALB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

/* Longest text alb_addr_format() writes: an IPv6 address, brackets, ":65535", NUL. */
#define ALB_ADDR_STRLEN 56

/* An IP address (and port); a zeroed struct is "no address" (family 0). */
struct alb_addr {
    int family;        /* AF_INET, AF_INET6, or 0 when unset */
    uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
    uint16_t port;     /* host order; 0 = none */
};

/* A CIDR block of a source-ip condition. */
struct alb_cidr {
    int family;        /* AF_INET or AF_INET6 */
    uint8_t bytes[16]; /* network order, host bits cleared */
    unsigned prefix;   /* 0..32 or 0..128 */
};

/* Parses a bare IPv4 or IPv6 address (no port, no brackets) of len bytes.
 * Returns DD_OK and fills *out (port 0), or DD_EINVAL. s borrowed. */
int alb_addr_parse(const char *s, size_t len, struct alb_addr *out);

/* Copies a sockaddr_in / sockaddr_in6 (borrowed) into *out; an IPv4-mapped
 * IPv6 address becomes plain IPv4, as ALB reports such clients. DD_EINVAL for
 * other families or a NULL sa. */
int alb_addr_from_sockaddr(const struct sockaddr *sa, struct alb_addr *out);

/* Fills *ss (caller's) from a, for connect(); returns the sockaddr length, or 0
 * when a has no family. */
size_t alb_addr_to_sockaddr(const struct alb_addr *a, struct sockaddr_storage *ss);

/* Writes the address without port into buf (caller's, at least
 * ALB_ADDR_STRLEN bytes) and returns buf; "-" for an unset address. */
char *alb_addr_ip_str(const struct alb_addr *a, char *buf, size_t len);

/* Writes "ip:port" (IPv6 unbracketed, as the ALB access log does) into buf;
 * "-" for an unset address. Returns buf. */
char *alb_addr_format(const struct alb_addr *a, char *buf, size_t len);

/* Writes "ip:port" with IPv6 in brackets ("[2001:db8::1]:8080"), the form of
 * X-Forwarded-For with client ports; "-" for an unset address. Returns buf. */
char *alb_addr_format_bracketed(const struct alb_addr *a, char *buf, size_t len);

/* Same family, bytes and port. */
bool alb_addr_equal(const struct alb_addr *a, const struct alb_addr *b);

/* Parses "a.b.c.d/n" or "2001:db8::/n" of len bytes. The prefix is required;
 * host bits below it are ignored (cleared), matching on the prefix only.
 * DD_EINVAL when malformed or the prefix is out of range. s borrowed. */
int alb_cidr_parse(const char *s, size_t len, struct alb_cidr *out);

/* Whether a lies inside c (families must agree; no IPv4/IPv6 mapping here,
 * alb_addr_from_sockaddr() already unmapped). */
bool alb_cidr_contains(const struct alb_cidr *c, const struct alb_addr *a);

#endif
