/* Unit tests for alb-emu/config.c: the issue's example config, the AWS
 * defaults, ARNs, and a table of refused configs with the error code, the
 * field path and the message each must produce. */
#include "alb-emu/tests/fixture.h"

#include <regex.h>

/* The example config of issue 5. */
static const char *k_example =
    "{'LoadBalancers': [{'Name': 'web',"
    "   'Listeners': [{'Port': 8080, 'Protocol': 'HTTP',"
    "     'DefaultActions': [{'Type': 'fixed-response', 'FixedResponseConfig':"
    "         {'StatusCode': '404', 'ContentType': 'text/plain', 'MessageBody': 'no route'}}],"
    "     'Rules': [{'Priority': 10,"
    "       'Conditions': [{'Field': 'path-pattern', 'PathPatternConfig': {'Values': "
    "['/api/*']}}],"
    "       'Actions': [{'Type': 'forward', 'TargetGroupName': 'api'}]}]}]}],"
    " 'TargetGroups': [{'Name': 'api', 'Protocol': 'HTTP', 'Port': 80, 'TargetType': 'ip',"
    "   'HealthCheckPath': '/healthz', 'HealthCheckIntervalSeconds': 5, "
    "'HealthCheckTimeoutSeconds': 2,"
    "   'HealthyThresholdCount': 2, 'UnhealthyThresholdCount': 2, 'Matcher': {'HttpCode': "
    "'200-299'},"
    "   'Attributes': {'deregistration_delay.timeout_seconds': '30'},"
    "   'Targets': [{'Id': '127.0.0.1', 'Port': 9001}]}]}";

static bool matches_regex(const char *s, const char *re)
{
    regex_t r;
    assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
    bool ok = regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return ok;
}

static void test_issue_example(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(k_example);
    assert_int_equal(cfg->n_load_balancers, 1);
    assert_int_equal(cfg->n_target_groups, 1);
    struct alb_load_balancer *lb = &cfg->load_balancers[0];
    assert_string_equal(lb->load_balancer_name, "web");
    assert_true(matches_regex(lb->load_balancer_arn, "^arn:aws:elasticloadbalancing:us-east-1:"
                                                     "000000000000:loadbalancer/app/web/"
                                                     "[0-9a-f]{16}$"));
    assert_string_equal(lb->scheme, "internet-facing");
    assert_string_equal(lb->ip_address_type, "ipv4");
    assert_true(matches_regex(lb->dns_name, "^web-[0-9]+\\.us-east-1\\.elb\\.amazonaws\\.com$"));
    assert_string_equal(lb->canonical_hosted_zone_id, "Z35SXDOTRQ7X7K");
    assert_int_equal(lb->n_listeners, 1);

    struct alb_listener *l = &lb->listeners[0];
    assert_int_equal(l->port, 8080);
    assert_int_equal(l->protocol, ALB_PROTOCOL_HTTP);
    assert_ptr_equal(l->load_balancer, lb);
    char re[256];
    snprintf(re, sizeof(re),
             "^arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/"
             "web/%s/[0-9a-f]{16}$",
             lb->id);
    assert_true(matches_regex(l->listener_arn, re));
    assert_true(l->default_rule.is_default);
    assert_int_equal(l->default_rule.n_actions, 1);
    struct alb_action *da = &l->default_rule.actions[0];
    assert_int_equal(da->type, ALB_ACTION_FIXED_RESPONSE);
    assert_int_equal(da->fixed_response.status_code, 404);
    assert_string_equal(da->fixed_response.content_type, "text/plain");
    assert_string_equal(da->fixed_response.message_body, "no route");

    assert_int_equal(l->n_rules, 1);
    struct alb_rule *r = &l->rules[0];
    assert_int_equal(r->priority, 10);
    const char *lid = strrchr(l->listener_arn, '/') + 1;
    snprintf(re, sizeof(re),
             "^arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/"
             "app/web/%s/%s/[0-9a-f]{16}$",
             lb->id, lid);
    assert_true(matches_regex(r->rule_arn, re));
    assert_int_equal(r->n_conditions, 1);
    assert_int_equal(r->conditions[0].field, ALB_CONDITION_PATH_PATTERN);
    assert_string_equal(r->conditions[0].values[0], "/api/*");
    assert_int_equal(r->actions[0].type, ALB_ACTION_FORWARD);
    assert_int_equal(r->actions[0].forward.n_target_groups, 1);
    assert_int_equal(r->actions[0].forward.target_groups[0].weight, 1);

    struct alb_target_group *tg = &cfg->target_groups[0];
    assert_ptr_equal(r->actions[0].forward.target_groups[0].target_group, tg);
    assert_ptr_equal(tg->load_balancer, lb);
    assert_true(matches_regex(tg->target_group_arn, "^arn:aws:elasticloadbalancing:us-east-1:"
                                                    "000000000000:targetgroup/api/"
                                                    "[0-9a-f]{16}$"));
    assert_string_equal(tg->health_check_path, "/healthz");
    assert_string_equal(tg->health_check_port, "traffic-port");
    assert_int_equal(tg->health_check_interval_seconds, 5);
    assert_int_equal(tg->health_check_timeout_seconds, 2);
    assert_int_equal(tg->healthy_threshold_count, 2);
    assert_int_equal(tg->unhealthy_threshold_count, 2);
    assert_string_equal(tg->matcher.http_code, "200-299");
    assert_true(alb_matcher_matches(&tg->matcher, 204));
    assert_false(alb_matcher_matches(&tg->matcher, 301));
    assert_int_equal(tg->attr.deregistration_delay_timeout_seconds, 30);
    assert_string_equal(alb_attributes_get(&tg->attributes, "deregistration_delay.timeout_seconds"),
                        "30");
    assert_int_equal(tg->n_targets, 1);
    assert_string_equal(tg->targets[0].id, "127.0.0.1");
    assert_int_equal(tg->targets[0].port, 9001);
    assert_int_equal(tg->targets[0].addr.port, 9001);

    assert_ptr_equal(alb_config_find_target_group(cfg, "api"), tg);
    assert_ptr_equal(alb_config_find_target_group(cfg, tg->target_group_arn), tg);
    assert_null(alb_config_find_target_group(cfg, "nope"));
    assert_ptr_equal(alb_config_find_load_balancer(cfg, "web"), lb);
    alb_config_free(cfg);
}

