/*
 * INFO: the report Redis 7.0.15 prints, section by section, field by field,
 * with the emulator's real numbers where it has them (memory, clients,
 * keyspace, hits and misses, per-command calls) and a fresh Redis's values
 * for what it does not have (replication, persistence, Lua).
 *
 * It also keeps the statistics only INFO reads: per-command calls and
 * latencies (commandstats, latencystats), error codes (errorstats), the
 * memory peak, instantaneous rates and the SAVE bookkeeping (LASTSAVE). The
 * dispatcher feeds them through the cache_info_record_*() calls; CONFIG
 * RESETSTAT clears them.
 */
#ifndef CACHE_INFO_H
#define CACHE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/resp_parse.h"
#include "common/buf.h"

struct cache_server;
struct cache_command;
struct cache_info_stats;

/* The statistics of one server. Caller owns the result and frees it with
 * cache_info_stats_free(); NULL when out of memory. srv is borrowed (read for
 * the start-up memory figure and the start time). */
struct cache_info_stats *cache_info_stats_new(const struct cache_server *srv);
/* Frees st; NULL is a no-op. */
void cache_info_stats_free(struct cache_info_stats *st);

/*
 * Appends the INFO text for the arguments after "INFO" (none means
 * "default"; "all", "everything", "default" and section names in any case,
 * several allowed) to out: "# Section\r\nfield:value\r\n..." with a blank
 * line between sections, sections in Redis's order whatever the argument
 * order, nothing for unknown names. args is borrowed. 0 or DD_ENOMEM.
 */
int cache_info_generate(struct cache_server *srv, const struct cache_resp_arg *args, size_t nargs,
                        struct dd_buf *out);

/* A command ran (cmd as dispatched, the subcommand for containers), taking
 * usec microseconds; failed when it replied an error. */
void cache_info_record_call(struct cache_server *srv, const struct cache_command *cmd,
                            uint64_t usec, bool failed);
/* Samples the instantaneous rates and the memory peak (the server cron). */
void cache_info_cron(struct cache_server *srv);
/* A known command was refused before running (arity, NOAUTH, OOM ...). */
void cache_info_record_rejected(struct cache_server *srv, const struct cache_command *cmd);
/* An error reply was sent: counted under its code, the text up to the first
 * space ("ERR", "WRONGTYPE", "NOAUTH"), as INFO errorstats shows it. */
void cache_info_record_error(struct cache_server *srv, const char *text, size_t len);

/* CONFIG RESETSTAT: per-command, error and rate statistics back to zero and
 * the memory peak to the current usage. */
void cache_info_reset(struct cache_server *srv);

/* SAVE / BGSAVE bookkeeping: a save "completed" now (unix seconds). */
void cache_info_note_save(struct cache_server *srv, int64_t unix_s);
/* LASTSAVE: unix seconds of the last save, the start time before any. */
int64_t cache_info_lastsave(struct cache_server *srv);

/* Redis's bytesToHuman(): "943.00K", "11.74M", "0B" into dst (>= 32 bytes). */
void cache_info_bytes_human(char *dst, size_t dstlen, unsigned long long n);

#endif
