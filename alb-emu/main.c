/*
 * alb-emu: an Application Load Balancer for one machine. Reads its settings
 * (flags, then DRYDOCK_ALB_* variables, then --config, then defaults) and
 * the load balancers, listeners, rules and target groups of the --config
 * file, and runs the server.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alb-emu/server.h"
#include "common/config.h"
#include "common/err.h"

extern char **environ;

static const struct dd_opt alb_opts[] = {
    DD_COMMON_OPTS(struct alb_options, common, 9325),
    { .name = "access-log",
      .type = DD_OPT_STR,
      .offset = offsetof(struct alb_options, access_log),
      .help = "append one ALB access-log line per request to FILE" },
    { .name = "region",
      .type = DD_OPT_STR,
      .offset = offsetof(struct alb_options, region),
      .def = "us-east-1",
      .help = "region of the generated ARNs" },
    { .name = "account-id",
      .type = DD_OPT_STR,
      .offset = offsetof(struct alb_options, account_id),
      .def = "000000000000",
      .help = "account of the generated ARNs" },
};

/* The model sections of the config file, read by alb_config_parse(). */
static const char *const alb_extra_keys[] = { "LoadBalancers", "TargetGroups", NULL };

static const struct dd_config_spec alb_spec = {
    .daemon = "alb-emu",
    .env_prefix = "DRYDOCK_ALB_",
    .version = ALB_EMU_VERSION,
    .summary = "An Application Load Balancer for one machine: listeners, rules, target groups "
               "and health checks from --config; --port is the control port.",
    .opts = alb_opts,
    .nopts = sizeof(alb_opts) / sizeof(alb_opts[0]),
    .extra_keys = alb_extra_keys,
};

int main(int argc, char **argv)
{
    struct alb_options opts;
    memset(&opts, 0, sizeof(opts));
    json_t *root = NULL;
    char err[512];
    int rc = dd_config_load(&alb_spec, argc, argv, environ, &opts, &root, stdout, err, sizeof(err));
    if (rc == DD_ECANCEL)
        return 0;
    if (rc != DD_OK) {
        fprintf(stderr, "alb-emu: %s\n", rc == DD_EINVAL ? err : dd_strerror(rc));
        return 2;
    }
    struct alb_server *s = alb_server_new(&opts, root);
    rc = s ? alb_server_run(s) : 1;
    alb_server_free(s);
    json_decref(root);
    dd_config_release(&alb_spec, &opts);
    return rc;
}
