/*
 * sqs-emu: an SQS endpoint for one machine. Reads its settings (flags, then
 * DRYDOCK_SQS_* variables, then --config, then defaults) and runs the server.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/err.h"
#include "sqs-emu/server.h"

extern char **environ;

static const char *const durability_choices[] = { "fsync", "batch", "memory", NULL };

static const struct dd_opt sqs_opts[] = {
    DD_COMMON_OPTS(struct sqs_options, common, 9324),
    { .name = "region",
      .type = DD_OPT_STR,
      .offset = offsetof(struct sqs_options, region),
      .def = "us-east-1",
      .help = "region of queue ARNs when the request's signature names none" },
    { .name = "account-id",
      .type = DD_OPT_STR,
      .offset = offsetof(struct sqs_options, account_id),
      .def = "000000000000",
      .help = "account of queue URLs and ARNs unless the access key id is 12 digits" },
    { .name = "durability",
      .type = DD_OPT_ENUM,
      .offset = offsetof(struct sqs_options, durability),
      .def = "fsync",
      .choices = durability_choices,
      .help = "fsync: answered = on disk; batch: fsync at most every 10 ms; memory: no disk" },
    { .name = "data-dir",
      .type = DD_OPT_STR,
      .offset = offsetof(struct sqs_options, data_dir),
      .def = "sqs-emu-data",
      .help = "where the LMDB store keeps queues and messages (fsync and batch)" },
    { .name = "max-request-bytes",
      .type = DD_OPT_BYTES,
      .offset = offsetof(struct sqs_options, max_body),
      .def = "4mb",
      .min = 65536,
      .max = 64LL * 1024 * 1024,
      .help = "largest HTTP request body accepted" },
};

static const char *const sqs_extra_keys[] = { "queues", NULL };

static const struct dd_config_spec sqs_spec = {
    .daemon = "sqs-emu",
    .env_prefix = "DRYDOCK_SQS_",
    .version = SQS_EMU_VERSION,
    .summary = "Amazon SQS for one machine: AWS JSON 1.0 and Query protocols on one port.",
    .opts = sqs_opts,
    .nopts = sizeof(sqs_opts) / sizeof(sqs_opts[0]),
    .extra_keys = sqs_extra_keys,
};

int main(int argc, char **argv)
{
    struct sqs_options opts;
    memset(&opts, 0, sizeof(opts));
    json_t *root = NULL;
    char err[512];
    int rc = dd_config_load(&sqs_spec, argc, argv, environ, &opts, &root, stdout, err, sizeof(err));
    if (rc == DD_ECANCEL)
        return 0;
    if (rc != DD_OK) {
        fprintf(stderr, "sqs-emu: %s\n", rc == DD_EINVAL ? err : dd_strerror(rc));
        return 2;
    }
    struct sqs_server *s = sqs_server_new(&opts, root);
    rc = s ? sqs_server_run(s) : 1;
    sqs_server_free(s);
    json_decref(root);
    dd_config_release(&sqs_spec, &opts);
    return rc;
}
