/*
 * IP address and CIDR parsing and printing for alb-emu (see addr.h).
 */
#include "alb-emu/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"

int alb_addr_parse(const char *s, size_t len, struct alb_addr *out)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    if (!s || !out || len == 0 || len >= sizeof(tmp))
        return DD_EINVAL;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    struct alb_addr a;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, tmp, a.bytes) == 1) {
        a.family = AF_INET;
    } else if (inet_pton(AF_INET6, tmp, a.bytes) == 1) {
        a.family = AF_INET6;
    } else {
        return DD_EINVAL;
    }
    *out = a;
    return DD_OK;
}

int alb_addr_from_sockaddr(const struct sockaddr *sa, struct alb_addr *out)
{
    if (!sa || !out)
        return DD_EINVAL;
    struct alb_addr a;
    memset(&a, 0, sizeof(a));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        a.family = AF_INET;
        memcpy(a.bytes, &in->sin_addr, 4);
        a.port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        a.port = ntohs(in6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            a.family = AF_INET;
            memcpy(a.bytes, (const uint8_t *)&in6->sin6_addr + 12, 4);
        } else {
            a.family = AF_INET6;
            memcpy(a.bytes, &in6->sin6_addr, 16);
        }
    } else {
        return DD_EINVAL;
    }
    *out = a;
    return DD_OK;
}

size_t alb_addr_to_sockaddr(const struct alb_addr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (a->family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons(a->port);
        memcpy(&in->sin_addr, a->bytes, 4);
        return sizeof(*in);
    }
    if (a->family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(a->port);
        memcpy(&in6->sin6_addr, a->bytes, 16);
        return sizeof(*in6);
    }
    return 0;
}

char *alb_addr_ip_str(const struct alb_addr *a, char *buf, size_t len)
{
    if (!a || (a->family != AF_INET && a->family != AF_INET6) ||
        !inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
        snprintf(buf, len, "-");
    return buf;
}

char *alb_addr_format(const struct alb_addr *a, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN];
    if (!a || (a->family != AF_INET && a->family != AF_INET6)) {
        snprintf(buf, len, "-");
        return buf;
    }
    alb_addr_ip_str(a, ip, sizeof(ip));
    snprintf(buf, len, "%s:%u", ip, (unsigned)a->port);
    return buf;
}

char *alb_addr_format_bracketed(const struct alb_addr *a, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN];
    if (!a || (a->family != AF_INET && a->family != AF_INET6)) {
        snprintf(buf, len, "-");
        return buf;
    }
    alb_addr_ip_str(a, ip, sizeof(ip));
    if (a->family == AF_INET6)
        snprintf(buf, len, "[%s]:%u", ip, (unsigned)a->port);
    else
        snprintf(buf, len, "%s:%u", ip, (unsigned)a->port);
    return buf;
}

bool alb_addr_equal(const struct alb_addr *a, const struct alb_addr *b)
{
    if (a->family != b->family || a->port != b->port)
        return false;
    size_t n = a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
    return memcmp(a->bytes, b->bytes, n) == 0;
}

int alb_cidr_parse(const char *s, size_t len, struct alb_cidr *out)
{
    if (!s || !out)
        return DD_EINVAL;
    const char *slash = memchr(s, '/', len);
    if (!slash)
        return DD_EINVAL;
    struct alb_addr a;
    if (alb_addr_parse(s, (size_t)(slash - s), &a) != DD_OK)
        return DD_EINVAL;
    const char *p = slash + 1;
    size_t plen = len - (size_t)(p - s);
    if (plen == 0 || plen > 3)
        return DD_EINVAL;
    unsigned prefix = 0;
    for (size_t i = 0; i < plen; i++) {
        if (p[i] < '0' || p[i] > '9')
            return DD_EINVAL;
        prefix = prefix * 10 + (unsigned)(p[i] - '0');
    }
    /* "/08" is not a CIDR prefix anyone writes; refuse leading zeros. */
    if (plen > 1 && p[0] == '0')
        return DD_EINVAL;
    unsigned max = a.family == AF_INET ? 32 : 128;
    if (prefix > max)
        return DD_EINVAL;
    struct alb_cidr c;
    memset(&c, 0, sizeof(c));
    c.family = a.family;
    c.prefix = prefix;
    for (unsigned i = 0; i < max / 8; i++) {
        unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;
        uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
        c.bytes[i] = a.bytes[i] & mask;
    }
    *out = c;
    return DD_OK;
}

bool alb_cidr_contains(const struct alb_cidr *c, const struct alb_addr *a)
{
    if (c->family != a->family)
        return false;
    unsigned full = c->prefix / 8, rest = c->prefix % 8;
    if (memcmp(c->bytes, a->bytes, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->bytes[full] & mask) == c->bytes[full];
}
