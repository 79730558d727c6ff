/*
 * alb_config: the ALB model — load balancers, listeners, rules, target groups
 * — parsed from the JSON config file whose objects and field names are the
 * ELBv2 API shapes (botocore elbv2 2015-12-01, alb-emu/model/elbv2.json).
 *
 * The config file looks like
 *
 *   {"LoadBalancers": [{"Name": "web", "Attributes": {...},
 *       "Listeners": [{"Port": 8080, "Protocol": "HTTP", "DefaultActions": [...],
 *                      "Rules": [{"Priority": 10, "Conditions": [...], "Actions": [...]}]}]}],
 *    "TargetGroups": [{"Name": "api", "Protocol": "HTTP", "Port": 80, "TargetType": "ip",
 *                      "HealthCheckPath": "/healthz", "Attributes": {...},
 *                      "Targets": [{"Id": "127.0.0.1", "Port": 9001}]}]}
 *
 * Every member of the API shapes is accepted (LoadBalancer / CreateLoadBalancer,
 * Listener / CreateListener, Rule / CreateRule, Action, RuleCondition,
 * TargetGroup / CreateTargetGroup, TargetDescription) plus four conveniences:
 * listeners nest in their load balancer, rules in their listener, targets and
 * attributes in their owner; an action or a ForwardConfig tuple may name a
 * target group with TargetGroupName instead of TargetGroupArn; Attributes may
 * be an object {"key": "value"} or the API's list [{"Key":..,"Value":..}].
 * Unknown members are refused (a typo must not silently become a default).
 *
 * Validation reproduces the real service: the AWS defaults (health check
 * path "/", port traffic-port, interval 30 s, timeout 5 s, thresholds 5 / 2,
 * matcher 200, every attribute's documented default), the API ranges, and the
 * documented ALB quotas ("Quotas for your Application Load Balancers",
 * "Listener rules for your Application Load Balancer"): at most 5 condition
 * values and 5 wildcards per rule, priorities 1..50000 unique per listener,
 * forward to at most 5 target groups with weights 0..999, and so on. Each
 * error carries the AWS error code the API would answer with, the JSON path
 * of the offending field and a message that names it.
 *
 * ARNs are generated in AWS's format for region/account from the options
 * (default us-east-1 / 000000000000) with 16-hex ids derived from the names,
 * so they are stable across restarts:
 *   arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/<id>
 *   ...:targetgroup/api/<id>, ...:listener/app/web/<lb id>/<id>,
 *   ...:listener-rule/app/web/<lb id>/<listener id>/<id>
 * An ARN given in the file is used as is.
 *
 * Ownership: alb_config_parse() returns one struct alb_config that owns every
 * object, string and json_t reachable from it; alb_config_free() releases all
 * of it. Pointers between objects (a forward action's target group, a
 * listener's load balancer) are borrowed within the same config and stay
 * valid until it is freed. Nothing in the model changes after parsing.
 */
#ifndef ALB_CONFIG_H
#define ALB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alb-emu/addr.h"

/* Quotas and API ranges the validator enforces (AWS values). */
#define ALB_MAX_LOAD_BALANCERS           50   /* Application Load Balancers per Region */
#define ALB_MAX_LISTENERS_PER_LB         50   /* Listeners per Application Load Balancer */
#define ALB_MAX_RULES_PER_LB             100  /* Rules per ALB (excluding default rules) */
#define ALB_MAX_TARGET_GROUPS            3000 /* Target Groups per Region */
#define ALB_MAX_TARGET_GROUPS_PER_LB     100  /* Target Groups per Application Load Balancer */
#define ALB_MAX_TARGETS_PER_TARGET_GROUP 1000 /* Targets per Target Group */
#define ALB_MAX_FORWARD_TARGET_GROUPS    5    /* Target Groups per Action */
#define ALB_MAX_RULE_CONDITION_VALUES    5    /* Condition values per rule */
#define ALB_MAX_RULE_WILDCARDS           5    /* Condition wildcards per rule */
#define ALB_RULE_PRIORITY_MIN            1
#define ALB_RULE_PRIORITY_MAX            50000
#define ALB_FORWARD_WEIGHT_MAX           999
#define ALB_CONDITION_VALUE_MAX_LEN      128
#define ALB_STICKINESS_DURATION_MAX      604800 /* 7 days */

