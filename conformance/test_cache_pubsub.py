"""cache-emu's Pub/Sub through redis-py, the way applications use it:
subscribe and get_message, pattern subscriptions, handlers run by a listener
thread, redis-py's health-check PING on a subscribed connection (which only
works when a RESP2 subscriber's PING answers ["pong", arg]), the PUBSUB
introspection helpers, the RESP2 subscriber's command restriction, message
order and binary payloads.

redis-py exists only for the Debian python (python3-redis 4.3.4), so this
module runs under /usr/bin/python3 (the line below tells CMake). Against
DRYDOCK_TARGET=redis-server every test runs against a real Redis, which checks
the tests themselves.
"""

import threading
import time
import unittest
import uuid

import cache_harness as ch

PYTHON = "system"

try:
    import redis
    from redis.exceptions import ResponseError
except ImportError:  # the default python has no redis module
    redis = None

WAIT_S = 5.0


@unittest.skipIf(redis is None, "the redis module is missing (run under /usr/bin/python3)")
@ch.requires_target
class RedisPyPubSubTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = ch.start_target()

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.close()

    def client(self, **kw):
        r = redis.Redis(host=self.server.host, port=self.server.port,
                        password=self.server.password, socket_timeout=10, **kw)
        self.addCleanup(r.close)
        return r

    def pubsub(self, r=None, **kw):
        p = (r or self.client()).pubsub(**kw)
        self.addCleanup(p.close)
        return p

    def setUp(self):
        self.r = self.client()
        self.r.flushall()

    def name(self, prefix="ch"):
        return "%s:%s" % (prefix, uuid.uuid4().hex[:10])

    def next_message(self, p, timeout=WAIT_S, **kw):
        """The next message (subscribe confirmations included unless told),
        waiting up to timeout; fails the test when none arrives."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = p.get_message(timeout=0.05, **kw)
            if m is not None:
                return m
        self.fail("no pub/sub message within %.1fs" % timeout)

    # --- tests -------------------------------------------------------------------

    def test_subscribe_publish_unsubscribe(self):
        ch_ = self.name()
        p = self.pubsub()
        p.subscribe(ch_)
        self.assertEqual(self.next_message(p),
                         {"type": "subscribe", "pattern": None, "channel": ch_.encode(),
                          "data": 1})
        self.assertEqual(self.r.publish(ch_, "hello"), 1)
        self.assertEqual(self.r.publish(self.name(), "nobody"), 0)
        self.assertEqual(self.next_message(p),
                         {"type": "message", "pattern": None, "channel": ch_.encode(),
                          "data": b"hello"})
        p.unsubscribe(ch_)
        self.assertEqual(self.next_message(p),
                         {"type": "unsubscribe", "pattern": None, "channel": ch_.encode(),
                          "data": 0})
        self.assertEqual(self.r.publish(ch_, "gone"), 0)
        self.assertIsNone(p.get_message(timeout=0.2))

    def test_patterns_and_counts(self):
        base = self.name("news")
        p = self.pubsub()
        p.psubscribe(base + ".*")
        p.subscribe(base + ".sport")
        self.assertEqual(self.next_message(p)["data"], 1)
        self.assertEqual(self.next_message(p)["data"], 2)  # channels + patterns
        # One subscriber reached through both its channel and its pattern counts twice.
        self.assertEqual(self.r.publish(base + ".sport", "goal"), 2)
        got = [self.next_message(p), self.next_message(p)]
        self.assertEqual(got[0], {"type": "message", "pattern": None,
                                  "channel": (base + ".sport").encode(), "data": b"goal"})
        self.assertEqual(got[1], {"type": "pmessage", "pattern": (base + ".*").encode(),
                                  "channel": (base + ".sport").encode(), "data": b"goal"})
        self.assertEqual(self.r.publish(base + ".art", "paint"), 1)
        self.assertEqual(self.next_message(p)["type"], "pmessage")
        self.assertEqual(self.r.publish(base + "x.art", "miss"), 0)
        self.assertEqual(self.r.pubsub_numpat(), 1)
        self.assertEqual(self.r.pubsub_numsub(base + ".sport", base + ".art"),
                         [((base + ".sport").encode(), 1), ((base + ".art").encode(), 0)])
        self.assertEqual(self.r.pubsub_channels(base + "*"), [(base + ".sport").encode()])
        p.punsubscribe()
        self.assertEqual(self.next_message(p)["type"], "punsubscribe")
        self.assertEqual(self.r.pubsub_numpat(), 0)

    def test_handlers_in_a_listener_thread_keep_order(self):
        ch_ = self.name()
        got, done = [], threading.Event()

        def handler(m):
            got.append(m["data"])
            if len(got) == 100:
                done.set()

        p = self.client().pubsub(ignore_subscribe_messages=True)
        p.subscribe(**{ch_: handler})
        t = p.run_in_thread(sleep_time=0.01, daemon=True)

        def stop():
            t.stop()  # the thread closes the PubSub itself on its way out
            t.join(WAIT_S)

        self.addCleanup(stop)
        deadline = time.monotonic() + WAIT_S
        while self.r.pubsub_numsub(ch_)[0][1] != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        pipe = self.r.pipeline(transaction=False)
        for i in range(100):
            pipe.publish(ch_, "m%03d" % i)
        self.assertEqual(pipe.execute(), [1] * 100)
        self.assertTrue(done.wait(WAIT_S), "only %d of 100 messages arrived" % len(got))
        self.assertEqual(got, [b"m%03d" % i for i in range(100)])

    def test_ping_and_health_check_while_subscribed(self):
        ch_ = self.name()
        r = self.client(health_check_interval=1)
        p = self.pubsub(r)
        p.subscribe(ch_)
        self.assertEqual(self.next_message(p)["type"], "subscribe")
        # A RESP2 subscriber's PING is answered ["pong", arg]: redis-py parses it
        # as a "pong" message, and swallows its own health check's answer.
        p.ping()
        self.assertEqual(self.next_message(p),
                         {"type": "pong", "pattern": None, "channel": None, "data": b""})
        p.ping("hi")
        self.assertEqual(self.next_message(p)["data"], b"hi")
        time.sleep(1.2)  # past the interval: the next read sends the health check
        self.assertIsNone(p.get_message(timeout=0.5))  # its answer is swallowed
        self.assertEqual(p.health_check_response_counter, 0)
        self.assertEqual(self.r.publish(ch_, "after"), 1)
        self.assertEqual(self.next_message(p)["data"], b"after")

    def test_subscriber_is_restricted(self):
        ch_ = self.name()
        p = self.pubsub()
        p.subscribe(ch_)
        self.assertEqual(self.next_message(p)["type"], "subscribe")
        p.connection.send_command("GET", "k")
        with self.assertRaises(ResponseError) as cm:
            p.parse_response(block=True, timeout=WAIT_S)
        self.assertEqual(str(cm.exception),
                         "Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING "
                         "/ QUIT / RESET are allowed in this context")
        # The connection still works as a subscriber.
        self.assertEqual(self.r.publish(ch_, "still"), 1)
        self.assertEqual(self.next_message(p)["data"], b"still")

    def test_binary_payload_and_decoded_client(self):
        ch_ = self.name()
        p = self.pubsub(self.client(decode_responses=True))
        p.subscribe(ch_)
        self.assertEqual(self.next_message(p)["channel"], ch_)
        self.assertEqual(self.r.publish(ch_, "gr\u00fc\u00dfe \u2603"), 1)
        self.assertEqual(self.next_message(p)["data"], "gr\u00fc\u00dfe \u2603")
        pb = self.pubsub()
        pb.subscribe(ch_)
        self.next_message(pb)
        self.assertEqual(self.r.publish(ch_, b"\x00\xff\r\n"), 2)
        self.assertEqual(self.next_message(pb)["data"], b"\x00\xff\r\n")

    def test_shard_channels(self):
        ch_ = self.name("shard")
        r = self.client()
        conn = r.connection_pool.get_connection("SSUBSCRIBE")
        self.addCleanup(r.connection_pool.release, conn)
        conn.send_command("SSUBSCRIBE", ch_)
        self.assertEqual(conn.read_response(), [b"ssubscribe", ch_.encode(), 1])
        p = self.pubsub()
        p.psubscribe("*")  # patterns never see shard messages
        self.next_message(p)
        self.assertEqual(self.r.execute_command("SPUBLISH", ch_, "s"), 1)
        self.assertEqual(conn.read_response(), [b"smessage", ch_.encode(), b"s"])
        self.assertEqual(self.r.execute_command("PUBSUB", "SHARDNUMSUB", ch_), [ch_.encode(), 1])
        self.assertEqual(self.r.execute_command("PUBSUB", "SHARDCHANNELS"), [ch_.encode()])
        self.assertEqual(self.r.pubsub_channels(), [])
        self.assertIsNone(p.get_message(timeout=0.2))
        conn.send_command("SUNSUBSCRIBE")
        self.assertEqual(conn.read_response(), [b"sunsubscribe", ch_.encode(), 0])

    def test_disconnected_subscriber_is_forgotten(self):
        ch_ = self.name()
        p = self.pubsub()
        p.subscribe(ch_)
        self.next_message(p)
        self.assertEqual(self.r.pubsub_numsub(ch_), [(ch_.encode(), 1)])
        p.close()
        deadline = time.monotonic() + WAIT_S
        while self.r.pubsub_numsub(ch_)[0][1] and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(self.r.pubsub_numsub(ch_), [(ch_.encode(), 0)])
        self.assertEqual(self.r.publish(ch_, "x"), 0)


if __name__ == "__main__":
    unittest.main()
