"""SQS through the AWS SDK for JavaScript v3 (conformance/js/sqs_check.mjs):
the JSON protocol with the SDK's own MD5 checks, typed errors built from
x-amzn-query-error (without it the SDK loses the classic codes), and queue
URLs the SDK then uses as its endpoint. Skipped when node or the SDK is not
installed (./drydock deps installs it with npm)."""

import json
import os
import shutil
import subprocess
import unittest

import harness
from harness import Daemon, has_binary, is_local

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
SDK = os.path.join(JS_DIR, "node_modules", "@aws-sdk", "client-sqs")


@unittest.skipUnless(shutil.which("node") and os.path.isdir(SDK),
                     "node or @aws-sdk/client-sqs is not installed")
@unittest.skipUnless(not is_local() or has_binary("sqs-emu"), "sqs-emu is not built")
class JsSdkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon("sqs-emu").start() if is_local() else None
        endpoint = cls.daemon.url if cls.daemon else harness.target()
        r = subprocess.run(["node", os.path.join(JS_DIR, "sqs_check.mjs"), endpoint],
                           capture_output=True, text=True, timeout=120, cwd=JS_DIR)
        if r.returncode != 0:
            raise AssertionError("sqs_check.mjs failed:\n%s\n%s" % (r.stdout, r.stderr))
        cls.report = json.loads(r.stdout.strip().splitlines()[-1])

    @classmethod
    def tearDownClass(cls):
        if cls.daemon:
            cls.daemon.close()

    def test_queue_url_points_at_the_endpoint(self):
        if self.daemon:
            self.assertTrue(self.report["queueUrl"].startswith(self.daemon.url + "/000000000000/"))

    def test_send_and_receive_pass_the_sdk_md5_checks(self):
        rec = self.report["received"]
        self.assertIsNotNone(rec)
        self.assertEqual(rec["id"], self.report["sent"]["id"])
        self.assertEqual(rec["body"], "hello from js <&>")
        self.assertEqual(rec["md5"], self.report["sent"]["md5"])
        self.assertEqual(rec["md5Attrs"], self.report["sent"]["md5Attrs"])
        self.assertEqual(rec["attrs"]["b"]["BinaryValue"], [0, 255, 71, 73, 70])
        self.assertEqual(rec["attrs"]["n"], {"DataType": "Number.int", "StringValue": "42",
                                             "BinaryValue": None})
        self.assertEqual(rec["receiveCount"], "1")

    def test_batch_partial_failure(self):
        self.assertEqual(self.report["batch"]["ok"], ["ok"])
        self.assertEqual(self.report["batch"]["failed"], [["bad", "InvalidMessageContents", True]])

    def test_typed_errors(self):
        e = self.report["missingQueue"]
        self.assertTrue(e["thrown"])
        self.assertEqual(e["name"], "QueueDoesNotExist")
        self.assertEqual(e["status"], 400)
        self.assertEqual(e["fault"], "client")
        self.assertEqual(e["code"], "AWS.SimpleQueueService.NonExistentQueue")
        self.assertEqual(self.report["badReceiveCount"]["status"], 400)
        self.assertEqual(self.report["badHandle"]["name"], "ReceiptHandleIsInvalid")
