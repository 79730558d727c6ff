"""alb-emu listener rules, actions and stickiness, black box through real
sockets: every condition type (host-header with wildcards and any case,
path-pattern case-sensitive on the path only, http-header, http-request-method,
query-string with escapes, source-ip), AND/OR, priorities, the default action,
fixed-response, redirect placeholders, weighted forward over 10,000 requests,
and the three stickiness cookies (AWSALBTG, AWSALB, AWSALBAPP).

References: ALB User Guide "Listener rules", "Condition types for listener
rules", "Redirect actions", "Fixed-response actions", "Forward actions" and
"Sticky sessions for your Application Load Balancer"."""

import email.utils
import threading
import time
import unittest
from collections import Counter

from alb_harness import (ALB_SERVER, AlbDaemon, RawConn, Targets, fixed, forward, path_rule,
                         requires_alb, target_group)

# The default action's body. Requests meant to reach it use Host alb.test and
# none of the headers, methods or query keys the rules look at.
NO_ROUTE = b"no route"


def rule(priority, conditions, action):
    return {"Priority": priority, "Conditions": conditions, "Actions": [action]}


def cond(field, values=None, **cfg):
    key = {"host-header": "HostHeaderConfig", "path-pattern": "PathPatternConfig",
           "http-request-method": "HttpRequestMethodConfig", "source-ip": "SourceIpConfig",
           "query-string": "QueryStringConfig", "http-header": "HttpHeaderConfig"}[field]
    c = dict(cfg)
    if values is not None:
        c["Values"] = values
    return {"Field": field, key: c}


def redirect(status, **cfg):
    cfg["StatusCode"] = "HTTP_%d" % status
    return {"Type": "redirect", "RedirectConfig": cfg}


def http_date_ms(value):
    return email.utils.parsedate_to_datetime(value).timestamp() * 1000


def cookie_attrs(set_cookie):
    """{attribute (lowercase): value} of a Set-Cookie value, plus '_value'."""
    parts = [p.strip() for p in set_cookie.split(";")]
    out = {"_value": parts[0].split("=", 1)[1]}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        out[k.lower()] = v
    return out


