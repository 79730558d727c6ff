/* Unit tests for cache-emu/info.c: which sections INFO prints for which
 * arguments (default, all, everything, several names, unknown names, any
 * case), their order and framing ("# Name", CRLF lines, one blank line
 * between sections), Redis 7.0.15's field names in its order, values taken
 * from the server (keyspace, stats, maxmemory, config), and the statistics
 * INFO keeps itself (commandstats, errorstats, latencystats, LASTSAVE). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/command.h"
#include "cache-emu/config.h"
#include "cache-emu/db.h"
#include "cache-emu/info.h"
#include "cache-emu/server.h"
#include "common/err.h"

#define NOW 1700000000000LL

struct fixture {
    struct cache_server srv;
    struct dd_buf out;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(cache_command_init(), 0);
    cache_config_default_opts(&f->srv.opts);
    f->srv.ks = cache_keyspace_new(16, 1);
    assert_non_null(f->srv.ks);
    f->srv.port = 6379;
    f->srv.start_ms = NOW - 90061000; /* 1 day, 1 hour, 1 minute and 1 second ago */
    f->srv.cmd_time_ms = NOW;
    memcpy(f->srv.run_id, "0123456789abcdef0123456789abcdef01234567", 41);
    f->srv.config = cache_config_new(&f->srv);
    assert_non_null(f->srv.config);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    cache_config_free(f->srv.config);
    cache_keyspace_free(f->srv.ks);
    dd_buf_release(&f->out);
    free(f);
    return 0;
}

/* INFO with space-separated arguments; returns the text. */
static const char *info(struct fixture *f, const char *args)
{
    struct cache_resp_arg argv[8];
    static char words[256];
    size_t n = 0;
    snprintf(words, sizeof(words), "%s", args);
    for (char *p = words; *p && n < 8;) {
        char *sp = strchr(p, ' ');
        argv[n].ptr = p;
        argv[n].len = sp ? (size_t)(sp - p) : strlen(p);
        n++;
        if (!sp)
            break;
        p = sp + 1;
    }
    dd_buf_reset(&f->out);
    assert_int_equal(cache_info_generate(&f->srv, argv, n, &f->out), 0);
    return f->out.data ? f->out.data : "";
}

/* The "# Name" headers of text, space separated. */
static const char *headers(const char *text)
{
    static char h[512];
    size_t n = 0;
    h[0] = '\0';
    for (const char *p = text; (p = strstr(p, "# ")) != NULL; p++) {
        if (p != text && p[-1] != '\n')
            continue;
        const char *e = strstr(p, "\r\n");
        assert_non_null(e);
        n +=
            (size_t)snprintf(h + n, sizeof(h) - n, "%s%.*s", n ? " " : "", (int)(e - p - 2), p + 2);
    }
    return h;
}

/* The value of field name in text, or NULL. */
static const char *field(const char *text, const char *name)
{
    static char v[256];
    char key[128];
    snprintf(key, sizeof(key), "\n%s:", name);
    const char *p = strstr(text, key);
    if (!p)
        return NULL;
    p += strlen(key);
    const char *e = strstr(p, "\r\n");
    assert_non_null(e);
    snprintf(v, sizeof(v), "%.*s", (int)(e - p), p);
    return v;
}

struct section_case {
    const char *args;
    const char *headers;
};

static const struct section_case section_cases[] = {
    { "", "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster "
          "Keyspace" },
    { "default", "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats "
                 "Cluster Keyspace" },
    { "Default", "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats "
                 "Cluster Keyspace" },
    { "all", "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats "
             "Errorstats Latencystats Cluster Keyspace" },
    { "everything", "Server Clients Memory Persistence Stats Replication CPU Modules "
                    "Commandstats Errorstats Latencystats Cluster Keyspace" },
    { "all foo", "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats "
                 "Errorstats Latencystats Cluster Keyspace" },
    { "server", "Server" },
    { "SERVER", "Server" },
    { "clients server", "Server Clients" },
    { "keyspace cpu", "CPU Keyspace" },
    { "default commandstats", "Server Clients Memory Persistence Stats Replication CPU Modules "
                              "Commandstats Errorstats Cluster Keyspace" },
    { "modules", "Modules" },
    { "module_list", "Modules" },
    { "latencystats", "Latencystats" },
    { "cluster", "Cluster" },
    { "foo", "" },
    { "foo bar", "" },
};

