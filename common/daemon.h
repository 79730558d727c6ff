/*
 * The daemon lifecycle every Drydock daemon shares: bind a listening socket
 * (port 0 picks a free one), announce readiness through --ready-file so tests
 * and `drydock` never guess ports or sleep, and turn SIGTERM/SIGINT into a
 * callback on the event loop so the daemon can drain and exit 0.
 */
#ifndef DD_DAEMON_H
#define DD_DAEMON_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/socket.h>

/*
 * Binds and listens on host:port, non-blocking, close-on-exec, SO_REUSEADDR.
 * host is a numeric address or a name ("localhost"); port 0 picks a free
 * port. *bound_port receives the port actually bound. The caller owns *fd_out.
 * Returns DD_OK, DD_EINVAL (bad host/port) or DD_EIO (errno kept).
 */
int dd_listen_tcp(const char *host, int port, int backlog, evutil_socket_t *fd_out,
                  int *bound_port);

/*
 * Writes {"pid":…, "port":…, "admin_port":…} plus every field of `extra`
 * (borrowed; may be NULL) to path atomically (temporary file + rename), so a
 * reader sees either nothing or the whole document. admin_port < 0 omits it.
 */
int dd_ready_file_write(const char *path, int port, int admin_port, json_t *extra);

/* 1 if addr is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x), else 0. */
int dd_addr_is_loopback(const struct sockaddr *addr);
/* Same for a textual address as evhttp reports peers. */
int dd_addr_str_is_loopback(const char *addr);

/* Called once per SIGTERM/SIGINT on the event loop (not in signal context). */
typedef void (*dd_stop_fn)(void *arg, int signo);

struct dd_signals;
/*
 * Installs SIGTERM and SIGINT handlers on base and ignores SIGPIPE (peers
 * that hang up must not kill the daemon). Caller frees with dd_signals_free.
 */
struct dd_signals *dd_signals_new(struct event_base *base, dd_stop_fn fn, void *arg);
/* Removes the handlers; from then on SIGINT and SIGTERM are ignored, since a
 * daemon frees them only on its way out (a late TERM must not kill the exit). */
void dd_signals_free(struct dd_signals *s);

#endif
