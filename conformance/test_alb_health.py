"""alb-emu target health, black box: the health-check state machine driven
through the admin clock (every check timer reads the common clock, so a test
advances it one interval at a time and reads /_drydock/state, which has the
shape of DescribeTargetHealth), reasons and descriptions, the matcher,
fail-open, registering and deregistering at runtime, draining and slow start.

Every test starts its own alb-emu so its clock and check counts start from
zero. Intervals are long (60-300 s) so that no check starts on its own during
a test: the only checks are the one at registration and the ones a clock
advance makes due.

References: ALB User Guide "Health checks for Application Load Balancer target
groups" (settings, target health status, reason codes), "Register targets",
"Deregistration delay", "Slow start mode", and "Troubleshoot your Application
Load Balancers" (fail-open; 502 when the deregistration delay elapses)."""

import threading
import time
import unittest
from collections import Counter

from alb_harness import (AlbDaemon, RawConn, TargetServer, forward, requires_alb,
                         target_group, wait_until)

INTERVAL_S = 60


@requires_alb
class AlbHealthTest(unittest.TestCase):
    def targets(self, *names):
        out = [TargetServer(n) for n in names]
        for s in out:
            self.addCleanup(s.stop)
        return out

    def start(self, *tgs, lb_attributes=None, unrouted=()):
        """One load balancer whose default action forwards to the first
        target group; every other group is reachable at /<name>/*, and the
        groups in `unrouted` are in the config but no rule forwards to them."""
        rules = [{"Priority": i + 1,
                  "Conditions": [{"Field": "path-pattern",
                                  "PathPatternConfig": {"Values": ["/%s/*" % tg["Name"]]}}],
                  "Actions": [forward(tg["Name"])]}
                 for i, tg in enumerate(tgs[1:])]
        lb = {"Name": "hc", "Listeners": [{"Port": 0, "Protocol": "HTTP",
                                            "DefaultActions": [forward(tgs[0]["Name"])],
                                            "Rules": rules}]}
        if lb_attributes:
            lb["Attributes"] = lb_attributes
        alb = AlbDaemon({"LoadBalancers": [lb], "TargetGroups": list(tgs) + list(unrouted)})
        alb.start()
        self.addCleanup(alb.close)
        self.alb = alb
        self.port = alb.listener_port("hc")
        return alb

    def advance(self, seconds, *servers, checks=None):
        """Advances the clock; then waits until each server has finished
        `checks[server]` health checks (a dict, or 1 more than now each)."""
        want = {s: (checks[s] if checks else s.health_done + 1) for s in servers}
        self.alb.advance_clock(int(seconds * 1000))
        for s, n in want.items():
            s.wait_health_done(n)

    def health(self, tg, server):
        d = self.alb.target_health(tg, server.port)
        self.assertIsNotNone(d, "%s:%d is not in %s" % (tg, server.port, tg))
        return d["TargetHealth"]

    def assertHealth(self, tg, server, state, reason=None, description=None):
        h = self.health(tg, server)
        self.assertEqual(h.get("State"), state, h)
        if reason is not None:
            self.assertEqual(h.get("Reason"), reason, h)
        if description is not None:
            self.assertEqual(h.get("Description"), description, h)
        return h

    def spread(self, n=10, path="/x"):
        with RawConn(self.port) as c:
            out = Counter()
            for _ in range(n):
                r = c.request("GET", path)
                self.assertEqual(r.status, 200, r)
                out[r.target] += 1
        return out

    # --- the state machine -------------------------------------------------

    def test_unhealthy_after_exactly_the_threshold_and_back(self):
        a, b = self.targets("a", "b")
        self.start(target_group("hc", [a, b], interval=INTERVAL_S, healthy=3, unhealthy=3,
                                matcher="200-299"))
        self.alb.wait_all_healthy("hc", [a.port, b.port])
        a.wait_health_done(1)
        b.wait_health_done(1)
        h = self.assertHealth("hc", a, "healthy")
        self.assertNotIn("Reason", h)
        self.assertNotIn("Description", h)
        d = self.alb.target_health("hc", a.port)
        self.assertEqual(d["HealthCheckPort"], str(a.port))
        self.assertEqual(d["Target"], {"Id": "127.0.0.1", "Port": a.port})

        a.set_health(500)
        for i in range(1, 4):
            self.advance(INTERVAL_S, a, b)
            if i < 3:
                self.assertHealth("hc", a, "healthy")
        self.assertHealth("hc", a, "unhealthy", "Target.ResponseCodeMismatch",
                          "Health checks failed with these codes: [500]")
        self.assertHealth("hc", b, "healthy")
        self.assertEqual(self.alb.metric("HealthyHostCount"), 1)
        self.assertEqual(self.alb.metric("UnHealthyHostCount"), 1)
        self.assertEqual(self.spread(6), Counter({"b": 6}))

        a.set_health(200)
        for i in range(1, 4):
            self.advance(INTERVAL_S, a, b)
            if i < 3:
                self.assertHealth("hc", a, "unhealthy", "Target.ResponseCodeMismatch")
        self.assertHealth("hc", a, "healthy")
        self.assertEqual(self.alb.metric("HealthyHostCount"), 2)
        self.assertEqual(self.alb.metric("UnHealthyHostCount"), 0)
        self.assertEqual(self.spread(6), Counter({"a": 3, "b": 3}))
        # One check at registration and one per interval: nothing more.
        self.assertEqual(a.health_checks, 7)

    def test_health_check_request(self):
        a, = self.targets("a")
        self.start(target_group("hc", [a], health_path="/health?deep=1"))
        # The target server counts checks by path, so give it the path only.
        a.wait_health_done(1)
        req = a.health_log[0]
        self.assertEqual(req.method, "GET")
        self.assertEqual(req.target, "/health?deep=1")
        self.assertEqual(req.header("User-Agent"), "ELB-HealthChecker/2.0")
        self.assertEqual(a.requests, 0, "a health check was counted as traffic")

    def test_health_check_port_override(self):
        a, hc = self.targets("a", "hc-side")
        self.start(target_group("hc", [a], HealthCheckPort=str(hc.port)))
        hc.wait_health_done(1)
        self.alb.wait_target_state("hc", a.port, "healthy")
        self.assertEqual(a.health_checks, 0)
        self.assertEqual(self.alb.target_health("hc", a.port)["HealthCheckPort"], str(hc.port))

    def test_initial_then_timeout(self):
        h, = self.targets("h")
        h.set_health(mode="hang")
        self.start(target_group("hc", [h], interval=INTERVAL_S, timeout=5, unhealthy=2))
        wait_until(lambda: h.health_checks >= 1, what="the first health check")
        self.assertHealth("hc", h, "initial", "Elb.InitialHealthChecking",
                          "Initial health checks in progress")
        # The first check times out: one failure of two, still initial.
        self.advance(5, h, checks={h: 1})
        self.assertHealth("hc", h, "initial")
        # The second check starts one interval after the first and times out too.
        self.alb.advance_clock((INTERVAL_S - 5) * 1000)
        wait_until(lambda: h.health_checks >= 2, what="the second health check")
        self.advance(5, h, checks={h: 2})
        self.assertHealth("hc", h, "unhealthy", "Target.Timeout", "Request timed out")

    def test_refused_or_reset_checks_fail(self):
        r, = self.targets("r")
        r.set_health(mode="reset")
        self.start(target_group("hc", [r], interval=INTERVAL_S, unhealthy=2))
        r.wait_health_done(1)
        self.advance(INTERVAL_S, r)
        self.assertHealth("hc", r, "unhealthy", "Target.FailedHealthChecks",
                          "Health checks failed")

    def test_matcher_lists_and_ranges(self):
        ok, bad = self.targets("ok", "bad")
        ok.set_health(203)
        bad.set_health(201)
        self.start(target_group("hc", [ok, bad], interval=INTERVAL_S, unhealthy=2,
                                matcher="200,202-204"))
        self.alb.wait_target_state("hc", ok.port, "healthy")
        bad.wait_health_done(1)
        self.advance(INTERVAL_S, ok, bad)
        self.assertHealth("hc", ok, "healthy")
        self.assertHealth("hc", bad, "unhealthy", "Target.ResponseCodeMismatch",
                          "Health checks failed with these codes: [201]")

    def test_fail_open_when_every_target_is_unhealthy(self):
        a, b = self.targets("a", "b")
        self.start(target_group("hc", [a, b], interval=INTERVAL_S, unhealthy=2))
        self.alb.wait_all_healthy("hc", [a.port, b.port])
        a.wait_health_done(1)
        b.wait_health_done(1)
        a.set_health(500)
        self.advance(INTERVAL_S, a, b)
        self.advance(INTERVAL_S, a, b)
        self.assertHealth("hc", a, "unhealthy")
        # One healthy target left: it gets everything.
        self.assertEqual(self.spread(6), Counter({"b": 6}))
        b.set_health(500)
        self.advance(INTERVAL_S, a, b)
        self.advance(INTERVAL_S, a, b)
        self.assertHealth("hc", b, "unhealthy")
        # None healthy: ALB fails open and routes to all of them.
        self.assertEqual(set(self.spread(10)), {"a", "b"})

    def test_unused_when_no_rule_forwards_to_the_group(self):
        a, x = self.targets("a", "x")
        self.start(target_group("hc", [a]), unrouted=[target_group("idle", [x])])
        self.alb.wait_target_state("hc", a.port, "healthy")
        self.assertHealth("idle", x, "unused", "Target.NotInUse",
                          "Target group is not configured to receive traffic from the load "
                          "balancer")
        self.alb.advance_clock(300 * 1000)
        a.wait_health_done(2)
        self.assertEqual(x.health_checks, 0, "a target group nobody uses was health checked")

    def test_stickiness_leaves_an_unhealthy_target(self):
        a, b = self.targets("a", "b")
        self.start(target_group("hc", [a, b], interval=INTERVAL_S, unhealthy=2, attributes={
            "stickiness.enabled": "true", "stickiness.lb_cookie.duration_seconds": 3600}))
        self.alb.wait_all_healthy("hc", [a.port, b.port])
        a.wait_health_done(1)
        b.wait_health_done(1)
        with RawConn(self.port) as c:
            r = c.request("GET", "/x")
            cookie = "AWSALB=" + r.cookies_set()["AWSALB"].split(";")[0].split("=", 1)[1]
            stuck = {s.name: s for s in (a, b)}[r.target]
            other = b if stuck is a else a
            self.assertEqual({c.request("GET", "/x", headers=[("Cookie", cookie)]).target
                              for _ in range(4)}, {stuck.name})
        stuck.set_health(500)
        self.advance(INTERVAL_S, a, b)
        self.advance(INTERVAL_S, a, b)
        self.assertHealth("hc", stuck, "unhealthy")
        with RawConn(self.port) as c:
            r = c.request("GET", "/x", headers=[("Cookie", cookie)])
        self.assertEqual(r.target, other.name)
        self.assertNotEqual("AWSALB=" + r.cookies_set()["AWSALB"].split(";")[0].split("=", 1)[1],
                            cookie)

    # --- registration, draining ----------------------------------------------

    def test_register_and_deregister_at_runtime(self):
        a, b = self.targets("a", "b")
        self.start(target_group("hc", [a], interval=INTERVAL_S,
                                attributes={"deregistration_delay.timeout_seconds": 30}))
        self.alb.wait_target_state("hc", a.port, "healthy")
        self.assertIsNone(self.alb.target_health("hc", b.port))
        self.alb.targets("hc", register=[b.port])
        self.alb.targets("hc", register=[b.port])  # registering twice is one target
        self.assertEqual(len(self.alb.descriptions("hc")), 2, self.alb.descriptions("hc"))
        first = self.health("hc", b)
        self.assertIn(first["State"], ("initial", "healthy"), first)
        if first["State"] == "initial":
            self.assertIn(first.get("Reason"), ("Elb.RegistrationInProgress",
                                                 "Elb.InitialHealthChecking"), first)
        self.alb.wait_target_state("hc", b.port, "healthy")
        self.assertEqual(self.spread(6), Counter({"a": 3, "b": 3}))

        self.alb.targets("hc", deregister=[a.port])
        self.assertHealth("hc", a, "draining", "Target.DeregistrationInProgress",
                          "Target deregistration is in progress")
        self.assertEqual(self.spread(6), Counter({"b": 6}))
        self.alb.advance_clock(29 * 1000)
        self.assertHealth("hc", a, "draining")
        self.alb.advance_clock(2 * 1000)
        wait_until(lambda: self.alb.target_state("hc", a.port) in (None, "unused"),
                   what="the deregistered target to leave the group")
        self.assertEqual(self.spread(4), Counter({"b": 4}))

    def _slow_request(self, out):
        def run():
            try:
                with RawConn(self.port, timeout=30) as c:
                    out["r"] = c.request("GET", "/slow")
            except Exception as e:  # reported by the test
                out["error"] = e
        th = threading.Thread(target=run)
        th.start()
        return th

    def _busy(self, *servers):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for s in servers:
                if s.in_flight:
                    return s
            time.sleep(0.01)
        self.fail("the slow request reached no target")

    def test_draining_finishes_in_flight_requests(self):
        a, b = self.targets("a", "b")
        gates = [s.route("/slow", mode="block") for s in (a, b)]
        self.start(target_group("hc", [a, b], interval=INTERVAL_S,
                                attributes={"deregistration_delay.timeout_seconds": 30}))
        self.alb.wait_all_healthy("hc", [a.port, b.port])
        out = {}
        th = self._slow_request(out)
        try:
            busy = self._busy(a, b)
            other = b if busy is a else a
            self.alb.targets("hc", deregister=[busy.port])
            self.assertHealth("hc", busy, "draining", "Target.DeregistrationInProgress")
            self.assertEqual(self.spread(6), Counter({other.name: 6}))
            self.alb.advance_clock(10 * 1000)
        finally:
            for g in gates:
                g.release()
            th.join(15)
        self.assertNotIn("error", out)
        self.assertEqual(out["r"].status, 200, out["r"])
        self.assertEqual(out["r"].target, busy.name)
        self.assertHealth("hc", busy, "draining")
        self.alb.advance_clock(21 * 1000)
        wait_until(lambda: self.alb.target_state("hc", busy.port) in (None, "unused"),
                   what="the drained target to leave the group")

    def test_deregistration_delay_ends_requests_still_in_flight_with_502(self):
        a, b = self.targets("a", "b")
        gates = [s.route("/slow", mode="block") for s in (a, b)]
        self.start(target_group("hc", [a, b], interval=INTERVAL_S,
                                attributes={"deregistration_delay.timeout_seconds": 30}))
        self.alb.wait_all_healthy("hc", [a.port, b.port])
        out = {}
        th = self._slow_request(out)
        try:
            busy = self._busy(a, b)
            self.alb.targets("hc", deregister=[busy.port])
            self.alb.advance_clock(31 * 1000)
            th.join(5)
        finally:
            for g in gates:
                g.release()
            th.join(15)
        self.assertNotIn("error", out)
        self.assertEqual(out["r"].status, 502, out["r"])

    def test_slow_start_ramps_linearly(self):
        a, b = self.targets("a", "b")
        duration = 600
        self.start(target_group("hc", [a], interval=300, attributes={
            "slow_start.duration_seconds": duration}))
        self.alb.wait_target_state("hc", a.port, "healthy")
        self.alb.targets("hc", register=[b.port])
        self.alb.wait_target_state("hc", b.port, "healthy")
        n = 400
        shares = []
        for step in range(5):
            if step:
                self.alb.advance_clock(duration // 4 * 1000)
            seen = self.spread(n)
            shares.append(seen["b"] / n)
        # Weight ramps 0 -> 1 over the duration; b's share is w / (1 + w).
        want = [0.0, 0.25 / 1.25, 0.5 / 1.5, 0.75 / 1.75, 0.5]
        for step, (got, exp) in enumerate(zip(shares, want)):
            self.assertAlmostEqual(got, exp, delta=0.07,
                                   msg="at %d%% of slow start b got %.3f, want %.3f (all: %r)"
                                   % (step * 25, got, exp, shares))


if __name__ == "__main__":
    unittest.main()