static void test_sections(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < DD_ARRAY_LEN(section_cases); i++) {
        const char *args = section_cases[i].args;
        struct cache_resp_arg none;
        const char *text;
        if (!args[0]) {
            dd_buf_reset(&f->out);
            assert_int_equal(cache_info_generate(&f->srv, &none, 0, &f->out), 0);
            text = f->out.data ? f->out.data : "";
        } else {
            text = info(f, args);
        }
        if (strcmp(headers(text), section_cases[i].headers) != 0)
            fail_msg("INFO %s: sections '%s', want '%s'", args, headers(text),
                     section_cases[i].headers);
    }
}

/* Every line ends in CRLF, sections are separated by exactly one empty
 * line, and there is no trailing empty line (the bulk's CRLF follows). */
static void test_framing(void **state)
{
    struct fixture *f = *state;
    const char *t = info(f, "everything");
    size_t len = strlen(t);
    assert_true(len > 4);
    assert_memory_equal(t + len - 2, "\r\n", 2);
    assert_false(len >= 4 && memcmp(t + len - 4, "\r\n\r\n", 4) == 0);
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '\n')
            assert_true(i > 0 && t[i - 1] == '\r');
        if (t[i] == '\r')
            assert_true(i + 1 < len && t[i + 1] == '\n');
    }
    /* Each blank line is followed by a header. */
    for (const char *p = t; (p = strstr(p, "\r\n\r\n")) != NULL; p += 4)
        assert_memory_equal(p + 4, "# ", 2);
    assert_string_equal(info(f, "cluster"), "# Cluster\r\ncluster_enabled:0\r\n");
    assert_string_equal(info(f, "modules"), "# Modules\r\n");
    assert_string_equal(info(f, "foo"), "");
}

/* Field names of a section in order, comma separated. */
static const char *names_of(const char *text)
{
    static char n[4096];
    size_t len = 0;
    n[0] = '\0';
    for (const char *p = text; *p;) {
        const char *e = strstr(p, "\r\n");
        assert_non_null(e);
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (p[0] != '#' && colon)
            len += (size_t)snprintf(n + len, sizeof(n) - len, "%s%.*s", len ? "," : "",
                                    (int)(colon - p), p);
        p = e + 2;
    }
    return n;
}

