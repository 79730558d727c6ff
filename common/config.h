/*
 * dd_config: one option table per daemon, filled from four sources.
 *
 * Every Drydock daemon describes its settings once, as an array of struct
 * dd_opt rows, and dd_config_load() fills the daemon's options struct from
 * them with the precedence
 *
 *     command-line flag  >  environment variable  >  JSON config file  >  default
 *
 * so --help, the env var names (DRYDOCK_<DAEMON>_<FLAG>) and the config-file
 * keys can never drift apart from the flags (design.md, "Command lines every
 * daemon shares").
 *
 * Ownership: string fields (DD_OPT_STR, DD_OPT_ENUM) of the options struct are
 * malloc'ed copies owned by the struct and freed by dd_config_release(); the
 * spec and everything it points to are borrowed (usually static tables).
 */
#ifndef DD_CONFIG_H
#define DD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum dd_opt_type {
    DD_OPT_STR,   /* char * field (malloc'ed copy, freed by dd_config_release) */
    DD_OPT_INT,   /* long long field, checked against [min, max] */
    DD_OPT_BOOL,  /* bool field; flag form: --name / --name=true|false|yes|no|1|0; env/file same
                     words */
    DD_OPT_BYTES, /* long long field, Redis memory units: 100, 1k=1000, 1kb=1024, 1m, 1mb, 1g, 1gb
                   */
    DD_OPT_ENUM   /* char * field, must be one of choices (exact match) */
};

struct dd_opt {
    const char *name;           /* flag name without dashes, e.g. "data-dir" */
    enum dd_opt_type type;      /* how the text is parsed and which field type is written */
    size_t offset;              /* offsetof(the daemon's options struct, field) */
    const char *def;            /* default, written as on the command line; NULL = unset */
    long long min, max;         /* DD_OPT_INT/BYTES range; ignored when both are 0 */
    const char *const *choices; /* DD_OPT_ENUM: NULL-terminated list */
    const char *help;           /* one line for --help */
};

struct dd_config_spec {
    const char *daemon;            /* "sqs-emu": --help / --version text */
    const char *env_prefix;        /* "DRYDOCK_SQS_"; NULL = no env vars */
    const char *version;           /* printed by --version */
    const char *summary;           /* one line under the usage line of --help */
    const struct dd_opt *opts;     /* the daemon's table, borrowed */
    size_t nopts;                  /* rows in opts */
    const char *const *extra_keys; /* NULL-terminated top-level keys the daemon reads itself */
};

/* The options every daemon has; embed it in the daemon's own options struct and
 * put DD_COMMON_OPTS(type, member, default_port) in its table to get the rows. */
struct dd_common_opts {
    char *host;           /* --host, default 127.0.0.1 */
    long long port;       /* --port, 0..65535, 0 picks a free port */
    long long admin_port; /* --admin-port (only daemons that use it put the row in their table) */
    char *ready_file;     /* --ready-file PATH */
    char *config;         /* --config FILE */
    char *log_level;      /* --log-level debug|info|warn|error, default info */
    char *log_format;     /* --log-format text|json, default text */
};

/* NULL-terminated choices of --log-level and --log-format (static storage). */
extern const char *const dd_log_level_choices[];
extern const char *const dd_log_format_choices[];

#define DD_CONFIG_STR_(x) #x
/* Two steps so that a macro naming the port is expanded before it is quoted. */
#define DD_CONFIG_STR(x) DD_CONFIG_STR_(x)

/* One row per common option; DD_COMMON_OPTS is what daemons use. */
#define DD_CONFIG_ROW_HOST(T, m)                                                               \
    {                                                                                          \
        .name = "host", .type = DD_OPT_STR, .offset = offsetof(T, m.host), .def = "127.0.0.1", \
        .help = "address to listen on"                                                         \
    }
#define DD_CONFIG_ROW_PORT(T, m, default_port)                             \
    {                                                                      \
        .name = "port", .type = DD_OPT_INT, .offset = offsetof(T, m.port), \
        .def = DD_CONFIG_STR(default_port), .min = 0, .max = 65535,        \
        .help = "port to listen on; 0 picks a free port"                   \
    }
