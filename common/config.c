/*
 * Option loading shared by every daemon: one table, four sources.
 *
 * A daemon's settings are rows of struct dd_opt. dd_config_load() walks the
 * sources from weakest to strongest and lets each overwrite the last, which is
 * what makes the precedence flag > env > file > default hold by construction:
 *
 *   1. argv is scanned first, only to validate it and to honour --help and
 *      --version before anything else can fail (a broken env var must not
 *      hide the help text); the parsed values are kept aside;
 *   2. every field gets its default;
 *   3. the config file, named by --config, else its env var, else the row's
 *      default, is loaded and applied key by key;
 *   4. the environment is applied, one variable per row;
 *   5. the kept argv values are applied.
 *
 * Text from every source goes through one parser per type (parse_text), so a
 * value means the same thing whether it came from a flag, a variable or the
 * file, and every error names where the bad value came from.
 */
#include "common/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/err.h"

const char *const dd_log_level_choices[] = { "debug", "info", "warn", "error", NULL };
const char *const dd_log_format_choices[] = { "text", "json", NULL };

/* Column where help text starts in --help; longer flag columns wrap. */
#define HELP_COLUMN 28

/* A parsed value before it is stored; s is borrowed from the source text. */
struct opt_val {
    bool set;      /* the source gave this option a value */
    long long i;   /* DD_OPT_INT, DD_OPT_BYTES */
    bool b;        /* DD_OPT_BOOL */
    const char *s; /* DD_OPT_STR, DD_OPT_ENUM; borrowed */
};

/* State of one dd_config_load() call. */
struct loader {
    const struct dd_config_spec *spec; /* borrowed */
    void *out;                         /* the daemon's options struct, borrowed */
    char *errbuf;                      /* borrowed, may be NULL */
    size_t errlen;                     /* size of errbuf */
    struct dd_buf why;                 /* detail of the last parse error, owned */
    struct dd_buf name;                /* scratch for env var names, owned */
};

