"""cache-emu's --busy-poll-us, black-box: it serves correctly with polling off
and with a long window, an idle server goes back to sleep (no CPU) once the
traffic stops, and bad values are refused with exit status 2.

Runs against a local cache-emu only: the flag is cache-emu's own.
"""

import os
import subprocess
import threading
import time
import unittest

import cache_harness as ch

PYTHON = "system"  # Debian's python3-redis

try:
    import redis
except ImportError:  # pragma: no cover - reported as a skip
    redis = None

THREADS = 8


def hammer(server, per_thread, until=None):
    """THREADS clients: INCR a shared counter and SET/GET their own keys.
    Returns the errors seen (an empty list when every reply was right)."""
    errors = []

    def work(t):
        r = redis.Redis(host=server.host, port=server.port, socket_timeout=30)
        try:
            i = 0
            while i < per_thread or (until is not None and time.monotonic() < until):
                r.incr("counter")
                key = "k:%d:%d" % (t, i % 50)
                r.set(key, "v%d" % i)
                got = r.get(key)
                if got != b"v%d" % i:
                    errors.append("%s: %r" % (key, got))
                    return
                i += 1
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            r.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@unittest.skipIf(redis is None, "python3-redis is not installed")
@ch.requires_admin
class BusyPollTest(unittest.TestCase):
    def test_serves_with_polling_off_and_with_a_long_window(self):
        for window in ("0", "1000"):
            with self.subTest(window=window):
                srv = ch.CacheEmuServer(["--busy-poll-us", window])
                try:
                    self.assertEqual(hammer(srv, 500), [])
                    r = redis.Redis(host=srv.host, port=srv.port)
                    self.assertEqual(r.get("counter"), b"%d" % (THREADS * 500))
                    r.close()
                finally:
                    srv.close()

    def test_idle_server_sleeps_after_dense_traffic(self):
        srv = ch.CacheEmuServer(["--busy-poll-us", "1000"])
        try:
            c0 = ch.cpu_seconds(srv.pid)
            self.assertEqual(hammer(srv, 0, until=time.monotonic() + 1.0), [])
            busy = ch.cpu_seconds(srv.pid) - c0
            # Well past the 1 ms window: the loop must be blocked now.
            time.sleep(0.3)
            c1 = ch.cpu_seconds(srv.pid)
            time.sleep(1.5)
            idle = ch.cpu_seconds(srv.pid) - c1
            # A loop that kept polling would burn ~1.5 s here; an idle one
            # runs only its 10 Hz cron. One clock tick is 10 ms.
            self.assertLess(idle, 0.1, "busy %.2f s, idle %.2f s" % (busy, idle))
        finally:
            srv.close()

    def test_bad_values_are_refused(self):
        exe = ch.harness.binary("cache-emu")
        for value in ("-1", "abc", "", "1000001", "30us"):
            with self.subTest(value=value):
                p = subprocess.run([exe, "--port", "0", "--busy-poll-us", value],
                                   capture_output=True, timeout=30)
                self.assertEqual(p.returncode, 2)
                self.assertIn(b"--busy-poll-us", p.stderr)
        p = subprocess.run([exe, "--port", "0"], capture_output=True, timeout=30,
                           env=dict(os.environ, DRYDOCK_CACHE_BUSY_POLL_US="lots"))
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"DRYDOCK_CACHE_BUSY_POLL_US", p.stderr)


if __name__ == "__main__":
    unittest.main()
