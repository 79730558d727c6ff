/*
 * Unit tests for common/config.c: the precedence flag > env > file > default
 * for every option type, the value parsers (Redis byte units, booleans, enums,
 * ranges), --help / --version, the config file (unknown keys, aliases, syntax
 * errors, extra_keys handed back) and ownership of the string fields.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/err.h"

/* A daemon's options struct as a real daemon would write it. */
struct topts {
    struct dd_common_opts common; /* host, port, ... */
    char *data_dir;               /* STR with a default */
    char *region;                 /* STR without a default */
    long long visibility;         /* INT with a range */
    long long limit;              /* INT without a range */
    bool fifo;                    /* BOOL, default false */
    bool compress;                /* BOOL, default true */
    long long maxmemory;          /* BYTES without a range */
    long long cap;                /* BYTES with a range */
    char *durability;             /* ENUM */
};

/* Exercises the two-step stringification of DD_ADMIN_PORT_OPT. */
#define T_ADMIN_PORT 9400

static const char *const durability_choices[] = { "fsync", "batch", "memory", NULL };
static const char *const t_extra_keys[] = { "queues", NULL };

static const struct dd_opt t_opts[] = {
    DD_COMMON_OPTS(struct topts, common, 9324),
    DD_ADMIN_PORT_OPT(struct topts, common, T_ADMIN_PORT),
    { .name = "data-dir",
      .type = DD_OPT_STR,
      .offset = offsetof(struct topts, data_dir),
      .def = "/var/lib/drydock",
      .help = "where messages live" },
    { .name = "region",
      .type = DD_OPT_STR,
      .offset = offsetof(struct topts, region),
      .help = "AWS region" },
    { .name = "visibility",
      .type = DD_OPT_INT,
      .offset = offsetof(struct topts, visibility),
      .def = "30",
      .min = 0,
      .max = 43200,
      .help = "default visibility timeout" },
    { .name = "limit",
      .type = DD_OPT_INT,
      .offset = offsetof(struct topts, limit),
      .help = "a signed number with no range" },
    { .name = "fifo",
      .type = DD_OPT_BOOL,
      .offset = offsetof(struct topts, fifo),
      .help = "FIFO queues" },
    { .name = "compress",
      .type = DD_OPT_BOOL,
      .offset = offsetof(struct topts, compress),
      .def = "true",
      .help = "compress" },
    { .name = "maxmemory",
      .type = DD_OPT_BYTES,
      .offset = offsetof(struct topts, maxmemory),
      .def = "100mb",
      .help = "memory limit" },
    { .name = "cap",
      .type = DD_OPT_BYTES,
      .offset = offsetof(struct topts, cap),
      .def = "1kb",
      .min = 0,
      .max = 1073741824,
      .help = "capped size" },
    { .name = "durability",
      .type = DD_OPT_ENUM,
      .offset = offsetof(struct topts, durability),
      .def = "batch",
      .choices = durability_choices,
      .help = "how hard to sync" },
};

static const struct dd_config_spec t_spec = {
    .daemon = "test-emu",
    .env_prefix = "DRYDOCK_T_",
    .version = "1.2.3",
    .summary = "A daemon that only exists in tests.",
    .opts = t_opts,
    .nopts = DD_ARRAY_LEN(t_opts),
    .extra_keys = t_extra_keys,
};

#define ARGV(...) ((char *[]){ "test-emu", __VA_ARGS__, NULL })
#define ENVP(...) ((char *[]){ __VA_ARGS__, NULL })

/* One dd_config_load() call and everything it produced. */
struct run {
    struct topts o; /* the filled options */
    json_t *root;   /* *file_root */
    char err[512];  /* errbuf */
    char *text;     /* what went to stdout_fp, owned */
    size_t textlen; /* length of text */
    int rc;         /* the return code */
};

static int run_load(struct run *r, const struct dd_config_spec *spec, char **argv, char **envp)
{
    memset(r, 0, sizeof(*r));
    int argc = 0;
    while (argv[argc])
        argc++;
    FILE *fp = open_memstream(&r->text, &r->textlen);
    assert_non_null(fp);
    r->rc = dd_config_load(spec, argc, argv, envp, &r->o, &r->root, fp, r->err, sizeof(r->err));
    assert_int_equal(fclose(fp), 0);
    return r->rc;
}

static int run(struct run *r, char **argv, char **envp)
{
    return run_load(r, &t_spec, argv, envp);
}

static void run_done(struct run *r, const struct dd_config_spec *spec)
{
    dd_config_release(spec, &r->o);
    json_decref(r->root);
    r->root = NULL;
    free(r->text);
    r->text = NULL;
}

static void done(struct run *r)
{
    run_done(r, &t_spec);
}

/* A config file in /tmp, removed by tmp_remove(). */
struct tmpf {
    char path[64]; /* the file */
    char flag[80]; /* "--config=<path>" */
    char env[96];  /* "DRYDOCK_T_CONFIG=<path>" */
};

static void tmp_write(struct tmpf *t, const char *content)
{
    snprintf(t->path, sizeof(t->path), "/tmp/dd_test_config_XXXXXX");
    int fd = mkstemp(t->path);
    assert_true(fd >= 0);
    size_t len = strlen(content);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    snprintf(t->flag, sizeof(t->flag), "--config=%s", t->path);
    snprintf(t->env, sizeof(t->env), "DRYDOCK_T_CONFIG=%s", t->path);
}

static void tmp_remove(struct tmpf *t)
{
    assert_int_equal(unlink(t->path), 0);
}

