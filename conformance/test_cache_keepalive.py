"""tcp-keepalive, black-box: the server's end of an accepted connection carries
a TCP keepalive timer of `tcp-keepalive` seconds (default 300), none with 0,
and CONFIG SET changes it for the connections accepted afterwards. That is
what lets a server drop clients that vanished without a FIN (a killed VM, a
blackholed link in a chaos drill).

The kernel shows each socket's pending timer in /proc/net/tcp ("tr" 2 is the
keepalive timer, "tm->when" its remaining time in clock ticks), so the test
reads the server's side of a fresh loopback connection there. The same checks
run against a reference redis-server, which shows they describe Redis.
"""

import os
import socket
import unittest

import cache_harness as ch

TICKS = os.sysconf("SC_CLK_TCK")


def server_timer(server, client_sock):
    """(timer kind, seconds left) of the server's end of client_sock."""
    want_local = ":%04X" % server.port
    want_remote = ":%04X" % client_sock.getsockname()[1]
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1].endswith(want_local) and fields[2].endswith(want_remote):
                kind, when = fields[5].split(":")
                return int(kind, 16), int(when, 16) / TICKS
    raise AssertionError("no /proc/net/tcp entry for the server's end of the connection")


def fresh_connection(server):
    s = socket.create_connection((server.host, server.port), timeout=10)
    if server.password:
        s.sendall(b"AUTH %s\r\n" % server.password.encode())
        s.recv(100)
    s.sendall(b"PING\r\n")
    assert s.recv(100) == b"+PONG\r\n"  # accepted, options set, idle again
    return s


class KeepaliveChecks:
    server = None

    def config_set(self, value):
        c = fresh_connection(self.server)
        try:
            c.sendall(b"CONFIG SET tcp-keepalive %s\r\n" % value)
            self.assertEqual(c.recv(100), b"+OK\r\n")
        finally:
            c.close()

    def timer_of_new_connection(self):
        s = fresh_connection(self.server)
        try:
            return server_timer(self.server, s)
        finally:
            s.close()

    def test_default_is_300_seconds(self):
        kind, left = self.timer_of_new_connection()
        self.assertEqual(kind, 2, "no keepalive timer on the server's socket")
        self.assertTrue(290 <= left <= 300, left)

    def test_config_set_applies_to_new_connections(self):
        try:
            self.config_set(b"60")
            kind, left = self.timer_of_new_connection()
            self.assertEqual(kind, 2)
            self.assertTrue(50 <= left <= 60, left)
            self.config_set(b"0")
            kind, _ = self.timer_of_new_connection()
            self.assertEqual(kind, 0, "tcp-keepalive 0 must leave the socket without probes")
        finally:
            self.config_set(b"300")


@ch.requires_startable
class CacheKeepaliveTest(KeepaliveChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ch.start_target()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()


@ch.requires_redis_server
class RedisReferenceKeepaliveTest(KeepaliveChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ch.start_reference()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()


if __name__ == "__main__":
    unittest.main()