enum alb_protocol { ALB_PROTOCOL_HTTP, ALB_PROTOCOL_HTTPS };

enum alb_condition_field {
    ALB_CONDITION_HOST_HEADER,
    ALB_CONDITION_PATH_PATTERN,
    ALB_CONDITION_HTTP_HEADER,
    ALB_CONDITION_HTTP_REQUEST_METHOD,
    ALB_CONDITION_QUERY_STRING,
    ALB_CONDITION_SOURCE_IP
};

enum alb_action_type {
    ALB_ACTION_FORWARD,
    ALB_ACTION_REDIRECT,
    ALB_ACTION_FIXED_RESPONSE,
    ALB_ACTION_AUTHENTICATE_OIDC,
    ALB_ACTION_AUTHENTICATE_COGNITO,
    ALB_ACTION_JWT_VALIDATION
};

/* load_balancing.algorithm.type */
enum alb_algorithm {
    ALB_ALGORITHM_ROUND_ROBIN,
    ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS,
    ALB_ALGORITHM_WEIGHTED_RANDOM
};

/* routing.http.xff_header_processing.mode */
enum alb_xff_mode { ALB_XFF_APPEND, ALB_XFF_PRESERVE, ALB_XFF_REMOVE };

/* routing.http.desync_mitigation_mode */
enum alb_desync_mode { ALB_DESYNC_MONITOR, ALB_DESYNC_DEFENSIVE, ALB_DESYNC_STRICTEST };

/* stickiness.type */
enum alb_stickiness_type { ALB_STICKINESS_LB_COOKIE, ALB_STICKINESS_APP_COOKIE };

/* One key/value of a load balancer, listener or target group attribute set. */
struct alb_attribute {
    char *key;   /* owned, e.g. "idle_timeout.timeout_seconds" */
    char *value; /* owned, always a string as the API returns it */
};

/* Every attribute of one resource, defaults included, in the documented
 * order: what Describe*Attributes returns. */
struct alb_attributes {
    struct alb_attribute *items; /* owned array */
    size_t n;                    /* entries in items */
};

/* The load balancer attributes alb-emu acts on, decoded from its attributes. */
struct alb_lb_attributes {
    int64_t idle_timeout_seconds;            /* idle_timeout.timeout_seconds, 1..4000, 60 */
    int64_t client_keep_alive_seconds;       /* client_keep_alive.seconds, 60..604800, 3600 */
    enum alb_xff_mode xff_header_processing; /* routing.http.xff_header_processing.mode */
    bool xff_client_port_enabled;            /* routing.http.xff_client_port.enabled */
    bool preserve_host_header_enabled;       /* routing.http.preserve_host_header.enabled */
    bool drop_invalid_header_fields_enabled; /* routing.http.drop_invalid_header_fields.enabled */
    bool
        x_amzn_tls_version_and_cipher_suite; /* routing.http.x_amzn_tls_version_and_cipher_suite.enabled
                                              */
    enum alb_desync_mode desync_mitigation_mode; /* routing.http.desync_mitigation_mode */
    bool http2_enabled;                          /* routing.http2.enabled */
    bool deletion_protection_enabled;            /* deletion_protection.enabled */
    bool waf_fail_open_enabled;                  /* waf.fail_open.enabled */
};

/* The target group attributes alb-emu acts on. */
struct alb_tg_attributes {
    int64_t deregistration_delay_timeout_seconds; /* 0..3600, default 300 */
    enum alb_algorithm algorithm;                 /* load_balancing.algorithm.type */
    bool anomaly_mitigation;                      /* load_balancing.algorithm.anomaly_mitigation */
    int64_t slow_start_duration_seconds;          /* 0 (off) or 30..900 */
    bool stickiness_enabled;                      /* stickiness.enabled */
    enum alb_stickiness_type stickiness_type;     /* stickiness.type */
    int64_t lb_cookie_duration_seconds;           /* stickiness.lb_cookie.duration_seconds */
    const char *app_cookie_name;         /* stickiness.app_cookie.cookie_name; borrowed from the
                                            attribute list, "" when unset */
    int64_t app_cookie_duration_seconds; /* stickiness.app_cookie.duration_seconds */
    int64_t min_healthy_targets_count;   /* target_group_health.unhealthy_state_routing.
                                            minimum_healthy_targets.count, default 1 */
    int min_healthy_targets_percentage;  /* ...percentage, 1..100, or -1 for "off" (default) */
};