@requires_alb
class AlbRoutingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Targets("echo1", "echo2", "wa", "wb", "l1", "l2", "p1", "p2", "o1", "o2")
        t = cls.t
        for name in ("p1", "p2"):
            t[name].route("/appsticky/login", headers=[("Set-Cookie", "SESSIONID=s-%s; Path=/"
                                                        % name)])
        cls.lor_slow = {n: t[n].route("/lor/slow", mode="block") for n in ("o1", "o2")}
        rules = [
            rule(1, [cond("host-header", ["api.example.com"])], fixed("host-exact")),
            rule(2, [cond("host-header", ["*.wild.test", "w?.q.test"])], fixed("host-wild")),
            rule(3, [cond("path-pattern", ["/Case/*"])], fixed("path-case")),
            rule(4, [cond("path-pattern", ["/img/*.png"])], fixed("path-png")),
            rule(5, [cond("http-header", HttpHeaderName="X-Env", Values=["canary*", "beta"])],
                 fixed("header")),
            rule(6, [cond("http-request-method", ["PUT", "CUSTOM-METHOD"])], fixed("method")),
            rule(7, [cond("query-string", [{"Key": "version", "Value": "v1"},
                                           {"Value": "anykey"}])], fixed("query")),
            rule(8, [cond("query-string", [{"Key": "lit", "Value": "a\\*b"}])],
                 fixed("query-literal")),
            rule(9, [cond("source-ip", ["10.0.0.0/8", "2001:db8::/32"])], fixed("src-no")),
            rule(10, [cond("path-pattern", ["/src"]),
                      cond("source-ip", ["127.0.0.0/8", "::1/128"])], fixed("src-yes")),
            rule(11, [cond("path-pattern", ["/and"]),
                      cond("http-header", HttpHeaderName="X-And", Values=["yes"])],
                 fixed("and-both")),
            # Listed out of order on purpose: priority decides, not position.
            path_rule(60, "/prio/*", fixed("prio-60")),
            path_rule(55, "/prio/high*", fixed("prio-55")),
            path_rule(20, "/fixed/teapot", fixed('{"tea": true}', "418", "application/json")),
            path_rule(21, "/fixed/html", fixed("<b>down</b>", "503", "text/html")),
            path_rule(30, "/r301/*", redirect(301, Protocol="HTTPS", Port="8443", Host="#{host}",
                                              Path="/new/#{path}", Query="#{query}&r=1")),
            path_rule(31, "/r302/*", redirect(302, Host="other.example")),
            path_rule(32, "/rport", redirect(302, Port="9999", Path="/p/#{port}/#{host}")),
            path_rule(40, "/echo/*", forward("echo")),
            path_rule(41, "/weighted", {"Type": "forward", "ForwardConfig": {"TargetGroups": [
                {"TargetGroupName": "wa", "Weight": 30},
                {"TargetGroupName": "wb", "Weight": 70}]}}),
            path_rule(42, "/tgsticky", {"Type": "forward", "ForwardConfig": {
                "TargetGroups": [{"TargetGroupName": "wa", "Weight": 1},
                                 {"TargetGroupName": "wb", "Weight": 1}],
                "TargetGroupStickinessConfig": {"Enabled": True, "DurationSeconds": 300}}}),
            path_rule(43, "/lbsticky*", forward("lbs")),
            path_rule(44, "/appsticky*", forward("apps")),
            path_rule(45, "/lor/*", forward("lor")),
        ]
        config = {
            "LoadBalancers": [{"Name": "route", "Listeners": [{
                "Port": 0, "Protocol": "HTTP",
                "DefaultActions": [fixed(NO_ROUTE.decode(), "404")],
                "Rules": rules}]}],
            "TargetGroups": [
                target_group("echo", [t["echo1"], t["echo2"]]),
                target_group("wa", [t["wa"]]),
                target_group("wb", [t["wb"]]),
                target_group("lbs", [t["l1"], t["l2"]], attributes={
                    "stickiness.enabled": "true", "stickiness.type": "lb_cookie",
                    "stickiness.lb_cookie.duration_seconds": "60"}),
                target_group("apps", [t["p1"], t["p2"]], attributes={
                    "stickiness.enabled": "true", "stickiness.type": "app_cookie",
                    "stickiness.app_cookie.cookie_name": "SESSIONID",
                    "stickiness.app_cookie.duration_seconds": "60"}),
                target_group("lor", [t["o1"], t["o2"]], attributes={
                    "load_balancing.algorithm.type": "least_outstanding_requests"}),
            ]}
        try:
            cls.alb = AlbDaemon(config).start()
        except Exception:
            cls.t.stop()
            raise
        cls.port = cls.alb.listener_port("route")
        try:
            for tg, names in (("echo", ("echo1", "echo2")), ("wa", ("wa",)), ("wb", ("wb",)),
                              ("lbs", ("l1", "l2")), ("apps", ("p1", "p2")),
                              ("lor", ("o1", "o2"))):
                cls.alb.wait_all_healthy(tg, [t[n].port for n in names])
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.alb.close()
        finally:
            cls.t.stop()

    def get(self, path, host="alb.test", headers=None, method="GET"):
        with RawConn(self.port) as c:
            return c.request(method, path, headers=headers, host=host)

    def assertRoutes(self, cases):
        """cases: [(method, path, host, headers, expected body)]; a None body
        means the default rule (404 "no route")."""
        for method, path, host, headers, want in cases:
            with self.subTest(method=method, path=path, host=host, headers=headers):
                r = self.get(path, host, headers, method)
                if want is None:
                    self.assertEqual((r.status, r.body), (404, NO_ROUTE), r)
                else:
                    self.assertEqual((r.status, r.body), (200, want.encode()), r)

    # --- conditions ------------------------------------------------------

    def test_host_header_exact_any_case_and_without_port(self):
        self.assertRoutes([
            ("GET", "/", "api.example.com", None, "host-exact"),
            ("GET", "/", "API.Example.COM", None, "host-exact"),
            ("GET", "/", "api.example.com:8080", None, "host-exact"),
            ("GET", "/", "xapi.example.com", None, None),
            ("GET", "/", "api.example.com.evil", None, None),
        ])

    def test_host_header_wildcards(self):
        self.assertRoutes([
            ("GET", "/", "a.wild.test", None, "host-wild"),
            ("GET", "/", "deep.sub.wild.test", None, "host-wild"),
            ("GET", "/", "A.WILD.TEST", None, "host-wild"),
            ("GET", "/", "wild.test", None, None),
            ("GET", "/", "wx.q.test", None, "host-wild"),
            ("GET", "/", "W1.Q.TEST", None, "host-wild"),
            ("GET", "/", "w.q.test", None, None),
            ("GET", "/", "wxy.q.test", None, None),
        ])

    def test_path_pattern_is_case_sensitive_and_ignores_the_query(self):
        self.assertRoutes([
            ("GET", "/Case/x", "alb.test", None, "path-case"),
            ("GET", "/Case/", "alb.test", None, "path-case"),
            ("GET", "/case/x", "alb.test", None, None),
            ("GET", "/CASE/x", "alb.test", None, None),
            ("GET", "/Case/x?y=/img/a.png", "alb.test", None, "path-case"),
            ("GET", "/img/a/b.png", "alb.test", None, "path-png"),
            ("GET", "/img/a.png?x=1", "alb.test", None, "path-png"),
            ("GET", "/img/a.PNG", "alb.test", None, None),
            ("GET", "/x?p=/img/a.png", "alb.test", None, None),
            ("GET", "/Casex", "alb.test", None, None),
        ])

    def test_http_header(self):
        self.assertRoutes([
            ("GET", "/", "alb.test", [("X-Env", "canary-7")], "header"),
            ("GET", "/", "alb.test", [("X-Env", "canary")], "header"),
            ("GET", "/", "alb.test", [("x-env", "BETA")], "header"),
            ("GET", "/", "alb.test", [("X-ENV", "Canary-x")], "header"),
            ("GET", "/", "alb.test", [("X-Env", "prod")], None),
            ("GET", "/", "alb.test", [("X-Env", "beta2")], None),
            ("GET", "/", "alb.test", [("X-Other", "beta")], None),
        ])

    def test_http_request_method_is_exact(self):
        self.assertRoutes([
            ("PUT", "/", "alb.test", [("Content-Length", "0")], "method"),
            ("CUSTOM-METHOD", "/", "alb.test", None, "method"),
            ("put", "/", "alb.test", [("Content-Length", "0")], None),
            ("POST", "/", "alb.test", [("Content-Length", "0")], None),
            ("GET", "/", "alb.test", None, None),
        ])

    def test_query_string(self):
        self.assertRoutes([
            ("GET", "/?version=v1", "alb.test", None, "query"),
            ("GET", "/?VERSION=V1", "alb.test", None, "query"),
            ("GET", "/?a=1&version=v1&b=2", "alb.test", None, "query"),
            ("GET", "/?version=v2", "alb.test", None, None),
            ("GET", "/?version=v1x", "alb.test", None, None),
            ("GET", "/?foo=anykey", "alb.test", None, "query"),
            ("GET", "/?anykey=foo", "alb.test", None, None),
            ("GET", "/v1?version", "alb.test", None, None),
        ])

    def test_query_string_escaped_wildcard_is_literal(self):
        self.assertRoutes([
            ("GET", "/?lit=a*b", "alb.test", None, "query-literal"),
            ("GET", "/?lit=a%2Ab", "alb.test", None, "query-literal"),
            ("GET", "/?lit=axb", "alb.test", None, None),
            ("GET", "/?lit=ab", "alb.test", None, None),
        ])

    def test_source_ip_uses_the_connection_not_x_forwarded_for(self):
        self.assertRoutes([
            ("GET", "/src", "alb.test", None, "src-yes"),
            # 127.0.0.1 is in neither 10.0.0.0/8 nor 2001:db8::/32; the header is no source.
            ("GET", "/", "alb.test", [("X-Forwarded-For", "10.1.2.3")], None),
            ("GET", "/src", "alb.test", [("X-Forwarded-For", "10.1.2.3")], "src-yes"),
        ])

    def test_conditions_are_anded(self):
        self.assertRoutes([
            ("GET", "/and", "alb.test", None, None),
            ("GET", "/and", "alb.test", [("X-And", "yes")], "and-both"),
            ("GET", "/other", "alb.test", [("X-And", "yes")], None),
        ])

    def test_lowest_priority_wins_not_config_order(self):
        self.assertRoutes([
            ("GET", "/prio/high", "alb.test", None, "prio-55"),
            ("GET", "/prio/highest", "alb.test", None, "prio-55"),
            ("GET", "/prio/low", "alb.test", None, "prio-60"),
            # Rule 1 (host) comes before rule 3 (path) when both match.
            ("GET", "/Case/x", "api.example.com", None, "host-exact"),
        ])

    # --- actions -----------------------------------------------------------

    def test_default_action(self):
        r = self.get("/nothing/here")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, NO_ROUTE)
        self.assertTrue(r.header("Content-Type", "").startswith("text/plain"), r)
        self.assertEqual(r.header("Content-Length"), str(len(NO_ROUTE)))
        self.assertEqual(r.header("Server"), ALB_SERVER)

    def test_fixed_response(self):
        r = self.get("/fixed/teapot")
        self.assertEqual((r.status, r.body), (418, b'{"tea": true}'), r)
        self.assertTrue(r.header("Content-Type", "").startswith("application/json"), r)
        self.assertEqual(r.header("Server"), ALB_SERVER)
        r = self.get("/fixed/html")
        self.assertEqual((r.status, r.body), (503, b"<b>down</b>"), r)
        self.assertTrue(r.header("Content-Type", "").startswith("text/html"), r)
        self.assertEqual(r.header("Content-Length"), "11")

    def test_redirect_301_with_placeholders(self):
        r = self.get("/r301/a/b?x=1", host="shop.example.com")
        self.assertEqual(r.status, 301, r)
        self.assertEqual(r.reason, "Moved Permanently")
        self.assertEqual(r.header("Location"), "https://shop.example.com:8443/new/r301/a/b?x=1&r=1")
        self.assertEqual(r.header("Server"), ALB_SERVER)

    def test_redirect_302_keeps_what_it_does_not_set(self):
        r = self.get("/r302/p?q=2")
        self.assertEqual(r.status, 302, r)
        self.assertEqual(r.reason, "Found")
        self.assertEqual(r.header("Location"), "http://other.example:%d/r302/p?q=2" % self.port)

    def test_redirect_port_and_host_in_path(self):
        r = self.get("/rport")
        self.assertEqual(r.status, 302, r)
        self.assertEqual(r.header("Location"), "http://alb.test:9999/p/%d/alb.test" % self.port)

    def test_forward_round_robin(self):
        with RawConn(self.port) as c:
            seen = Counter(c.request("GET", "/echo/rr").target for _ in range(20))
        self.assertEqual(seen, Counter({"echo1": 10, "echo2": 10}))

    def test_forward_passes_method_path_query_and_body(self):
        with RawConn(self.port) as c:
            r = c.request("POST", "/echo/x%20y?a=1&b=%2F", headers=[("X-Custom", "v")],
                          body=b"hello body")
        self.assertEqual(r.status, 200, r)
        seen = r.json()
        self.assertEqual(seen["method"], "POST")
        self.assertEqual(seen["target_uri"], "/echo/x%20y?a=1&b=%2F")
        self.assertEqual(seen["body"], "hello body")
        self.assertIn(["X-Custom", "v"], seen["headers"])

    def test_weighted_forward_within_5_percent_over_10000_requests(self):
        n = 10000
        seen = Counter()
        with RawConn(self.port) as c:
            for _ in range(n):
                r = c.request("GET", "/weighted")
                if r.status != 200:
                    self.fail("request %d: %r" % (sum(seen.values()), r))
                seen[r.target] += 1
        for name, weight in (("wa", 30), ("wb", 70)):
            want = n * weight / 100
            self.assertLessEqual(abs(seen[name] - want), want * 0.05,
                                 "%s got %d of %d, want %d +- 5%%" % (name, seen[name], n, want))

    # --- stickiness ----------------------------------------------------------

    def _check_cookie_pair(self, r, name, duration_s):
        cookies = r.cookies_set()
        self.assertIn(name, cookies, r)
        self.assertIn(name + "CORS", cookies, r)
        plain, cors = cookie_attrs(cookies[name]), cookie_attrs(cookies[name + "CORS"])
        self.assertEqual(plain["_value"], cors["_value"])
        self.assertEqual(plain.get("path"), "/")
        self.assertIn("expires", plain)
        self.assertNotIn("max-age", plain)
        self.assertEqual(cors.get("samesite"), "None")
        self.assertIn("secure", cors)
        self.assertNotIn("samesite", plain)
        now = self.alb.clock_ms()
        self.assertAlmostEqual(http_date_ms(plain["expires"]), now + duration_s * 1000,
                               delta=5000)
        return plain["_value"]

    def test_target_group_stickiness_awsalbtg(self):
        r = self.get("/tgsticky")
        self.assertEqual(r.status, 200, r)
        value = self._check_cookie_pair(r, "AWSALBTG", 300)
        with RawConn(self.port) as c:
            stuck = {c.request("GET", "/tgsticky",
                               headers=[("Cookie", "AWSALBTG=%s" % value)]).target
                     for _ in range(20)}
            free = {c.request("GET", "/tgsticky").target for _ in range(20)}
        self.assertEqual(stuck, {r.target})
        self.assertEqual(free, {"wa", "wb"})

    def test_lb_cookie_stickiness_awsalb(self):
        r = self.get("/lbsticky")
        self.assertEqual(r.status, 200, r)
        value = self._check_cookie_pair(r, "AWSALB", 60)
        with RawConn(self.port) as c:
            stuck = set()
            for _ in range(20):
                rr = c.request("GET", "/lbsticky", headers=[("Cookie", "a=b; AWSALB=%s; c=d"
                                                             % value)])
                stuck.add(rr.target)
                # The expiry is renewed on every response.
                self.assertIn("AWSALB", rr.cookies_set())
            free = {c.request("GET", "/lbsticky").target for _ in range(20)}
        self.assertEqual(stuck, {r.target})
        self.assertEqual(free, {"l1", "l2"})

    def test_lb_cookie_that_does_not_decode_picks_a_new_target(self):
        r = self.get("/lbsticky", headers=[("Cookie", "AWSALB=not-a-real-cookie")])
        self.assertEqual(r.status, 200, r)
        fresh = r.cookies_set().get("AWSALB")
        self.assertIsNotNone(fresh, r)
        self.assertNotIn("not-a-real-cookie", fresh)

    def test_lb_cookie_stickiness_ends_after_its_duration(self):
        r = self.get("/lbsticky")
        value = r.cookies_set()["AWSALB"].split(";")[0].split("=", 1)[1]
        self.alb.advance_clock(61 * 1000)
        with RawConn(self.port) as c:
            after = {c.request("GET", "/lbsticky",
                               headers=[("Cookie", "AWSALB=%s" % value)]).target
                     for _ in range(20)}
        self.assertEqual(after, {"l1", "l2"})

    def test_app_cookie_stickiness(self):
        r = self.get("/appsticky/login")
        self.assertEqual(r.status, 200, r)
        cookies = r.cookies_set()
        # The application's own cookie passes through untouched ...
        self.assertEqual(cookies.get("SESSIONID"), "SESSIONID=s-%s; Path=/" % r.target)
        # ... and ALB adds its AWSALBAPP-<n> cookie.
        app = [k for k in cookies if k.startswith("AWSALBAPP")]
        self.assertEqual(len(app), 1, cookies)
        self.assertRegex(app[0], r"^AWSALBAPP-\d+$")
        app_value = cookie_attrs(cookies[app[0]])["_value"]
        jar = "SESSIONID=s-%s; %s=%s" % (r.target, app[0], app_value)
        with RawConn(self.port) as c:
            stuck = {c.request("GET", "/appsticky/x", headers=[("Cookie", jar)]).target
                     for _ in range(20)}
            free = {c.request("GET", "/appsticky/x").target for _ in range(20)}
        self.assertEqual(stuck, {r.target})
        self.assertEqual(free, {"p1", "p2"})

    # --- least outstanding requests -----------------------------------------

    def test_least_outstanding_requests(self):
        out = {}

        def slow():
            with RawConn(self.port, timeout=30) as c:
                out["r"] = c.request("GET", "/lor/slow")

        th = threading.Thread(target=slow)
        th.start()
        try:
            busy = None
            deadline = time.monotonic() + 5
            while busy is None and time.monotonic() < deadline:
                for n in ("o1", "o2"):
                    if self.t[n].in_flight:
                        busy = n
                time.sleep(0.01)
            self.assertIsNotNone(busy, "the slow request reached no target")
            idle = "o2" if busy == "o1" else "o1"
            with RawConn(self.port) as c:
                seen = Counter(c.request("GET", "/lor/fast").target for _ in range(8))
            self.assertEqual(seen, Counter({idle: 8}))
        finally:
            for b in self.lor_slow.values():
                b.release()
            th.join(10)
        self.assertEqual(out["r"].status, 200)


if __name__ == "__main__":
    unittest.main()