/* Redis 7.0.15's field lists, from `redis-cli INFO everything`. */
static const struct {
    const char *section;
    const char *fields;
} field_lists[] = {
    { "server", "redis_version,redis_git_sha1,redis_git_dirty,redis_build_id,redis_mode,os,"
                "arch_bits,monotonic_clock,multiplexing_api,atomicvar_api,gcc_version,process_id,"
                "process_supervised,run_id,tcp_port,server_time_usec,uptime_in_seconds,"
                "uptime_in_days,hz,configured_hz,lru_clock,executable,config_file,"
                "io_threads_active" },
    { "clients", "connected_clients,cluster_connections,maxclients,client_recent_max_input_buffer,"
                 "client_recent_max_output_buffer,blocked_clients,tracking_clients,"
                 "clients_in_timeout_table" },
    { "memory",
      "used_memory,used_memory_human,used_memory_rss,used_memory_rss_human,used_memory_peak,"
      "used_memory_peak_human,used_memory_peak_perc,used_memory_overhead,used_memory_startup,"
      "used_memory_dataset,used_memory_dataset_perc,allocator_allocated,allocator_active,"
      "allocator_resident,total_system_memory,total_system_memory_human,used_memory_lua,"
      "used_memory_vm_eval,used_memory_lua_human,used_memory_scripts_eval,"
      "number_of_cached_scripts,number_of_functions,number_of_libraries,"
      "used_memory_vm_functions,used_memory_vm_total,used_memory_vm_total_human,"
      "used_memory_functions,used_memory_scripts,used_memory_scripts_human,maxmemory,"
      "maxmemory_human,maxmemory_policy,allocator_frag_ratio,allocator_frag_bytes,"
      "allocator_rss_ratio,allocator_rss_bytes,rss_overhead_ratio,rss_overhead_bytes,"
      "mem_fragmentation_ratio,mem_fragmentation_bytes,mem_not_counted_for_evict,"
      "mem_replication_backlog,mem_total_replication_buffers,mem_clients_slaves,"
      "mem_clients_normal,mem_cluster_links,mem_aof_buffer,mem_allocator,active_defrag_running,"
      "lazyfree_pending_objects,lazyfreed_objects" },
    { "persistence",
      "loading,async_loading,current_cow_peak,current_cow_size,current_cow_size_age,"
      "current_fork_perc,current_save_keys_processed,current_save_keys_total,"
      "rdb_changes_since_last_save,rdb_bgsave_in_progress,rdb_last_save_time,"
      "rdb_last_bgsave_status,rdb_last_bgsave_time_sec,rdb_current_bgsave_time_sec,rdb_saves,"
      "rdb_last_cow_size,rdb_last_load_keys_expired,rdb_last_load_keys_loaded,aof_enabled,"
      "aof_rewrite_in_progress,aof_rewrite_scheduled,aof_last_rewrite_time_sec,"
      "aof_current_rewrite_time_sec,aof_last_bgrewrite_status,aof_rewrites,"
      "aof_rewrites_consecutive_failures,aof_last_write_status,aof_last_cow_size,"
      "module_fork_in_progress,module_fork_last_cow_size" },
    { "stats",
      "total_connections_received,total_commands_processed,instantaneous_ops_per_sec,"
      "total_net_input_bytes,total_net_output_bytes,total_net_repl_input_bytes,"
      "total_net_repl_output_bytes,instantaneous_input_kbps,instantaneous_output_kbps,"
      "instantaneous_input_repl_kbps,instantaneous_output_repl_kbps,rejected_connections,"
      "sync_full,sync_partial_ok,sync_partial_err,expired_keys,expired_stale_perc,"
      "expired_time_cap_reached_count,expire_cycle_cpu_milliseconds,evicted_keys,"
      "evicted_clients,total_eviction_exceeded_time,current_eviction_exceeded_time,"
      "keyspace_hits,keyspace_misses,pubsub_channels,pubsub_patterns,pubsubshard_channels,"
      "latest_fork_usec,total_forks,migrate_cached_sockets,slave_expires_tracked_keys,"
      "active_defrag_hits,active_defrag_misses,active_defrag_key_hits,active_defrag_key_misses,"
      "total_active_defrag_time,current_active_defrag_time,tracking_total_keys,"
      "tracking_total_items,tracking_total_prefixes,unexpected_error_replies,"
      "total_error_replies,dump_payload_sanitizations,total_reads_processed,"
      "total_writes_processed,io_threaded_reads_processed,io_threaded_writes_processed,"
      "reply_buffer_shrinks,reply_buffer_expands" },
    { "replication", "role,connected_slaves,master_failover_state,master_replid,master_replid2,"
                     "master_repl_offset,second_repl_offset,repl_backlog_active,"
                     "repl_backlog_size,repl_backlog_first_byte_offset,repl_backlog_histlen" },
    { "cpu", "used_cpu_sys,used_cpu_user,used_cpu_sys_children,used_cpu_user_children,"
             "used_cpu_sys_main_thread,used_cpu_user_main_thread" },
    { "cluster", "cluster_enabled" },
};