static const struct dd_opt *t_find(const char *name)
{
    for (size_t k = 0; k < t_spec.nopts; k++) {
        if (strcmp(t_opts[k].name, name) == 0)
            return &t_opts[k];
    }
    fail_msg("no option %s in the test table", name);
    return NULL;
}

/* The field of `name` rendered as text, read through the table like the loader does. */
static const char *value_text(struct topts *o, const char *name, char *buf, size_t len)
{
    const struct dd_opt *opt = t_find(name);
    const char *f = (const char *)o + opt->offset;
    switch (opt->type) {
    case DD_OPT_STR:
    case DD_OPT_ENUM: {
        const char *s = *(char *const *)f;
        snprintf(buf, len, "%s", s ? s : "(null)");
        break;
    }
    case DD_OPT_INT:
    case DD_OPT_BYTES:
        snprintf(buf, len, "%lld", *(const long long *)f);
        break;
    case DD_OPT_BOOL:
        snprintf(buf, len, "%s", *(const bool *)f ? "true" : "false");
        break;
    }
    return buf;
}

/* Every string field of o, for the "no allocation left" checks. */
static void assert_no_strings(const struct topts *o)
{
    assert_null(o->common.host);
    assert_null(o->common.ready_file);
    assert_null(o->common.config);
    assert_null(o->common.log_level);
    assert_null(o->common.log_format);
    assert_null(o->data_dir);
    assert_null(o->region);
    assert_null(o->durability);
}

/* ------------------------------------------------------------------------ */

/* One row per option: the value each source gives it, and what the field holds
 * when that source is the strongest present. */
struct prec_case {
    const char *name;      /* option */
    const char *file_kv;   /* "key": value, as a JSON object member */
    const char *env;       /* NAME=value */
    const char *flag;      /* first argv word */
    const char *flag_arg;  /* second argv word or NULL */
    const char *expect[4]; /* default, file, env, flag */
};

static const struct prec_case prec_cases[] = {
    { "data-dir",
      "\"data-dir\": \"/f\"",
      "DRYDOCK_T_DATA_DIR=/e",
      "--data-dir=/c",
      NULL,
      { "/var/lib/drydock", "/f", "/e", "/c" } },
    { "region",
      "\"region\": \"eu-west-1\"",
      "DRYDOCK_T_REGION=us-east-1",
      "--region",
      "ap-south-1",
      { "(null)", "eu-west-1", "us-east-1", "ap-south-1" } },
    { "host",
      "\"host\": \"10.0.0.1\"",
      "DRYDOCK_T_HOST=0.0.0.0",
      "--host",
      "::1",
      { "127.0.0.1", "10.0.0.1", "0.0.0.0", "::1" } },
    { "ready-file",
      "\"ready_file\": \"/f.json\"",
      "DRYDOCK_T_READY_FILE=/e.json",
      "--ready-file=/c.json",
      NULL,
      { "(null)", "/f.json", "/e.json", "/c.json" } },
    { "port", "\"port\": 1", "DRYDOCK_T_PORT=2", "--port", "3", { "9324", "1", "2", "3" } },
    { "admin-port",
      "\"admin-port\": \"65535\"",
      "DRYDOCK_T_ADMIN_PORT=0",
      "--admin-port=7",
      NULL,
      { "9400", "65535", "0", "7" } },
    { "visibility",
      "\"visibility\": 40",
      "DRYDOCK_T_VISIBILITY=50",
      "--visibility=60",
      NULL,
      { "30", "40", "50", "60" } },
    { "limit",
      "\"limit\": -40",
      "DRYDOCK_T_LIMIT=-50",
      "--limit",
      "-60",
      { "0", "-40", "-50", "-60" } },
    { "fifo",
      "\"fifo\": true",
      "DRYDOCK_T_FIFO=no",
      "--fifo",
      NULL,
      { "false", "true", "false", "true" } },
    { "compress",
      "\"compress\": false",
      "DRYDOCK_T_COMPRESS=YES",
      "--compress=0",
      NULL,
      { "true", "false", "true", "false" } },
    { "maxmemory",
      "\"maxmemory\": \"1gb\"",
      "DRYDOCK_T_MAXMEMORY=2k",
      "--maxmemory=0",
      NULL,
      { "104857600", "1073741824", "2000", "0" } },
    { "cap",
      "\"cap\": 4096",
      "DRYDOCK_T_CAP=1MB",
      "--cap",
      "3m",
      { "1024", "4096", "1048576", "3000000" } },
    { "durability",
      "\"durability\": \"memory\"",
      "DRYDOCK_T_DURABILITY=fsync",
      "--durability=batch",
      NULL,
      { "batch", "memory", "fsync", "batch" } },
    { "log-level",
      "\"log_level\": \"debug\"",
      "DRYDOCK_T_LOG_LEVEL=warn",
      "--log-level",
      "error",
      { "info", "debug", "warn", "error" } },
    { "log-format",
      "\"log-format\": \"json\"",
      "DRYDOCK_T_LOG_FORMAT=text",
      "--log-format=json",
      NULL,
      { "text", "json", "text", "json" } },
};

static void check_stage(const struct prec_case *c, char **argv, char **envp, const char *want,
                        const char *stage)
{
    struct run r;
    char buf[64];
    if (run(&r, argv, envp) != DD_OK)
        fail_msg("%s/%s: rc %d: %s", c->name, stage, r.rc, r.err);
    const char *got = value_text(&r.o, c->name, buf, sizeof(buf));
    if (strcmp(got, want) != 0)
        fail_msg("%s/%s: got \"%s\", want \"%s\"", c->name, stage, got, want);
    done(&r);
}

