/*
 * The control port (see control.h): evhttp, the admin routes of alb-emu,
 * and the ELBv2 placeholder error.
 */
#include "alb-emu/control.h"

#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "common/aws_error.h"
#include "common/daemon.h"
#include "common/err.h"
#include "common/http_reply.h"

#define ELBV2_NAMESPACE "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
#define MAX_BODY        (1024 * 1024)

struct alb_control {
    struct alb_control_config cc;
    struct dd_admin *admin; /* owned */
    struct evhttp *http;    /* owned */
    int port;
};

/* ---- state ---------------------------------------------------------------------- */

static json_t *group_json(const struct alb_tg_rt *t)
{
    const char *hcp = t->tg->health_check_port ? t->tg->health_check_port : "traffic-port";
    json_t *thd = alb_health_describe(t->health, hcp);
    if (!thd)
        return NULL;
    return json_pack("{s:s, s:s, s:s, s:o}", "TargetGroupName", t->tg->target_group_name,
                     "TargetGroupArn", t->tg->target_group_arn, "HealthCheckPort", hcp,
                     "TargetHealthDescriptions", thd);
}

static json_t *groups_json(const struct alb_runtime *rt, const struct alb_tg_rt *only)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < rt->n_tgs; i++) {
        if (only && only != &rt->tgs[i])
            continue;
        json_t *g = group_json(&rt->tgs[i]);
        if (!g || json_array_append_new(a, g) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *balancers_json(const struct alb_control *ctl)
{
    const struct alb_config *cfg = ctl->cc.rt->cfg;
    json_t *a = json_array();
    for (size_t i = 0; a && i < cfg->n_load_balancers; i++) {
        const struct alb_load_balancer *lb = &cfg->load_balancers[i];
        json_t *ls = json_array();
        for (size_t k = 0; ls && k < lb->n_listeners; k++) {
            const struct alb_listener *l = &lb->listeners[k];
            json_t *o =
                json_pack("{s:s, s:s, s:i}", "ListenerArn", l->listener_arn, "Protocol",
                          alb_protocol_name(l->protocol), "Port",
                          ctl->cc.proxy ? alb_proxy_listener_port(ctl->cc.proxy, l) : l->port);
            if (!o || json_array_append_new(ls, o) != 0) {
                json_decref(ls);
                ls = NULL;
            }
        }
        json_t *o = ls ? json_pack("{s:s, s:s, s:s, s:o}", "LoadBalancerName",
                                   lb->load_balancer_name, "LoadBalancerArn", lb->load_balancer_arn,
                                   "DNSName", lb->dns_name, "Listeners", ls)
                       : NULL;
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static void on_state(void *arg, struct evhttp_request *req, const char *rest)
{
    struct alb_control *ctl = arg;
    if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
        dd_http_reply_error(req, 405, "use GET");
        return;
    }
    json_t *lbs = balancers_json(ctl);
    json_t *tgs = groups_json(ctl->cc.rt, NULL);
    if (!lbs || !tgs) {
        json_decref(lbs);
        json_decref(tgs);
        dd_http_reply_error(req, 500, "out of memory");
        return;
    }
    dd_http_reply_json(req, 200,
                       json_pack("{s:o, s:o}", "LoadBalancers", lbs, "TargetGroups", tgs));
}

/* ---- targets -------------------------------------------------------------------------- */

/* One target of a Register / Deregister list, checked. */
struct tdesc {
    struct alb_addr addr;
    const char *id;
};

/* Reads list (may be NULL) into *out (caller frees); a message in err. */
static int read_targets(const json_t *list, const struct alb_target_group *tg, const char *what,
                        struct tdesc **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (!list)
        return DD_OK;
    if (!json_is_array(list)) {
        snprintf(err, errlen, "%s must be a list of {\"Id\": ip, \"Port\": n}", what);
        return DD_EINVAL;
    }
    size_t count = json_array_size(list);
    if (count == 0)
        return DD_OK;
    struct tdesc *t = calloc(count, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return DD_ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        const json_t *o = json_array_get(list, i);
        const json_t *id = json_object_get(o, "Id");
        const json_t *port = json_object_get(o, "Port");
        const char *key;
        const json_t *v;
        if (!json_is_object(o) || !json_is_string(id)) {
            snprintf(err, errlen, "%s[%zu]: expected {\"Id\": ip, \"Port\": n}", what, i);
            goto bad;
        }
        json_object_foreach((json_t *)o, key, v)
        {
            if (strcmp(key, "Id") != 0 && strcmp(key, "Port") != 0 &&
                strcmp(key, "AvailabilityZone") != 0) {
                snprintf(err, errlen, "%s[%zu]: unknown member %s", what, i, key);
                goto bad;
            }
        }
        const char *s = json_string_value(id);
        if (alb_addr_parse(s, strlen(s), &t[i].addr) != DD_OK) {
            snprintf(err, errlen, "%s[%zu].Id: %s is not an IP address (targets are of type ip)",
                     what, i, s);
            goto bad;
        }
        json_int_t p = tg->port;
        if (port) {
            if (!json_is_integer(port)) {
                snprintf(err, errlen, "%s[%zu].Port must be an integer", what, i);
                goto bad;
            }
            p = json_integer_value(port);
        }
        if (p < 1 || p > 65535) {
            snprintf(err, errlen, "%s[%zu].Port: %lld is not in 1..65535", what, i, (long long)p);
            goto bad;
        }
        t[i].addr.port = (uint16_t)p;
        t[i].id = s;
    }
    *out = t;
    *n = count;
    return DD_OK;
bad:
    free(t);
    return DD_EINVAL;
}

static void on_targets(void *arg, struct evhttp_request *req, const char *rest)
{
    struct alb_control *ctl = arg;
    struct alb_runtime *rt = ctl->cc.rt;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    if (cmd == EVHTTP_REQ_GET) {
        struct evkeyvalq q;
        TAILQ_INIT(&q);
        const struct alb_tg_rt *only = NULL;
        const char *qs = strchr(evhttp_request_get_uri(req), '?');
        if (qs && evhttp_parse_query_str(qs + 1, &q) == 0) {
            const char *key = evhttp_find_header(&q, "TargetGroupName");
            if (!key)
                key = evhttp_find_header(&q, "TargetGroupArn");
            if (key && !(only = alb_runtime_find_tg(rt, key))) {
                evhttp_clear_headers(&q);
                dd_http_reply_error(req, 404, "no such target group");
                return;
            }
        }
        evhttp_clear_headers(&q);
        json_t *tgs = groups_json(rt, only);
        if (!tgs) {
            dd_http_reply_error(req, 500, "out of memory");
            return;
        }
        dd_http_reply_json(req, 200, json_pack("{s:o}", "TargetGroups", tgs));
        return;
    }
    if (cmd != EVHTTP_REQ_POST) {
        dd_http_reply_error(req, 405,
                            "use POST {\"TargetGroupName\": ..., \"Register\": [...], "
                            "\"Deregister\": [...]}, or GET");
        return;
    }
    struct dd_buf body = DD_BUF_INIT;
    if (dd_http_read_body(req, &body, MAX_BODY) != DD_OK) {
        dd_buf_release(&body);
        dd_http_reply_error(req, 413, "body too large");
        return;
    }
    json_error_t jerr;
    json_t *in = json_loadb(body.data ? body.data : "", body.len, 0, &jerr);
    dd_buf_release(&body);
    char err[256];
    struct tdesc *reg = NULL, *dereg = NULL;
    size_t nreg = 0, ndereg = 0;
    int status = 400;
    if (!json_is_object(in)) {
        snprintf(err, sizeof(err), "expected a JSON object: %s", in ? "not an object" : jerr.text);
        goto fail;
    }
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v)
    {
        if (strcmp(key, "TargetGroupName") != 0 && strcmp(key, "TargetGroupArn") != 0 &&
            strcmp(key, "Register") != 0 && strcmp(key, "Deregister") != 0) {
            snprintf(err, sizeof(err), "unknown member %s", key);
            goto fail;
        }
    }
    const json_t *name = json_object_get(in, "TargetGroupArn");
    if (!name)
        name = json_object_get(in, "TargetGroupName");
    if (!json_is_string(name)) {
        snprintf(err, sizeof(err), "TargetGroupName or TargetGroupArn is required");
        goto fail;
    }
    struct alb_tg_rt *t = alb_runtime_find_tg(rt, json_string_value(name));
    if (!t) {
        status = 404;
        snprintf(err, sizeof(err), "TargetGroupNotFound: no target group %s",
                 json_string_value(name));
        goto fail;
    }
    if (read_targets(json_object_get(in, "Register"), t->tg, "Register", &reg, &nreg, err,
                     sizeof(err)) != DD_OK ||
        read_targets(json_object_get(in, "Deregister"), t->tg, "Deregister", &dereg, &ndereg, err,
                     sizeof(err)) != DD_OK)
        goto fail;
    for (size_t i = 0; i < ndereg; i++) {
        if (!alb_health_find(t->health, &dereg[i].addr)) {
            char a[ALB_ADDR_STRLEN];
            snprintf(err, sizeof(err),
                     "InvalidTarget: the following targets are not registered in target group "
                     "%s: %s",
                     t->tg->target_group_name, alb_addr_format(&dereg[i].addr, a, sizeof(a)));
            goto fail;
        }
    }
    if (alb_health_count(t->health) + nreg > ALB_MAX_TARGETS_PER_TARGET_GROUP) {
        snprintf(err, sizeof(err), "TooManyTargets: a target group holds at most %d targets",
                 ALB_MAX_TARGETS_PER_TARGET_GROUP);
        goto fail;
    }
    int64_t now = dd_clock_now_ms(ctl->cc.clock);
    char a[ALB_ADDR_STRLEN];
    for (size_t i = 0; i < ndereg; i++) {
        if (alb_health_deregister(t->health, &dereg[i].addr, now) == DD_OK)
            dd_log_info(ctl->cc.log, "target group %s: deregistered %s", t->tg->target_group_name,
                        alb_addr_format(&dereg[i].addr, a, sizeof(a)));
    }
    for (size_t i = 0; i < nreg; i++) {
        int rc = alb_health_register(t->health, &reg[i].addr, now, NULL);
        if (rc == DD_OK)
            dd_log_info(ctl->cc.log, "target group %s: registered %s", t->tg->target_group_name,
                        alb_addr_format(&reg[i].addr, a, sizeof(a)));
        else if (rc != DD_EEXIST) {
            status = rc == DD_ENOMEM ? 500 : 400;
            snprintf(err, sizeof(err), "registering %s: %s",
                     alb_addr_format(&reg[i].addr, a, sizeof(a)), dd_strerror(rc));
            goto fail;
        }
    }
    free(reg);
    free(dereg);
    json_decref(in);
    if (ctl->cc.on_targets_changed)
        ctl->cc.on_targets_changed(ctl->cc.arg);
    dd_http_reply_json(req, 200, group_json(t));
    return;
fail:
    free(reg);
    free(dereg);
    json_decref(in);
    dd_http_reply_error(req, status, err);
}

/* ---- everything else: the ELBv2 API to come -------------------------------------------- */

static const struct dd_aws_error_def k_invalid_action = { NULL, "InvalidAction", 400, 1 };

static void on_request(struct evhttp_request *req, void *arg)
{
    struct alb_control *ctl = arg;
    if (dd_admin_dispatch(ctl->admin, req))
        return;
    /* The Action, from the query string or a form body. */
    struct evkeyvalq q;
    TAILQ_INIT(&q);
    char action[128] = "";
    const char *qs = strchr(evhttp_request_get_uri(req), '?');
    if (qs && evhttp_parse_query_str(qs + 1, &q) == 0 && evhttp_find_header(&q, "Action"))
        snprintf(action, sizeof(action), "%s", evhttp_find_header(&q, "Action"));
    evhttp_clear_headers(&q);
    if (!action[0]) {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(in);
        if (len && len < MAX_BODY) {
            char *body = malloc(len + 1);
            if (body) {
                evbuffer_copyout(in, body, len);
                body[len] = '\0';
                TAILQ_INIT(&q);
                if (evhttp_parse_query_str(body, &q) == 0 && evhttp_find_header(&q, "Action"))
                    snprintf(action, sizeof(action), "%s", evhttp_find_header(&q, "Action"));
                evhttp_clear_headers(&q);
                free(body);
            }
        }
    }
    char msg[256];
    if (action[0])
        snprintf(msg, sizeof(msg),
                 "The action %s is not supported by alb-emu yet: the ELBv2 API is not "
                 "implemented; configure load balancers with --config.",
                 action);
    else
        snprintf(msg, sizeof(msg), "The ELBv2 API is not implemented by alb-emu yet.");
    char rid[37];
    if (dd_aws_request_id_new(rid) != DD_OK)
        snprintf(rid, sizeof(rid), "00000000-0000-4000-8000-000000000000");
    struct dd_aws_reply r;
    if (dd_aws_error_query(&k_invalid_action, msg, rid, ELBV2_NAMESPACE, &r) != DD_OK) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    for (size_t i = 0; i < r.n_headers; i++)
        evhttp_add_header(h, r.headers[i].name, r.headers[i].value);
    dd_http_reply_bytes(req, r.status, NULL, r.body.data ? r.body.data : "", r.body.len);
    dd_aws_reply_release(&r);
    (void)ctl;
}

struct alb_control *alb_control_new(const struct alb_control_config *cc, char *err, size_t errlen)
{
    struct alb_control *ctl = calloc(1, sizeof(*ctl));
    if (!ctl) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ctl->cc = *cc;
    ctl->admin = dd_admin_new("alb-emu", cc->version, cc->clock, cc->metrics);
    ctl->http = evhttp_new(cc->base);
    if (!ctl->admin || !ctl->http || dd_admin_route(ctl->admin, "state", on_state, ctl) ||
        dd_admin_route(ctl->admin, "targets", on_targets, ctl)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    evhttp_set_allowed_methods(ctl->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                              EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(ctl->http, MAX_BODY);
    evhttp_set_timeout(ctl->http, 120);
    evhttp_set_gencb(ctl->http, on_request, ctl);
    evutil_socket_t fd;
    int rc = dd_listen_tcp(cc->host, cc->port, 128, &fd, &ctl->port);
    if (rc != DD_OK) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", cc->host, cc->port, dd_strerror(rc));
        goto fail;
    }
    if (!evhttp_accept_socket_with_handle(ctl->http, fd)) {
        evutil_closesocket(fd);
        snprintf(err, errlen, "cannot serve the control port");
        goto fail;
    }
    return ctl;
fail:
    alb_control_free(ctl);
    return NULL;
}

void alb_control_free(struct alb_control *ctl)
{
    if (!ctl)
        return;
    if (ctl->http)
        evhttp_free(ctl->http);
    dd_admin_free(ctl->admin);
    free(ctl);
}

int alb_control_port(const struct alb_control *ctl)
{
    return ctl->port;
}

struct dd_admin *alb_control_admin(struct alb_control *ctl)
{
    return ctl->admin;
}