static void test_field_names(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < DD_ARRAY_LEN(field_lists); i++) {
        const char *got = names_of(info(f, field_lists[i].section));
        if (strcmp(got, field_lists[i].fields) != 0)
            fail_msg("INFO %s fields:\n got %s\nwant %s", field_lists[i].section, got,
                     field_lists[i].fields);
    }
}

static void test_values(void **state)
{
    struct fixture *f = *state;
    struct cache_db *db0 = cache_keyspace_db(f->srv.ks, 0);
    struct cache_db *db3 = cache_keyspace_db(f->srv.ks, 3);
    const char *t;

    assert_int_equal(cache_db_add(db0, "a", 1, cache_obj_new_string(f->srv.ks, "1", 1), NOW, NULL),
                     0);
    assert_int_equal(cache_db_add(db0, "b", 1, cache_obj_new_string(f->srv.ks, "2", 1), NOW, NULL),
                     0);
    assert_int_equal(cache_db_ttl_put(db0, "b", 1, NOW + 10000), 0);
    assert_int_equal(cache_db_add(db3, "c", 1, cache_obj_new_string(f->srv.ks, "3", 1), NOW, NULL),
                     0);
    t = info(f, "keyspace");
    assert_string_equal(t, "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n"
                           "db3:keys=1,expires=0,avg_ttl=0\r\n");

    f->srv.stats.keyspace_hits = 7;
    f->srv.stats.keyspace_misses = 3;
    f->srv.stats.total_commands_processed = 42;
    cache_keyspace_stats(f->srv.ks)->expired_keys = 5;
    t = info(f, "stats");
    assert_string_equal(field(t, "keyspace_hits"), "7");
    assert_string_equal(field(t, "keyspace_misses"), "3");
    assert_string_equal(field(t, "total_commands_processed"), "42");
    assert_string_equal(field(t, "expired_keys"), "5");

    f->srv.opts.maxmemory = 100 * 1024 * 1024;
    f->srv.opts.policy = CACHE_EVICT_ALLKEYS_LRU;
    t = info(f, "memory");
    assert_string_equal(field(t, "maxmemory"), "104857600");
    assert_string_equal(field(t, "maxmemory_human"), "100.00M");
    assert_string_equal(field(t, "maxmemory_policy"), "allkeys-lru");
    assert_string_equal(field(t, "mem_allocator"), "libc");
    assert_true(strtoull(field(t, "used_memory"), NULL, 10) > 0);
    assert_true(strtoull(field(t, "used_memory_rss"), NULL, 10) > 0);

    t = info(f, "server");
    assert_string_equal(field(t, "redis_version"), "7.0.15");
    assert_string_equal(field(t, "redis_mode"), "standalone");
    assert_string_equal(field(t, "tcp_port"), "6379");
    assert_string_equal(field(t, "run_id"), "0123456789abcdef0123456789abcdef01234567");
    assert_string_equal(field(t, "uptime_in_seconds"), "90061");
    assert_string_equal(field(t, "uptime_in_days"), "1");
    assert_string_equal(field(t, "hz"), "10");
    assert_string_equal(field(t, "config_file"), "");
    assert_string_equal(field(t, "arch_bits"), "64");

    t = info(f, "clients");
    assert_string_equal(field(t, "maxclients"), "10000");
    assert_string_equal(field(t, "connected_clients"), "0");

    t = info(f, "replication");
    assert_string_equal(field(t, "role"), "master");
    assert_string_equal(field(t, "repl_backlog_size"), "1048576");
    assert_int_equal(strlen(field(t, "master_replid")), 40);
}

