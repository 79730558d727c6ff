/*
 * INFO for cache-emu: Redis 7.0.15's genRedisInfoString() field list, in its
 * order, filled from the emulator's state.
 *
 * Where the numbers come from:
 *  - used_memory is the keyspace's own count (cache_server_used_memory(),
 *    every block's malloc_usable_size, as zmalloc counts); RSS from
 *    /proc/self/statm; the allocator figures from glibc's mallinfo2(), since
 *    the emulator runs on glibc malloc (mem_allocator:libc).
 *  - Stats, clients and keyspace are the server's live counters; expired and
 *    evicted keys the keyspace's.
 *  - Per-command calls, latencies and error codes are kept here, fed by the
 *    dispatcher (cache_info_record_*), and printed as Redis prints them.
 *  - Replication, persistence, Lua and cluster fields show what a fresh
 *    standalone Redis with no persistence shows, since the emulator has none
 *    of those.
 *
 * Time is the emulated clock for everything a client can relate to keys
 * (server_time_usec, uptime, lru_clock) and the monotonic clock for rates.
 */
#include "cache-emu/info.h"
#include "cache-emu/pubsub.h"
#include "cache-emu/script.h"

#include <ctype.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cache-emu/block.h"
#include "cache-emu/command.h"
#include "cache-emu/config.h"
#include "cache-emu/db.h"
#include "cache-emu/evict.h"
#include "cache-emu/server.h"
#include "common/clock.h"
#include "common/err.h"

/* ---- latency histogram ---- */

/*
 * A log-linear histogram of nanoseconds, like the HdrHistogram Redis keeps
 * per command but coarser: values below 32 exact, above that 16 linear
 * sub-buckets per power of two (about 6% precision), which is plenty for
 * p50/p99/p99.9 of a command that takes microseconds.
 */
#define HIST_SUB     16
#define HIST_BUCKETS (2 * HIST_SUB + 44 * HIST_SUB)

static size_t hist_index(uint64_t v)
{
    int msb, shift;
    if (v < 2 * HIST_SUB)
        return (size_t)v;
    msb = 63 - __builtin_clzll(v);
    shift = msb - 4; /* v >> shift is in [16, 31] */
    size_t idx = 2 * HIST_SUB + (size_t)(shift - 1) * HIST_SUB + (size_t)((v >> shift) - HIST_SUB);
    return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

/* The highest value that falls in bucket idx. */
static uint64_t hist_top(size_t idx)
{
    size_t shift, sub;
    if (idx < 2 * HIST_SUB)
        return idx;
    shift = (idx - 2 * HIST_SUB) / HIST_SUB + 1;
    sub = (idx - 2 * HIST_SUB) % HIST_SUB + HIST_SUB;
    return (((uint64_t)sub + 1) << shift) - 1;
}

/* ---- the statistics ---- */

struct cmd_stat {
    const struct cache_command *cmd; /* borrowed from the static tables; NULL = free slot */
    uint64_t calls, usec, rejected, failed;
    uint32_t *hist;  /* HIST_BUCKETS counts, owned, NULL until the first call */
    uint64_t hist_n; /* values in hist */
};

#define CMD_SLOTS    1024 /* power of two, well above Redis's ~370 commands and subcommands */
#define ERR_CODES    128  /* Redis stops tracking new codes past 128 too */
#define INST_SAMPLES 16

struct err_stat {
    char code[32];
    uint64_t count;
};

/* Redis's instantaneous metric: the rate over the last 16 samples taken at
 * least 100ms apart. */
struct inst_metric {
    int64_t last_ns;
    uint64_t last_value;
    double samples[INST_SAMPLES];
    int idx;
};

enum { INST_OPS, INST_NET_IN, INST_NET_OUT, INST_COUNT };

struct cache_info_stats {
    struct cmd_stat slots[CMD_SLOTS];
    uint16_t order[CMD_SLOTS]; /* slot indexes in first-use order */
    size_t norder;
    struct err_stat errs[ERR_CODES]; /* sorted by code, as Redis's rax */
    size_t nerrs;
    size_t startup_memory;   /* used_memory when the server started */
    size_t peak_memory;      /* used_memory_peak */
    int64_t lastsave_s;      /* LASTSAVE */
    uint64_t saves;          /* rdb_saves */
    uint64_t writes_at_save; /* set_type_cmds at the last save */
    char replid[41];         /* master_replid */
    struct inst_metric inst[INST_COUNT];
};

struct cache_info_stats *cache_info_stats_new(const struct cache_server *srv)
{
    static const char hex[] = "0123456789abcdef";
    struct cache_info_stats *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->startup_memory = srv->ks ? cache_server_used_memory(srv) : 0;
    st->peak_memory = st->startup_memory;
    st->lastsave_s = srv->start_ms / 1000;
    /* A replication id of its own, like Redis's changeReplicationId(). */
    uint64_t x = (uint64_t)dd_clock_mono_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(size_t)st;
    for (int i = 0; i < 40; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        st->replid[i] = hex[x & 15];
    }
    st->replid[40] = '\0';
    return st;
}

void cache_info_stats_free(struct cache_info_stats *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < CMD_SLOTS; i++)
        free(st->slots[i].hist);
    free(st);
}