static int fail(struct loader *ld, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the one-line error for the caller and returns rc. */
static int fail(struct loader *ld, int rc, const char *fmt, ...)
{
    if (ld->errbuf && ld->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ld->errbuf, ld->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static int fail_nomem(struct loader *ld)
{
    return fail(ld, DD_ENOMEM, "out of memory while reading options");
}

/* ------------------------------------------------------------------------ */
/* Field access                                                             */
/* ------------------------------------------------------------------------ */

static void *field(void *out, const struct dd_opt *o)
{
    return (char *)out + o->offset;
}

static bool has_range(const struct dd_opt *o)
{
    return o->min != 0 || o->max != 0;
}

/* ------------------------------------------------------------------------ */
/* Text parsers: pure, they explain a rejection in `why`                    */
/* ------------------------------------------------------------------------ */

/* Strict base-10 long long: optional sign, digits, nothing else. */
static int parse_ll(const char *s, long long *out)
{
    if (!*s || isspace((unsigned char)*s))
        return DD_EINVAL;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end)
        return DD_EINVAL;
    if (errno == ERANGE)
        return DD_ERANGE;
    *out = v;
    return DD_OK;
}

int dd_parse_bytes(const char *s, long long *out)
{
    /* Redis's units: a bare letter is a power of 1000, with "b" a power of 1024. */
    static const struct {
        const char *unit;
        long long mul;
    } units[] = {
        { "", 1 },
        { "b", 1 },
        { "k", 1000LL },
        { "kb", 1024LL },
        { "m", 1000LL * 1000 },
        { "mb", 1024LL * 1024 },
        { "g", 1000LL * 1000 * 1000 },
        { "gb", 1024LL * 1024 * 1024 },
    };
    if (!s)
        return DD_EINVAL;
    const char *p = s;
    long long v = 0;
    bool overflow = false;
    while (*p >= '0' && *p <= '9') {
        int d = *p - '0';
        if (v > (LLONG_MAX - d) / 10)
            overflow = true;
        else
            v = v * 10 + d;
        p++;
    }
    if (p == s)
        return DD_EINVAL;
    for (size_t k = 0; k < DD_ARRAY_LEN(units); k++) {
        if (strcasecmp(p, units[k].unit) != 0)
            continue;
        if (overflow || v > LLONG_MAX / units[k].mul)
            return DD_ERANGE;
        *out = v * units[k].mul;
        return DD_OK;
    }
    return DD_EINVAL;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "true", "yes", "1" };
    static const char *const no[] = { "false", "no", "0" };
    for (size_t k = 0; k < DD_ARRAY_LEN(yes); k++) {
        if (strcasecmp(s, yes[k]) == 0) {
            *out = true;
            return DD_OK;
        }
        if (strcasecmp(s, no[k]) == 0) {
            *out = false;
            return DD_OK;
        }
    }
    return DD_EINVAL;
}

static int append_choices(struct dd_buf *b, const char *const *choices)
{
    for (size_t k = 0; choices && choices[k]; k++) {
        int rc = dd_buf_printf(b, "%s%s", k ? "|" : "", choices[k]);
        if (rc)
            return rc;
    }
    return DD_OK;
}

/* text is the user's text (quoted in the message) or NULL when v came from a
 * JSON integer (printed bare). */
static int check_range(const struct dd_opt *o, long long v, const char *text, struct dd_buf *why)
{
    if (!has_range(o) || (v >= o->min && v <= o->max))
        return DD_OK;
    int rc = text ? dd_buf_printf(why, "\"%s\" is out of range %lld..%lld", text, o->min, o->max)
                  : dd_buf_printf(why, "%lld is out of range %lld..%lld", v, o->min, o->max);
    return rc ? rc : DD_EINVAL;
}

static int parse_text_typed(const struct dd_opt *o, const char *text, struct opt_val *v,
                            struct dd_buf *why)
{
    int rc = DD_OK;
    switch (o->type) {
    case DD_OPT_STR:
        v->s = text;
        break;
    case DD_OPT_INT:
        rc = parse_ll(text, &v->i);
        if (rc == DD_EINVAL)
            rc = dd_buf_printf(why, "\"%s\" is not an integer", text);
        else if (rc == DD_ERANGE && has_range(o))
            rc = dd_buf_printf(why, "\"%s\" is out of range %lld..%lld", text, o->min, o->max);
        else if (rc == DD_ERANGE)
            rc = dd_buf_printf(why, "\"%s\" does not fit in 64 bits", text);
        else
            return check_range(o, v->i, text, why);
        return rc ? rc : DD_EINVAL;
    case DD_OPT_BYTES:
        rc = dd_parse_bytes(text, &v->i);
        if (rc == DD_EINVAL)
            rc = dd_buf_printf(why, "\"%s\" is not a size (like 100, 64kb, 100mb, 1gb)", text);
        else if (rc == DD_ERANGE)
            rc = dd_buf_printf(why, "\"%s\" is too large", text);
        else
            return check_range(o, v->i, text, why);
        return rc ? rc : DD_EINVAL;
    case DD_OPT_BOOL:
        if (parse_bool(text, &v->b) != DD_OK) {
            rc = dd_buf_printf(why, "\"%s\" is not a boolean (true|false|yes|no|1|0)", text);
            return rc ? rc : DD_EINVAL;
        }
        break;
    case DD_OPT_ENUM:
        for (size_t k = 0; o->choices && o->choices[k]; k++) {
            if (strcmp(text, o->choices[k]) == 0) {
                v->s = o->choices[k];
                return DD_OK;
            }
        }
        rc = dd_buf_printf(why, "\"%s\" is not one of ", text);
        if (!rc)
            rc = append_choices(why, o->choices);
        return rc ? rc : DD_EINVAL;
    }
    return DD_OK;
}

/* Parses text for option o into *v. DD_EINVAL with the reason in why, or DD_ENOMEM. */
static int parse_text(const struct dd_opt *o, const char *text, struct opt_val *v,
                      struct dd_buf *why)
{
    dd_buf_reset(why);
    int rc = parse_text_typed(o, text, v, why);
    v->set = rc == DD_OK;
    return rc;
}

/* Writes v into the field of o, replacing (and freeing) an earlier string. */
static int store(void *out, const struct dd_opt *o, const struct opt_val *v)
{
    void *f = field(out, o);
    switch (o->type) {
    case DD_OPT_STR:
    case DD_OPT_ENUM: {
        char *copy = NULL;
        if (v->s && !(copy = strdup(v->s)))
            return DD_ENOMEM;
        free(*(char **)f);
        *(char **)f = copy;
        break;
    }
    case DD_OPT_INT:
    case DD_OPT_BYTES:
        *(long long *)f = v->i;
        break;
    case DD_OPT_BOOL:
        *(bool *)f = v->b;
        break;
    }
    return DD_OK;
}

/* ------------------------------------------------------------------------ */
/* Table lookups                                                            */
/* ------------------------------------------------------------------------ */

static const struct dd_opt *find_flag(const struct dd_config_spec *spec, const char *name,
                                      size_t len)
{
    for (size_t k = 0; k < spec->nopts; k++) {
        const char *n = spec->opts[k].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return &spec->opts[k];
    }
    return NULL;
}

/* Config-file keys may spell "data-dir" as "data_dir". */
static bool key_matches(const char *name, const char *key)
{
    for (; *name && *key; name++, key++) {
        if (*name != *key && !(*name == '-' && *key == '_'))
            return false;
    }
    return *name == *key;
}

static const struct dd_opt *find_key(const struct dd_config_spec *spec, const char *key)
{
    for (size_t k = 0; k < spec->nopts; k++) {
        if (key_matches(spec->opts[k].name, key))
            return &spec->opts[k];
    }
    return NULL;
}

static bool is_extra_key(const struct dd_config_spec *spec, const char *key)
{
    for (size_t k = 0; spec->extra_keys && spec->extra_keys[k]; k++) {
        if (strcmp(spec->extra_keys[k], key) == 0)
            return true;
    }
    return false;
}

/* Builds prefix + NAME (upper-cased, '-' -> '_') into b. */
static int env_name(struct dd_buf *b, const char *prefix, const char *name)
{
    dd_buf_reset(b);
    int rc = dd_buf_puts(b, prefix);
    for (const char *p = name; !rc && *p; p++)
        rc = dd_buf_putc(b, *p == '-' ? '_' : (char)toupper((unsigned char)*p));
    return rc;
}

/* First value of `name` in envp, like getenv() but on the array we were given. */
static const char *env_lookup(char **envp, const char *name)
{
    size_t len = strlen(name);
    for (size_t k = 0; envp && envp[k]; k++) {
        if (strncmp(envp[k], name, len) == 0 && envp[k][len] == '=')
            return envp[k] + len + 1;
    }
    return NULL;
}

/* Table mistakes are ours, not the user's, but reporting them beats a crash. */
static int check_spec(struct loader *ld)
{
    const struct dd_config_spec *spec = ld->spec;
    if (!spec->opts && spec->nopts)
        return fail(ld, DD_EINVAL, "option table of %s is NULL", spec->daemon);
    for (size_t k = 0; k < spec->nopts; k++) {
        const struct dd_opt *o = &spec->opts[k];
        if (!o->name || !*o->name || strchr(o->name, '=') || strcmp(o->name, "help") == 0 ||
            strcmp(o->name, "version") == 0)
            return fail(ld, DD_EINVAL, "option table row %zu has a bad name", k);
        if (o->type == DD_OPT_ENUM && !o->choices)
            return fail(ld, DD_EINVAL, "option --%s has no choices", o->name);
        for (size_t j = 0; j < k; j++) {
            if (key_matches(spec->opts[j].name, o->name) ||
                key_matches(o->name, spec->opts[j].name))
                return fail(ld, DD_EINVAL, "option --%s is in the table twice", o->name);
        }
    }
    return DD_OK;
}

/* ------------------------------------------------------------------------ */
/* --help and --version                                                     */
/* ------------------------------------------------------------------------ */

static const char *metavar(const struct dd_opt *o)
{
    switch (o->type) {
    case DD_OPT_INT:
        return " N";
    case DD_OPT_BYTES:
        return " SIZE";
    case DD_OPT_BOOL:
        return "[=BOOL]";
    case DD_OPT_STR:
    case DD_OPT_ENUM:
        break;
    }
    return " VALUE";
}

/* The line under an option's help: where else it can be set, its default, its range. */
static int help_details(struct loader *ld, struct dd_buf *b, const struct dd_opt *o)
{
    const struct dd_config_spec *spec = ld->spec;
    int rc = DD_OK;
    if (spec->env_prefix) {
        rc = env_name(&ld->name, spec->env_prefix, o->name);
        if (!rc)
            rc = dd_buf_printf(b, "env %s; ", ld->name.data);
    }
    if (!rc && o->def)
        rc = dd_buf_printf(b, "default %s; ", o->def);
    else if (!rc && (o->type == DD_OPT_INT || o->type == DD_OPT_BYTES))
        rc = dd_buf_puts(b, "default 0; ");
    else if (!rc && o->type == DD_OPT_BOOL)
        rc = dd_buf_puts(b, "default false; ");
    if (!rc && has_range(o))
        rc = dd_buf_printf(b, "range %lld..%lld; ", o->min, o->max);
    if (!rc && b->len >= 2) {
        b->len -= 2; /* the last "; " */
        b->data[b->len] = '\0';
    }
    return rc;
}

static int help_row(struct dd_buf *b, const char *left, const char *help)
{
    size_t start = b->len;
    int rc = dd_buf_printf(b, "  %s", left);
    size_t width = b->len - start;
    if (!rc && width + 2 > HELP_COLUMN)
        rc = dd_buf_printf(b, "\n%*s", HELP_COLUMN, "");
    else if (!rc)
        rc = dd_buf_printf(b, "%*s", (int)(HELP_COLUMN - width), "");
    if (!rc)
        rc = dd_buf_printf(b, "%s\n", help);
    return rc;
}

static int build_help(struct loader *ld, struct dd_buf *b)
{
    const struct dd_config_spec *spec = ld->spec;
    struct dd_buf left = DD_BUF_INIT, details = DD_BUF_INIT;
    int rc = dd_buf_printf(b, "Usage: %s [OPTIONS]\n", spec->daemon);
    if (!rc && spec->summary)
        rc = dd_buf_printf(b, "%s\n", spec->summary);
    if (!rc)
        rc = dd_buf_puts(b, "\nOptions:\n");
    for (size_t k = 0; !rc && k < spec->nopts; k++) {
        const struct dd_opt *o = &spec->opts[k];
        dd_buf_reset(&left);
        dd_buf_reset(&details);
        rc = dd_buf_printf(&left, "--%s", o->name);
        if (!rc && o->type == DD_OPT_ENUM)
            rc = dd_buf_putc(&left, ' ');
        if (!rc)
            rc = o->type == DD_OPT_ENUM ? append_choices(&left, o->choices)
                                        : dd_buf_puts(&left, metavar(o));
        if (!rc)
            rc = help_row(b, left.data, o->help ? o->help : "");
        if (!rc)
            rc = help_details(ld, &details, o);
        if (!rc && details.len)
            rc = dd_buf_printf(b, "%*s%s\n", HELP_COLUMN, "", details.data);
    }
    if (!rc)
        rc = help_row(b, "-h, --help", "print this help and exit");
    if (!rc)
        rc = help_row(b, "--version", "print the version and exit");
    if (!rc && find_flag(spec, "config", 6)) {
        rc = dd_buf_puts(b, "\nThe --config file is a JSON object whose keys are the option names "
                            "(\"a-b\" or \"a_b\")");
        for (size_t k = 0; !rc && spec->extra_keys && spec->extra_keys[k]; k++)
            rc = dd_buf_printf(b, "%s\"%s\"", k ? ", " : ", plus ", spec->extra_keys[k]);
        if (!rc)
            rc = dd_buf_puts(b, ".\nPrecedence: flag > environment > config file > default.\n");
    }
    dd_buf_release(&left);
    dd_buf_release(&details);
    return rc;
}

static int print_help(struct loader *ld, FILE *fp)
{
    struct dd_buf b = DD_BUF_INIT;
    int rc = build_help(ld, &b);
    if (!rc)
        fputs(b.data, fp);
    dd_buf_release(&b);
    return rc ? fail_nomem(ld) : DD_ECANCEL;
}

/* ------------------------------------------------------------------------ */
/* The sources                                                              */
/* ------------------------------------------------------------------------ */

/* Scans argv into cli[] (one slot per row, last flag wins) without storing. */
static int scan_argv(struct loader *ld, int argc, char **argv, struct opt_val *cli, FILE *fp)
{
    const struct dd_config_spec *spec = ld->spec;
    for (int i = 1; i < argc && argv[i]; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc && argv[i + 1])
                return fail(ld, DD_EINVAL, "unexpected argument \"%s\" (see --help)", argv[i + 1]);
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return print_help(ld, fp);
        if (strcmp(a, "--version") == 0) {
            fprintf(fp, "%s %s\n", spec->daemon, spec->version ? spec->version : "unknown");
            return DD_ECANCEL;
        }
        if (a[0] != '-' || a[1] == '\0')
            return fail(ld, DD_EINVAL, "unexpected argument \"%s\" (see --help)", a);
        if (a[1] != '-')
            return fail(ld, DD_EINVAL, "unknown flag \"%s\" (see --help)", a);

        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct dd_opt *o = find_flag(spec, name, len);
        if (!o) {
            if ((len == 4 && memcmp(name, "help", 4) == 0) ||
                (len == 7 && memcmp(name, "version", 7) == 0))
                return fail(ld, DD_EINVAL, "--%.*s takes no value", (int)len, name);
            return fail(ld, DD_EINVAL, "unknown flag \"--%.*s\" (see --help)", (int)len, name);
        }

        const char *text;
        if (eq) {
            text = eq + 1;
        } else if (o->type == DD_OPT_BOOL) {
            text = "true";
        } else if (i + 1 < argc && argv[i + 1] && strncmp(argv[i + 1], "--", 2) != 0) {
            text = argv[++i];
        } else {
            return fail(ld, DD_EINVAL, "--%s: missing value", o->name);
        }

        struct opt_val *v = &cli[o - spec->opts];
        int rc = parse_text(o, text, v, &ld->why);
        if (rc == DD_ENOMEM)
            return fail_nomem(ld);
        if (rc)
            return fail(ld, rc, "--%s: %s", o->name, ld->why.data);
    }
    return DD_OK;
}

