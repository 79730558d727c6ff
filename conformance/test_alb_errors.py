"""alb-emu's own answers and what it adds to forwarded requests, black box:
503/502/504 provoked for real (no target, refused, reset, closed, malformed,
too slow), 400 for malformed and oversized requests, request-smuggling shapes
refused and never forwarded, 501 for an unknown Transfer-Encoding, 405 for
TRACE, keep-alive on both sides, X-Forwarded-* and X-Amzn-Trace-Id, the
access log and the CloudWatch-named metrics.

ALB's own responses carry `Server: awselb/2.0` and an nginx-style HTML body
with CRLF line ends (alb_harness.elb_body).

References: ALB User Guide "Troubleshoot your Application Load Balancers"
(HTTP 400/405/408/501/502/503/504: causes, header limits 16K line/header and
64K total), "HTTP headers and Application Load Balancers", "Request tracing",
"Access logs" (field order, '-' and -1), "Desync mitigation mode" with the
http_desync_guardian classification (differing Content-Length, bad
Transfer-Encoding, NUL/CR in headers, bad method/version: Severe, blocked
with 400 in every mode; Content-Length with Transfer-Encoding: Ambiguous,
blocked in strictest mode, otherwise never forwarded with both), and
"CloudWatch metrics for your Application Load Balancer"."""

import re
import socket
import time
import unittest

from alb_harness import (ALB_SERVER, ELB_REASONS, TRACE_ROOT_RE, AlbDaemon, RawConn, Targets,
                         elb_body, exchange, forward, parse_access_log_line, path_rule,
                         requires_alb, target_group, wait_until)

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
PROC_TIME_RE = re.compile(r"^(-1|\d+\.\d{3})$")
HEX16 = "[0-9a-f]{16}"