static struct cache_info_stats *stats_of(struct cache_server *srv)
{
    return srv->config ? cache_config_info_stats(srv->config) : NULL;
}

static struct cmd_stat *cmd_slot(struct cache_info_stats *st, const struct cache_command *cmd)
{
    size_t h = (size_t)(((uintptr_t)cmd >> 4) * 2654435761u) & (CMD_SLOTS - 1);
    for (size_t n = 0; n < CMD_SLOTS; n++, h = (h + 1) & (CMD_SLOTS - 1)) {
        if (st->slots[h].cmd == cmd)
            return &st->slots[h];
        if (!st->slots[h].cmd) {
            st->slots[h].cmd = cmd;
            st->order[st->norder++] = (uint16_t)h;
            return &st->slots[h];
        }
    }
    return NULL;
}

static void inst_track(struct inst_metric *m, uint64_t value, int64_t now_ns)
{
    int64_t dt = now_ns - m->last_ns;
    if (m->last_ns == 0) {
        m->last_ns = now_ns;
        m->last_value = value;
        return;
    }
    if (dt < 100 * 1000000LL)
        return;
    m->samples[m->idx] = (double)(value - m->last_value) * 1e9 / (double)dt;
    m->idx = (m->idx + 1) % INST_SAMPLES;
    m->last_ns = now_ns;
    m->last_value = value;
}

static double inst_get(const struct inst_metric *m)
{
    double sum = 0;
    for (int i = 0; i < INST_SAMPLES; i++)
        sum += m->samples[i];
    return sum / INST_SAMPLES;
}

static void track_all(struct cache_server *srv, struct cache_info_stats *st)
{
    int64_t now = dd_clock_mono_ns();
    size_t used = cache_server_used_memory(srv);
    inst_track(&st->inst[INST_OPS], srv->stats.total_commands_processed, now);
    inst_track(&st->inst[INST_NET_IN], srv->stats.total_net_input_bytes, now);
    inst_track(&st->inst[INST_NET_OUT], srv->stats.total_net_output_bytes, now);
    if (used > st->peak_memory)
        st->peak_memory = used;
}

void cache_info_record_call(struct cache_server *srv, const struct cache_command *cmd,
                            uint64_t usec, bool failed)
{
    struct cache_info_stats *st = stats_of(srv);
    struct cmd_stat *s;
    if (!st || !cmd)
        return;
    s = cmd_slot(st, cmd);
    if (!s)
        return;
    s->calls++;
    s->usec += usec;
    if (failed)
        s->failed++;
    if (!s->hist)
        s->hist = calloc(HIST_BUCKETS, sizeof(*s->hist));
    if (s->hist) {
        /* Redis records nanoseconds, at least 1. */
        s->hist[hist_index(usec ? usec * 1000 : 1)]++;
        s->hist_n++;
    }
}

/* The instantaneous rates and the memory peak are sampled from the cron, as
 * Redis's serverCron does: per command it would cost a clock read each. */
void cache_info_cron(struct cache_server *srv)
{
    struct cache_info_stats *st = stats_of(srv);
    if (st)
        track_all(srv, st);
}

void cache_info_record_rejected(struct cache_server *srv, const struct cache_command *cmd)
{
    struct cache_info_stats *st = stats_of(srv);
    struct cmd_stat *s;
    if (!st || !cmd)
        return;
    s = cmd_slot(st, cmd);
    if (s)
        s->rejected++;
}

