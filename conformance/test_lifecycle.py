"""The daemon lifecycle every Drydock daemon shares (design.md): --ready-file
on port 0, the admin endpoint (health, metrics, clock), flags/env/config
precedence, --help/--version, bad flags, and SIGTERM ending in exit 0."""

import json
import os
import signal
import subprocess
import unittest
import urllib.request

from harness import Daemon, binary, has_binary, local_only

DAEMONS = ["sqs-emu"]


def built():
    return [d for d in DAEMONS if has_binary(d)]


@local_only
class LifecycleTest(unittest.TestCase):
    def setUp(self):
        if not built():
            self.skipTest("no daemon is built")

    def test_ready_file_health_and_clean_stop(self):
        for name in built():
            with self.subTest(daemon=name):
                d = Daemon(name).start()
                try:
                    self.assertEqual(d.ready["pid"], d.proc.pid)
                    self.assertGreater(d.port, 0)
                    status, doc = d.admin("health")
                    self.assertEqual(status, 200)
                    self.assertEqual(doc["status"], "ok")
                    self.assertEqual(doc["daemon"], name)
                    self.assertEqual(d.stop(signal.SIGTERM), 0, d.log())
                finally:
                    d.close()

    def test_sigint_also_exits_zero(self):
        for name in built():
            with self.subTest(daemon=name), Daemon(name) as d:
                self.assertEqual(d.stop(signal.SIGINT), 0, d.log())

    def test_metrics_are_prometheus_text(self):
        for name in built():
            with self.subTest(daemon=name), Daemon(name) as d:
                with urllib.request.urlopen(d.admin_url + "metrics", timeout=5) as r:
                    self.assertEqual(r.status, 200)
                    self.assertTrue(r.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
                    text = r.read().decode()
                for line in text.splitlines():
                    if line and not line.startswith("#"):
                        name_part, _, value = line.rpartition(" ")
                        self.assertTrue(name_part, line)
                        float(value)  # every sample ends in a number

    def test_clock_moves_forward_only(self):
        for name in built():
            with self.subTest(daemon=name), Daemon(name) as d:
                status, before = d.admin("clock")
                self.assertEqual(status, 200)
                after = d.advance_clock(3_600_000)
                self.assertEqual(after["offset_ms"], before["offset_ms"] + 3_600_000)
                self.assertGreaterEqual(after["now_ms"], before["now_ms"] + 3_600_000)
                status, doc = d.admin("clock", {"advance_ms": -1})
                self.assertEqual(status, 400)
                status, doc = d.admin("clock")
                self.assertEqual(doc["offset_ms"], 3_600_000)

    def test_unknown_admin_route_is_404(self):
        for name in built():
            with self.subTest(daemon=name), Daemon(name) as d:
                status, _ = d.admin("no-such-route")
                self.assertEqual(status, 404)

    def test_help_version_and_bad_flags(self):
        for name in built():
            with self.subTest(daemon=name):
                r = subprocess.run([binary(name), "--help"], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0)
                self.assertIn("--port", r.stdout)
                self.assertIn("--ready-file", r.stdout)
                r = subprocess.run([binary(name), "--version"], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0)
                self.assertIn(name, r.stdout)
                r = subprocess.run([binary(name), "--no-such-flag"], capture_output=True, text=True)
                self.assertEqual(r.returncode, 2)
                self.assertIn("--no-such-flag", r.stderr)
                r = subprocess.run([binary(name), "--port", "70000"], capture_output=True, text=True)
                self.assertEqual(r.returncode, 2)
                self.assertIn("out of range", r.stderr)

    def test_port_in_use_fails_cleanly(self):
        for name in built():
            with self.subTest(daemon=name), Daemon(name) as first:
                second = Daemon(name)
                try:
                    with self.assertRaises(RuntimeError):
                        second.start(port=first.port)
                finally:
                    second.close()


@local_only
@unittest.skipUnless(has_binary("sqs-emu"), "sqs-emu is not built")
class SqsConfigPrecedenceTest(unittest.TestCase):
    """flag > DRYDOCK_SQS_* env > --config file > default, seen through QueueArn's region."""

    def arn_region(self, args=(), env=None, config=None):
        extra = list(args)
        d = Daemon("sqs-emu", env=env)
        try:
            if config is not None:
                path = os.path.join(d.tmpdir, "sqs.json")
                with open(path, "w") as f:
                    json.dump(config, f)
                extra += ["--config", path]
            d.args = extra
            d.start()
            import harness
            sqs = harness.aws_client("sqs", endpoint_url=d.url)
            url = sqs.create_queue(QueueName="p")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            return arn["Attributes"]["QueueArn"].split(":")[3]
        finally:
            d.close()

    def test_precedence(self):
        self.assertEqual(self.arn_region(), "us-east-1")
        self.assertEqual(self.arn_region(config={"region": "eu-west-1"}), "eu-west-1")
        self.assertEqual(self.arn_region(env={"DRYDOCK_SQS_REGION": "ap-south-1"},
                                         config={"region": "eu-west-1"}), "ap-south-1")
        self.assertEqual(self.arn_region(args=["--region", "sa-east-1"],
                                         env={"DRYDOCK_SQS_REGION": "ap-south-1"},
                                         config={"region": "eu-west-1"}), "sa-east-1")

    def test_queues_declared_in_config_exist_at_start(self):
        d = Daemon("sqs-emu")
        try:
            path = os.path.join(d.tmpdir, "sqs.json")
            with open(path, "w") as f:
                json.dump({"queues": ["plain", {"QueueName": "tuned",
                                                "Attributes": {"VisibilityTimeout": "7"}}]}, f)
            d.args = ["--config", path]
            d.start()
            import harness
            sqs = harness.aws_client("sqs", endpoint_url=d.url)
            sqs.get_queue_url(QueueName="plain")
            url = sqs.get_queue_url(QueueName="tuned")["QueueUrl"]
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
            self.assertEqual(attrs["Attributes"]["VisibilityTimeout"], "7")
        finally:
            d.close()

    def test_bad_config_key_is_refused(self):
        d = Daemon("sqs-emu")
        try:
            path = os.path.join(d.tmpdir, "sqs.json")
            with open(path, "w") as f:
                json.dump({"prot": 1}, f)
            r = subprocess.run([binary("sqs-emu"), "--config", path], capture_output=True,
                               text=True, timeout=10)
            self.assertEqual(r.returncode, 2)
            self.assertIn("prot", r.stderr)
        finally:
            d.close()