/* The AWS defaults of a target group and a load balancer. */
static void test_defaults(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'lb', 'Listeners': [{'Port': 80, 'DefaultActions': "
        "[{'Type': 'forward', 'TargetGroupArn': "
        "'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/d/"
        "0123456789abcdef'}]}]}],"
        " 'TargetGroups': [{'Name': 'd', 'Protocol': 'HTTP', 'Port': 80, 'TargetGroupArn': "
        "'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/d/0123456789abcdef'},"
        "  {'Name': 'i', 'Protocol': 'HTTPS', 'Port': 443},"
        "  {'Name': 'l', 'TargetType': 'lambda'},"
        "  {'Name': 'g', 'Protocol': 'HTTP', 'Port': 80, 'ProtocolVersion': 'GRPC'}]}");
    struct alb_target_group *tg = &cfg->target_groups[0];
    assert_string_equal(tg->target_group_arn,
                        "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/d/"
                        "0123456789abcdef");
    assert_string_equal(tg->id, "0123456789abcdef");
    assert_string_equal(tg->target_type, "instance"); /* the API default */
    assert_string_equal(tg->health_check_path, "/");
    assert_string_equal(tg->health_check_port, "traffic-port");
    assert_int_equal(tg->health_check_protocol, ALB_PROTOCOL_HTTP);
    assert_true(tg->health_check_enabled);
    assert_int_equal(tg->health_check_interval_seconds, 30);
    assert_int_equal(tg->health_check_timeout_seconds, 5);
    assert_int_equal(tg->healthy_threshold_count, 5);
    assert_int_equal(tg->unhealthy_threshold_count, 2);
    assert_string_equal(tg->matcher.http_code, "200");
    assert_true(alb_matcher_matches(&tg->matcher, 200));
    assert_false(alb_matcher_matches(&tg->matcher, 201));
    assert_string_equal(tg->protocol_version, "HTTP1");
    assert_string_equal(tg->ip_address_type, "ipv4");

    static const struct {
        const char *key, *value;
    } tg_defaults[] = {
        { "deregistration_delay.timeout_seconds", "300" },
        { "stickiness.enabled", "false" },
        { "stickiness.type", "lb_cookie" },
        { "stickiness.lb_cookie.duration_seconds", "86400" },
        { "stickiness.app_cookie.cookie_name", "" },
        { "stickiness.app_cookie.duration_seconds", "86400" },
        { "load_balancing.algorithm.type", "round_robin" },
        { "load_balancing.algorithm.anomaly_mitigation", "off" },
        { "load_balancing.cross_zone.enabled", "use_load_balancer_configuration" },
        { "slow_start.duration_seconds", "0" },
        { "target_group_health.dns_failover.minimum_healthy_targets.count", "1" },
        { "target_group_health.dns_failover.minimum_healthy_targets.percentage", "off" },
        { "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1" },
        { "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off" },
    };
    assert_int_equal(tg->attributes.n, DD_ARRAY_LEN(tg_defaults));
    for (size_t i = 0; i < DD_ARRAY_LEN(tg_defaults); i++)
        assert_string_equal(alb_attributes_get(&tg->attributes, tg_defaults[i].key),
                            tg_defaults[i].value);
    assert_null(alb_attributes_get(&tg->attributes, "lambda.multi_value_headers.enabled"));
    assert_int_equal(tg->attr.deregistration_delay_timeout_seconds, 300);
    assert_int_equal(tg->attr.algorithm, ALB_ALGORITHM_ROUND_ROBIN);
    assert_false(tg->attr.stickiness_enabled);
    assert_int_equal(tg->attr.lb_cookie_duration_seconds, 86400);
    assert_int_equal(tg->attr.slow_start_duration_seconds, 0);
    assert_int_equal(tg->attr.min_healthy_targets_count, 1);
    assert_int_equal(tg->attr.min_healthy_targets_percentage, -1);

    assert_int_equal(cfg->target_groups[1].protocol, ALB_PROTOCOL_HTTPS);
    assert_int_equal(cfg->target_groups[1].health_check_protocol, ALB_PROTOCOL_HTTP);
    assert_null(cfg->target_groups[1].load_balancer); /* no rule forwards to it */

    /* Lambda target groups have their own defaults and attribute set. */
    struct alb_target_group *lt = &cfg->target_groups[2];
    assert_int_equal(lt->health_check_interval_seconds, 35);
    assert_int_equal(lt->health_check_timeout_seconds, 30);
    assert_int_equal(lt->unhealthy_threshold_count, 5);
    assert_false(lt->health_check_enabled);
    assert_string_equal(alb_attributes_get(&lt->attributes, "lambda.multi_value_headers.enabled"),
                        "false");
    assert_null(alb_attributes_get(&lt->attributes, "deregistration_delay.timeout_seconds"));

    /* gRPC: GrpcCode 12 and the gRPC health check path. */
    struct alb_target_group *gt = &cfg->target_groups[3];
    assert_null(gt->matcher.http_code);
    assert_string_equal(gt->matcher.grpc_code, "12");
    assert_string_equal(gt->health_check_path, "/AWS.ALB/healthcheck");

    struct alb_load_balancer *lb = &cfg->load_balancers[0];
    static const struct {
        const char *key, *value;
    } lb_defaults[] = {
        { "access_logs.s3.enabled", "false" },
        { "deletion_protection.enabled", "false" },
        { "idle_timeout.timeout_seconds", "60" },
        { "client_keep_alive.seconds", "3600" },
        { "routing.http.desync_mitigation_mode", "defensive" },
        { "routing.http.drop_invalid_header_fields.enabled", "false" },
        { "routing.http.preserve_host_header.enabled", "false" },
        { "routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false" },
        { "routing.http.xff_client_port.enabled", "false" },
        { "routing.http.xff_header_processing.mode", "append" },
        { "routing.http2.enabled", "true" },
        { "waf.fail_open.enabled", "false" },
        { "load_balancing.cross_zone.enabled", "true" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(lb_defaults); i++)
        assert_string_equal(alb_attributes_get(&lb->attributes, lb_defaults[i].key),
                            lb_defaults[i].value);
    assert_int_equal(lb->attr.idle_timeout_seconds, 60);
    assert_int_equal(lb->attr.xff_header_processing, ALB_XFF_APPEND);
    assert_int_equal(lb->attr.desync_mitigation_mode, ALB_DESYNC_DEFENSIVE);
    assert_true(lb->attr.http2_enabled);
    assert_false(lb->attr.xff_client_port_enabled);
    assert_string_equal(
        alb_attributes_get(&lb->listeners[0].attributes, "routing.http.response.server.enabled"),
        "true");
    assert_ptr_equal(tg->load_balancer, lb);
    alb_config_free(cfg);
}

/* Attributes as the API's list, booleans and integers as JSON values, and
 * the decoded view. */
static void test_attributes_forms(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'lb', 'Attributes': [{'Key': "
        "'idle_timeout.timeout_seconds', 'Value': '120'},"
        "  {'Key': 'routing.http.xff_header_processing.mode', 'Value': 'preserve'},"
        "  {'Key': 'routing.http.xff_client_port.enabled', 'Value': true}]}],"
        " 'TargetGroups': [{'Name': 't', 'Protocol': 'HTTP', 'Port': 80, 'TargetType': 'ip',"
        "  'Attributes': {'load_balancing.algorithm.type': 'least_outstanding_requests',"
        "   'stickiness.enabled': true, 'stickiness.type': 'app_cookie',"
        "   'stickiness.app_cookie.cookie_name': 'SESSION', "
        "'deregistration_delay.timeout_seconds': "
        "0,"
        "   'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': "
        "'50'}}]}");
    struct alb_load_balancer *lb = &cfg->load_balancers[0];
    assert_int_equal(lb->attr.idle_timeout_seconds, 120);
    assert_int_equal(lb->attr.xff_header_processing, ALB_XFF_PRESERVE);
    assert_true(lb->attr.xff_client_port_enabled);
    assert_string_equal(alb_attributes_get(&lb->attributes, "routing.http.xff_client_port.enabled"),
                        "true");
    struct alb_target_group *tg = &cfg->target_groups[0];
    assert_int_equal(tg->attr.algorithm, ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS);
    assert_true(tg->attr.stickiness_enabled);
    assert_int_equal(tg->attr.stickiness_type, ALB_STICKINESS_APP_COOKIE);
    assert_string_equal(tg->attr.app_cookie_name, "SESSION");
    assert_int_equal(tg->attr.deregistration_delay_timeout_seconds, 0);
    assert_int_equal(tg->attr.min_healthy_targets_percentage, 50);
    alb_config_free(cfg);
}

/* Internal load balancers: internal- DNS names, IGW traffic denied. */
static void test_internal_scheme(void **state)
{
    (void)state;
    struct alb_config *cfg =
        fx_config("{'LoadBalancers': [{'Name': 'in', 'Scheme': 'internal'}, {'Name': 'in2', "
                  "'Scheme': 'internal', 'Attributes': {'ipv6.deny_all_igw_traffic': 'false'}}, "
                  "{'Name': 'out'}]}");
    assert_true(matches_regex(cfg->load_balancers[0].dns_name, "^internal-in-[0-9]+\\."));
    assert_string_equal(
        alb_attributes_get(&cfg->load_balancers[0].attributes, "ipv6.deny_all_igw_traffic"),
        "true");
    assert_string_equal(
        alb_attributes_get(&cfg->load_balancers[1].attributes, "ipv6.deny_all_igw_traffic"),
        "false");
    assert_string_equal(
        alb_attributes_get(&cfg->load_balancers[2].attributes, "ipv6.deny_all_igw_traffic"),
        "false");
    alb_config_free(cfg);
}

/* ARNs are stable for the same config and follow region/account options. */
static void test_arns_stable_and_regional(void **state)
{
    (void)state;
    struct alb_config *a = fx_config(k_example), *b = fx_config(k_example);
    assert_string_equal(a->load_balancers[0].load_balancer_arn,
                        b->load_balancers[0].load_balancer_arn);
    assert_string_equal(a->load_balancers[0].listeners[0].rules[0].rule_arn,
                        b->load_balancers[0].listeners[0].rules[0].rule_arn);
    assert_string_not_equal(a->load_balancers[0].load_balancer_arn + 60,
                            a->target_groups[0].target_group_arn + 60);
    alb_config_free(a);
    alb_config_free(b);

    char *text = fx_quote(k_example);
    struct alb_config_opts opts = { "eu-west-1", "123456789012" };
    struct alb_config *cfg = NULL;
    struct alb_config_error err;
    assert_int_equal(alb_config_parse_text(text, strlen(text), &opts, &cfg, &err), DD_OK);
    assert_true(matches_regex(cfg->target_groups[0].target_group_arn,
                              "^arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
                              "api/[0-9a-f]{16}$"));
    assert_true(matches_regex(cfg->load_balancers[0].dns_name, "\\.eu-west-1\\.elb\\."));
    free(text);
    alb_config_free(cfg);
}

/* Rules come out in priority order whatever the file order; actions by Order. */
static void test_rule_and_action_order(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'lb', 'Listeners': [{'Port': 443, 'Protocol': 'HTTPS',"
        "  'Certificates': [{'CertificateArn': "
        "'arn:aws:acm:us-east-1:000000000000:certificate/x'}],"
        "  'DefaultActions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': "
        "'503'}}],"
        "  'Rules': ["
        "   {'Priority': '300', 'Conditions': [{'Field': 'host-header', 'Values': "
        "['a.example.com']}],"
        "    'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': 200}}]},"
        "   {'Priority': 7, 'Conditions': [{'Field': 'path-pattern', 'Values': ['/x']}],"
        "    'Actions': [{'Type': 'forward', 'Order': 2, 'TargetGroupName': 't'},"
        "                {'Type': 'authenticate-oidc', 'Order': 1, 'AuthenticateOidcConfig': "
        "{'Issuer': 'i', 'AuthorizationEndpoint': 'a', 'TokenEndpoint': 't', "
        "'UserInfoEndpoint': 'u', 'ClientId': 'c'}}]},"
        "   {'Priority': 50000, 'Conditions': [{'Field': 'http-request-method', "
        "'HttpRequestMethodConfig': {'Values': ['GET']}}],"
        "    'Actions': [{'Type': 'redirect', 'RedirectConfig': {'Protocol': 'HTTPS', 'Port': "
        "8443, "
        "'StatusCode': 'HTTP_301'}}]}]}]}],"
        " 'TargetGroups': [{'Name': 't', 'Protocol': 'HTTP', 'Port': 80, 'TargetType': 'ip'}]}");
    struct alb_listener *l = &cfg->load_balancers[0].listeners[0];
    assert_string_equal(l->ssl_policy, "ELBSecurityPolicy-2016-08");
    assert_int_equal(l->n_rules, 3);
    assert_int_equal(l->rules[0].priority, 7);
    assert_int_equal(l->rules[1].priority, 300);
    assert_int_equal(l->rules[2].priority, 50000);
    assert_int_equal(l->rules[0].actions[0].type, ALB_ACTION_AUTHENTICATE_OIDC);
    assert_non_null(l->rules[0].actions[0].auth_config);
    assert_int_equal(l->rules[0].actions[1].type, ALB_ACTION_FORWARD);
    assert_int_equal(l->rules[1].actions[0].fixed_response.status_code, 200);
    assert_string_equal(l->rules[2].actions[0].redirect.port, "8443");
    assert_int_equal(l->rules[2].actions[0].redirect.status_code, 301);
    assert_null(l->rules[2].actions[0].redirect.host);
    alb_config_free(cfg);
}

/* Weighted forward with stickiness; 5 target groups is the limit. */
static void test_forward_config(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'lb', 'Listeners': [{'Port': 80, 'DefaultActions': "
        "[{'Type': 'forward', 'ForwardConfig': {'TargetGroups': ["
        "  {'TargetGroupName': 'a', 'Weight': 0}, {'TargetGroupName': 'b', 'Weight': 999},"
        "  {'TargetGroupName': 'c', 'Weight': 1}, {'TargetGroupName': 'd', 'Weight': 2},"
        "  {'TargetGroupName': 'e', 'Weight': 3}],"
        "  'TargetGroupStickinessConfig': {'Enabled': true, 'DurationSeconds': 600}}}]}]}],"
        " 'TargetGroups': [{'Name': 'a', 'Protocol': 'HTTP', 'Port': 80},"
        "  {'Name': 'b', 'Protocol': 'HTTP', 'Port': 80}, {'Name': 'c', 'Protocol': 'HTTP', "
        "'Port': 80},"
        "  {'Name': 'd', 'Protocol': 'HTTP', 'Port': 80}, {'Name': 'e', 'Protocol': 'HTTP', "
        "'Port': 80}]}");
    struct alb_forward_config *fw =
        &cfg->load_balancers[0].listeners[0].default_rule.actions[0].forward;
    assert_int_equal(fw->n_target_groups, 5);
    assert_int_equal(fw->target_groups[0].weight, 0);
    assert_int_equal(fw->target_groups[1].weight, 999);
    assert_true(fw->stickiness_enabled);
    assert_int_equal(fw->stickiness_duration_seconds, 600);
    for (size_t i = 0; i < 5; i++)
        assert_ptr_equal(cfg->target_groups[i].load_balancer, &cfg->load_balancers[0]);
    alb_config_free(cfg);
}

/* Exactly 5 condition values and 5 wildcards per rule are allowed. */
static void test_limits_at_the_edge(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'lb', 'Listeners': [{'Port': 80, 'DefaultActions': "
        "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '404'}}],"
        "  'Rules': [{'Priority': 1, 'Conditions': ["
        "   {'Field': 'host-header', 'HostHeaderConfig': {'Values': ['*.a.com', 'b.c?m']}},"
        "   {'Field': 'path-pattern', 'PathPatternConfig': {'Values': ['/x/*', '/y/*']}},"
        "   {'Field': 'query-string', 'QueryStringConfig': {'Values': [{'Key': 'k\\\\*', 'Value': "
        "'*'}]}}],"
        "   'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': "
        "'200'}}]}]}]}]}");
    assert_int_equal(cfg->load_balancers[0].listeners[0].rules[0].n_conditions, 3);
    alb_config_free(cfg);
}

static void test_matcher_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int ok;
        size_t n;
    } cases[] = {
        { "200", 1, 1 },     { "200,202", 1, 2 }, { "200-299", 1, 1 }, { "200-204,301,404", 1, 3 },
        { "499", 1, 1 },     { "199", 0, 0 },     { "500", 0, 0 },     { "200-", 0, 0 },
        { "300-200", 0, 0 }, { "abc", 0, 0 },     { "", 0, 0 },        { "200,", 0, 0 },
        { " 200", 0, 0 },    { "200 ", 0, 0 },    { "2000", 0, 0 },    { "200-500", 0, 0 },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct alb_matcher_range *r = NULL;
        size_t n = 0;
        int rc = alb_matcher_parse(cases[i].text, 200, 499, &r, &n);
        if (cases[i].ok) {
            assert_int_equal(rc, DD_OK);
            assert_int_equal(n, cases[i].n);
        } else {
            if (rc == DD_OK)
                fail_msg("matcher '%s' should be refused", cases[i].text);
            assert_null(r);
        }
        free(r);
    }
}

/* ------------------------------------------------------------------------ */
/* Refused configs                                                            */

/* A config with one listener whose single rule is RULE, and target groups
 * a..f, so rule cases stay short. */
#define WITH_RULE(RULE)                                                                           \
    "{'LoadBalancers': [{'Name': 'web', 'Listeners': [{'Port': 80, 'DefaultActions': "            \
    "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '404'}}], 'Rules': [" RULE \
    "]}]}], 'TargetGroups': [{'Name': 'a', 'Protocol': 'HTTP', 'Port': 80},"                      \
    "{'Name': 'b', 'Protocol': 'HTTP', 'Port': 80}, {'Name': 'c', 'Protocol': 'HTTP', "           \
    "'Port': 80}, {'Name': 'd', 'Protocol': 'HTTP', 'Port': 80}, {'Name': 'e', 'Protocol': "      \
    "'HTTP', 'Port': 80}, {'Name': 'f', 'Protocol': 'HTTP', 'Port': 80}]}"
#define FIXED \
    "'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]"
#define PATH_COND "'Conditions': [{'Field': 'path-pattern', 'Values': ['/p']}]"
/* A rule with ACTIONS and a path condition. */
#define RULE_ACTIONS(ACTIONS) "{'Priority': 1, " PATH_COND ", 'Actions': [" ACTIONS "]}"
#define RULE_CONDS(CONDS)     "{'Priority': 1, 'Conditions': [" CONDS "], " FIXED "}"
#define WITH_TG(TG)           "{'TargetGroups': [" TG "]}"
#define TG_BASE               "'Name': 't', 'Protocol': 'HTTP', 'Port': 80, 'TargetType': 'ip'"
#define WITH_LB(LB)           "{'LoadBalancers': [" LB "]}"
#define LISTENER(X)                                                           \
    "{'Name': 'web', 'Listeners': [{'Port': 80, 'DefaultActions': [{'Type': " \
    "'fixed-response', 'FixedResponseConfig': {'StatusCode': '404'}}]" X "}]}"

static const struct refused {
    const char *name;
    const char *config;
    const char *code;
    const char *field;   /* exact JSON path, or NULL */
    const char *message; /* substring */
} k_refused[] = {
    { "unknown member", WITH_RULE("{'Prioirty': 10, " PATH_COND ", " FIXED "}"), "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Prioirty", "Unknown field 'Prioirty'" },
    { "priority 0", WITH_RULE("{'Priority': 0, " PATH_COND ", " FIXED "}"), "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Priority", "between 1 and 50000" },
    { "priority 50001", WITH_RULE("{'Priority': 50001, " PATH_COND ", " FIXED "}"),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Priority", "between 1 and 50000" },
    { "priority not a number", WITH_RULE("{'Priority': 'ten', " PATH_COND ", " FIXED "}"),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Priority", "must be an integer" },
    { "priority in use",
      WITH_RULE("{'Priority': 10, " PATH_COND ", " FIXED "}, {'Priority': 10, " PATH_COND ", " FIXED
                "}"),
      "PriorityInUse", "LoadBalancers[0].Listeners[0].Rules[1].Priority",
      "Priority '10' is currently in use" },
    { "six condition values",
      WITH_RULE(RULE_CONDS("{'Field': 'path-pattern', 'PathPatternConfig': {'Values': ['/1', '/2', "
                           "'/3']}}, {'Field': 'http-header', 'HttpHeaderConfig': "
                           "{'HttpHeaderName': 'X-A', 'Values': ['1', '2', '3']}}")),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Conditions",
      "A rule can only have '5' condition values" },
    { "six query pairs",
      WITH_RULE(RULE_CONDS("{'Field': 'query-string', 'QueryStringConfig': {'Values': ["
                           "{'Value': '1'}, {'Value': '2'}, {'Value': '3'}, {'Value': '4'}, "
                           "{'Value': '5'}, {'Value': '6'}]}}")),
      "ValidationError", NULL, "'5' condition values" },
    { "six wildcards",
      WITH_RULE(RULE_CONDS("{'Field': 'path-pattern', 'PathPatternConfig': {'Values': ['/*/*/*', "
                           "'/?/?/?']}}")),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Conditions",
      "A rule can only have '5' wildcards" },
    { "no conditions", WITH_RULE("{'Priority': 1, 'Conditions': [], " FIXED "}"), "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Conditions", "at least one condition" },
    { "two host-header conditions",
      WITH_RULE(RULE_CONDS("{'Field': 'host-header', 'Values': ['a.com']}, {'Field': "
                           "'host-header', 'Values': ['b.com']}")),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Conditions[1]",
      "only one 'host-header' condition" },
    { "host without a dot",
      WITH_RULE(RULE_CONDS("{'Field': 'host-header', 'Values': ['localhost']}")), "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].Values[0]", "at least one '.'" },
    { "host with digits after the last dot",
      WITH_RULE(RULE_CONDS("{'Field': 'host-header', 'Values': ['10.0.0.1']}")), "ValidationError",
      NULL, "only alphabetical characters after the final '.'" },
    { "host with an underscore",
      WITH_RULE(
          RULE_CONDS("{'Field': 'host-header', 'HostHeaderConfig': {'Values': ['a_b.com']}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].HostHeaderConfig."
      "Values[0]",
      "can contain only" },
    { "path with a percent",
      WITH_RULE(RULE_CONDS("{'Field': 'path-pattern', 'Values': ['/a%20b']}")), "ValidationError",
      NULL, "Path pattern '/a%20b'" },
    { "value too long",
      WITH_RULE(
          RULE_CONDS("{'Field': 'path-pattern', 'Values': ['/"
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']}")),
      "ValidationError", NULL, "longer than the 128 characters" },
    { "empty value", WITH_RULE(RULE_CONDS("{'Field': 'path-pattern', 'Values': ['']}")),
      "ValidationError", NULL, "cannot be empty" },
    { "legacy Values with two hosts",
      WITH_RULE(RULE_CONDS("{'Field': 'host-header', 'Values': ['a.com', 'b.com']}")),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].Values",
      "single host name" },
    { "config of another field",
      WITH_RULE(RULE_CONDS("{'Field': 'host-header', 'PathPatternConfig': {'Values': ['/']}}")),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].PathPatternConfig",
      "only when Field is path-pattern" },
    { "unknown field", WITH_RULE(RULE_CONDS("{'Field': 'cookie', 'Values': ['x']}")),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].Field",
      "Field 'cookie' is not valid" },
    { "header condition on Host",
      WITH_RULE(RULE_CONDS("{'Field': 'http-header', 'HttpHeaderConfig': {'HttpHeaderName': "
                           "'host', 'Values': ['a']}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].HttpHeaderConfig."
      "HttpHeaderName",
      "host-header condition" },
    { "header name with a wildcard",
      WITH_RULE(RULE_CONDS("{'Field': 'http-header', 'HttpHeaderConfig': {'HttpHeaderName': "
                           "'X-(a)', 'Values': ['a']}}")),
      "ValidationError", NULL, "RFC 7230 token" },
    { "lowercase method",
      WITH_RULE(RULE_CONDS("{'Field': 'http-request-method', 'HttpRequestMethodConfig': "
                           "{'Values': ['get']}}")),
      "ValidationError", NULL, "HTTP method 'get'" },
    { "method wildcard",
      WITH_RULE(RULE_CONDS("{'Field': 'http-request-method', 'HttpRequestMethodConfig': "
                           "{'Values': ['G*']}}")),
      "ValidationError", NULL, "wildcards are not supported" },
    { "bad CIDR",
      WITH_RULE(
          RULE_CONDS("{'Field': 'source-ip', 'SourceIpConfig': {'Values': ['10.0.0.0/33']}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].SourceIpConfig."
      "Values[0]",
      "not a valid IPv4 or IPv6 CIDR" },
    { "address without prefix",
      WITH_RULE(RULE_CONDS("{'Field': 'source-ip', 'SourceIpConfig': {'Values': ['10.0.0.1']}}")),
      "ValidationError", NULL, "CIDR" },
    { "query pair without Value",
      WITH_RULE(RULE_CONDS("{'Field': 'query-string', 'QueryStringConfig': {'Values': [{'Key': "
                           "'k'}]}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].QueryStringConfig."
      "Values[0].Value",
      "Value is required" },
    { "bad regex",
      WITH_RULE(RULE_CONDS("{'Field': 'path-pattern', 'PathPatternConfig': {'RegexValues': "
                           "['(']}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Conditions[0].PathPatternConfig."
      "RegexValues[0]",
      "regular expression" },
    { "values and regex",
      WITH_RULE(RULE_CONDS("{'Field': 'path-pattern', 'PathPatternConfig': {'Values': ['/a'], "
                           "'RegexValues': ['^/b']}}")),
      "ValidationError", NULL, "not both" },
    { "target group not found",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'TargetGroupName': 'zz'}")),
      "TargetGroupNotFound", "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].TargetGroupName",
      "Target group 'zz' not found" },
    { "forward to six groups",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'ForwardConfig': {'TargetGroups': ["
                             "{'TargetGroupName': 'a', 'Weight': 1}, {'TargetGroupName': 'b', "
                             "'Weight': 1}, {'TargetGroupName': 'c', 'Weight': 1}, "
                             "{'TargetGroupName': 'd', 'Weight': 1}, {'TargetGroupName': 'e', "
                             "'Weight': 1}, {'TargetGroupName': 'f', 'Weight': 1}]}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].ForwardConfig.TargetGroups",
      "at most 5 target groups" },
    { "weight 1000",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'ForwardConfig': {'TargetGroups': ["
                             "{'TargetGroupName': 'a', 'Weight': 1000}]}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].ForwardConfig.TargetGroups[0].Weight",
      "between 0 and 999" },
    { "missing weight",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'ForwardConfig': {'TargetGroups': ["
                             "{'TargetGroupName': 'a', 'Weight': 1}, {'TargetGroupName': 'b'}]}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].ForwardConfig.TargetGroups[1].Weight",
      "specify a weight for each target group" },
    { "group listed twice",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'ForwardConfig': {'TargetGroups': ["
                             "{'TargetGroupName': 'a', 'Weight': 1}, {'TargetGroupName': 'a', "
                             "'Weight': 2}]}}")),
      "ValidationError", NULL, "more than once" },
    { "stickiness without duration",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'ForwardConfig': {'TargetGroups': ["
                             "{'TargetGroupName': 'a'}], 'TargetGroupStickinessConfig': "
                             "{'Enabled': true}}}")),
      "ValidationError", NULL, "DurationSeconds" },
    { "sticky group in unsticky weighted forward",
      "{'LoadBalancers': [" LISTENER(
          ", 'Rules': [{'Priority': 1, " PATH_COND
          ", 'Actions': [{'Type': 'forward', 'ForwardConfig': "
          "{'TargetGroups': [{'TargetGroupName': 't', 'Weight': 1}, "
          "{'TargetGroupName': 'u', 'Weight': 1}]}}]}]") "], 'TargetGroups': [{" TG_BASE
                                                         ", 'Attributes': {'stickiness.enabled': "
                                                         "'true'}}, {'Name': "
                                                         "'u', 'Protocol': 'HTTP', 'Port': 80}]}",
      "InvalidConfigurationRequest",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].ForwardConfig",
      "must enable TargetGroupStickinessConfig" },
    { "forward without a group", WITH_RULE(RULE_ACTIONS("{'Type': 'forward'}")), "ValidationError",
      NULL, "needs TargetGroupArn" },
    { "two routing actions",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'Order': 1, 'TargetGroupName': 'a'}, {'Type': "
                             "'fixed-response', 'Order': 2, 'FixedResponseConfig': {'StatusCode': "
                             "'200'}}")),
      "InvalidLoadBalancerAction", "LoadBalancers[0].Listeners[0].Rules[0].Actions",
      "exactly one forward, redirect or fixed-response" },
    { "multiple actions without Order",
      WITH_RULE(RULE_ACTIONS("{'Type': 'forward', 'TargetGroupName': 'a'}, {'Type': "
                             "'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}")),
      "ValidationError", NULL, "Order is required" },
    { "authenticate on HTTP",
      WITH_RULE(RULE_ACTIONS("{'Type': 'authenticate-cognito', 'Order': 1, "
                             "'AuthenticateCognitoConfig': {'UserPoolArn': 'a', "
                             "'UserPoolClientId': 'b', 'UserPoolDomain': 'c'}}, {'Type': "
                             "'forward', 'Order': 2, 'TargetGroupName': 'a'}")),
      "InvalidLoadBalancerAction", NULL, "only on HTTPS listeners" },
    { "redirect loop",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'RedirectConfig': {'Query': 'x=1', "
                             "'StatusCode': 'HTTP_302'}}")),
      "InvalidLoadBalancerAction",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0]."
      "RedirectConfig",
      "at least one of protocol, host, port or path" },
    { "redirect path without slash",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'RedirectConfig': {'Path': 'new', "
                             "'StatusCode': 'HTTP_301'}}")),
      "ValidationError", "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].RedirectConfig.Path",
      "starting with the leading \"/\"" },
    { "redirect query keyword in path",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'RedirectConfig': {'Path': '/#{query}', "
                             "'StatusCode': 'HTTP_301'}}")),
      "InvalidLoadBalancerAction",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].RedirectConfig.Path", "reserved keyword" },
    { "redirect query with ?",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'RedirectConfig': {'Host': 'x.com', 'Query': "
                             "'?a=1', 'StatusCode': 'HTTP_301'}}")),
      "ValidationError", NULL, "leading \"?\"" },
    { "redirect status 307",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'RedirectConfig': {'Host': 'x.com', "
                             "'StatusCode': 'HTTP_307'}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].RedirectConfig."
      "StatusCode",
      "HTTP_301, HTTP_302" },
    { "redirect port 0",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'RedirectConfig': {'Port': '0', "
                             "'StatusCode': 'HTTP_301'}}")),
      "ValidationError", NULL, "from 1 to 65535" },
    { "redirect protocol lowercase",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'RedirectConfig': {'Protocol': 'https', "
                             "'StatusCode': 'HTTP_301'}}")),
      "ValidationError", NULL, "HTTP, HTTPS or #{protocol}" },
    { "fixed response 302",
      WITH_RULE(RULE_ACTIONS("{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': "
                             "'302'}}")),
      "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].Actions[0].FixedResponseConfig.StatusCode",
      "2XX, 4XX or 5XX" },
    { "fixed response content type",
      WITH_RULE(RULE_ACTIONS("{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': "
                             "'200', 'ContentType': 'text/xml'}}")),
      "ValidationError", NULL, "ContentType 'text/xml' is not valid" },
    { "target group arn on redirect",
      WITH_RULE(RULE_ACTIONS("{'Type': 'redirect', 'TargetGroupName': 'a', 'RedirectConfig': "
                             "{'Host': 'x.com', 'StatusCode': 'HTTP_301'}}")),
      "ValidationError", NULL, "only when Type is forward" },
    { "default rule in Rules",
      WITH_RULE("{'Priority': 1, 'IsDefault': true, " PATH_COND ", " FIXED "}"), "ValidationError",
      "LoadBalancers[0].Listeners[0].Rules[0].IsDefault", "DefaultActions" },
    { "no default actions", WITH_LB("{'Name': 'web', 'Listeners': [{'Port': 80}]}"),
      "ValidationError", "LoadBalancers[0].Listeners[0].DefaultActions",
      "DefaultActions is "
      "required" },
    { "duplicate listener port",
      WITH_LB("{'Name': 'web', 'Listeners': [{'Port': 80, 'DefaultActions': [{'Type': "
              "'fixed-response', 'FixedResponseConfig': {'StatusCode': '404'}}]}, {'Port': 80, "
              "'DefaultActions': [{'Type': 'fixed-response', 'FixedResponseConfig': "
              "{'StatusCode': '404'}}]}]}"),
      "DuplicateListener", "LoadBalancers[0].Listeners[1].Port", "already exists on port 80" },
    { "TCP listener", WITH_LB(LISTENER(", 'Protocol': 'TCP'")), "ValidationError",
      "LoadBalancers[0].Listeners[0].Protocol",
      "Listener protocol 'TCP' must be one of 'HTTPS, "
      "HTTP'" },
    { "HTTPS without certificate", WITH_LB(LISTENER(", 'Protocol': 'HTTPS'")), "ValidationError",
      "LoadBalancers[0].Listeners[0].Certificates", "certificate must be specified" },
    { "redirect HTTPS to HTTP",
      WITH_LB("{'Name': 'web', 'Listeners': [{'Port': 443, 'Protocol': 'HTTPS', 'Certificates': "
              "[{'CertificateArn': 'x'}], 'DefaultActions': [{'Type': 'redirect', "
              "'RedirectConfig': {'Protocol': 'HTTP', 'StatusCode': 'HTTP_301'}}]}]}"),
      "InvalidLoadBalancerAction",
      "LoadBalancers[0].Listeners[0].DefaultActions[0].RedirectConfig.Protocol",
      "can't redirect HTTPS to HTTP" },
    { "listener port 65536", WITH_LB(LISTENER(", 'Port': 65536")), "ValidationError", NULL,
      "between 0 and 65535" },
    { "network load balancer", WITH_LB("{'Name': 'n', 'Type': 'network'}"), "ValidationError",
      "LoadBalancers[0].Type", "Type 'network' is not supported" },
    { "lb name with underscore", WITH_LB("{'Name': 'my_lb'}"), "ValidationError",
      "LoadBalancers[0].Name", "only alphanumeric characters and hyphens" },
    { "lb name internal-", WITH_LB("{'Name': 'internal-x'}"), "ValidationError",
      "LoadBalancers[0].Name", "cannot begin with 'internal-'" },
    { "lb name 33 chars", WITH_LB("{'Name': 'abcdefghijabcdefghijabcdefghijabc'}"),
      "ValidationError", "LoadBalancers[0].Name", "between 1 and 32 characters" },
    { "lb name ends with hyphen", WITH_LB("{'LoadBalancerName': 'lb-'}"), "ValidationError",
      "LoadBalancers[0].LoadBalancerName", "cannot begin or end with a hyphen" },
    { "duplicate lb name", WITH_LB("{'Name': 'x'}, {'Name': 'x'}"), "DuplicateLoadBalancerName",
      "LoadBalancers[1].Name", "same name 'x'" },
    { "lb without name", WITH_LB("{'Scheme': 'internal'}"), "ValidationError",
      "LoadBalancers[0].Name", "Name is required" },
    { "lb bad scheme", WITH_LB("{'Name': 'x', 'Scheme': 'public'}"), "ValidationError",
      "LoadBalancers[0].Scheme", "Scheme 'public' is not valid" },
    { "idle timeout 0",
      WITH_LB("{'Name': 'x', 'Attributes': {'idle_timeout.timeout_seconds': '0'}}"),
      "ValidationError", "LoadBalancers[0].Attributes.idle_timeout.timeout_seconds",
      "between 1 and 4000" },
    { "idle timeout 4001",
      WITH_LB("{'Name': 'x', 'Attributes': [{'Key': 'idle_timeout.timeout_seconds', 'Value': "
              "'4001'}]}"),
      "ValidationError", "LoadBalancers[0].Attributes[0]", "between 1 and 4000" },
    { "xff mode",
      WITH_LB("{'Name': 'x', 'Attributes': {'routing.http.xff_header_processing.mode': "
              "'replace'}}"),
      "ValidationError", NULL, "invalid value 'replace'" },
    { "unknown lb attribute", WITH_LB("{'Name': 'x', 'Attributes': {'idle_timeout': '5'}}"),
      "ValidationError", "LoadBalancers[0].Attributes.idle_timeout",
      "Attribute key 'idle_timeout' is not supported" },
    { "boolean attribute", WITH_LB("{'Name': 'x', 'Attributes': {'routing.http2.enabled': 'yes'}}"),
      "ValidationError", NULL, "'true' or 'false'" },
    { "cross zone off",
      WITH_LB("{'Name': 'x', 'Attributes': {'load_balancing.cross_zone.enabled': 'false'}}"),
      "ValidationError", NULL, "invalid value 'false'" },
    { "access logs without bucket",
      WITH_LB("{'Name': 'x', 'Attributes': {'access_logs.s3.enabled': 'true'}}"), "ValidationError",
      "LoadBalancers[0].Attributes", "access_logs.s3.bucket is required" },
    { "interval 4", WITH_TG("{" TG_BASE ", 'HealthCheckIntervalSeconds': 4}"), "ValidationError",
      "TargetGroups[0].HealthCheckIntervalSeconds", "between 5 and 300" },
    { "interval 301", WITH_TG("{" TG_BASE ", 'HealthCheckIntervalSeconds': 301}"),
      "ValidationError", "TargetGroups[0].HealthCheckIntervalSeconds", "between 5 and 300" },
    { "timeout 1", WITH_TG("{" TG_BASE ", 'HealthCheckTimeoutSeconds': 1}"), "ValidationError",
      "TargetGroups[0].HealthCheckTimeoutSeconds", "between 2 and 120" },
    { "timeout 121",
      WITH_TG("{" TG_BASE ", 'HealthCheckIntervalSeconds': 300, 'HealthCheckTimeoutSeconds': 121}"),
      "ValidationError", "TargetGroups[0].HealthCheckTimeoutSeconds", "between 2 and 120" },
    { "timeout equals interval",
      WITH_TG("{" TG_BASE ", 'HealthCheckIntervalSeconds': 10, 'HealthCheckTimeoutSeconds': 10}"),
      "ValidationError", "TargetGroups[0].HealthCheckTimeoutSeconds",
      "timeout '10' must be smaller than the interval '10'" },
    { "healthy threshold 1", WITH_TG("{" TG_BASE ", 'HealthyThresholdCount': 1}"),
      "ValidationError", "TargetGroups[0].HealthyThresholdCount", "between 2 and 10" },
    { "unhealthy threshold 11", WITH_TG("{" TG_BASE ", 'UnhealthyThresholdCount': 11}"),
      "ValidationError", "TargetGroups[0].UnhealthyThresholdCount", "between 2 and 10" },
    { "matcher 500", WITH_TG("{" TG_BASE ", 'Matcher': {'HttpCode': '200,500'}}"),
      "ValidationError", "TargetGroups[0].Matcher.HttpCode", "between 200 and 499" },
    { "grpc code on http", WITH_TG("{" TG_BASE ", 'Matcher': {'GrpcCode': '0'}}"),
      "ValidationError", "TargetGroups[0].Matcher", "only with ProtocolVersion GRPC" },
    { "health check path", WITH_TG("{" TG_BASE ", 'HealthCheckPath': 'health'}"), "ValidationError",
      "TargetGroups[0].HealthCheckPath", "must start with '/'" },
    { "health check port", WITH_TG("{" TG_BASE ", 'HealthCheckPort': '70000'}"), "ValidationError",
      "TargetGroups[0].HealthCheckPort", "traffic-port" },
    { "health checks off for ip", WITH_TG("{" TG_BASE ", 'HealthCheckEnabled': false}"),
      "ValidationError", "TargetGroups[0].HealthCheckEnabled",
      "must be true for target groups with target type 'ip'" },
    { "tcp target group", WITH_TG("{'Name': 't', 'Protocol': 'TCP', 'Port': 80}"),
      "ValidationError", "TargetGroups[0].Protocol", "Protocol 'TCP' is not valid" },
    { "target group without protocol", WITH_TG("{'Name': 't', 'Port': 80}"), "ValidationError",
      "TargetGroups[0].Protocol", "Protocol is required" },
    { "target group without port", WITH_TG("{'Name': 't', 'Protocol': 'HTTP'}"), "ValidationError",
      "TargetGroups[0].Port", "Port is required" },
    { "duplicate target group", WITH_TG("{" TG_BASE "}, {" TG_BASE "}"), "DuplicateTargetGroupName",
      "TargetGroups[1].Name", "same name 't'" },
    { "targets on instance group",
      WITH_TG("{'Name': 't', 'Protocol': 'HTTP', 'Port': 80, 'Targets': [{'Id': '127.0.0.1'}]}"),
      "ValidationError", "TargetGroups[0].Targets", "\"TargetType\": \"ip\"" },
    { "target id not an address",
      WITH_TG("{" TG_BASE ", 'Targets': [{'Id': 'i-0123456789abcdef0'}]}"), "ValidationError",
      "TargetGroups[0].Targets[0].Id", "not a valid IPv4 or IPv6 address" },
    { "target ipv6 in ipv4 group", WITH_TG("{" TG_BASE ", 'Targets': [{'Id': '::1'}]}"),
      "ValidationError", "TargetGroups[0].Targets[0].Id", "IpAddressType 'ipv4'" },
    { "target port 0", WITH_TG("{" TG_BASE ", 'Targets': [{'Id': '127.0.0.1', 'Port': 0}]}"),
      "ValidationError", "TargetGroups[0].Targets[0].Port", "between 1 and 65535" },
    { "deregistration delay 3601",
      WITH_TG("{" TG_BASE ", 'Attributes': {'deregistration_delay.timeout_seconds': '3601'}}"),
      "ValidationError", "TargetGroups[0].Attributes.deregistration_delay.timeout_seconds",
      "between 0 and 3600" },
    { "slow start 10",
      WITH_TG("{" TG_BASE ", 'Attributes': {'slow_start.duration_seconds': '10'}}"),
      "ValidationError", NULL, "between 30 and 900" },
    { "slow start with LOR",
      WITH_TG("{" TG_BASE ", 'Attributes': {'slow_start.duration_seconds': '30', "
              "'load_balancing.algorithm.type': 'least_outstanding_requests'}}"),
      "InvalidConfigurationRequest", "TargetGroups[0].Attributes",
      "both least outstanding requests" },
    { "lb cookie duration",
      WITH_TG("{" TG_BASE ", 'Attributes': {'stickiness.lb_cookie.duration_seconds': '604801'}}"),
      "ValidationError", NULL, "between 1 and 604800" },
    { "reserved app cookie",
      WITH_TG("{" TG_BASE ", 'Attributes': {'stickiness.enabled': 'true', 'stickiness.type': "
              "'app_cookie', 'stickiness.app_cookie.cookie_name': 'AWSALBAPP-1'}}"),
      "ValidationError", "TargetGroups[0].Attributes", "is reserved" },
    { "app cookie without name",
      WITH_TG("{" TG_BASE ", 'Attributes': {'stickiness.enabled': 'true', 'stickiness.type': "
              "'app_cookie'}}"),
      "ValidationError", NULL, "cookie_name is required" },
    { "lambda attribute on ip",
      WITH_TG("{" TG_BASE ", 'Attributes': {'lambda.multi_value_headers.enabled': 'true'}}"),
      "ValidationError", NULL, "is not supported" },
    { "target group bad arn",
      WITH_TG("{" TG_BASE
              ", 'TargetGroupArn': 'arn:aws:elasticloadbalancing:x:y:targetgroup/t/1'}"),
      "ValidationError", "TargetGroups[0].TargetGroupArn", "not a valid target group ARN" },
    { "target group used by two load balancers",
      "{'LoadBalancers': [" LISTENER(", 'Rules': [{'Priority': 1, " PATH_COND
                                     ", 'Actions': [{'Type': 'forward', 'TargetGroupName': "
                                     "'t'}]}]") ", {'Name': 'web2', 'Listeners': [{'Port': 80, "
                                                "'DefaultActions': [{'Type': 'forward', "
                                                "'TargetGroupName': 't'}]}]}], 'TargetGroups': "
                                                "[{" TG_BASE "}]}",
      "TargetGroupAssociationLimit", "LoadBalancers[1]", "more than one load balancer" },
    { "top level not an object", "[]", "ValidationError", "", "must be a JSON object" },
    { "LoadBalancers not an array", "{'LoadBalancers': {}}", "ValidationError", "LoadBalancers",
      "must be an array" },
    { "malformed JSON", "{'LoadBalancers': [", "ValidationError", "", "not valid JSON" },
};

static void test_refused_configs(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(k_refused); i++) {
        const struct refused *c = &k_refused[i];
        struct alb_config *cfg = (void *)1;
        struct alb_config_error err;
        int rc = fx_parse(c->config, &cfg, &err);
        if (rc == DD_OK)
            fail_msg("case '%s': config was accepted", c->name);
        assert_int_equal(rc, DD_EINVAL);
        assert_null(cfg);
        if (strcmp(err.code, c->code) != 0)
            fail_msg("case '%s': code %s, want %s (%s: %s)", c->name, err.code, c->code, err.field,
                     err.message);
        if (c->field && strcmp(err.field, c->field) != 0)
            fail_msg("case '%s': field '%s', want '%s' (%s)", c->name, err.field, c->field,
                     err.message);
        if (!strstr(err.message, c->message))
            fail_msg("case '%s': message '%s' lacks '%s'", c->name, err.message, c->message);
    }
}

/* 100 rules per load balancer pass; the 101st is TooManyRules. */
static void test_too_many_rules(void **state)
{
    (void)state;
    for (int total = 100; total <= 101; total++) {
        char *text = malloc(64 * 1024);
        assert_non_null(text);
        size_t n = (size_t)sprintf(text, "{'LoadBalancers': [{'Name': 'w', 'Listeners': ["
                                         "{'Port': 80, 'DefaultActions': [{'Type': "
                                         "'fixed-response', 'FixedResponseConfig': "
                                         "{'StatusCode': '404'}}], 'Rules': [");
        for (int i = 0; i < total; i++)
            n += (size_t)sprintf(text + n,
                                 "%s{'Priority': %d, 'Conditions': [{'Field': 'path-pattern', "
                                 "'Values': ['/%d']}], 'Actions': [{'Type': 'fixed-response', "
                                 "'FixedResponseConfig': {'StatusCode': '200'}}]}",
                                 i ? "," : "", i + 1, i);
        sprintf(text + n, "]}]}]}");
        struct alb_config *cfg = NULL;
        struct alb_config_error err;
        int rc = fx_parse(text, &cfg, &err);
        if (total == 100) {
            assert_int_equal(rc, DD_OK);
            assert_int_equal(cfg->load_balancers[0].listeners[0].n_rules, 100);
        } else {
            assert_int_equal(rc, DD_EINVAL);
            assert_string_equal(err.code, "TooManyRules");
            assert_string_equal(err.field, "LoadBalancers[0].Listeners[0].Rules");
        }
        alb_config_free(cfg);
        free(text);
    }
}

/* Every member of the example, replaced by every JSON type in turn: the
 * parser accepts or refuses each document cleanly (ASan/LSan check that a
 * refusal at any depth frees what was built). */
static void mutate_walk(json_t *root, json_t *node, int *runs, int *refused)
{
    static const char *const replacements[] = { "null", "1",    "-1",   "\"x\"", "[]",
                                                "{}",   "true", "[{}]", "\"\"",  "99999999999" };
    if (json_is_object(node)) {
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(node, tmp, key, v)
        {
            json_t *saved = json_incref(v);
            for (size_t i = 0; i < DD_ARRAY_LEN(replacements); i++) {
                json_t *r = json_loads(replacements[i], JSON_DECODE_ANY, NULL);
                assert_non_null(r);
                json_object_set_new(node, key, r);
                struct alb_config *cfg = NULL;
                struct alb_config_error err;
                int rc = alb_config_parse(root, NULL, &cfg, &err);
                assert_true(rc == DD_OK || rc == DD_EINVAL);
                if (rc == DD_OK)
                    assert_non_null(cfg);
                else
                    (*refused)++;
                (*runs)++;
                alb_config_free(cfg);
            }
            json_object_set_new(node, key, saved);
            mutate_walk(root, saved, runs, refused);
        }
    } else if (json_is_array(node)) {
        for (size_t i = 0; i < json_array_size(node); i++)
            mutate_walk(root, json_array_get(node, i), runs, refused);
    }
}

/* A config that uses every shape: all condition kinds, every action type,
 * weighted forwards, attributes in both forms. */
static const char *k_kitchen_sink =
    "{'LoadBalancers': [{'Name': 'web', 'Scheme': 'internal', 'IpAddressType': 'dualstack',"
    "  'Subnets': ['subnet-1'], 'SecurityGroups': ['sg-1'], 'Tags': [{'Key': 'k', 'Value': 'v'}],"
    "  'Attributes': [{'Key': 'idle_timeout.timeout_seconds', 'Value': '30'}],"
    "  'Listeners': [{'Port': 443, 'Protocol': 'HTTPS', 'SslPolicy': 'ELBSecurityPolicy-2016-08',"
    "   'Certificates': [{'CertificateArn': 'arn:aws:acm:us-east-1:000000000000:certificate/c'}],"
    "   'Attributes': {'routing.http.response.server.enabled': 'false'},"
    "   'DefaultActions': [{'Type': 'redirect', 'RedirectConfig': {'Protocol': 'HTTPS', "
    "'Port': '8443', 'Host': '#{host}', 'Path': '/#{path}', 'Query': '#{query}', 'StatusCode': "
    "'HTTP_302'}}],"
    "   'Rules': [{'Priority': 1, 'Conditions': ["
    "      {'Field': 'host-header', 'HostHeaderConfig': {'Values': ['*.example.com']}},"
    "      {'Field': 'http-request-method', 'HttpRequestMethodConfig': {'Values': ['GET']}},"
    "      {'Field': 'source-ip', 'SourceIpConfig': {'Values': ['10.0.0.0/8']}},"
    "      {'Field': 'query-string', 'QueryStringConfig': {'Values': [{'Key': 'a', 'Value': "
    "'b'}]}}],"
    "     'Actions': [{'Type': 'authenticate-oidc', 'Order': 1, 'AuthenticateOidcConfig': "
    "{'Issuer': 'i', 'AuthorizationEndpoint': 'a', 'TokenEndpoint': 't', 'UserInfoEndpoint': "
    "'u', 'ClientId': 'c'}},"
    "      {'Type': 'forward', 'Order': 2, 'ForwardConfig': {'TargetGroups': [{'TargetGroupName': "
    "'a', 'Weight': 1}, {'TargetGroupName': 'b', 'Weight': 3}], 'TargetGroupStickinessConfig': "
    "{'Enabled': true, 'DurationSeconds': 60}}}]},"
    "    {'Priority': 2, 'Conditions': [{'Field': 'http-header', 'HttpHeaderConfig': "
    "{'HttpHeaderName': 'X-A', 'RegexValues': ['^a+$']}}, {'Field': 'path-pattern', 'Values': "
    "['/x']}],"
    "     'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '418', "
    "'ContentType': 'application/json', 'MessageBody': '{}'}}]}]}]}],"
    " 'TargetGroups': [{'Name': 'a', 'Protocol': 'HTTP', 'Port': 80, 'TargetType': 'ip',"
    "   'Matcher': {'HttpCode': '200,302'}, 'HealthCheckPort': 8080, 'Targets': [{'Id': "
    "'10.0.0.1'}, {'Id': '10.0.0.2', 'Port': 81, 'AvailabilityZone': 'all'}],"
    "   'Attributes': {'stickiness.enabled': true, 'slow_start.duration_seconds': 30}},"
    "  {'Name': 'b', 'Protocol': 'HTTPS', 'Port': 443, 'TargetType': 'ip', 'IpAddressType': "
    "'ipv6', 'Targets': [{'Id': '::1'}]}]}";

static void test_mutations(void **state)
{
    (void)state;
    const char *bases[] = { k_example, k_kitchen_sink };
    for (size_t b = 0; b < DD_ARRAY_LEN(bases); b++) {
        char *text = fx_quote(bases[b]);
        json_t *root = json_loads(text, 0, NULL);
        free(text);
        assert_non_null(root);
        /* The base itself is valid. */
        struct alb_config *cfg = NULL;
        struct alb_config_error err;
        if (alb_config_parse(root, NULL, &cfg, &err) != DD_OK)
            fail_msg("base %zu refused: %s at %s: %s", b, err.code, err.field, err.message);
        alb_config_free(cfg);
        int runs = 0, refused = 0;
        mutate_walk(root, root, &runs, &refused);
        assert_true(runs > 300);
        assert_true(refused > runs / 2);
        /* The walk put every value back. */
        assert_int_equal(alb_config_parse(root, NULL, &cfg, NULL), DD_OK);
        alb_config_free(cfg);
        json_decref(root);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_example),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_attributes_forms),
        cmocka_unit_test(test_internal_scheme),
        cmocka_unit_test(test_arns_stable_and_regional),
        cmocka_unit_test(test_rule_and_action_order),
        cmocka_unit_test(test_forward_config),
        cmocka_unit_test(test_limits_at_the_edge),
        cmocka_unit_test(test_matcher_parse),
        cmocka_unit_test(test_refused_configs),
        cmocka_unit_test(test_too_many_rules),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