static void test_precedence_every_type(void **state)
{
    (void)state;
    for (size_t k = 0; k < DD_ARRAY_LEN(prec_cases); k++) {
        const struct prec_case *c = &prec_cases[k];
        char json[256];
        struct tmpf t;
        snprintf(json, sizeof(json), "{ %s }", c->file_kv);
        tmp_write(&t, json);
        char *env = (char *)c->env;
        char *flag = (char *)c->flag, *arg = (char *)c->flag_arg;

        check_stage(c, ARGV(NULL), ENVP(NULL), c->expect[0], "default");
        check_stage(c, ARGV(t.flag), ENVP(NULL), c->expect[1], "file");
        check_stage(c, ARGV(t.flag), ENVP(env), c->expect[2], "file+env");
        check_stage(c, ARGV(t.flag, flag, arg), ENVP(env), c->expect[3], "file+env+flag");
        /* Each source also wins alone, and the flag beats the file without env. */
        check_stage(c, ARGV(NULL), ENVP(env), c->expect[2], "env");
        check_stage(c, ARGV(flag, arg), ENVP(NULL), c->expect[3], "flag");
        if (arg)
            check_stage(c, ARGV(flag, arg, t.flag), ENVP(NULL), c->expect[3], "flag+file");
        else
            check_stage(c, ARGV(flag, t.flag), ENVP(NULL), c->expect[3], "flag+file");
        /* The config file can be named by its env var too. */
        check_stage(c, ARGV(NULL), ENVP(t.env), c->expect[1], "file via env");
        tmp_remove(&t);
    }
}

static void test_common_defaults(void **state)
{
    (void)state;
    struct run r;
    assert_int_equal(run(&r, ARGV(NULL), NULL), DD_OK);
    assert_string_equal(r.o.common.host, "127.0.0.1");
    assert_int_equal(r.o.common.port, 9324);
    assert_int_equal(r.o.common.admin_port, 9400);
    assert_null(r.o.common.ready_file);
    assert_null(r.o.common.config);
    assert_string_equal(r.o.common.log_level, "info");
    assert_string_equal(r.o.common.log_format, "text");
    assert_null(r.root);
    assert_string_equal(r.err, "");
    assert_int_equal(r.textlen, 0);
    done(&r);
}

/* ------------------------------------------------------------------------ */

struct bytes_case {
    const char *in; /* text */
    int rc;         /* expected return */
    long long out;  /* expected value when rc == DD_OK */
};

static const struct bytes_case bytes_cases[] = {
    { "0", DD_OK, 0 },
    { "100", DD_OK, 100 },
    { "007kb", DD_OK, 7168 },
    { "5b", DD_OK, 5 },
    { "5B", DD_OK, 5 },
    { "1k", DD_OK, 1000 },
    { "1K", DD_OK, 1000 },
    { "1kb", DD_OK, 1024 },
    { "1Kb", DD_OK, 1024 },
    { "1m", DD_OK, 1000000 },
    { "100MB", DD_OK, 104857600 },
    { "100mb", DD_OK, 104857600 },
    { "1g", DD_OK, 1000000000 },
    { "1gb", DD_OK, 1073741824 },
    { "1GB", DD_OK, 1073741824 },
    { "9223372036854775807", DD_OK, LLONG_MAX },
    { "8589934591gb", DD_OK, 8589934591LL * 1073741824LL },
    { "9223372036854775808", DD_ERANGE, 0 },
    { "99999999999999999999999", DD_ERANGE, 0 },
    { "99999999999999999999999kb", DD_ERANGE, 0 },
    { "8589934592gb", DD_ERANGE, 0 },
    { "9223372036854776k", DD_ERANGE, 0 },
    { "", DD_EINVAL, 0 },
    { "mb", DD_EINVAL, 0 },
    { "1 mb", DD_EINVAL, 0 },
    { " 1", DD_EINVAL, 0 },
    { "12 ", DD_EINVAL, 0 },
    { "1mbb", DD_EINVAL, 0 },
    { "1t", DD_EINVAL, 0 },
    { "1tb", DD_EINVAL, 0 },
    { "-1", DD_EINVAL, 0 },
    { "+1", DD_EINVAL, 0 },
    { "1.5gb", DD_EINVAL, 0 },
    { "0x10", DD_EINVAL, 0 },
    { "abc", DD_EINVAL, 0 },
    { "1kbx", DD_EINVAL, 0 },
    { "1bk", DD_EINVAL, 0 },
};

static void test_parse_bytes_units(void **state)
{
    (void)state;
    for (size_t k = 0; k < DD_ARRAY_LEN(bytes_cases); k++) {
        const struct bytes_case *c = &bytes_cases[k];
        long long v = -7;
        int rc = dd_parse_bytes(c->in, &v);
        if (rc != c->rc)
            fail_msg("\"%s\": rc %d, want %d", c->in, rc, c->rc);
        if (rc == DD_OK && v != c->out)
            fail_msg("\"%s\": %lld, want %lld", c->in, v, c->out);
        if (rc != DD_OK && v != -7)
            fail_msg("\"%s\": output written on error", c->in);
    }
    long long v = -7;
    assert_int_equal(dd_parse_bytes(NULL, &v), DD_EINVAL);
    assert_int_equal(v, -7);
}