/* Makes every string field NULL without freeing, so that from here on each one
 * is either NULL or ours, whatever the caller left in the struct. */
static void clear_strings(const struct dd_config_spec *spec, void *out)
{
    for (size_t k = 0; k < spec->nopts; k++) {
        const struct dd_opt *o = &spec->opts[k];
        if (o->type == DD_OPT_STR || o->type == DD_OPT_ENUM)
            *(char **)field(out, o) = NULL;
    }
}

static int apply_defaults(struct loader *ld)
{
    for (size_t k = 0; k < ld->spec->nopts; k++) {
        const struct dd_opt *o = &ld->spec->opts[k];
        struct opt_val v = { 0 };
        if (o->def) {
            int rc = parse_text(o, o->def, &v, &ld->why);
            if (rc == DD_ENOMEM)
                return fail_nomem(ld);
            if (rc)
                return fail(ld, rc, "default of --%s: %s", o->name, ld->why.data);
        }
        if (store(ld->out, o, &v))
            return fail_nomem(ld);
    }
    return DD_OK;
}

static int apply_env(struct loader *ld, char **envp)
{
    if (!ld->spec->env_prefix)
        return DD_OK;
    for (size_t k = 0; k < ld->spec->nopts; k++) {
        const struct dd_opt *o = &ld->spec->opts[k];
        if (env_name(&ld->name, ld->spec->env_prefix, o->name))
            return fail_nomem(ld);
        const char *text = env_lookup(envp, ld->name.data);
        if (!text)
            continue;
        struct opt_val v = { 0 };
        int rc = parse_text(o, text, &v, &ld->why);
        if (rc == DD_ENOMEM)
            return fail_nomem(ld);
        if (rc)
            return fail(ld, rc, "%s: %s", ld->name.data, ld->why.data);
        if (store(ld->out, o, &v))
            return fail_nomem(ld);
    }
    return DD_OK;
}