@requires_alb
class AlbErrorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Targets("e1", "rf", "bad", "s1")
        t = cls.t
        t["bad"].route("/reset", mode="reset")
        t["bad"].route("/close", mode="close")
        t["bad"].route("/malformed", mode="malformed")
        t["s1"].route("/slowhdr", mode="slow_headers", delay=3)
        t["s1"].route("/slow", delay=3)

        def lb(name, default_tg, rules=(), **attrs):
            out = {"Name": name, "Listeners": [{"Port": 0, "Protocol": "HTTP",
                                                 "DefaultActions": [forward(default_tg)],
                                                 "Rules": list(rules)}]}
            if attrs:
                out["Attributes"] = {k.replace("__", "."): v for k, v in attrs.items()}
            return out

        config = {
            "LoadBalancers": [
                lb("web", "echo", [
                    path_rule(1, "/empty", forward("empty")),
                    path_rule(2, "/refused", forward("refused")),
                    path_rule(3, ["/reset", "/close", "/malformed"], forward("bad")),
                    path_rule(4, "/echo*", forward("echo")),
                ]),
                {"Name": "short", "Attributes": {"idle_timeout.timeout_seconds": "1"},
                 "Listeners": [{"Port": 0, "Protocol": "HTTP",
                                "DefaultActions": [forward("slow")]}]},
                {"Name": "strict",
                 "Attributes": {"routing.http.desync_mitigation_mode": "strictest"},
                 "Listeners": [{"Port": 0, "Protocol": "HTTP",
                                "DefaultActions": [forward("echo-strict")]}]},
                {"Name": "xffp",
                 "Attributes": {"routing.http.xff_header_processing.mode": "preserve"},
                 "Listeners": [{"Port": 0, "Protocol": "HTTP",
                                "DefaultActions": [forward("echo-xffp")]}]},
                {"Name": "xffr",
                 "Attributes": {"routing.http.xff_header_processing.mode": "remove"},
                 "Listeners": [{"Port": 0, "Protocol": "HTTP",
                                "DefaultActions": [forward("echo-xffr")]}]},
                {"Name": "xffport",
                 "Attributes": {"routing.http.xff_client_port.enabled": "true"},
                 "Listeners": [{"Port": 0, "Protocol": "HTTP",
                                "DefaultActions": [forward("echo-xffport")]}]},
            ],
            "TargetGroups": [
                target_group("echo", [t["e1"]]),
                target_group("empty", []),
                target_group("refused", [t["rf"]]),
                target_group("bad", [t["bad"]]),
                target_group("slow", [t["s1"]]),
                target_group("echo-strict", [t["e1"]]),
                target_group("echo-xffp", [t["e1"]]),
                target_group("echo-xffr", [t["e1"]]),
                target_group("echo-xffport", [t["e1"]]),
            ]}
        try:
            cls.alb = AlbDaemon(config, access_log=True).start()
        except Exception:
            cls.t.stop()
            raise
        try:
            cls.web = cls.alb.listener_port("web")
            cls.short = cls.alb.listener_port("short")
            cls.strict = cls.alb.listener_port("strict")
            for tg, name in (("echo", "e1"), ("refused", "rf"), ("bad", "bad"), ("slow", "s1"),
                             ("echo-strict", "e1"), ("echo-xffp", "e1"), ("echo-xffr", "e1"),
                             ("echo-xffport", "e1")):
                cls.alb.wait_target_state(tg, t[name].port, "healthy")
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.alb.close()
        finally:
            cls.t.stop()

    # --- helpers ---------------------------------------------------------

    def assertElbError(self, r, status):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.reason, ELB_REASONS[status], r)
        self.assertEqual(r.header("Server"), ALB_SERVER, r)
        self.assertEqual(r.header("Content-Type"), "text/html", r)
        self.assertEqual(r.body, elb_body(status), r)
        self.assertEqual(r.header("Content-Length"), str(len(elb_body(status))), r)

    def assertRefused(self, port, data, status=400, target="e1"):
        """data gets ALB's own `status` answer, the connection is closed, and
        no target sees a request."""
        before = self.t[target].requests
        with RawConn(port) as c:
            c.send(data)
            r = c.read_response()
            self.assertElbError(r, status)
            if status == 400:
                self.assertTrue(c.closed_by_peer(), "the connection stayed open after a 400")
        time.sleep(0.05)
        self.assertEqual(self.t[target].requests, before, "the request reached the target")
        return r

    def echo(self, port=None, headers=None, path="/echo"):
        with RawConn(port or self.web) as c:
            r = c.request("GET", path, headers=headers)
        self.assertEqual(r.status, 200, r)
        return r.json()

    @staticmethod
    def hdr(seen, name):
        return [v for k, v in seen["headers"] if k.lower() == name.lower()]

    # --- 5xx ------------------------------------------------------------------

    def test_503_when_the_target_group_has_no_targets(self):
        with RawConn(self.web) as c:
            self.assertElbError(c.request("GET", "/empty"), 503)
            # ALB keeps the client connection after its own 5xx.
            self.assertEqual(c.request("GET", "/echo").status, 200)

    def test_502_when_the_target_refuses_the_connection(self):
        before = self.alb.metric("TargetConnectionErrorCount") or 0
        self.t["rf"].stop()
        with RawConn(self.web) as c:
            self.assertElbError(c.request("GET", "/refused"), 502)
            self.assertEqual(c.request("GET", "/echo").status, 200)
        self.assertGreater(self.alb.metric("TargetConnectionErrorCount"), before)

    def test_502_when_the_target_resets_the_connection(self):
        with RawConn(self.web) as c:
            self.assertElbError(c.request("GET", "/reset"), 502)
            self.assertEqual(c.request("GET", "/echo").status, 200)

    def test_502_when_the_target_closes_without_answering(self):
        with RawConn(self.web) as c:
            self.assertElbError(c.request("GET", "/close"), 502)

    def test_502_when_the_target_answers_with_garbage(self):
        with RawConn(self.web) as c:
            self.assertElbError(c.request("GET", "/malformed"), 502)

    def test_504_when_the_target_is_slower_than_the_idle_timeout(self):
        start = time.monotonic()
        with RawConn(self.short) as c:
            r = c.request("GET", "/slow")
        took = time.monotonic() - start
        self.assertElbError(r, 504)
        self.assertLess(took, 2.9, "504 came after %.2f s with a 1 s idle timeout" % took)

    def test_504_when_the_target_stalls_inside_its_headers(self):
        with RawConn(self.short) as c:
            self.assertElbError(c.request("GET", "/slowhdr"), 504)

    def test_408_when_the_client_stops_mid_request(self):
        with RawConn(self.short) as c:
            c.send(b"GET / HTTP/1.1\r\nHost: alb.test\r\n")
            start = time.monotonic()
            r = c.read_response()
            took = time.monotonic() - start
        self.assertEqual(r.status, 408, r)
        self.assertEqual(r.header("Server"), ALB_SERVER, r)
        self.assertLess(took, 2.9)

    # --- 400, 405, 501 ----------------------------------------------------------

    def test_400_for_malformed_requests(self):
        tls_hello = (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(range(32)) +
                     b"\r\n\r\n")
        cases = [
            ("bad version", b"GET /echo FOO/1.1\r\nHost: a\r\n\r\n"),
            ("bad method", b"G@T /echo HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("NUL in a header", b"GET /echo HTTP/1.1\r\nHost: a\r\nX-Bad: a\x00b\r\n\r\n"),
            ("bare CR in a header", b"GET /echo HTTP/1.1\r\nHost: a\r\nX-Bad: a\rb\r\n\r\n"),
            ("bad Content-Length", b"POST /echo HTTP/1.1\r\nHost: a\r\n"
                                   b"Content-Length: abc\r\n\r\n"),
            ("negative Content-Length", b"POST /echo HTTP/1.1\r\nHost: a\r\n"
                                        b"Content-Length: -1\r\n\r\n"),
            ("TLS to an HTTP listener", tls_hello),
        ]
        for what, data in cases:
            with self.subTest(what):
                self.assertRefused(self.web, data)

    def test_400_for_a_header_over_16k(self):
        before = self.t["e1"].requests
        with RawConn(self.web) as c:
            r = c.request("GET", "/echo", headers=[("X-Big", "a" * 15000)])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(self.hdr(r.json(), "X-Big")[0]), 15000)
        self.assertRefused(self.web, b"GET /echo HTTP/1.1\r\nHost: a\r\nX-Big: " +
                           b"a" * (17 * 1024) + b"\r\n\r\n")
        self.assertEqual(self.t["e1"].requests, before + 1)

    def test_400_for_headers_over_64k_in_total(self):
        ok = [("X-Big-%d" % i, "b" * 14000) for i in range(4)]
        with RawConn(self.web) as c:
            r = c.request("GET", "/echo", headers=ok)
        self.assertEqual(r.status, 200, r)
        data = b"GET /echo HTTP/1.1\r\nHost: a\r\n"
        for i in range(5):
            data += b"X-Big-%d: " % i + b"b" * 14000 + b"\r\n"
        self.assertRefused(self.web, data + b"\r\n")

    def test_request_line_over_16k_is_refused(self):
        before = self.t["e1"].requests
        with RawConn(self.web) as c:
            c.send(b"GET /echo/" + b"a" * (17 * 1024) + b" HTTP/1.1\r\nHost: a\r\n\r\n")
            r = c.read_response()
        # ALB documents 400 for a request line over 16K and 414 for a URL too large.
        self.assertIn(r.status, (400, 414), r)
        self.assertEqual(r.header("Server"), ALB_SERVER, r)
        self.assertEqual(self.t["e1"].requests, before)

    def test_405_for_trace(self):
        self.assertRefused(self.web, b"TRACE /echo HTTP/1.1\r\nHost: a\r\n\r\n", status=405)

    def test_501_for_an_unknown_transfer_encoding(self):
        for te in (b"foo", b"gzip, chunked2"):
            with self.subTest(te=te):
                self.assertRefused(self.web, b"POST /echo HTTP/1.1\r\nHost: a\r\n"
                                   b"Transfer-Encoding: " + te + b"\r\n\r\n", status=501)

    # --- smuggling shapes -------------------------------------------------------

    def test_differing_content_lengths_are_refused(self):
        self.assertRefused(self.web, b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                           b"Content-Length: 6\r\n\r\nhello!")
        self.assertRefused(self.web, b"POST /echo HTTP/1.1\r\nHost: a\r\n"
                           b"Content-Length: 5, 6\r\n\r\nhello!")

    def test_two_chunked_transfer_encodings_are_refused(self):
        self.assertRefused(self.web, b"POST /echo HTTP/1.1\r\nHost: a\r\n"
                           b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"0\r\n\r\n")

    def test_content_length_with_transfer_encoding_refused_in_strictest_mode(self):
        body = b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
        self.assertRefused(self.strict, b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: "
                           + str(len(body)).encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
                           + body)

    def test_content_length_with_transfer_encoding_never_smuggles(self):
        # Framed by Content-Length the body is one request; framed by chunked it
        # ends after "0\r\n\r\n" and "GET /smuggled" follows. Whatever alb-emu
        # does (refuse with 400, or serve it and close the connection), no
        # target may see /smuggled, nor a request carrying both framings.
        e1 = self.t["e1"]
        body = b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
        n = len(e1.log)
        with RawConn(self.web) as c:
            c.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " +
                   str(len(body)).encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
            r = c.read_response()
            if r.status == 400:
                self.assertElbError(r, 400)
            else:
                self.assertEqual(r.status, 200, r)
                seen = r.json()
                self.assertFalse(self.hdr(seen, "Content-Length") and
                                 self.hdr(seen, "Transfer-Encoding"),
                                 "forwarded with both framings: %r" % seen["headers"])
            self.assertTrue(c.closed_by_peer(), "the connection stayed open")
        time.sleep(0.1)
        self.assertNotIn("/smuggled", [q.path for q in e1.log[n:]])

    # --- keep-alive, forwarded headers --------------------------------------------

    def test_keep_alive_on_both_sides(self):
        e1 = self.t["e1"]
        time.sleep(0.05)
        conns = e1.traffic_connections
        with RawConn(self.web) as c:
            for i in range(20):
                r = c.request("GET", "/echo/ka%d" % i)
                self.assertEqual(r.status, 200, r)
                self.assertNotEqual((r.header("Connection") or "").lower(), "close")
        self.assertLessEqual(e1.traffic_connections - conns, 2,
                             "20 requests opened %d connections to the target"
                             % (e1.traffic_connections - conns))

    def test_x_forwarded_headers_append(self):
        seen = self.echo()
        self.assertEqual(self.hdr(seen, "X-Forwarded-For"), ["127.0.0.1"])
        self.assertEqual(self.hdr(seen, "X-Forwarded-Proto"), ["http"])
        self.assertEqual(self.hdr(seen, "X-Forwarded-Port"), [str(self.web)])
        seen = self.echo(headers=[("X-Forwarded-For", "203.0.113.9"),
                                  ("X-Forwarded-Proto", "https"), ("X-Forwarded-Port", "1")])
        self.assertEqual(self.hdr(seen, "X-Forwarded-For"), ["203.0.113.9, 127.0.0.1"])
        self.assertEqual(self.hdr(seen, "X-Forwarded-Proto"), ["http"])
        self.assertEqual(self.hdr(seen, "X-Forwarded-Port"), [str(self.web)])

    def test_x_forwarded_for_preserve_remove_and_client_port(self):
        p = self.alb.listener_port("xffp")
        self.assertEqual(self.hdr(self.echo(p), "X-Forwarded-For"), [])
        self.assertEqual(self.hdr(self.echo(p, [("X-Forwarded-For", "203.0.113.9")]),
                                  "X-Forwarded-For"), ["203.0.113.9"])
        p = self.alb.listener_port("xffr")
        self.assertEqual(self.hdr(self.echo(p, [("X-Forwarded-For", "203.0.113.9")]),
                                  "X-Forwarded-For"), [])
        p = self.alb.listener_port("xffport")
        with RawConn(p) as c:
            client_port = c.sock.getsockname()[1]
            r = c.request("GET", "/echo")
        self.assertEqual(self.hdr(r.json(), "X-Forwarded-For"), ["127.0.0.1:%d" % client_port])

    def test_trace_id_generated(self):
        roots = set()
        for _ in range(2):
            seen = self.echo()
            values = self.hdr(seen, "X-Amzn-Trace-Id")
            self.assertEqual(len(values), 1, seen["headers"])
            m = re.match(r"^Root=(.*)$", values[0])
            self.assertIsNotNone(m, values[0])
            root = TRACE_ROOT_RE.match(m.group(1))
            self.assertIsNotNone(root, values[0])
            epoch = int(root.group(1), 16)
            self.assertAlmostEqual(epoch, self.alb.clock_ms() / 1000, delta=120)
            roots.add(m.group(1))
        self.assertEqual(len(roots), 2, "two requests got the same trace id")

    def test_trace_id_extended_with_self(self):
        given = "Root=1-5759e988-bd862e3fe1be46a994272793;CalledFrom=app"
        seen = self.echo(headers=[("X-Amzn-Trace-Id", given)])
        value = self.hdr(seen, "X-Amzn-Trace-Id")
        self.assertEqual(len(value), 1, seen["headers"])
        self.assertRegex(value[0], r"^Self=1-[0-9a-f]{8}-[0-9a-f]{24};" + re.escape(given) + "$")

    def test_pipelined_requests_answered_in_order(self):
        with RawConn(self.web) as c:
            c.send(b"GET /echo/p1 HTTP/1.1\r\nHost: a\r\n\r\n"
                   b"GET /echo/p2 HTTP/1.1\r\nHost: a\r\n\r\n")
            first, second = c.read_response(), c.read_response()
        self.assertEqual((first.status, first.json()["path"]), (200, "/echo/p1"))
        self.assertEqual((second.status, second.json()["path"]), (200, "/echo/p2"))

    def test_chunked_request_body_is_forwarded(self):
        with RawConn(self.web) as c:
            c.send(b"POST /echo/chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                   b"\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
            r = c.read_response()
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["body"], "hello world")
            # The connection is still in sync afterwards.
            self.assertEqual(c.request("GET", "/echo/after").json()["path"], "/echo/after")

    def test_response_body_is_streamed(self):
        size = 512 * 1024
        gate = self.t["e1"].route("/echo/stream", mode="stream", body=b"x" * size)
        try:
            with RawConn(self.web) as c:
                c.send(b"GET /echo/stream HTTP/1.1\r\nHost: a\r\n\r\n")
                head = c._read_until(b"\r\n\r\n")
                self.assertIn(b"Content-Length: %d" % size, head)
                # The target has sent half and waits: that half must reach us now.
                c.settimeout(5)
                try:
                    while len(c.buf) < size // 2:
                        c._fill()
                except socket.timeout:
                    self.fail("alb-emu held the response body back (%d of %d bytes came)"
                              % (len(c.buf), size // 2))
                c.settimeout(10)
                gate.release()
                self.assertEqual(c._read_exact(size), b"x" * size)
        finally:
            gate.release()

    def test_request_body_is_streamed(self):
        size = 256 * 1024
        e1 = self.t["e1"]
        with RawConn(self.web) as c:
            c.send(b"POST /echo/upload HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n" % size
                   + b"y" * 4096)
            # The target sees the request before the client has sent its body.
            wait_until(lambda: "/echo/upload" in e1.heads, 5,
                       what="the request head to reach the target before the body is complete")
            c.send(b"y" * (size - 4096))
            r = c.read_response()
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json()["body"]), size)

    def test_463_for_more_than_30_addresses_in_x_forwarded_for(self):
        thirty = ", ".join("10.0.0.%d" % i for i in range(1, 31))
        seen = self.echo(headers=[("X-Forwarded-For", thirty)])
        self.assertEqual(self.hdr(seen, "X-Forwarded-For"), [thirty + ", 127.0.0.1"])
        before = self.t["e1"].requests
        with RawConn(self.web) as c:
            r = c.request("GET", "/echo", headers=[("X-Forwarded-For", thirty + ", 10.0.1.1")])
        self.assertEqual(r.status, 463, r)
        self.assertEqual(r.header("Server"), ALB_SERVER, r)
        self.assertEqual(self.t["e1"].requests, before)

    def test_460_logged_when_the_client_leaves_first(self):
        gate = self.t["e1"].route("/echo/gone460", mode="block")
        try:
            with RawConn(self.web) as c:
                c.send(b"GET /echo/gone460 HTTP/1.1\r\nHost: a\r\n\r\n")
                wait_until(lambda: "/echo/gone460" in self.t["e1"].heads, 5,
                           what="the request to reach the target")
            f = parse_access_log_line(self.alb.wait_access_log("/echo/gone460"))
        finally:
            gate.release()
        self.assertEqual(f["elb_status_code"], "460", f)
        self.assertEqual(f["target:port"], "127.0.0.1:%d" % self.t["e1"].port)

    # --- access log, metrics ------------------------------------------------------

    def test_access_log_line_of_a_forwarded_request(self):
        with RawConn(self.web) as c:
            client_port = c.sock.getsockname()[1]
            r = c.request("GET", "/echo/logme?x=1", headers=[("User-Agent", "albconf/1.0")])
        self.assertEqual(r.status, 200, r)
        trace = self.hdr(r.json(), "X-Amzn-Trace-Id")[0]
        f = parse_access_log_line(self.alb.wait_access_log("/echo/logme?x=1"))
        self.assertGreaterEqual(f["_count"], 29, f)
        self.assertEqual(f["type"], "http")
        self.assertRegex(f["time"], TIME_RE)
        self.assertRegex(f["elb"], r"^app/web/%s$" % HEX16)
        self.assertEqual(f["client:port"], "127.0.0.1:%d" % client_port)
        self.assertEqual(f["target:port"], "127.0.0.1:%d" % self.t["e1"].port)
        for k in ("request_processing_time", "target_processing_time",
                  "response_processing_time"):
            self.assertRegex(f[k], PROC_TIME_RE)
            self.assertNotEqual(f[k], "-1")
        self.assertEqual((f["elb_status_code"], f["target_status_code"]), ("200", "200"))
        self.assertGreater(int(f["received_bytes"]), 0)
        self.assertGreater(int(f["sent_bytes"]), len(r.body))
        self.assertEqual(f["request"], "GET http://alb.test:%d/echo/logme?x=1 HTTP/1.1" % self.web)
        self.assertEqual(f["user_agent"], "albconf/1.0")
        self.assertEqual((f["ssl_cipher"], f["ssl_protocol"]), ("-", "-"))
        self.assertRegex(f["target_group_arn"],
                         r"^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/echo/%s$"
                         % HEX16)
        self.assertEqual(f["trace_id"], trace)
        self.assertEqual((f["domain_name"], f["chosen_cert_arn"]), ("-", "-"))
        self.assertEqual(f["matched_rule_priority"], "4")
        self.assertRegex(f["request_creation_time"], TIME_RE)
        self.assertLessEqual(f["request_creation_time"], f["time"])
        self.assertEqual(f["actions_executed"], "forward")
        self.assertEqual((f["redirect_url"], f["error_reason"]), ("-", "-"))
        self.assertEqual(f["target:port_list"], "127.0.0.1:%d" % self.t["e1"].port)
        self.assertEqual(f["target_status_code_list"], "200")
        self.assertEqual((f["classification"], f["classification_reason"]), ("-", "-"))

    def test_access_log_line_of_a_request_no_target_took(self):
        with RawConn(self.web) as c:
            self.assertEqual(c.request("GET", "/empty?logged=1").status, 503)
        f = parse_access_log_line(self.alb.wait_access_log("/empty?logged=1"))
        self.assertEqual(f["target:port"], "-")
        self.assertEqual((f["request_processing_time"], f["target_processing_time"],
                          f["response_processing_time"]), ("-1", "-1", "-1"))
        self.assertEqual((f["elb_status_code"], f["target_status_code"]), ("503", "-"))
        self.assertEqual(f["matched_rule_priority"], "1")
        # The default rule is priority 0.
        with RawConn(self.web) as c:
            self.assertEqual(c.request("GET", "/default-rule?logged=1").status, 200)
        f = parse_access_log_line(self.alb.wait_access_log("/default-rule?logged=1"))
        self.assertEqual(f["matched_rule_priority"], "0")

    def test_metrics_move(self):
        names = ("RequestCount", "HTTPCode_Target_2XX_Count", "HTTPCode_ELB_4XX_Count",
                 "HTTPCode_ELB_5XX_Count", "HTTPCode_ELB_503_Count", "NewConnectionCount")
        before = {n: self.alb.metric(n) for n in names}
        for n, v in before.items():
            self.assertIsNotNone(v, "no %s in /_drydock/metrics" % n)
        with RawConn(self.web) as c:
            self.assertEqual(c.request("GET", "/echo").status, 200)
        with RawConn(self.web) as c:
            self.assertEqual(c.request("GET", "/empty").status, 503)
        self.assertEqual(exchange(self.web, b"TRACE / HTTP/1.1\r\nHost: a\r\n\r\n").status, 405)
        after = {n: self.alb.metric(n) for n in names}
        delta = {n: after[n] - before[n] for n in names}
        self.assertGreaterEqual(delta["RequestCount"], 1, delta)
        self.assertEqual(delta["HTTPCode_Target_2XX_Count"], 1, delta)
        self.assertEqual(delta["HTTPCode_ELB_503_Count"], 1, delta)
        self.assertEqual(delta["HTTPCode_ELB_5XX_Count"], 1, delta)
        self.assertEqual(delta["HTTPCode_ELB_4XX_Count"], 1, delta)
        self.assertGreaterEqual(delta["NewConnectionCount"], 3, delta)
        fams = {n for n, _, _ in self.alb.metrics()}
        for n in ("HealthyHostCount", "UnHealthyHostCount", "ActiveConnectionCount",
                  "TargetConnectionErrorCount", "HTTPCode_ELB_502_Count",
                  "HTTPCode_ELB_504_Count"):
            self.assertIn(n, fams)
        self.assertTrue(fams & {"TargetResponseTime", "TargetResponseTime_count"}, fams)


if __name__ == "__main__":
    unittest.main()
