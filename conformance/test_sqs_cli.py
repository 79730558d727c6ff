"""SQS through the AWS CLI, the way a user types it: every call is a separate
`aws sqs ...` process with --endpoint-url, dummy credentials and no user
configuration, and the test reads what the CLI prints and its exit status.

Two CLIs are exercised when the machine has them, one test class each:
  aws           on PATH: AWS CLI v1 on the pyenv python, whose botocore speaks
                AWS JSON 1.0 to SQS (with x-amzn-query-mode);
  /usr/bin/aws  Debian's AWS CLI v2, whose older botocore speaks AWS Query.
So the same checks cover both wire protocols end to end, down to the exit
codes: a service error exits 255 from CLI v1 and 254 from CLI v2, with
"An error occurred (CODE) when calling the OP operation: MESSAGE" on stderr.

The CLI costs about half a second a call, so each class stays under 60 calls.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest
import uuid

import harness
from harness import Daemon, has_binary, is_local, local_only

CLI_TIMEOUT_S = 60
ERROR_RE = re.compile(r"An error occurred \(([^)]+)\) when calling the (\w+) operation: (.*)")


def md5_of_attributes(attrs):
    """MD5OfMessageAttributes as the SQS Developer Guide defines it, over the
    attributes as the CLI prints them (binary values base64-encoded)."""
    h = hashlib.md5()
    for name in sorted(attrs):
        a = attrs[name]
        for part in (name.encode(), a["DataType"].encode()):
            h.update(struct.pack(">I", len(part)) + part)
        if "BinaryValue" in a:
            v = base64.b64decode(a["BinaryValue"])
            h.update(b"\x02" + struct.pack(">I", len(v)) + v)
        else:
            v = a["StringValue"].encode()
            h.update(b"\x01" + struct.pack(">I", len(v)) + v)
    return h.hexdigest()


def cli_major(path, env):
    """The CLI's major version from `--version` (v1 printed it on stderr once), or None."""
    try:
        p = subprocess.run([path, "--version"], env=env, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"aws-cli/(\d+)\.", (p.stdout + p.stderr).decode("utf-8", "replace"))
    return int(m.group(1)) if m else None