static const char *json_type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        break;
    }
    return "null";
}

static int parse_json_typed(const struct dd_opt *o, const json_t *j, struct opt_val *v,
                            struct dd_buf *why)
{
    const char *want = NULL;
    switch (o->type) {
    case DD_OPT_STR:
    case DD_OPT_ENUM:
        want = "a string";
        break;
    case DD_OPT_INT:
    case DD_OPT_BYTES:
        if (json_is_integer(j)) {
            v->i = json_integer_value(j);
            if (o->type == DD_OPT_BYTES && v->i < 0) {
                int rc = dd_buf_printf(why, "%lld is not a size (negative)", v->i);
                return rc ? rc : DD_EINVAL;
            }
            return check_range(o, v->i, NULL, why);
        }
        want = o->type == DD_OPT_INT ? "an integer or a string" : "an integer or a size string";
        break;
    case DD_OPT_BOOL:
        if (json_is_boolean(j)) {
            v->b = json_is_true(j);
            return DD_OK;
        }
        want = "true, false or a string";
        break;
    }
    int rc = dd_buf_printf(why, "expected %s, got %s", want, json_type_name(j));
    return rc ? rc : DD_EINVAL;
}

/* Converts one config-file value to the option's type. Strings go through the
 * same parser as flags; integers and booleans are taken as they are. */