static void test_bytes_option_errors(void **state)
{
    (void)state;
    struct run r;
    assert_int_equal(run(&r, ARGV("--maxmemory=lots"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--maxmemory: \"lots\" is not a size (like 100, 64kb, 100mb, 1gb)");
    assert_no_strings(&r.o);
    done(&r);

    assert_int_equal(run(&r, ARGV("--maxmemory", "99999999999gb"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--maxmemory: \"99999999999gb\" is too large");
    done(&r);

    assert_int_equal(run(&r, ARGV("--cap=2gb"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--cap: \"2gb\" is out of range 0..1073741824");
    done(&r);

    assert_int_equal(run(&r, ARGV("--cap=1gb"), NULL), DD_OK);
    assert_int_equal(r.o.cap, 1073741824);
    done(&r);

    assert_int_equal(run(&r, ARGV(NULL), ENVP("DRYDOCK_T_MAXMEMORY=1 gb")), DD_EINVAL);
    assert_string_equal(r.err,
                        "DRYDOCK_T_MAXMEMORY: \"1 gb\" is not a size (like 100, 64kb, 100mb, 1gb)");
    done(&r);

    struct tmpf t;
    char want[256];
    tmp_write(&t, "{\"maxmemory\": -1}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want), "%s: key \"maxmemory\": -1 is not a size (negative)", t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);

    tmp_write(&t, "{\"cap\": 1073741825}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want), "%s: key \"cap\": 1073741825 is out of range 0..1073741824",
             t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);
}

/* ------------------------------------------------------------------------ */

struct bool_case {
    const char *arg; /* argv word */
    int rc;          /* expected return */
    bool want;       /* expected fifo when DD_OK */
};

static const struct bool_case bool_cases[] = {
    { "--fifo", DD_OK, true },         { "--fifo=true", DD_OK, true },
    { "--fifo=TRUE", DD_OK, true },    { "--fifo=yes", DD_OK, true },
    { "--fifo=Yes", DD_OK, true },     { "--fifo=1", DD_OK, true },
    { "--fifo=false", DD_OK, false },  { "--fifo=False", DD_OK, false },
    { "--fifo=no", DD_OK, false },     { "--fifo=NO", DD_OK, false },
    { "--fifo=0", DD_OK, false },      { "--fifo=maybe", DD_EINVAL, false },
    { "--fifo=", DD_EINVAL, false },   { "--fifo=2", DD_EINVAL, false },
    { "--fifo=on", DD_EINVAL, false }, { "--fifo=truee", DD_EINVAL, false },
};

static void test_bool_forms(void **state)
{
    (void)state;
    struct run r;
    for (size_t k = 0; k < DD_ARRAY_LEN(bool_cases); k++) {
        const struct bool_case *c = &bool_cases[k];
        /* Start from true via the env so that "false" is an observable change. */
        int rc =
            run(&r, ARGV((char *)c->arg), ENVP(c->want ? "DRYDOCK_T_FIFO=0" : "DRYDOCK_T_FIFO=1"));
        if (rc != c->rc)
            fail_msg("%s: rc %d, want %d (%s)", c->arg, rc, c->rc, r.err);
        if (rc == DD_OK && r.o.fifo != c->want)
            fail_msg("%s: got %d", c->arg, r.o.fifo);
        if (rc != DD_OK && strncmp(r.err, "--fifo: \"", 9) != 0)
            fail_msg("%s: message \"%s\"", c->arg, r.err);
        done(&r);
    }

    assert_int_equal(run(&r, ARGV("--fifo=maybe"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--fifo: \"maybe\" is not a boolean (true|false|yes|no|1|0)");
    done(&r);

    /* The bare flag never takes the next word: "false" is a stray argument. */
    assert_int_equal(run(&r, ARGV("--fifo", "false"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "unexpected argument \"false\" (see --help)");
    done(&r);

    assert_int_equal(run(&r, ARGV(NULL), ENVP("DRYDOCK_T_COMPRESS=nope")), DD_EINVAL);
    assert_string_equal(r.err,
                        "DRYDOCK_T_COMPRESS: \"nope\" is not a boolean (true|false|yes|no|1|0)");
    done(&r);

    struct tmpf t;
    char want[256];
    tmp_write(&t, "{\"fifo\": \"yes\", \"compress\": \"no\"}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_OK);
    assert_true(r.o.fifo);
    assert_false(r.o.compress);
    done(&r);
    tmp_remove(&t);

    tmp_write(&t, "{\"fifo\": 1}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want),
             "%s: key \"fifo\": expected true, false or a string, got an integer", t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);
}

/* ------------------------------------------------------------------------ */

static void test_enum_rejection(void **state)
{
    (void)state;
    struct run r;
    assert_int_equal(run(&r, ARGV("--durability=sync"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--durability: \"sync\" is not one of fsync|batch|memory");
    done(&r);

    /* Exact match: case matters. */
    assert_int_equal(run(&r, ARGV("--durability", "FSYNC"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--durability: \"FSYNC\" is not one of fsync|batch|memory");
    done(&r);

    assert_int_equal(run(&r, ARGV("--durability="), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--durability: \"\" is not one of fsync|batch|memory");
    done(&r);

    assert_int_equal(run(&r, ARGV("--log-level=verbose"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--log-level: \"verbose\" is not one of debug|info|warn|error");
    done(&r);

    assert_int_equal(run(&r, ARGV(NULL), ENVP("DRYDOCK_T_LOG_FORMAT=xml")), DD_EINVAL);
    assert_string_equal(r.err, "DRYDOCK_T_LOG_FORMAT: \"xml\" is not one of text|json");
    done(&r);

    struct tmpf t;
    char want[256];
    tmp_write(&t, "{\"durability\": 3}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want), "%s: key \"durability\": expected a string, got an integer",
             t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);

    tmp_write(&t, "{\"durability\": \"disk\"}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want),
             "%s: key \"durability\": \"disk\" is not one of fsync|batch|memory", t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);
}

static void test_int_errors(void **state)
{
    (void)state;
    struct run r;
    static const struct {
        const char *a, *b; /* argv words */
        const char *err;   /* expected message */
    } cases[] = {
        { "--port=70000", NULL, "--port: \"70000\" is out of range 0..65535" },
        { "--port", "-1", "--port: \"-1\" is out of range 0..65535" },
        { "--port", "abc", "--port: \"abc\" is not an integer" },
        { "--port=", NULL, "--port: \"\" is not an integer" },
        { "--port", " 80", "--port: \" 80\" is not an integer" },
        { "--port", "80x", "--port: \"80x\" is not an integer" },
        { "--port", "0x50", "--port: \"0x50\" is not an integer" },
        { "--port", "99999999999999999999",
          "--port: \"99999999999999999999\" is out of range "
          "0..65535" },
        { "--limit=99999999999999999999", NULL,
          "--limit: \"99999999999999999999\" does not fit in 64 bits" },
        { "--visibility=43201", NULL, "--visibility: \"43201\" is out of range 0..43200" },
    };
    for (size_t k = 0; k < DD_ARRAY_LEN(cases); k++) {
        assert_int_equal(run(&r, ARGV((char *)cases[k].a, (char *)cases[k].b), NULL), DD_EINVAL);
        assert_string_equal(r.err, cases[k].err);
        assert_no_strings(&r.o);
        done(&r);
    }

    assert_int_equal(run(&r, ARGV("--limit", "-9223372036854775808", "--visibility=43200"), NULL),
                     DD_OK);
    assert_int_equal(r.o.limit, LLONG_MIN);
    assert_int_equal(r.o.visibility, 43200);
    done(&r);

    assert_int_equal(run(&r, ARGV(NULL), ENVP("DRYDOCK_T_PORT=abc")), DD_EINVAL);
    assert_string_equal(r.err, "DRYDOCK_T_PORT: \"abc\" is not an integer");
    done(&r);

    /* Set-but-empty is a value, and an invalid one for a number. */
    assert_int_equal(run(&r, ARGV(NULL), ENVP("DRYDOCK_T_ADMIN_PORT=")), DD_EINVAL);
    assert_string_equal(r.err, "DRYDOCK_T_ADMIN_PORT: \"\" is not an integer");
    done(&r);

    struct tmpf t;
    char want[256];
    tmp_write(&t, "{\"port\": 70000}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want), "%s: key \"port\": 70000 is out of range 0..65535", t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);

    tmp_write(&t, "{\"port\": 1.5}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want),
             "%s: key \"port\": expected an integer or a string, got a real number", t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);

    tmp_write(&t, "{\"visibility\": null}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want),
             "%s: key \"visibility\": expected an integer or a string, got null", t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);

    tmp_write(&t, "{\"region\": [\"x\"]}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want), "%s: key \"region\": expected a string, got an array", t.path);
    assert_string_equal(r.err, want);
    done(&r);
    tmp_remove(&t);
}

/* ------------------------------------------------------------------------ */

static void test_help_lists_every_flag(void **state)
{
    (void)state;
    struct run r;
    /* A bad env var must not hide the help. */
    assert_int_equal(run(&r, ARGV("--help"), ENVP("DRYDOCK_T_PORT=abc")), DD_ECANCEL);
    assert_string_equal(r.err, "");
    assert_no_strings(&r.o);
    assert_null(r.root);
    assert_non_null(r.text);
    assert_int_equal(strncmp(r.text,
                             "Usage: test-emu [OPTIONS]\n"
                             "A daemon that only exists in tests.\n",
                             62),
                     0);
    for (size_t k = 0; k < t_spec.nopts; k++) {
        char flag[64], env[64];
        snprintf(flag, sizeof(flag), "  --%s ", t_opts[k].name);
        if (t_opts[k].type == DD_OPT_BOOL)
            snprintf(flag, sizeof(flag), "  --%s[=BOOL]", t_opts[k].name);
        snprintf(env, sizeof(env), "env DRYDOCK_T_");
        for (const char *p = t_opts[k].name; *p; p++) {
            char c = *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
            strncat(env, &c, 1);
        }
        if (!strstr(r.text, flag))
            fail_msg("help lacks \"%s\":\n%s", flag, r.text);
        if (!strstr(r.text, env))
            fail_msg("help lacks \"%s\":\n%s", env, r.text);
        if (!strstr(r.text, t_opts[k].help))
            fail_msg("help lacks \"%s\"", t_opts[k].help);
    }
    static const char *const musts[] = {
        "env DRYDOCK_T_PORT; default 9324; range 0..65535",
        "env DRYDOCK_T_ADMIN_PORT; default 9400; range 0..65535",
        "env DRYDOCK_T_HOST; default 127.0.0.1",
        "env DRYDOCK_T_MAXMEMORY; default 100mb",
        "env DRYDOCK_T_FIFO; default false",
        "env DRYDOCK_T_LIMIT; default 0",
        "  --log-level debug|info|warn|error\n",
        "  --durability fsync|batch|memory",
        "  --port N ",
        "  --maxmemory SIZE ",
        "  -h, --help ",
        "  --version ",
        "\"queues\"",
        "Precedence: flag > environment > config file > default.",
    };
    for (size_t k = 0; k < DD_ARRAY_LEN(musts); k++) {
        if (!strstr(r.text, musts[k]))
            fail_msg("help lacks \"%s\":\n%s", musts[k], r.text);
    }
    /* A row with no default and no range says only where else it is set. */
    assert_non_null(strstr(r.text, "env DRYDOCK_T_REGION\n"));
    done(&r);

    assert_int_equal(run(&r, ARGV("--port", "80", "-h"), NULL), DD_ECANCEL);
    assert_non_null(strstr(r.text, "Usage: test-emu"));
    done(&r);

    /* argv is read in order: an error before --help wins. */
    assert_int_equal(run(&r, ARGV("--bogus", "--help"), NULL), DD_EINVAL);
    assert_int_equal(r.textlen, 0);
    done(&r);

    assert_int_equal(run(&r, ARGV("--help=yes"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "--help takes no value");
    done(&r);
}

static void test_version(void **state)
{
    (void)state;
    struct run r;
    assert_int_equal(run(&r, ARGV("--version"), NULL), DD_ECANCEL);
    assert_string_equal(r.text, "test-emu 1.2.3\n");
    assert_no_strings(&r.o);
    done(&r);
}

static void test_argv_errors(void **state)
{
    (void)state;
    struct run r;
    static const struct {
        const char *a, *b; /* argv words */
        const char *err;   /* expected message */
    } cases[] = {
        { "--prot", "80", "unknown flag \"--prot\" (see --help)" },
        { "--prot=80", NULL, "unknown flag \"--prot\" (see --help)" },
        { "--data_dir=/x", NULL, "unknown flag \"--data_dir\" (see --help)" },
        { "-x", NULL, "unknown flag \"-x\" (see --help)" },
        { "-port", "80", "unknown flag \"-port\" (see --help)" },
        { "--", "extra", "unexpected argument \"extra\" (see --help)" },
        { "stray", NULL, "unexpected argument \"stray\" (see --help)" },
        { "-", NULL, "unexpected argument \"-\" (see --help)" },
        { "--port", NULL, "--port: missing value" },
        { "--port", "--host", "--port: missing value" },
        { "--version=2", NULL, "--version takes no value" },
        { "--port", "abc", "--port: \"abc\" is not an integer" },
    };
    for (size_t k = 0; k < DD_ARRAY_LEN(cases); k++) {
        assert_int_equal(run(&r, ARGV((char *)cases[k].a, (char *)cases[k].b), NULL), DD_EINVAL);
        assert_string_equal(r.err, cases[k].err);
        assert_no_strings(&r.o);
        done(&r);
    }

    /* Last flag wins, but every occurrence is checked. */
    assert_int_equal(run(&r, ARGV("--port", "1", "--port=2", "--host=a", "--host", "b"), NULL),
                     DD_OK);
    assert_int_equal(r.o.common.port, 2);
    assert_string_equal(r.o.common.host, "b");
    done(&r);
    assert_int_equal(run(&r, ARGV("--port", "abc", "--port=2"), NULL), DD_EINVAL);
    done(&r);

    /* A value may start with one dash; "=" keeps everything after it, even "=". */
    assert_int_equal(run(&r, ARGV("--region", "-x", "--data-dir==a=b", "--"), NULL), DD_OK);
    assert_string_equal(r.o.region, "-x");
    assert_string_equal(r.o.data_dir, "=a=b");
    done(&r);

    /* errbuf is optional. */
    struct topts o;
    memset(&o, 0, sizeof(o));
    assert_int_equal(dd_config_load(&t_spec, 2, ARGV("--bogus"), NULL, &o, NULL, NULL, NULL, 0),
                     DD_EINVAL);
}

/* ------------------------------------------------------------------------ */

static void expect_file_error(const char *content, const char *want_fmt)
{
    struct run r;
    struct tmpf t;
    char want[512];
    tmp_write(&t, content);
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_EINVAL);
    snprintf(want, sizeof(want), want_fmt, t.path);
    if (strcmp(r.err, want) != 0)
        fail_msg("for %s\n got: %s\nwant: %s", content, r.err, want);
    assert_no_strings(&r.o);
    assert_null(r.root);
    done(&r);
    tmp_remove(&t);
}

static void test_config_file_errors(void **state)
{
    (void)state;
    expect_file_error("{\"prot\": 80}", "%s: unknown key \"prot\"");
    expect_file_error("{\"port\": 80, \"Queues\": []}", "%s: unknown key \"Queues\"");
    expect_file_error("{\"data-dir\": \"/a\", \"data_dir\": \"/b\"}",
                      "%s: key \"data-dir\" is given twice (\"-\" and \"_\" spellings)");
    expect_file_error("{\"config\": \"/other.json\"}",
                      "%s: key \"config\" cannot be set inside a config file");
    expect_file_error("{\n  \"port\": 1,\n  \"host\": x\n}", "%s:3:11: invalid token near 'x'");
    expect_file_error("{\"port\": 1, \"port\": 2}",
                      "%s:1:18: duplicate object key near '\"port\"'");
    expect_file_error("", "%s:1:0: '[' or '{' expected near end of file");
    expect_file_error("{\"port\": 1", "%s:1:10: '}' expected near end of file");
    expect_file_error("[1, 2]", "%s: the top level must be a JSON object");

    struct run r;
    assert_int_equal(run(&r, ARGV("--config", "/nonexistent/dd.json"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "config file /nonexistent/dd.json: No such file or directory");
    done(&r);

    assert_int_equal(run(&r, ARGV("--config=/tmp"), NULL), DD_EINVAL);
    assert_string_equal(r.err, "config file /tmp: Is a directory");
    done(&r);

    /* The env var names the file when no flag does. */
    assert_int_equal(run(&r, ARGV(NULL), ENVP("DRYDOCK_T_CONFIG=/nonexistent/e.json")), DD_EINVAL);
    assert_string_equal(r.err, "config file /nonexistent/e.json: No such file or directory");
    done(&r);
}

static void test_config_file_keys(void **state)
{
    (void)state;
    struct run r;
    struct tmpf t;
    tmp_write(&t, "{\"data_dir\": \"/d\", \"log_level\": \"debug\", \"ready-file\": \"/r\",\n"
                  " \"queues\": [{\"QueueName\": \"jobs\"}], \"maxmemory\": 2048,\n"
                  " \"visibility\": \"45\", \"cap\": \"2kb\"}");
    assert_int_equal(run(&r, ARGV(t.flag), NULL), DD_OK);
    assert_string_equal(r.o.data_dir, "/d");
    assert_string_equal(r.o.common.log_level, "debug");
    assert_string_equal(r.o.common.ready_file, "/r");
    assert_string_equal(r.o.common.config, t.path);
    assert_int_equal(r.o.maxmemory, 2048);
    assert_int_equal(r.o.visibility, 45);
    assert_int_equal(r.o.cap, 2048);
    /* The extra key is not an option, and comes back in file_root. */
    assert_non_null(r.root);
    json_t *queues = json_object_get(r.root, "queues");
    assert_true(json_is_array(queues));
    assert_int_equal(json_array_size(queues), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(queues, 0), "QueueName")),
                        "jobs");
    done(&r);

    /* file_root may be NULL: the parsed file is then freed (ASan checks). */
    struct topts o;
    char err[256];
    memset(&o, 0, sizeof(o));
    assert_int_equal(
        dd_config_load(&t_spec, 2, ARGV(t.flag), NULL, &o, NULL, NULL, err, sizeof(err)), DD_OK);
    assert_string_equal(o.data_dir, "/d");
    dd_config_release(&t_spec, &o);

    /* The flag's file beats the env's, and an empty --config switches files off. */
    assert_int_equal(run(&r, ARGV(t.flag), ENVP("DRYDOCK_T_CONFIG=/nonexistent/e.json")), DD_OK);
    assert_string_equal(r.o.data_dir, "/d");
    done(&r);
    assert_int_equal(run(&r, ARGV("--config="), ENVP("DRYDOCK_T_CONFIG=/nonexistent/e.json")),
                     DD_OK);
    assert_string_equal(r.o.data_dir, "/var/lib/drydock");
    assert_string_equal(r.o.common.config, "");
    assert_null(r.root);
    done(&r);
    tmp_remove(&t);

    /* A spec without extra_keys rejects the section. */
    struct dd_config_spec plain = t_spec;
    plain.extra_keys = NULL;
    tmp_write(&t, "{\"queues\": []}");
    assert_int_equal(run_load(&r, &plain, ARGV(t.flag), NULL), DD_EINVAL);
    assert_non_null(strstr(r.err, "unknown key \"queues\""));
    run_done(&r, &plain);
    tmp_remove(&t);
}

/* ------------------------------------------------------------------------ */

static void test_release_frees_everything(void **state)
{
    (void)state;
    struct run r;
    struct tmpf t;
    /* Every string is set by default, then file, then env, then flag, so each
     * store replaces an allocation; a missed free shows up under ASan. */
    tmp_write(&t, "{\"host\": \"h1\", \"region\": \"r1\", \"data-dir\": \"d1\", \"ready-file\": "
                  "\"f1\", \"log-level\": \"debug\", \"log-format\": \"json\", "
                  "\"durability\": \"memory\"}");
    char *env[] = { "DRYDOCK_T_HOST=h2",
                    "DRYDOCK_T_REGION=r2",
                    "DRYDOCK_T_DATA_DIR=d2",
                    "DRYDOCK_T_READY_FILE=f2",
                    "DRYDOCK_T_LOG_LEVEL=warn",
                    "DRYDOCK_T_LOG_FORMAT=text",
                    "DRYDOCK_T_DURABILITY=fsync",
                    "OTHER=1",
                    NULL };
    assert_int_equal(run(&r,
                         ARGV(t.flag, "--host=h3", "--region=r3", "--data-dir=d3",
                              "--ready-file=f3", "--log-level=error", "--durability=batch"),
                         env),
                     DD_OK);
    assert_string_equal(r.o.common.host, "h3");
    assert_string_equal(r.o.region, "r3");
    assert_string_equal(r.o.common.log_format, "text");
    assert_string_equal(r.o.durability, "batch");
    dd_config_release(&t_spec, &r.o);
    assert_no_strings(&r.o);
    /* Twice is harmless, and so is NULL. */
    dd_config_release(&t_spec, &r.o);
    dd_config_release(&t_spec, NULL);
    dd_config_release(NULL, &r.o);
    done(&r);

    /* A failure after strings were stored leaves none behind. */
    char *bad_env[] = { "DRYDOCK_T_REGION=r2", "DRYDOCK_T_VISIBILITY=-1", NULL };
    assert_int_equal(run(&r, ARGV(t.flag), bad_env), DD_EINVAL);
    assert_string_equal(r.err, "DRYDOCK_T_VISIBILITY: \"-1\" is out of range 0..43200");
    assert_no_strings(&r.o);
    assert_null(r.root);
    done(&r);
    tmp_remove(&t);

    /* The caller's struct need not be zeroed: garbage is overwritten, never freed. */
    struct topts o;
    memset(&o, 0xa5, sizeof(o));
    char err[256];
    assert_int_equal(dd_config_load(&t_spec, 1, ARGV(NULL), NULL, &o, NULL, NULL, err, sizeof(err)),
                     DD_OK);
    assert_null(o.region);
    assert_string_equal(o.data_dir, "/var/lib/drydock");
    dd_config_release(&t_spec, &o);
    memset(&o, 0xa5, sizeof(o));
    assert_int_equal(
        dd_config_load(&t_spec, 2, ARGV("--port=x"), NULL, &o, NULL, NULL, err, sizeof(err)),
        DD_EINVAL);
    assert_no_strings(&o);
}

/* ------------------------------------------------------------------------ */

struct mini {
    long long n; /* the only option */
    char *s;     /* a string option */
};

static void test_bad_tables(void **state)
{
    (void)state;
    static const char *const none[] = { NULL };
    static const struct {
        struct dd_opt rows[2]; /* the table */
        const char *err;       /* expected message */
    } cases[] = {
        { { { .name = "n", .type = DD_OPT_INT, .offset = offsetof(struct mini, n), .def = "abc" },
            { .name = "s", .type = DD_OPT_STR, .offset = offsetof(struct mini, s) } },
          "default of --n: \"abc\" is not an integer" },
        { { { .name = "n",
              .type = DD_OPT_INT,
              .offset = offsetof(struct mini, n),
              .def = "9",
              .min = 1,
              .max = 5 },
            { .name = "s", .type = DD_OPT_STR, .offset = offsetof(struct mini, s) } },
          "default of --n: \"9\" is out of range 1..5" },
        { { { .name = "a-b", .type = DD_OPT_INT, .offset = offsetof(struct mini, n) },
            { .name = "a_b", .type = DD_OPT_STR, .offset = offsetof(struct mini, s) } },
          "option --a_b is in the table twice" },
        { { { .name = "help", .type = DD_OPT_INT, .offset = offsetof(struct mini, n) },
            { .name = "s", .type = DD_OPT_STR, .offset = offsetof(struct mini, s) } },
          "option table row 0 has a bad name" },
        { { { .name = "n", .type = DD_OPT_INT, .offset = offsetof(struct mini, n) },
            { .name = "s", .type = DD_OPT_ENUM, .offset = offsetof(struct mini, s) } },
          "option --s has no choices" },
        { { { .name = "n", .type = DD_OPT_INT, .offset = offsetof(struct mini, n) },
            { .name = "s",
              .type = DD_OPT_ENUM,
              .offset = offsetof(struct mini, s),
              .def = "x",
              .choices = none } },
          "default of --s: \"x\" is not one of " },
    };
    for (size_t k = 0; k < DD_ARRAY_LEN(cases); k++) {
        struct dd_config_spec spec = { .daemon = "mini", .opts = cases[k].rows, .nopts = 2 };
        struct mini m = { 0 };
        char err[256];
        assert_int_equal(
            dd_config_load(&spec, 1, ARGV(NULL), NULL, &m, NULL, NULL, err, sizeof(err)),
            DD_EINVAL);
        assert_string_equal(err, cases[k].err);
        assert_null(m.s);
    }

    /* No env prefix: variables are not read, help shows none, no --config row. */
    static const struct dd_opt rows[] = {
        { .name = "n",
          .type = DD_OPT_INT,
          .offset = offsetof(struct mini, n),
          .def = "4",
          .help = "a number" },
    };
    struct dd_config_spec spec = { .daemon = "mini", .opts = rows, .nopts = 1 };
    struct mini m = { 0 };
    char err[256], *text = NULL;
    size_t len = 0;
    assert_int_equal(
        dd_config_load(&spec, 1, ARGV(NULL), ENVP("N=5", "_N=6"), &m, NULL, NULL, err, sizeof(err)),
        DD_OK);
    assert_int_equal(m.n, 4);
    assert_int_equal(
        dd_config_load(&spec, 2, ARGV("--config=/x"), NULL, &m, NULL, NULL, err, sizeof(err)),
        DD_EINVAL);
    assert_string_equal(err, "unknown flag \"--config\" (see --help)");
    FILE *fp = open_memstream(&text, &len);
    assert_non_null(fp);
    assert_int_equal(dd_config_load(&spec, 2, ARGV("-h"), NULL, &m, NULL, fp, err, sizeof(err)),
                     DD_ECANCEL);
    fclose(fp);
    assert_non_null(strstr(text, "default 4\n"));
    assert_null(strstr(text, "env"));
    assert_null(strstr(text, "config"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence_every_type),
        cmocka_unit_test(test_common_defaults),
        cmocka_unit_test(test_parse_bytes_units),
        cmocka_unit_test(test_bytes_option_errors),
        cmocka_unit_test(test_bool_forms),
        cmocka_unit_test(test_enum_rejection),
        cmocka_unit_test(test_int_errors),
        cmocka_unit_test(test_help_lists_every_flag),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_argv_errors),
        cmocka_unit_test(test_config_file_errors),
        cmocka_unit_test(test_config_file_keys),
        cmocka_unit_test(test_release_frees_everything),
        cmocka_unit_test(test_bad_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
