/*
 * alb-emu's event-loop glue: loads the config into the model and the
 * runtime, starts the proxy (listeners), the health checker and the control
 * port on one libevent loop, wires the emulated clock and the target state
 * changes between them, and stops gracefully on SIGTERM/SIGINT. It holds no
 * ALB rules of its own.
 */
#ifndef ALB_SERVER_H
#define ALB_SERVER_H

#include <jansson.h>

#include "common/config.h"

#define ALB_EMU_VERSION "0.1.0"

/* Everything the command line, environment and config file say. */
struct alb_options {
    struct dd_common_opts common; /* --host, --port (control), --ready-file, --config, --log-* */
    char *access_log;             /* --access-log FILE, or NULL */
    char *region;                 /* --region, for ARNs */
    char *account_id;             /* --account-id, for ARNs */
};

struct alb_server;

/* Builds a server from opts (borrowed for its lifetime) and the config
 * file's root (borrowed; may be NULL: no load balancers). Returns NULL after
 * logging why. */
struct alb_server *alb_server_new(const struct alb_options *opts, json_t *file_root);
/* Writes the ready file and runs the loop until SIGTERM/SIGINT; 0 on a
 * clean stop. */
int alb_server_run(struct alb_server *s);
/* Frees s and everything it owns; NULL is a no-op. */
void alb_server_free(struct alb_server *s);

#endif