void cache_info_record_error(struct cache_server *srv, const char *text, size_t len)
{
    struct cache_info_stats *st = stats_of(srv);
    char code[32];
    size_t n = 0, lo = 0, hi;
    if (!st)
        return;
    if (len && text[0] == '-') {
        text++;
        len--;
    }
    while (n < len && n < sizeof(code) - 1 && text[n] != ' ')
        code[n] = text[n], n++;
    code[n] = '\0';
    hi = st->nerrs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(st->errs[mid].code, code);
        if (cmp == 0) {
            st->errs[mid].count++;
            return;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (st->nerrs == ERR_CODES)
        return;
    memmove(&st->errs[lo + 1], &st->errs[lo], (st->nerrs - lo) * sizeof(st->errs[0]));
    memcpy(st->errs[lo].code, code, n + 1);
    st->errs[lo].count = 1;
    st->nerrs++;
}

void cache_info_reset(struct cache_server *srv)
{
    struct cache_info_stats *st = stats_of(srv);
    if (!st)
        return;
    for (size_t i = 0; i < CMD_SLOTS; i++) {
        free(st->slots[i].hist);
        memset(&st->slots[i], 0, sizeof(st->slots[i]));
    }
    st->norder = 0;
    st->nerrs = 0;
    memset(st->inst, 0, sizeof(st->inst));
    st->peak_memory = cache_server_used_memory(srv);
}

void cache_info_note_save(struct cache_server *srv, int64_t unix_s)
{
    struct cache_info_stats *st = stats_of(srv);
    if (!st)
        return;
    st->lastsave_s = unix_s;
    st->saves++;
    st->writes_at_save = srv->stats.set_type_cmds;
}

int64_t cache_info_lastsave(struct cache_server *srv)
{
    struct cache_info_stats *st = stats_of(srv);
    return st ? st->lastsave_s : srv->start_ms / 1000;
}

void cache_info_bytes_human(char *dst, size_t dstlen, unsigned long long n)
{
    const double k = 1024.0;
    if (n < 1024)
        snprintf(dst, dstlen, "%lluB", n);
    else if (n < 1024ULL * 1024)
        snprintf(dst, dstlen, "%.2fK", (double)n / k);
    else if (n < 1024ULL * 1024 * 1024)
        snprintf(dst, dstlen, "%.2fM", (double)n / (k * k));
    else if (n < 1024ULL * 1024 * 1024 * 1024)
        snprintf(dst, dstlen, "%.2fG", (double)n / (k * k * k));
    else if (n < 1024ULL * 1024 * 1024 * 1024 * 1024)
        snprintf(dst, dstlen, "%.2fT", (double)n / (k * k * k * k));
    else if (n < 1024ULL * 1024 * 1024 * 1024 * 1024 * 1024)
        snprintf(dst, dstlen, "%.2fP", (double)n / (k * k * k * k * k));
    else
        snprintf(dst, dstlen, "%lluB", n);
}

/* ---- sections ---- */

enum section {
    SEC_SERVER,
    SEC_CLIENTS,
    SEC_MEMORY,
    SEC_PERSISTENCE,
    SEC_STATS,
    SEC_REPLICATION,
    SEC_CPU,
    SEC_MODULES,
    SEC_COMMANDSTATS,
    SEC_ERRORSTATS,
    SEC_LATENCYSTATS,
    SEC_CLUSTER,
    SEC_KEYSPACE,
    SEC_COUNT
};

/* Section names as INFO takes them; "module_list" is the default set's name
 * for "modules". */
static const struct {
    const char *name;
    enum section sec;
    bool in_default;
} section_names[] = {
    { "server", SEC_SERVER, true },
    { "clients", SEC_CLIENTS, true },
    { "memory", SEC_MEMORY, true },
    { "persistence", SEC_PERSISTENCE, true },
    { "stats", SEC_STATS, true },
    { "replication", SEC_REPLICATION, true },
    { "cpu", SEC_CPU, true },
    { "modules", SEC_MODULES, false },
    { "module_list", SEC_MODULES, true },
    { "commandstats", SEC_COMMANDSTATS, false },
    { "errorstats", SEC_ERRORSTATS, true },
    { "latencystats", SEC_LATENCYSTATS, false },
    { "cluster", SEC_CLUSTER, true },
    { "keyspace", SEC_KEYSPACE, true },
};

/* genInfoSectionDict(): which sections the arguments ask for. */
static void select_sections(const struct cache_resp_arg *args, size_t nargs, bool want[SEC_COUNT])
{
    memset(want, 0, sizeof(bool) * SEC_COUNT);
    if (nargs == 0) {
        for (size_t i = 0; i < DD_ARRAY_LEN(section_names); i++)
            if (section_names[i].in_default)
                want[section_names[i].sec] = true;
        return;
    }
    for (size_t a = 0; a < nargs; a++) {
        const struct cache_resp_arg *x = &args[a];
#define ARG_IS(w) (x->len == strlen(w) && strncasecmp(x->ptr, w, x->len) == 0)
        if (ARG_IS("all") || ARG_IS("everything")) {
            for (int s = 0; s < SEC_COUNT; s++)
                want[s] = true;
        } else if (ARG_IS("default")) {
            for (size_t i = 0; i < DD_ARRAY_LEN(section_names); i++)
                if (section_names[i].in_default)
                    want[section_names[i].sec] = true;
        } else {
            for (size_t i = 0; i < DD_ARRAY_LEN(section_names); i++)
                if (ARG_IS(section_names[i].name))
                    want[section_names[i].sec] = true;
        }
#undef ARG_IS
    }
}

/* Appends one "name:value\r\n" line; value printf-formatted. */
static int line(struct dd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int line(struct dd_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = dd_buf_vprintf(b, fmt, ap);
    va_end(ap);
    if (rc < 0)
        return rc;
    return dd_buf_append(b, "\r\n", 2);
}

#define L(...)                        \
    do {                              \
        if (line(b, __VA_ARGS__) < 0) \
            return DD_ENOMEM;         \
    } while (0)

/* The path redis-server prints: argv[0] made absolute against the cwd (so a
 * bare name gets the cwd prepended, as Redis's getAbsolutePath() does). */
static void executable_path(char *dst, size_t dstlen)
{
    char argv0[512] = "";
    FILE *f = fopen("/proc/self/cmdline", "rb");
    if (f) {
        size_t n = fread(argv0, 1, sizeof(argv0) - 1, f);
        argv0[n] = '\0';
        fclose(f);
    }
    if (argv0[0] == '/') {
        snprintf(dst, dstlen, "%s", argv0);
    } else {
        char cwd[512];
        if (!getcwd(cwd, sizeof(cwd)))
            cwd[0] = '\0';
        const char *rel = argv0;
        while (rel[0] == '.' && rel[1] == '/')
            rel += 2;
        snprintf(dst, dstlen, "%s/%s", cwd, rel);
    }
}

static int sec_server(struct cache_server *srv, struct dd_buf *b)
{
    struct utsname un;
    struct timespec ts;
    char exe[1024];
    int64_t now_ms = cache_now_ms(srv);
    int64_t up = (now_ms - srv->start_ms) / 1000;
    if (uname(&un) != 0)
        memset(&un, 0, sizeof(un));
    executable_path(exe, sizeof(exe));
    if (up < 0)
        up = 0;

    L("# Server");
    L("redis_version:7.0.15");
    L("redis_git_sha1:00000000");
    L("redis_git_dirty:0");
    L("redis_build_id:ae4d7c971a948f0");
    L("redis_mode:standalone");
    L("os:%s %s %s", un.sysname, un.release, un.machine);
    L("arch_bits:%d", (int)sizeof(long) * 8);
    L("monotonic_clock:POSIX clock_gettime");
    L("multiplexing_api:epoll");
    L("atomicvar_api:c11-builtin");
#ifdef __GNUC__
    L("gcc_version:%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
    L("gcc_version:0.0.0");
#endif
    L("process_id:%ld", (long)getpid());
    L("process_supervised:no");
    L("run_id:%s", srv->run_id);
    L("tcp_port:%d", srv->port);
    /* Emulated milliseconds, with the real clock's microseconds within. */
    clock_gettime(CLOCK_REALTIME, &ts);
    L("server_time_usec:%lld", (long long)now_ms * 1000 + (long long)(ts.tv_nsec / 1000 % 1000));
    L("uptime_in_seconds:%lld", (long long)up);
    L("uptime_in_days:%lld", (long long)(up / 86400));
    L("hz:%d", srv->opts.hz);
    L("configured_hz:%d", srv->opts.hz);
    L("lru_clock:%lld", (long long)((now_ms / 1000) & ((1 << 24) - 1)));
    L("executable:%s", exe);
    L("config_file:");
    L("io_threads_active:0");
    return 0;
}

static int sec_clients(struct cache_server *srv, struct dd_buf *b)
{
    size_t max_in = 0, max_out = 0;
    for (const struct cache_client *c = srv->clients; c; c = c->next) {
        if (c->in.cap > max_in)
            max_in = c->in.cap;
        if (c->out.len - c->out_pos > max_out)
            max_out = c->out.len - c->out_pos;
    }
    L("# Clients");
    L("connected_clients:%zu", srv->nclients);
    L("cluster_connections:0");
    L("maxclients:%lld", srv->opts.maxclients);
    L("client_recent_max_input_buffer:%zu", max_in);
    L("client_recent_max_output_buffer:%zu", max_out);
    L("blocked_clients:%zu", cache_block_count(srv));
    L("tracking_clients:0");
    L("clients_in_timeout_table:%zu", cache_block_count(srv));
    return 0;
}

static size_t rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static int sec_memory(struct cache_server *srv, struct cache_info_stats *st, struct dd_buf *b)
{
    char h1[32], h2[32], h3[32], h4[32], h5[32];
    size_t used = cache_server_used_memory(srv);
    size_t rss = rss_bytes();
    size_t startup = st ? st->startup_memory : 0;
    size_t peak = st ? st->peak_memory : used;
    size_t clients_mem = 0;
    unsigned long long total_mem =
        (unsigned long long)sysconf(_SC_PHYS_PAGES) * (unsigned long long)sysconf(_SC_PAGESIZE);
    struct mallinfo2 mi = mallinfo2();
    size_t alloc_allocated = mi.uordblks + mi.hblkhd;
    size_t alloc_active = mi.arena + mi.hblkhd;
    size_t alloc_resident = rss;
    size_t overhead, dataset, net;

    if (peak < used)
        peak = used;
    if (st)
        st->peak_memory = peak;
    for (const struct cache_client *c = srv->clients; c; c = c->next)
        clients_mem += c->in.cap + c->out.cap;
    overhead = startup < used ? startup : used;
    dataset = used - overhead;
    net = used > startup ? used - startup : 0;

    L("# Memory");
    cache_info_bytes_human(h1, sizeof(h1), used);
    cache_info_bytes_human(h2, sizeof(h2), rss);
    cache_info_bytes_human(h3, sizeof(h3), peak);
    cache_info_bytes_human(h4, sizeof(h4), total_mem);
    L("used_memory:%zu", used);
    L("used_memory_human:%s", h1);
    L("used_memory_rss:%zu", rss);
    L("used_memory_rss_human:%s", h2);
    L("used_memory_peak:%zu", peak);
    L("used_memory_peak_human:%s", h3);
    L("used_memory_peak_perc:%.2f%%", peak ? (double)used * 100 / (double)peak : 100.0);
    L("used_memory_overhead:%zu", overhead);
    L("used_memory_startup:%zu", startup);
    L("used_memory_dataset:%zu", dataset);
    L("used_memory_dataset_perc:%.2f%%", net ? (double)dataset * 100 / (double)net : 0.0);
    L("allocator_allocated:%zu", alloc_allocated);
    L("allocator_active:%zu", alloc_active);
    L("allocator_resident:%zu", alloc_resident);
    L("total_system_memory:%llu", total_mem);
    L("total_system_memory_human:%s", h4);
    /* No Lua here: the figures of a fresh Redis 7.0's empty VMs. */
    L("used_memory_lua:32768");
    L("used_memory_vm_eval:32768");
    L("used_memory_lua_human:32.00K");
    L("used_memory_scripts_eval:0");
    L("number_of_cached_scripts:%zu", cache_script_count(srv));
    L("number_of_functions:0");
    L("number_of_libraries:0");
    L("used_memory_vm_functions:33792");
    L("used_memory_vm_total:66560");
    L("used_memory_vm_total_human:65.00K");
    L("used_memory_functions:200");
    L("used_memory_scripts:200");
    L("used_memory_scripts_human:200B");
    L("maxmemory:%llu", (unsigned long long)srv->opts.maxmemory);
    cache_info_bytes_human(h5, sizeof(h5), (unsigned long long)srv->opts.maxmemory);
    L("maxmemory_human:%s", h5);
    L("maxmemory_policy:%s", cache_evict_policy_name(srv->opts.policy));
    L("allocator_frag_ratio:%.2f",
      alloc_allocated ? (double)alloc_active / (double)alloc_allocated : 0.0);
    L("allocator_frag_bytes:%lld", (long long)alloc_active - (long long)alloc_allocated);
    L("allocator_rss_ratio:%.2f",
      alloc_active ? (double)alloc_resident / (double)alloc_active : 0.0);
    L("allocator_rss_bytes:%lld", (long long)alloc_resident - (long long)alloc_active);
    L("rss_overhead_ratio:%.2f", alloc_resident ? (double)rss / (double)alloc_resident : 0.0);
    L("rss_overhead_bytes:%lld", (long long)rss - (long long)alloc_resident);
    L("mem_fragmentation_ratio:%.2f", used ? (double)rss / (double)used : 0.0);
    L("mem_fragmentation_bytes:%lld", (long long)rss - (long long)used);
    L("mem_not_counted_for_evict:0");
    L("mem_replication_backlog:0");
    L("mem_total_replication_buffers:0");
    L("mem_clients_slaves:0");
    L("mem_clients_normal:%zu", clients_mem);
    L("mem_cluster_links:0");
    L("mem_aof_buffer:0");
    L("mem_allocator:libc");
    L("active_defrag_running:0");
    L("lazyfree_pending_objects:0");
    L("lazyfreed_objects:0");
    return 0;
}

static int sec_persistence(struct cache_server *srv, struct cache_info_stats *st, struct dd_buf *b)
{
    char aof[8] = "no";
    uint64_t writes = srv->stats.set_type_cmds;
    uint64_t since = st && writes >= st->writes_at_save ? writes - st->writes_at_save : writes;
    if (srv->config)
        (void)cache_config_get_value(srv->config, srv, "appendonly", aof, sizeof(aof));
    L("# Persistence");
    L("loading:0");
    L("async_loading:0");
    L("current_cow_peak:0");
    L("current_cow_size:0");
    L("current_cow_size_age:0");
    L("current_fork_perc:0.00");
    L("current_save_keys_processed:0");
    L("current_save_keys_total:0");
    L("rdb_changes_since_last_save:%llu", (unsigned long long)since);
    L("rdb_bgsave_in_progress:0");
    L("rdb_last_save_time:%lld", (long long)cache_info_lastsave(srv));
    L("rdb_last_bgsave_status:ok");
    L("rdb_last_bgsave_time_sec:%d", st && st->saves ? 0 : -1);
    L("rdb_current_bgsave_time_sec:-1");
    L("rdb_saves:%llu", st ? (unsigned long long)st->saves : 0ULL);
    L("rdb_last_cow_size:0");
    L("rdb_last_load_keys_expired:0");
    L("rdb_last_load_keys_loaded:0");
    L("aof_enabled:%d", strcmp(aof, "yes") == 0);
    L("aof_rewrite_in_progress:0");
    L("aof_rewrite_scheduled:0");
    L("aof_last_rewrite_time_sec:-1");
    L("aof_current_rewrite_time_sec:-1");
    L("aof_last_bgrewrite_status:ok");
    L("aof_rewrites:0");
    L("aof_rewrites_consecutive_failures:0");
    L("aof_last_write_status:ok");
    L("aof_last_cow_size:0");
    L("module_fork_in_progress:0");
    L("module_fork_last_cow_size:0");
    return 0;
}

static int sec_stats(struct cache_server *srv, struct cache_info_stats *st, struct dd_buf *b)
{
    const struct cache_stats *s = &srv->stats;
    const struct cache_keyspace_stats *ks = srv->ks ? cache_keyspace_stats(srv->ks) : NULL;
    if (st)
        track_all(srv, st);
    L("# Stats");
    L("total_connections_received:%llu", (unsigned long long)s->total_connections_received);
    L("total_commands_processed:%llu", (unsigned long long)s->total_commands_processed);
    L("instantaneous_ops_per_sec:%lld", st ? (long long)inst_get(&st->inst[INST_OPS]) : 0LL);
    L("total_net_input_bytes:%llu", (unsigned long long)s->total_net_input_bytes);
    L("total_net_output_bytes:%llu", (unsigned long long)s->total_net_output_bytes);
    L("total_net_repl_input_bytes:0");
    L("total_net_repl_output_bytes:0");
    L("instantaneous_input_kbps:%.2f", st ? inst_get(&st->inst[INST_NET_IN]) / 1024 : 0.0);
    L("instantaneous_output_kbps:%.2f", st ? inst_get(&st->inst[INST_NET_OUT]) / 1024 : 0.0);
    L("instantaneous_input_repl_kbps:0.00");
    L("instantaneous_output_repl_kbps:0.00");
    L("rejected_connections:%llu", (unsigned long long)s->rejected_connections);
    L("sync_full:0");
    L("sync_partial_ok:0");
    L("sync_partial_err:0");
    L("expired_keys:%llu", ks ? (unsigned long long)ks->expired_keys : 0ULL);
    L("expired_stale_perc:0.00");
    L("expired_time_cap_reached_count:0");
    L("expire_cycle_cpu_milliseconds:0");
    L("evicted_keys:%llu", ks ? (unsigned long long)ks->evicted_keys : 0ULL);
    L("evicted_clients:0");
    L("total_eviction_exceeded_time:0");
    L("current_eviction_exceeded_time:0");
    L("keyspace_hits:%llu", (unsigned long long)s->keyspace_hits);
    L("keyspace_misses:%llu", (unsigned long long)s->keyspace_misses);
    L("pubsub_channels:%zu", cache_pubsub_numnames(srv, CACHE_PUBSUB_CHANNEL));
    L("pubsub_patterns:%zu", cache_pubsub_numnames(srv, CACHE_PUBSUB_PATTERN));
    L("pubsubshard_channels:%zu", cache_pubsub_numnames(srv, CACHE_PUBSUB_SHARD));
    L("latest_fork_usec:0");
    L("total_forks:0");
    L("migrate_cached_sockets:0");
    L("slave_expires_tracked_keys:0");
    L("active_defrag_hits:0");
    L("active_defrag_misses:0");
    L("active_defrag_key_hits:0");
    L("active_defrag_key_misses:0");
    L("total_active_defrag_time:0");
    L("current_active_defrag_time:0");
    L("tracking_total_keys:0");
    L("tracking_total_items:0");
    L("tracking_total_prefixes:0");
    L("unexpected_error_replies:%llu", (unsigned long long)s->unexpected_error_replies);
    L("total_error_replies:%llu", (unsigned long long)s->total_error_replies);
    L("dump_payload_sanitizations:0");
    /* One read and one write per command is what a non-pipelining client
     * costs; the server does not count syscalls separately. */
    L("total_reads_processed:%llu", (unsigned long long)s->total_commands_processed);
    L("total_writes_processed:%llu", (unsigned long long)s->total_commands_processed);
    L("io_threaded_reads_processed:0");
    L("io_threaded_writes_processed:0");
    L("reply_buffer_shrinks:0");
    L("reply_buffer_expands:0");
    return 0;
}

static int sec_replication(struct cache_server *srv, struct cache_info_stats *st, struct dd_buf *b)
{
    char backlog[32] = "1048576";
    if (srv->config)
        (void)cache_config_get_value(srv->config, srv, "repl-backlog-size", backlog,
                                     sizeof(backlog));
    L("# Replication");
    L("role:master");
    L("connected_slaves:0");
    L("master_failover_state:no-failover");
    L("master_replid:%s", st ? st->replid : "0000000000000000000000000000000000000000");
    L("master_replid2:0000000000000000000000000000000000000000");
    L("master_repl_offset:0");
    L("second_repl_offset:-1");
    L("repl_backlog_active:0");
    L("repl_backlog_size:%s", backlog);
    L("repl_backlog_first_byte_offset:0");
    L("repl_backlog_histlen:0");
    return 0;
}

static int sec_cpu(struct dd_buf *b)
{
    struct rusage self, children, thread;
    memset(&self, 0, sizeof(self));
    memset(&children, 0, sizeof(children));
    memset(&thread, 0, sizeof(thread));
    (void)getrusage(RUSAGE_SELF, &self);
    (void)getrusage(RUSAGE_CHILDREN, &children);
    (void)getrusage(RUSAGE_THREAD, &thread);
#define TV(t) (long)(t).tv_sec, (long)(t).tv_usec
    L("# CPU");
    L("used_cpu_sys:%ld.%06ld", TV(self.ru_stime));
    L("used_cpu_user:%ld.%06ld", TV(self.ru_utime));
    L("used_cpu_sys_children:%ld.%06ld", TV(children.ru_stime));
    L("used_cpu_user_children:%ld.%06ld", TV(children.ru_utime));
    L("used_cpu_sys_main_thread:%ld.%06ld", TV(thread.ru_stime));
    L("used_cpu_user_main_thread:%ld.%06ld", TV(thread.ru_utime));
#undef TV
    return 0;
}

static int sec_commandstats(struct cache_info_stats *st, struct dd_buf *b)
{
    L("# Commandstats");
    for (size_t i = 0; st && i < st->norder; i++) {
        const struct cmd_stat *s = &st->slots[st->order[i]];
        char name[96];
        if (!s->calls && !s->failed && !s->rejected)
            continue;
        cache_command_fullname(s->cmd, name, sizeof(name));
        L("cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,"
          "failed_calls=%llu",
          name, (unsigned long long)s->calls, (unsigned long long)s->usec,
          s->calls ? (double)s->usec / (double)s->calls : 0.0, (unsigned long long)s->rejected,
          (unsigned long long)s->failed);
    }
    return 0;
}

static int sec_errorstats(struct cache_info_stats *st, struct dd_buf *b)
{
    L("# Errorstats");
    for (size_t i = 0; st && i < st->nerrs; i++)
        L("errorstat_%s:count=%llu", st->errs[i].code, (unsigned long long)st->errs[i].count);
    return 0;
}

/* The percentiles latency-tracking-info-percentiles lists ("50 99 99.9"). */
static size_t latency_percentiles(struct cache_server *srv, double *pct, char (*label)[16],
                                  size_t max)
{
    char val[256] = "50 99 99.9";
    char *save = NULL, *tok;
    size_t n = 0;
    if (srv->config)
        (void)cache_config_get_value(srv->config, srv, "latency-tracking-info-percentiles", val,
                                     sizeof(val));
    for (tok = strtok_r(val, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save)) {
        pct[n] = strtod(tok, NULL);
        snprintf(label[n], sizeof(label[n]), "%s", tok);
        n++;
    }
    return n;
}

static int sec_latencystats(struct cache_server *srv, struct cache_info_stats *st, struct dd_buf *b)
{
    char on[8] = "yes";
    double pct[16];
    char label[16][16];
    size_t npct;

    L("# Latencystats");
    if (srv->config)
        (void)cache_config_get_value(srv->config, srv, "latency-tracking", on, sizeof(on));
    if (!st || strcmp(on, "yes") != 0)
        return 0;
    npct = latency_percentiles(srv, pct, label, 16);
    for (size_t i = 0; i < st->norder; i++) {
        const struct cmd_stat *s = &st->slots[st->order[i]];
        char name[96];
        if (!s->hist || !s->hist_n)
            continue;
        cache_command_fullname(s->cmd, name, sizeof(name));
        if (dd_buf_printf(b, "latency_percentiles_usec_%s:", name) < 0)
            return DD_ENOMEM;
        for (size_t p = 0; p < npct; p++) {
            /* HdrHistogram's count at percentile: at least one value. */
            uint64_t want = (uint64_t)(pct[p] / 100.0 * (double)s->hist_n + 0.5);
            uint64_t seen = 0;
            size_t idx = 0;
            if (want < 1)
                want = 1;
            for (idx = 0; idx < HIST_BUCKETS; idx++) {
                seen += s->hist[idx];
                if (seen >= want)
                    break;
            }
            if (idx == HIST_BUCKETS)
                idx = HIST_BUCKETS - 1;
            if (dd_buf_printf(b, "%sp%s=%.3f", p ? "," : "", label[p],
                              (double)hist_top(idx) / 1000.0) < 0)
                return DD_ENOMEM;
        }
        if (dd_buf_append(b, "\r\n", 2) < 0)
            return DD_ENOMEM;
    }
    return 0;
}

static int sec_keyspace(struct cache_server *srv, struct dd_buf *b)
{
    int ndb = srv->ks ? cache_keyspace_db_count(srv->ks) : 0;
    L("# Keyspace");
    for (int i = 0; i < ndb; i++) {
        struct cache_db *db = cache_keyspace_db(srv->ks, i);
        size_t keys = db ? cache_db_count(db) : 0;
        size_t expires = db ? cache_db_expires_count(db) : 0;
        if (keys || expires)
            L("db%d:keys=%zu,expires=%zu,avg_ttl=0", i, keys, expires);
    }
    return 0;
}

int cache_info_generate(struct cache_server *srv, const struct cache_resp_arg *args, size_t nargs,
                        struct dd_buf *b)
{
    bool want[SEC_COUNT];
    struct cache_info_stats *st = stats_of(srv);
    bool first = true;
    int rc = 0;

    select_sections(args, nargs, want);
    for (int s = 0; s < SEC_COUNT && rc == 0; s++) {
        if (!want[s])
            continue;
        if (!first && dd_buf_append(b, "\r\n", 2) < 0)
            return DD_ENOMEM;
        first = false;
        switch ((enum section)s) {
        case SEC_SERVER:
            rc = sec_server(srv, b);
            break;
        case SEC_CLIENTS:
            rc = sec_clients(srv, b);
            break;
        case SEC_MEMORY:
            rc = sec_memory(srv, st, b);
            break;
        case SEC_PERSISTENCE:
            rc = sec_persistence(srv, st, b);
            break;
        case SEC_STATS:
            rc = sec_stats(srv, st, b);
            break;
        case SEC_REPLICATION:
            rc = sec_replication(srv, st, b);
            break;
        case SEC_CPU:
            rc = sec_cpu(b);
            break;
        case SEC_MODULES:
            rc = line(b, "# Modules");
            break;
        case SEC_COMMANDSTATS:
            rc = sec_commandstats(st, b);
            break;
        case SEC_ERRORSTATS:
            rc = sec_errorstats(st, b);
            break;
        case SEC_LATENCYSTATS:
            rc = sec_latencystats(srv, st, b);
            break;
        case SEC_CLUSTER:
            rc = line(b, "# Cluster");
            if (rc == 0)
                rc = line(b, "cluster_enabled:0");
            break;
        case SEC_KEYSPACE:
            rc = sec_keyspace(srv, b);
            break;
        case SEC_COUNT:
            break;
        }
    }
    return rc < 0 ? DD_ENOMEM : 0;
}