#define DD_CONFIG_ROW_READY_FILE(T, m)                                                 \
    {                                                                                  \
        .name = "ready-file", .type = DD_OPT_STR, .offset = offsetof(T, m.ready_file), \
        .help = "once listening, write {\"pid\",\"port\",...} JSON here atomically"    \
    }
#define DD_CONFIG_ROW_CONFIG(T, m)                                             \
    {                                                                          \
        .name = "config", .type = DD_OPT_STR, .offset = offsetof(T, m.config), \
        .help = "JSON config file whose keys are these option names"           \
    }
#define DD_CONFIG_ROW_LOG_LEVEL(T, m)                                                 \
    {                                                                                 \
        .name = "log-level", .type = DD_OPT_ENUM, .offset = offsetof(T, m.log_level), \
        .def = "info", .choices = dd_log_level_choices,                               \
        .help = "least severe message that is logged"                                 \
    }
#define DD_CONFIG_ROW_LOG_FORMAT(T, m)                                                  \
    {                                                                                   \
        .name = "log-format", .type = DD_OPT_ENUM, .offset = offsetof(T, m.log_format), \
        .def = "text", .choices = dd_log_format_choices, .help = "log line format"      \
    }

/* Rows for host, port, ready-file, config, log-level, log-format. T is the
 * daemon's options struct, m the struct dd_common_opts member inside it,
 * default_port an integer literal (or a macro expanding to one). Expands to
 * comma-separated initializers without a trailing comma. */
#define DD_COMMON_OPTS(T, m, default_port)                                                         \
    DD_CONFIG_ROW_HOST(T, m), DD_CONFIG_ROW_PORT(T, m, default_port),                              \
        DD_CONFIG_ROW_READY_FILE(T, m), DD_CONFIG_ROW_CONFIG(T, m), DD_CONFIG_ROW_LOG_LEVEL(T, m), \
        DD_CONFIG_ROW_LOG_FORMAT(T, m)

/* The admin-port row, for daemons whose admin endpoint has a port of its own. */
#define DD_ADMIN_PORT_OPT(T, m, default_port)                                          \
    {                                                                                  \
        .name = "admin-port", .type = DD_OPT_INT, .offset = offsetof(T, m.admin_port), \
        .def = DD_CONFIG_STR(default_port), .min = 0, .max = 65535,                    \
        .help = "port of the /_drydock/ admin endpoint; 0 picks a free port"           \
    }

/*
 * Fills `out` (the daemon's options struct; it must hold no strings from an
 * earlier load) from defaults, the config file, the environment (envp: a
 * NULL-terminated "K=V" array, borrowed, usually `environ`; NULL = empty) and
 * argv (borrowed).
 *
 * Returns DD_OK; DD_ECANCEL after printing --help or --version to stdout_fp
 * (NULL = stdout; the caller exits 0); DD_EINVAL with a one-line message in
 * errbuf naming the flag, variable or key and what is wrong (the caller prints
 * it and exits 2); DD_ENOMEM. On any return other than DD_OK, `out` holds no
 * allocations (its strings are NULL) and *file_root is NULL.
 *
 * On DD_OK, *file_root receives the parsed config file (caller owns it,
 * json_decref) or NULL when there is none, so the daemon can read its
 * extra_keys sections. file_root may be NULL. An empty --config path means
 * "no config file", so `--config=` switches off one named by the environment.
 */
int dd_config_load(const struct dd_config_spec *spec, int argc, char **argv, char **envp, void *out,
                   json_t **file_root, FILE *stdout_fp, char *errbuf, size_t errlen);

/* Frees the string fields of `out` and sets them to NULL; safe to call twice. */
void dd_config_release(const struct dd_config_spec *spec, void *out);

/*
 * Parses a Redis memory value: digits then an optional case-insensitive unit
 * b, k (1000), kb (1024), m, mb, g, gb; nothing else, no sign, no spaces.
 * Returns DD_OK and sets *out, DD_EINVAL for malformed text, DD_ERANGE when the
 * result does not fit in a long long; *out is untouched on error. s borrowed.
 */
int dd_parse_bytes(const char *s, long long *out);

#endif