/* A query-string condition value: either part may be omitted (NULL). */
struct alb_query_pair {
    char *key;   /* owned; NULL = any key */
    char *value; /* owned; NULL = any value */
};

/* One RuleCondition, with its values from whichever form the file used
 * (Values, or the per-field *Config object). */
struct alb_condition {
    enum alb_condition_field field;
    char *http_header_name; /* http-header only: as given (matched case-insensitively) */
    char **values;          /* owned strings: host/path/header/method/source-ip values */
    size_t n_values;        /* entries in values */
    char **regex_values;    /* owned: RegexValues (host-header, http-header, path-pattern) */
    size_t n_regex_values;  /* entries in regex_values */
    void *regex;            /* owned regex_t[n_regex_values], compiled POSIX ERE */
    struct alb_query_pair *query_pairs; /* owned: query-string values */
    size_t n_query_pairs;               /* entries in query_pairs */
    struct alb_cidr *source_ips;        /* owned: source-ip values parsed, n_values entries */
};

struct alb_target_group;

/* A (target group, weight) of a forward action. */
struct alb_target_group_tuple {
    struct alb_target_group *target_group; /* borrowed from the same config */
    unsigned weight;                       /* 0..999; 1 when a single group has none */
};

/* ForwardConfig, also built from a plain TargetGroupArn / TargetGroupName. */
struct alb_forward_config {
    struct alb_target_group_tuple target_groups[ALB_MAX_FORWARD_TARGET_GROUPS];
    size_t n_target_groups;              /* 1..5 */
    bool stickiness_enabled;             /* TargetGroupStickinessConfig.Enabled */
    int64_t stickiness_duration_seconds; /* TargetGroupStickinessConfig.DurationSeconds */
};

/* RedirectConfig: a NULL component keeps the request's value (its #{...}). */
struct alb_redirect_config {
    char *protocol;  /* owned: "HTTP", "HTTPS" or "#{protocol}"; NULL = #{protocol} */
    char *port;      /* owned: "1".."65535" or "#{port}"; NULL = #{port} */
    char *host;      /* owned; NULL = #{host} */
    char *path;      /* owned, starts with "/"; NULL = /#{path} */
    char *query;     /* owned, no leading "?"; NULL = #{query} */
    int status_code; /* 301 or 302 (HTTP_301 / HTTP_302) */
};

/* FixedResponseConfig. */
struct alb_fixed_response_config {
    int status_code;    /* 2XX, 4XX or 5XX */
    char *content_type; /* owned; NULL when not given */
    char *message_body; /* owned; NULL when not given */
};

/* One Action. Exactly the member for its type is meaningful. */
struct alb_action {
    enum alb_action_type type;
    int order;                                       /* Order, 1..50000; 0 when not given */
    struct alb_forward_config forward;               /* type forward */
    struct alb_redirect_config redirect;             /* type redirect */
    struct alb_fixed_response_config fixed_response; /* type fixed-response */
    json_t *auth_config; /* owned reference: AuthenticateOidcConfig, AuthenticateCognitoConfig
                            or JwtValidationConfig as given; not acted on */
};

/* A listener rule; the default rule has is_default and no conditions. */
struct alb_rule {
    char *rule_arn;                   /* owned */
    int priority;                     /* 1..50000; 0 for the default rule */
    bool is_default;                  /* the listener's default actions */
    struct alb_condition *conditions; /* owned array, in file order */
    size_t n_conditions;              /* entries in conditions */
    struct alb_action *actions; /* owned array, sorted by Order; the last is the routing one */
    size_t n_actions;           /* entries in actions */
    json_t *transforms;         /* owned reference or NULL: Transforms as given, not applied */
    json_t *tags;               /* owned reference or NULL */
};

struct alb_load_balancer;