class CliTests:
    """The checks, run once per CLI by the concrete classes below."""

    CLI = None         # the executable
    MAJOR = None       # 1 or 2: what `--version` must say
    ERROR_EXIT = None  # exit status of a call the service answered with an error
    PROTOCOL = None    # "json" or "query": what this CLI sends to SQS
    daemon = None

    # --- set-up -----------------------------------------------------------

    @classmethod
    def setUpClass(cls):
        cls._home = tempfile.TemporaryDirectory(prefix="dd-cli-home-")
        env = dict(os.environ)
        if is_local() or harness.target().startswith("http"):
            # No user configuration and no stray endpoint: only what the test says.
            for k in list(env):
                if k.startswith("AWS_"):
                    del env[k]
            env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                       AWS_DEFAULT_REGION="us-east-1", HOME=cls._home.name)
        env["AWS_PAGER"] = ""
        cls.env = env
        exe = shutil.which(cls.CLI)
        major = cli_major(exe, env) if exe else None
        if major != cls.MAJOR:
            cls._home.cleanup()
            raise unittest.SkipTest("%s is not AWS CLI v%d (found %s)"
                                    % (cls.CLI, cls.MAJOR, major and "v%d" % major))
        cls.exe = exe
        cls.endpoint = []
        if is_local():
            cls.daemon = Daemon("sqs-emu", args=["--log-level", "debug"]).start()
            cls.endpoint = ["--endpoint-url", cls.daemon.url]
        elif harness.target().startswith("http"):
            cls.endpoint = ["--endpoint-url", harness.target()]

    @classmethod
    def tearDownClass(cls):
        if cls.daemon:
            cls.daemon.close()
        cls._home.cleanup()

    # --- running the CLI ----------------------------------------------------

    def aws(self, *args):
        """Runs `aws <endpoint> --output json sqs <args>`; returns the process."""
        argv = [self.exe] + self.endpoint + ["--output", "json", "sqs"] + [str(a) for a in args]
        return subprocess.run(argv, env=self.env, cwd=self._home.name, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT_S)

    def ok(self, *args):
        """A call that must succeed; returns its parsed output ({} when it printed none)."""
        p = self.aws(*args)
        out, err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, "aws sqs %s failed:\n%s" % (args[0], err))
        return json.loads(out) if out.strip() else {}

    def fails(self, code, op, *args):
        """A call the service must refuse with code; returns the message printed."""
        p = self.aws(*args)
        err = p.stderr.decode("utf-8", "replace")
        self.assertEqual(p.returncode, self.ERROR_EXIT,
                         "exit %d, stderr:\n%s" % (p.returncode, err))
        self.assertEqual(p.stdout, b"")
        m = ERROR_RE.search(err)
        self.assertIsNotNone(m, err)
        self.assertEqual((m.group(1), m.group(2)), (code, op), err)
        self.assertTrue(m.group(3).strip(), "empty error message: %s" % err)
        return m.group(3).strip()

    def binary_arg(self, raw):
        """How a blob is typed on this CLI's command line: v1 takes the bytes
        themselves, v2 (cli_binary_format base64 by default) takes base64."""
        return raw.decode() if self.MAJOR == 1 else base64.b64encode(raw).decode()

    def new_queue(self, prefix, *extra):
        name = "%s-%s" % (prefix, uuid.uuid4().hex[:10])
        url = self.ok("create-queue", "--queue-name", name, *extra)["QueueUrl"]
        if not is_local():
            # A local daemon is thrown away with its queues; elsewhere, tidy up.
            self.addCleanup(self.aws, "delete-queue", "--queue-url", url)
        return name, url

    def receive(self, url, *extra):
        return self.ok("receive-message", "--queue-url", url, "--wait-time-seconds", 0,
                       *extra).get("Messages", [])

    def counts(self, url):
        a = self.ok("get-queue-attributes", "--queue-url", url, "--attribute-names",
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
        a = a["Attributes"]
        return (int(a["ApproximateNumberOfMessages"]),
                int(a["ApproximateNumberOfMessagesNotVisible"]))

    # --- the checks -----------------------------------------------------------

    def test_queue_lifecycle(self):
        name, url = self.new_queue("cli-life", "--attributes", "VisibilityTimeout=45",
                                   "--tags", "team=orders")
        self.assertTrue(url.endswith("/" + name), url)
        if is_local():
            self.assertEqual(url, "%s/000000000000/%s" % (self.daemon.url, name))
        self.assertEqual(self.ok("get-queue-url", "--queue-name", name), {"QueueUrl": url})
        listed = self.ok("list-queues", "--queue-name-prefix", name)
        self.assertEqual(listed.get("QueueUrls"), [url])

        attrs = self.ok("get-queue-attributes", "--queue-url", url,
                        "--attribute-names", "All")["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "45")
        self.assertEqual(attrs["DelaySeconds"], "0")
        self.assertEqual(attrs["MaximumMessageSize"], "1048576")  # 1 MiB since 2025
        self.assertEqual(attrs["MessageRetentionPeriod"], "345600")
        self.assertEqual(attrs["ApproximateNumberOfMessages"], "0")
        self.assertTrue(attrs["QueueArn"].startswith("arn:aws:sqs:us-east-1:"), attrs)
        self.assertTrue(attrs["QueueArn"].endswith(":" + name), attrs)
        self.assertTrue(attrs["CreatedTimestamp"].isdigit(), attrs)

        self.assertEqual(self.ok("set-queue-attributes", "--queue-url", url, "--attributes",
                                 "VisibilityTimeout=5,DelaySeconds=2"), {})
        attrs = self.ok("get-queue-attributes", "--queue-url", url, "--attribute-names",
                        "VisibilityTimeout", "DelaySeconds")
        self.assertEqual(attrs, {"Attributes": {"VisibilityTimeout": "5", "DelaySeconds": "2"}})

        self.assertEqual(self.ok("tag-queue", "--queue-url", url, "--tags", "env=dev,cost=a b"),
                         {})
        self.assertEqual(self.ok("list-queue-tags", "--queue-url", url),
                         {"Tags": {"team": "orders", "env": "dev", "cost": "a b"}})

        self.assertEqual(self.ok("delete-queue", "--queue-url", url), {})
        msg = self.fails("AWS.SimpleQueueService.NonExistentQueue", "GetQueueUrl",
                         "get-queue-url", "--queue-name", name)
        self.assertIn("queue does not exist", msg)

    def test_send_receive_change_visibility_delete(self):
        _, url = self.new_queue("cli-msg")
        body = "<order id=\"1\">&amp; 'x'</order>\r\nline two\r\tend ]]> \u00e9\u2713"
        attrs = {
            "text": {"DataType": "String", "StringValue": "caf\u00e9 <&>"},
            "n": {"DataType": "Number", "StringValue": "-12.5"},
            "blob": {"DataType": "Binary.gif", "BinaryValue": self.binary_arg(b"GIF89a")},
        }
        printed = dict(attrs, blob={"DataType": "Binary.gif",
                                    "BinaryValue": base64.b64encode(b"GIF89a").decode()})
        sent = self.ok("send-message", "--queue-url", url, "--message-body", body,
                       "--message-attributes", json.dumps(attrs))
        self.assertEqual(sent["MD5OfMessageBody"], hashlib.md5(body.encode()).hexdigest())
        self.assertEqual(sent["MD5OfMessageAttributes"], md5_of_attributes(printed))
        self.assertRegex(sent["MessageId"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                            r"[0-9a-f]{4}-[0-9a-f]{12}$")

        got = self.receive(url, "--attribute-names", "All", "--message-attribute-names", "All")
        self.assertEqual(len(got), 1, got)
        m = got[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Body"], body)
        self.assertEqual(m["MD5OfBody"], sent["MD5OfMessageBody"])
        self.assertEqual(m["MessageAttributes"], printed)
        self.assertEqual(m["MD5OfMessageAttributes"], sent["MD5OfMessageAttributes"])
        sysattrs = m["Attributes"]
        self.assertEqual(sysattrs["ApproximateReceiveCount"], "1")
        for k in ("SenderId", "SentTimestamp", "ApproximateFirstReceiveTimestamp"):
            self.assertIn(k, sysattrs)
        self.assertTrue(sysattrs["SentTimestamp"].isdigit())
        self.assertEqual(self.counts(url), (0, 1))

        self.assertEqual(self.ok("change-message-visibility", "--queue-url", url,
                                 "--receipt-handle", m["ReceiptHandle"],
                                 "--visibility-timeout", 0), {})
        again = self.receive(url, "--attribute-names", "ApproximateReceiveCount")
        self.assertEqual([x["MessageId"] for x in again], [m["MessageId"]])
        self.assertNotEqual(again[0]["ReceiptHandle"], m["ReceiptHandle"])
        self.assertEqual(again[0]["Attributes"], {"ApproximateReceiveCount": "2"})
        self.assertNotIn("MessageAttributes", again[0])

        self.assertEqual(self.ok("delete-message", "--queue-url", url, "--receipt-handle",
                                 again[0]["ReceiptHandle"]), {})
        self.assertEqual(self.receive(url), [])
        self.assertEqual(self.counts(url), (0, 0))

    def test_batches(self):
        _, url = self.new_queue("cli-batch")
        entries = [
            {"Id": "a", "MessageBody": "one"},
            {"Id": "b", "MessageBody": "bad \u0001 char"},
            {"Id": "c", "MessageBody": "three", "DelaySeconds": 0,
             "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}},
        ]
        r = self.ok("send-message-batch", "--queue-url", url, "--entries", json.dumps(entries))
        ok = {e["Id"]: e for e in r["Successful"]}
        self.assertEqual(sorted(ok), ["a", "c"])
        self.assertEqual(ok["a"]["MD5OfMessageBody"], hashlib.md5(b"one").hexdigest())
        self.assertEqual(ok["c"]["MD5OfMessageAttributes"],
                         md5_of_attributes(entries[2]["MessageAttributes"]))
        self.assertNotIn("MD5OfMessageAttributes", ok["a"])
        self.assertEqual([(e["Id"], e["Code"], e["SenderFault"]) for e in r["Failed"]],
                         [("b", "InvalidMessageContents", True)])
        self.assertTrue(r["Failed"][0].get("Message"))

        msgs = []
        for _ in range(3):  # real SQS may hand out fewer than are there
            msgs += self.receive(url, "--max-number-of-messages", 10)
            if len(msgs) >= 2:
                break
        self.assertEqual(sorted(m["Body"] for m in msgs), ["one", "three"])
        dels = [{"Id": "d%d" % i, "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
        dels.append({"Id": "bad", "ReceiptHandle": "not-a-receipt-handle"})
        r = self.ok("delete-message-batch", "--queue-url", url, "--entries", json.dumps(dels))
        self.assertEqual(sorted(e["Id"] for e in r["Successful"]), ["d0", "d1"])
        self.assertEqual([(e["Id"], e["Code"], e["SenderFault"]) for e in r["Failed"]],
                         [("bad", "ReceiptHandleIsInvalid", True)])
        self.assertEqual(self.counts(url), (0, 0))

        self.fails("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "SendMessageBatch",
                   "send-message-batch", "--queue-url", url, "--entries",
                   json.dumps([{"Id": "x", "MessageBody": "1"}, {"Id": "x", "MessageBody": "2"}]))
        self.fails("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "DeleteMessageBatch",
                   "delete-message-batch", "--queue-url", url, "--entries",
                   json.dumps([{"Id": str(i), "ReceiptHandle": "h"} for i in range(11)]))

    def test_purge(self):
        _, url = self.new_queue("cli-purge")
        self.ok("send-message", "--queue-url", url, "--message-body", "x")
        self.assertEqual(self.ok("purge-queue", "--queue-url", url), {})
        self.assertEqual(self.counts(url), (0, 0))
        self.fails("AWS.SimpleQueueService.PurgeQueueInProgress", "PurgeQueue",
                   "purge-queue", "--queue-url", url)

    def test_errors(self):
        name, url = self.new_queue("cli-err", "--attributes", "VisibilityTimeout=10")
        missing = url.rsplit("/", 1)[0] + "/missing-" + uuid.uuid4().hex[:8]
        msg = self.fails("AWS.SimpleQueueService.NonExistentQueue", "SendMessage",
                         "send-message", "--queue-url", missing, "--message-body", "m")
        self.assertIn("queue does not exist", msg)
        self.fails("QueueAlreadyExists", "CreateQueue", "create-queue", "--queue-name", name,
                   "--attributes", "VisibilityTimeout=11")
        self.fails("InvalidParameterValue", "CreateQueue", "create-queue", "--queue-name",
                   "bad name!")
        self.fails("InvalidAttributeValue", "SetQueueAttributes", "set-queue-attributes",
                   "--queue-url", url, "--attributes", "VisibilityTimeout=43201")
        self.fails("InvalidAttributeName", "GetQueueAttributes", "get-queue-attributes",
                   "--queue-url", url, "--attribute-names", "NoSuchAttribute")
        msg = self.fails("InvalidParameterValue", "ReceiveMessage", "receive-message",
                         "--queue-url", url, "--max-number-of-messages", 11)
        self.assertIn("MaxNumberOfMessages", msg)
        self.fails("ReceiptHandleIsInvalid", "DeleteMessage", "delete-message", "--queue-url",
                   url, "--receipt-handle", "not-a-receipt-handle")
        self.fails("InvalidMessageContents", "SendMessage", "send-message", "--queue-url", url,
                   "--message-body", "bad \x02 char")

    @local_only
    def test_speaks_its_protocol(self):
        """Both wire protocols are really covered: the daemon saw this CLI's."""
        self.ok("list-queues", "--queue-name-prefix", "proto-")
        self.assertRegex(self.daemon.log(), r"\b%s ListQueues\b" % self.PROTOCOL)

    @local_only
    def test_unsupported_action_is_named(self):
        _, url = self.new_queue("cli-perm")
        msg = self.fails("AWS.SimpleQueueService.UnsupportedOperation", "AddPermission",
                         "add-permission", "--queue-url", url, "--label", "l",
                         "--aws-account-ids", "123456789012", "--actions", "SendMessage")
        self.assertIn("AddPermission", msg)


@unittest.skipUnless(not is_local() or has_binary("sqs-emu"), "sqs-emu is not built")
@unittest.skipUnless(shutil.which("aws"), "no aws on PATH")
class AwsCliV1(CliTests, unittest.TestCase):
    CLI = "aws"
    MAJOR = 1
    ERROR_EXIT = 255
    PROTOCOL = "json"


@unittest.skipUnless(not is_local() or has_binary("sqs-emu"), "sqs-emu is not built")
@unittest.skipUnless(os.access("/usr/bin/aws", os.X_OK), "no /usr/bin/aws")
class AwsCliV2(CliTests, unittest.TestCase):
    CLI = "/usr/bin/aws"
    MAJOR = 2
    ERROR_EXIT = 254
    PROTOCOL = "query"