static void test_command_and_error_stats(void **state)
{
    struct fixture *f = *state;
    const struct cache_command *ping = cache_command_lookup("ping", 4);
    const struct cache_command *config = cache_command_lookup("config", 6);
    const struct cache_command *get = config ? cache_command_sub_lookup(config, "get", 3) : NULL;
    const char *t;
    assert_non_null(ping);
    assert_non_null(get);

    cache_info_record_call(&f->srv, ping, 3, false);
    cache_info_record_call(&f->srv, ping, 5, false);
    cache_info_record_call(&f->srv, get, 10, true);
    cache_info_record_rejected(&f->srv, get);
    t = info(f, "commandstats");
    assert_string_equal(t, "# Commandstats\r\n"
                           "cmdstat_ping:calls=2,usec=8,usec_per_call=4.00,rejected_calls=0,"
                           "failed_calls=0\r\n"
                           "cmdstat_config|get:calls=1,usec=10,usec_per_call=10.00,"
                           "rejected_calls=1,failed_calls=1\r\n");

    cache_info_record_error(&f->srv, "WRONGTYPE Operation against a key", 33);
    cache_info_record_error(&f->srv, "ERR syntax error", 16);
    cache_info_record_error(&f->srv, "-ERR x", 6);
    cache_info_record_error(&f->srv, "NOAUTH", 6);
    t = info(f, "errorstats");
    assert_string_equal(t, "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOAUTH:count=1\r\n"
                           "errorstat_WRONGTYPE:count=1\r\n");

    t = info(f, "latencystats");
    assert_non_null(strstr(t, "latency_percentiles_usec_ping:p50="));
    assert_non_null(strstr(t, ",p99="));
    assert_non_null(strstr(t, ",p99.9="));
    assert_non_null(strstr(t, "latency_percentiles_usec_config|get:"));

    /* latency-tracking no hides them; the percentiles follow the config. */
    struct cache_config_pair p = { "latency-tracking-info-percentiles", 33, "50", 2 };
    char err[256];
    assert_int_equal(cache_config_set_pairs(f->srv.config, &f->srv, &p, 1, err, sizeof(err)), 0);
    t = info(f, "latencystats");
    assert_non_null(strstr(t, "latency_percentiles_usec_ping:p50="));
    assert_null(strstr(t, "p99"));
    struct cache_config_pair off = { "latency-tracking", 16, "no", 2 };
    assert_int_equal(cache_config_set_pairs(f->srv.config, &f->srv, &off, 1, err, sizeof(err)), 0);
    assert_string_equal(info(f, "latencystats"), "# Latencystats\r\n");

    /* CONFIG RESETSTAT clears them. */
    cache_config_reset_stats(&f->srv);
    assert_string_equal(info(f, "commandstats"), "# Commandstats\r\n");
    assert_string_equal(info(f, "errorstats"), "# Errorstats\r\n");
}

static void test_lastsave(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(cache_info_lastsave(&f->srv), (NOW - 90061000) / 1000);
    f->srv.stats.set_type_cmds = 10;
    assert_string_equal(field(info(f, "persistence"), "rdb_changes_since_last_save"), "10");
    cache_info_note_save(&f->srv, 1800000000);
    assert_int_equal(cache_info_lastsave(&f->srv), 1800000000);
    const char *t = info(f, "persistence");
    assert_string_equal(field(t, "rdb_last_save_time"), "1800000000");
    assert_string_equal(field(t, "rdb_saves"), "1");
    assert_string_equal(field(t, "rdb_changes_since_last_save"), "0");
}

static void test_bytes_human(void **state)
{
    (void)state;
    static const struct {
        unsigned long long n;
        const char *want;
    } cases[] = {
        { 0, "0B" },
        { 1023, "1023B" },
        { 1024, "1.00K" },
        { 965632, "943.00K" },
        { 12312576, "11.74M" },
        { 25276510208ULL, "23.54G" },
        { 1024ULL * 1024 * 1024 * 1024, "1.00T" },
        { 1024ULL * 1024 * 1024 * 1024 * 1024 * 3, "3.00P" },
    };
    char buf[32];
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        cache_info_bytes_human(buf, sizeof(buf), cases[i].n);
        assert_string_equal(buf, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_and_error_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lastsave, setup, teardown),
        cmocka_unit_test(test_bytes_human),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