struct alb_listener {
    char *listener_arn;                      /* owned */
    struct alb_load_balancer *load_balancer; /* borrowed back-pointer */
    int port;                                /* 1..65535, or 0 = pick a free port (tests) */
    enum alb_protocol protocol;              /* HTTP (default) or HTTPS */
    char *ssl_policy;                        /* owned or NULL */
    char *alpn_policy;                       /* owned or NULL (first AlpnPolicy entry) */
    json_t *certificates;                    /* owned reference or NULL */
    json_t *mutual_authentication;           /* owned reference or NULL */
    json_t *tags;                            /* owned reference or NULL */
    struct alb_rule *rules;                  /* owned array, ascending priority */
    size_t n_rules;                          /* entries in rules (not counting the default) */
    struct alb_rule default_rule;            /* DefaultActions */
    struct alb_attributes attributes; /* listener attributes (routing.http.response.*, ...) */
};

struct alb_load_balancer {
    char *load_balancer_arn;          /* owned */
    char *load_balancer_name;         /* owned, 1..32 alphanumerics or hyphens */
    char id[17];                      /* the 16-hex id at the end of the ARN */
    char *dns_name;                   /* owned, e.g. web-1234567890.us-east-1.elb.amazonaws.com */
    char *canonical_hosted_zone_id;   /* owned or NULL */
    char *scheme;                     /* owned: internet-facing (default) or internal */
    char *ip_address_type;            /* owned: ipv4 (default), dualstack, dualstack-without-... */
    char *vpc_id;                     /* owned or NULL */
    char *customer_owned_ipv4_pool;   /* owned or NULL */
    json_t *subnets;                  /* owned reference or NULL (also SubnetMappings, below) */
    json_t *subnet_mappings;          /* owned reference or NULL */
    json_t *security_groups;          /* owned reference or NULL */
    json_t *availability_zones;       /* owned reference or NULL */
    json_t *tags;                     /* owned reference or NULL */
    struct alb_listener *listeners;   /* owned array, config order */
    size_t n_listeners;               /* entries in listeners */
    struct alb_attributes attributes; /* every LB attribute with defaults */
    struct alb_lb_attributes attr;    /* decoded view of attributes */
};

/* One range of a health-check Matcher ("200", "200-299" → lo..hi). */
struct alb_matcher_range {
    uint16_t lo, hi; /* inclusive */
};

/* Matcher: HttpCode (or GrpcCode for GRPC target groups) and its ranges. */
struct alb_matcher {
    char *http_code;                  /* owned, as given or the default "200"; NULL for GRPC */
    char *grpc_code;                  /* owned for GRPC target groups (default "12"), else NULL */
    struct alb_matcher_range *ranges; /* owned, parsed from whichever code string is set */
    size_t n_ranges;                  /* entries in ranges */
};

/* A registered target (TargetDescription). */
struct alb_target_description {
    char *id;                /* owned: the IP address as given */
    int port;                /* Port, default the target group's port */
    char *availability_zone; /* owned or NULL */
    struct alb_addr addr;    /* id parsed, with port */
};

struct alb_target_group {
    char *target_group_arn;                  /* owned */
    char *target_group_name;                 /* owned */
    char id[17];                             /* the 16-hex id at the end of the ARN */
    enum alb_protocol protocol;              /* HTTP or HTTPS */
    char *protocol_version;                  /* owned: HTTP1 (default), HTTP2 or GRPC */
    int port;                                /* 1..65535; 0 for lambda */
    char *target_type;                       /* owned: instance (AWS default), ip, lambda, alb */
    char *ip_address_type;                   /* owned: ipv4 (default) or ipv6 */
    char *vpc_id;                            /* owned or NULL */
    enum alb_protocol health_check_protocol; /* HTTP (default) or HTTPS */
    char *health_check_port;                 /* owned: "traffic-port" (default) or "1".."65535" */
    bool health_check_enabled;               /* always true for ip/instance targets */
    char *health_check_path;                 /* owned, default "/" */
    int health_check_interval_seconds;       /* 5..300, default 30 (35 lambda) */
    int health_check_timeout_seconds;        /* 2..120 and < interval, default 5 (30 lambda) */
    int healthy_threshold_count;             /* 2..10, default 5 */
    int unhealthy_threshold_count;           /* 2..10, default 2 (5 lambda) */
    struct alb_matcher matcher;              /* default HttpCode "200" */
    int target_control_port;                 /* 0 when not given */
    json_t *tags;                            /* owned reference or NULL */
    struct alb_target_description *targets;  /* owned: Targets registered at start */
    size_t n_targets;                        /* entries in targets */
    struct alb_attributes attributes;        /* every TG attribute with defaults */
    struct alb_tg_attributes attr;           /* decoded view of attributes */
    struct alb_load_balancer *load_balancer; /* borrowed: the one LB whose rules use it, or NULL */
};

