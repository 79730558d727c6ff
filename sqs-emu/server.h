/*
 * sqs-emu's event-loop glue: the HTTP listener, the admin endpoint, parked
 * long polls and shutdown. It moves bytes between evhttp and the wire layer
 * and calls the operations; it holds no SQS rules of its own.
 */
#ifndef SQS_SERVER_H
#define SQS_SERVER_H

#include <jansson.h>

#include "common/config.h"

#define SQS_EMU_VERSION "0.1.0"

/* Everything the command line, environment and config file say. */
struct sqs_options {
    struct dd_common_opts common;
    char *region;       /* --region */
    char *account_id;   /* --account-id */
    char *durability;   /* --durability fsync|batch|memory */
    char *data_dir;     /* --data-dir */
    long long max_body; /* --max-request-bytes */
};

struct sqs_server;

/* Builds a server from opts (borrowed for its lifetime) and the config file's
 * root (borrowed; may be NULL). Returns NULL after logging why. */
struct sqs_server *sqs_server_new(const struct sqs_options *opts, json_t *file_root);
/* Runs the loop until SIGTERM/SIGINT; returns 0 on a clean stop. */
int sqs_server_run(struct sqs_server *s);
void sqs_server_free(struct sqs_server *s);

#endif