static int parse_json(const struct dd_opt *o, const json_t *j, struct opt_val *v,
                      struct dd_buf *why)
{
    if (json_is_string(j))
        return parse_text(o, json_string_value(j), v, why);
    dd_buf_reset(why);
    int rc = parse_json_typed(o, j, v, why);
    v->set = rc == DD_OK;
    return rc;
}

/* Reads and parses path; the caller owns *root. */
static int load_file(struct loader *ld, const char *path, json_t **root)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return fail(ld, DD_EINVAL, "config file %s: %s", path, strerror(errno));
    json_error_t jerr;
    errno = 0;
    json_t *j = json_loadf(fp, JSON_REJECT_DUPLICATES, &jerr);
    /* jansson reports a failed read as an early end of file; say what happened. */
    int read_errno = ferror(fp) ? errno : 0;
    fclose(fp);
    if (!j && read_errno)
        return fail(ld, DD_EINVAL, "config file %s: %s", path, strerror(read_errno));
    if (!j)
        return fail(ld, DD_EINVAL, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return fail(ld, DD_EINVAL, "%s: the top level must be a JSON object", path);
    }
    *root = j;
    return DD_OK;
}

static int apply_file(struct loader *ld, const char *path, json_t *root)
{
    const struct dd_config_spec *spec = ld->spec;
    bool *seen = calloc(spec->nopts ? spec->nopts : 1, sizeof(*seen));
    if (!seen)
        return fail_nomem(ld);
    int rc = DD_OK;
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (is_extra_key(spec, key))
            continue;
        const struct dd_opt *o = find_key(spec, key);
        if (!o) {
            rc = fail(ld, DD_EINVAL, "%s: unknown key \"%s\"", path, key);
            break;
        }
        if (strcmp(o->name, "config") == 0) {
            rc =
                fail(ld, DD_EINVAL, "%s: key \"%s\" cannot be set inside a config file", path, key);
            break;
        }
        if (seen[o - spec->opts]) {
            rc = fail(ld, DD_EINVAL, "%s: key \"%s\" is given twice (\"-\" and \"_\" spellings)",
                      path, o->name);
            break;
        }
        seen[o - spec->opts] = true;
        struct opt_val v = { 0 };
        rc = parse_json(o, val, &v, &ld->why);
        if (rc == DD_ENOMEM) {
            rc = fail_nomem(ld);
            break;
        }
        if (rc) {
            rc = fail(ld, rc, "%s: key \"%s\": %s", path, key, ld->why.data);
            break;
        }
        if (store(ld->out, o, &v)) {
            rc = fail_nomem(ld);
            break;
        }
    }
    free(seen);
    return rc;
}