struct alb_config {
    char *region;                             /* owned, e.g. "us-east-1" */
    char *account_id;                         /* owned, e.g. "000000000000" */
    struct alb_load_balancer *load_balancers; /* owned array, config order */
    size_t n_load_balancers;                  /* entries in load_balancers */
    struct alb_target_group *target_groups;   /* owned array, config order */
    size_t n_target_groups;                   /* entries in target_groups */
};

/* Region and account the ARNs are generated for; NULL members take the
 * defaults us-east-1 and 000000000000. */
struct alb_config_opts {
    const char *region;     /* borrowed */
    const char *account_id; /* borrowed, 12 digits */
};

/* Why a config was refused. */
struct alb_config_error {
    char code[64];     /* the ELBv2 error code: ValidationError, PriorityInUse, ... */
    char field[256];   /* JSON path, e.g. LoadBalancers[0].Listeners[0].Rules[2].Priority */
    char message[512]; /* what is wrong, naming the field and the value */
};

/*
 * Builds the model from root (borrowed; its top-level "LoadBalancers" and
 * "TargetGroups" arrays are read, other top-level keys belong to the daemon's
 * flags and are ignored). opts may be NULL. On DD_OK *out is a new config the
 * caller frees with alb_config_free(). On DD_EINVAL (a refused config; *err
 * says why) or DD_ENOMEM, *out is NULL. err may be NULL.
 */
int alb_config_parse(const json_t *root, const struct alb_config_opts *opts,
                     struct alb_config **out, struct alb_config_error *err);

/* alb_config_parse() over JSON text (buf borrowed, len bytes); a JSON syntax
 * error is a ValidationError naming the byte offset. */
int alb_config_parse_text(const char *buf, size_t len, const struct alb_config_opts *opts,
                          struct alb_config **out, struct alb_config_error *err);

/* Frees cfg and everything it owns; NULL is a no-op. */
void alb_config_free(struct alb_config *cfg);

/* The target group whose name or ARN is key (borrowed), or NULL. The result
 * is borrowed from cfg. */
struct alb_target_group *alb_config_find_target_group(const struct alb_config *cfg,
                                                      const char *key);
/* The load balancer whose name or ARN is key, or NULL; borrowed from cfg. */
struct alb_load_balancer *alb_config_find_load_balancer(const struct alb_config *cfg,
                                                        const char *key);

/* The value of key in attrs (both borrowed), or NULL when the set has no such
 * key. The result is borrowed from attrs. */
const char *alb_attributes_get(const struct alb_attributes *attrs, const char *key);

/* Whether an HTTP status code satisfies the matcher (m borrowed). */
bool alb_matcher_matches(const struct alb_matcher *m, int code);

/* Parses a Matcher code list ("200", "200,202", "200-299", "200-204,301")
 * with every value in [lo, hi]. On DD_OK *out (caller frees with free()) holds
 * *n ranges; DD_EINVAL for malformed text or an out-of-range value; DD_ENOMEM. */
int alb_matcher_parse(const char *text, int lo, int hi, struct alb_matcher_range **out, size_t *n);

/* "HTTP" / "HTTPS". Static. */
const char *alb_protocol_name(enum alb_protocol p);
/* "host-header", "path-pattern", ... Static. */
const char *alb_condition_field_name(enum alb_condition_field f);
/* "forward", "redirect", "fixed-response", ... Static. */
const char *alb_action_type_name(enum alb_action_type t);
/* "round_robin", "least_outstanding_requests", "weighted_random". Static. */
const char *alb_algorithm_name(enum alb_algorithm a);

#endif
