/*
 * alb_rule_filter: a fast "cannot match" test in front of rules.h, so a
 * listener with ALB's full quota of rules costs the proxy little.
 *
 * alb_rules_match() tries every rule in priority order with the full
 * wildcard matcher, which backtracks character by character; a request that
 * falls through 100 rules pays for 100 matches. Most rules are rejected by
 * something much cheaper, and the filter precomputes it per condition:
 *
 *   host-header, path-pattern  a wildcard value can only match text that
 *                              starts with its literal prefix (the characters
 *                              before the first '*' or '?') and ends with its
 *                              literal suffix (after the last one), compared
 *                              case-insensitively for hosts, exactly for
 *                              paths; a condition passes when any value's
 *                              prefix and suffix fit
 *   http-header                the header must be present at all
 *   anything else, and any condition with RegexValues: always passes
 *
 * These are necessary conditions of rules.c's own matching, so the filter
 * never changes which rule wins: a rule it passes is still checked with
 * alb_rule_matches(). The tests compare it with alb_rules_match() over
 * tables of patterns and requests.
 *
 * Ownership: a filter borrows the listener (its strings included), which
 * must outlive it; alb_rule_filter_free() releases the filter itself.
 */
#ifndef ALB_RULEFILTER_H
#define ALB_RULEFILTER_H

#include "alb-emu/config.h"
#include "alb-emu/rules.h"

struct alb_rule_filter;

/* Builds the filter of listener (borrowed); NULL on ENOMEM. */
struct alb_rule_filter *alb_rule_filter_new(const struct alb_listener *listener);
/* NULL is a no-op. */
void alb_rule_filter_free(struct alb_rule_filter *f);

/* Exactly alb_rules_match(listener, req) for the filter's listener: the
 * matching rule of lowest priority, else the default rule. Borrowed from
 * the listener; never NULL. */
const struct alb_rule *alb_rule_filter_match(const struct alb_rule_filter *f,
                                             const struct alb_request_view *req);

#endif