/* The config file is named by the strongest source that names one. */
static int config_path(struct loader *ld, char **envp, const struct opt_val *cli, const char **path)
{
    const struct dd_opt *o = find_flag(ld->spec, "config", 6);
    *path = NULL;
    if (!o)
        return DD_OK;
    if (cli[o - ld->spec->opts].set) {
        *path = cli[o - ld->spec->opts].s;
    } else {
        if (ld->spec->env_prefix) {
            if (env_name(&ld->name, ld->spec->env_prefix, o->name))
                return fail_nomem(ld);
            *path = env_lookup(envp, ld->name.data);
        }
        if (!*path)
            *path = o->def;
    }
    if (*path && !**path)
        *path = NULL;
    return DD_OK;
}

static int apply_argv(struct loader *ld, const struct opt_val *cli)
{
    for (size_t k = 0; k < ld->spec->nopts; k++) {
        if (cli[k].set && store(ld->out, &ld->spec->opts[k], &cli[k]))
            return fail_nomem(ld);
    }
    return DD_OK;
}

int dd_config_load(const struct dd_config_spec *spec, int argc, char **argv, char **envp, void *out,
                   json_t **file_root, FILE *stdout_fp, char *errbuf, size_t errlen)
{
    struct loader ld = {
        .spec = spec,
        .out = out,
        .errbuf = errbuf,
        .errlen = errlen,
        .why = DD_BUF_INIT,
        .name = DD_BUF_INIT,
    };
    struct opt_val *cli = NULL;
    json_t *root = NULL;
    const char *path = NULL;
    bool owned = false;
    int rc;

    if (file_root)
        *file_root = NULL;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if ((rc = check_spec(&ld)))
        goto out;
    clear_strings(spec, out);
    owned = true;
    cli = calloc(spec->nopts ? spec->nopts : 1, sizeof(*cli));
    if (!cli) {
        rc = fail_nomem(&ld);
        goto out;
    }
    if ((rc = scan_argv(&ld, argc, argv, cli, stdout_fp ? stdout_fp : stdout)))
        goto out;
    if ((rc = apply_defaults(&ld)))
        goto out;
    if ((rc = config_path(&ld, envp, cli, &path)))
        goto out;
    if (path && ((rc = load_file(&ld, path, &root)) || (rc = apply_file(&ld, path, root))))
        goto out;
    if ((rc = apply_env(&ld, envp)))
        goto out;
    rc = apply_argv(&ld, cli);

out:
    if (rc && owned)
        dd_config_release(spec, out);
    if (rc || !file_root)
        json_decref(root);
    else
        *file_root = root;
    free(cli);
    dd_buf_release(&ld.why);
    dd_buf_release(&ld.name);
    return rc;
}

void dd_config_release(const struct dd_config_spec *spec, void *out)
{
    if (!spec || !out)
        return;
    for (size_t k = 0; k < spec->nopts; k++) {
        const struct dd_opt *o = &spec->opts[k];
        if (o->type == DD_OPT_STR || o->type == DD_OPT_ENUM)
            DD_FREE(*(char **)field(out, o));
    }
}
