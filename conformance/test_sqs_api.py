"""SQS through boto3, the way applications use it. Runs against sqs-emu on an
ephemeral port, or real SQS with DRYDOCK_TARGET=aws. With current boto3 this
speaks AWS JSON 1.0; under Debian's python3-boto3 the same tests speak Query."""

import base64
import hashlib
import struct
import threading
import time
import unittest
import uuid

import botocore
from botocore.exceptions import ClientError

import harness
from harness import Daemon, has_binary, is_local, local_only

# Run again under Debian's boto3, which speaks the Query protocol.
BOTH_PROTOCOLS = True

PROTOCOL = None


def md5_of_attributes(attrs):
    """The MD5OfMessageAttributes algorithm of the SQS Developer Guide."""
    h = hashlib.md5()
    for name in sorted(attrs):
        a = attrs[name]
        for part in (name.encode(), a["DataType"].encode()):
            h.update(struct.pack(">I", len(part)) + part)
        if "BinaryValue" in a:
            v = a["BinaryValue"]
            h.update(b"\x02" + struct.pack(">I", len(v)) + v)
        else:
            v = a["StringValue"].encode()
            h.update(b"\x01" + struct.pack(">I", len(v)) + v)
    return h.hexdigest()


@unittest.skipUnless(not is_local() or has_binary("sqs-emu"), "sqs-emu is not built")
class SqsTestCase(unittest.TestCase):
    daemon = None

    @classmethod
    def setUpClass(cls):
        global PROTOCOL
        if is_local():
            cls.daemon = Daemon("sqs-emu").start()
            cls.sqs = harness.aws_client("sqs", endpoint_url=cls.daemon.url)
        else:
            cls.sqs = harness.aws_client("sqs")
        PROTOCOL = cls.sqs.meta.service_model.protocol

    @classmethod
    def tearDownClass(cls):
        if cls.daemon:
            cls.daemon.close()

    def queue(self, prefix="q", fifo=False, **attrs):
        name = "%s-%s" % (prefix, uuid.uuid4().hex[:12]) + (".fifo" if fifo else "")
        kw = {"QueueName": name}
        if attrs:
            kw["Attributes"] = {k: str(v) for k, v in attrs.items()}
        url = self.sqs.create_queue(**kw)["QueueUrl"]
        self.addCleanup(self._delete_quietly, url)
        return url

    def _delete_quietly(self, url):
        try:
            self.sqs.delete_queue(QueueUrl=url)
        except ClientError:
            pass

    def attrs(self, url, *names):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"])[
            "Attributes"]

    def assertError(self, code, fn, *args, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kw)
        self.assertEqual(cm.exception.response["Error"]["Code"], code,
                         cm.exception.response)
        return cm.exception.response

    def receive(self, url, **kw):
        kw.setdefault("WaitTimeSeconds", 0)
        return self.sqs.receive_message(QueueUrl=url, **kw).get("Messages", [])


class QueueLifecycle(SqsTestCase):
    def test_create_get_list_delete(self):
        url = self.queue("life")
        name = url.rsplit("/", 1)[1]
        self.assertEqual(self.sqs.get_queue_url(QueueName=name)["QueueUrl"], url)
        urls = self.sqs.list_queues(QueueNamePrefix="life-").get("QueueUrls", [])
        self.assertIn(url, urls)
        self.sqs.delete_queue(QueueUrl=url)
        self.assertError("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url,
                         QueueName=name)

    def test_create_is_idempotent_for_identical_attributes(self):
        url = self.queue("idem", VisibilityTimeout=45)
        name = url.rsplit("/", 1)[1]
        again = self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})
        self.assertEqual(again["QueueUrl"], url)
        self.assertError("QueueAlreadyExists", self.sqs.create_queue, QueueName=name,
                         Attributes={"VisibilityTimeout": "46"})

    def test_queue_url_names_the_endpoint_and_account(self):
        url = self.queue("url")
        if is_local():
            self.assertTrue(url.startswith("http://127.0.0.1:%d/000000000000/" % self.daemon.port),
                            url)

    def test_missing_queue_error_in_both_protocols(self):
        resp = self.assertError("AWS.SimpleQueueService.NonExistentQueue",
                                self.sqs.send_message,
                                QueueUrl=self.queue("x").rsplit("/", 1)[0] + "/nope-" +
                                uuid.uuid4().hex, MessageBody="m")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(resp["Error"].get("Type"), "Sender")

    def test_invalid_queue_names(self):
        for bad in ["has space", "x" * 81, "bad!char", ""]:
            with self.subTest(name=bad):
                if not bad:
                    continue
                self.assertError("InvalidParameterValue", self.sqs.create_queue, QueueName=bad)

    def test_default_attributes(self):
        a = self.attrs(self.queue("defaults"))
        self.assertEqual(a["VisibilityTimeout"], "30")
        self.assertEqual(a["DelaySeconds"], "0")
        self.assertEqual(a["MessageRetentionPeriod"], "345600")
        self.assertEqual(a["ReceiveMessageWaitTimeSeconds"], "0")
        self.assertEqual(a["ApproximateNumberOfMessages"], "0")
        self.assertEqual(a["ApproximateNumberOfMessagesNotVisible"], "0")
        self.assertEqual(a["ApproximateNumberOfMessagesDelayed"], "0")
        self.assertTrue(a["QueueArn"].startswith("arn:aws:sqs:"))
        self.assertTrue(a["CreatedTimestamp"].isdigit())

    def test_set_attributes_validates(self):
        url = self.queue("set")
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5"})
        self.assertEqual(self.attrs(url, "VisibilityTimeout")["VisibilityTimeout"], "5")
        self.assertError("InvalidAttributeValue", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"VisibilityTimeout": "43201"})
        self.assertError("InvalidAttributeName", self.sqs.get_queue_attributes, QueueUrl=url,
                         AttributeNames=["NoSuchAttribute"])

    def test_list_queues_paginates(self):
        prefix = "page%s" % uuid.uuid4().hex[:6]
        urls = [self.queue(prefix) for _ in range(3)]
        seen, token = [], None
        while True:
            kw = {"QueueNamePrefix": prefix, "MaxResults": 2}
            if token:
                kw["NextToken"] = token
            page = self.sqs.list_queues(**kw)
            seen += page.get("QueueUrls", [])
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(sorted(seen), sorted(urls))

    def test_tags(self):
        url = self.queue("tags")
        self.sqs.tag_queue(QueueUrl=url, Tags={"team": "orders", "env": "dev"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"],
                         {"team": "orders", "env": "dev"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"team": "orders"})

    def test_purge_once_per_minute(self):
        url = self.queue("purge")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.receive(url), [])
        self.assertError("AWS.SimpleQueueService.PurgeQueueInProgress", self.sqs.purge_queue,
                         QueueUrl=url)


class Messages(SqsTestCase):
    def test_send_receive_delete_with_digests(self):
        url = self.queue("msg")
        body = "héllo <xml> & \"quotes\"\r\n\ttab 🚀"
        sent = self.sqs.send_message(QueueUrl=url, MessageBody=body)
        self.assertEqual(sent["MD5OfMessageBody"], hashlib.md5(body.encode()).hexdigest())
        msgs = self.receive(url, AttributeNames=["All"])
        self.assertEqual(len(msgs), 1)
        m = msgs[0]
        self.assertEqual(m["Body"], body)
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["MD5OfBody"], sent["MD5OfMessageBody"])
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        for k in ("SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId"):
            self.assertIn(k, m["Attributes"])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessages",
                                    "ApproximateNumberOfMessagesNotVisible"),
                         {"ApproximateNumberOfMessages": "0",
                          "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_message_attributes_of_every_type(self):
        url = self.queue("mattr")
        attrs = {
            "s": {"DataType": "String", "StringValue": "text ✓"},
            "n": {"DataType": "Number.int", "StringValue": "-12.5e3"},
            "b": {"DataType": "Binary.gif", "BinaryValue": b"\x00\xffGIF89a"},
            "trace.id": {"DataType": "String", "StringValue": "abc"},
        }
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="a", MessageAttributes=attrs)
        self.assertEqual(sent["MD5OfMessageAttributes"], md5_of_attributes(attrs))
        m = self.receive(url, MessageAttributeNames=["All"])[0]
        self.assertEqual(m["MessageAttributes"], attrs)
        self.assertEqual(m["MD5OfMessageAttributes"], md5_of_attributes(attrs))
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"],
                                           VisibilityTimeout=0)
        m = self.receive(url, MessageAttributeNames=["trace.*"])[0]
        self.assertEqual(m["MessageAttributes"], {"trace.id": attrs["trace.id"]})

    def test_no_attributes_means_no_digest(self):
        url = self.queue("noattr")
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="a")
        self.assertNotIn("MD5OfMessageAttributes", sent)

    def test_invalid_body_characters(self):
        url = self.queue("badbody")
        self.assertError("InvalidMessageContents", self.sqs.send_message, QueueUrl=url,
                         MessageBody="bad \x01 char")

    def test_too_large_message(self):
        url = self.queue("big", MaximumMessageSize=1024)
        self.sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url,
                         MessageBody="x" * 1025)

    def test_visibility_timeout_redelivers_with_new_handle(self):
        url = self.queue("vis")
        self.sqs.send_message(QueueUrl=url, MessageBody="again")
        first = self.receive(url, VisibilityTimeout=1)[0]
        self.assertEqual(self.receive(url), [])
        time.sleep(1.3)
        second = self.receive(url, AttributeNames=["ApproximateReceiveCount"])[0]
        self.assertEqual(second["MessageId"], first["MessageId"])
        self.assertNotEqual(second["ReceiptHandle"], first["ReceiptHandle"])
        self.assertEqual(second["Attributes"]["ApproximateReceiveCount"], "2")

    def test_stale_handle_delete_succeeds_without_deleting(self):
        url = self.queue("stale")
        self.sqs.send_message(QueueUrl=url, MessageBody="m")
        old = self.receive(url, VisibilityTimeout=0)[0]
        new = self.receive(url, VisibilityTimeout=0)[0]
        self.assertEqual(old["MessageId"], new["MessageId"])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=old["ReceiptHandle"])
        again = self.receive(url)
        self.assertEqual([m["MessageId"] for m in again], [old["MessageId"]])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])
        # Deleting what is already deleted also succeeds.
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])
        self.assertEqual(self.receive(url), [])

    def test_malformed_receipt_handle(self):
        url = self.queue("badrh")
        self.assertError("ReceiptHandleIsInvalid", self.sqs.delete_message, QueueUrl=url,
                         ReceiptHandle="not-a-handle")

    def test_change_visibility_zero_shows_at_once(self):
        url = self.queue("cv")
        self.sqs.send_message(QueueUrl=url, MessageBody="m")
        m = self.receive(url)[0]
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"],
                                           VisibilityTimeout=0)
        self.assertEqual(len(self.receive(url)), 1)

    def test_delay_seconds(self):
        url = self.queue("delay")
        self.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=1)
        self.assertEqual(self.receive(url), [])
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessagesDelayed")[
            "ApproximateNumberOfMessagesDelayed"], "1")
        time.sleep(1.3)
        self.assertEqual([m["Body"] for m in self.receive(url)], ["later"])

    def test_receive_parameter_limits(self):
        url = self.queue("lim")
        self.assertError("InvalidParameterValue", self.receive, url, MaxNumberOfMessages=11)
        self.assertError("InvalidParameterValue", self.receive, url, MaxNumberOfMessages=0)
        self.assertError("InvalidParameterValue", self.receive, url, WaitTimeSeconds=21)

    def test_receive_up_to_ten_oldest_first(self):
        url = self.queue("ten")
        for i in range(12):
            self.sqs.send_message(QueueUrl=url, MessageBody=str(i))
        got = self.receive(url, MaxNumberOfMessages=10)
        self.assertTrue(1 <= len(got) <= 10)
        if is_local():
            self.assertEqual([m["Body"] for m in got], [str(i) for i in range(10)])


class LongPolling(SqsTestCase):
    def test_returns_as_soon_as_a_message_arrives(self):
        url = self.queue("lp")
        t = threading.Timer(0.5, lambda: self.sqs.send_message(QueueUrl=url, MessageBody="hi"))
        t.start()
        start = time.monotonic()
        msgs = self.receive(url, WaitTimeSeconds=10)
        elapsed = time.monotonic() - start
        t.join()
        self.assertEqual([m["Body"] for m in msgs], ["hi"])
        self.assertLess(elapsed, 5.0)

    def test_waits_the_whole_time_when_empty(self):
        url = self.queue("lpe")
        start = time.monotonic()
        self.assertEqual(self.receive(url, WaitTimeSeconds=1), [])
        self.assertGreaterEqual(time.monotonic() - start, 0.9)

    def test_queue_default_wait_time(self):
        url = self.queue("lpq", ReceiveMessageWaitTimeSeconds=1)
        start = time.monotonic()
        self.assertEqual(self.sqs.receive_message(QueueUrl=url).get("Messages", []), [])
        self.assertGreaterEqual(time.monotonic() - start, 0.9)


class Batches(SqsTestCase):
    def test_send_batch_partial_failure(self):
        url = self.queue("batch")
        r = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "MessageBody": "one"},
            {"Id": "b", "MessageBody": "bad \x02"},
            {"Id": "c", "MessageBody": "three", "DelaySeconds": 0},
        ])
        self.assertEqual(sorted(e["Id"] for e in r["Successful"]), ["a", "c"])
        self.assertEqual([(e["Id"], e["Code"], e["SenderFault"]) for e in r["Failed"]],
                         [("b", "InvalidMessageContents", True)])
        for e in r["Successful"]:
            self.assertIn("MessageId", e)
            self.assertIn("MD5OfMessageBody", e)

    def test_batch_rules(self):
        url = self.queue("rules")
        self.assertError("AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                         self.sqs.send_message_batch, QueueUrl=url,
                         Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
        self.assertError("AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                         self.sqs.send_message_batch, QueueUrl=url,
                         Entries=[{"Id": "same", "MessageBody": "x"}] * 2)
        self.assertError("AWS.SimpleQueueService.InvalidBatchEntryId",
                         self.sqs.send_message_batch, QueueUrl=url,
                         Entries=[{"Id": "no spaces", "MessageBody": "x"}])
        self.assertError("AWS.SimpleQueueService.EmptyBatchRequest",
                         self.sqs.delete_message_batch, QueueUrl=url, Entries=[])

    def test_delete_and_change_visibility_batches(self):
        url = self.queue("dbatch")
        self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": str(i)} for i in range(3)])
        msgs = []
        while len(msgs) < 3:
            msgs += self.receive(url, MaxNumberOfMessages=10)
        r = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": "x", "ReceiptHandle": msgs[0]["ReceiptHandle"], "VisibilityTimeout": 0}])
        self.assertEqual([e["Id"] for e in r["Successful"]], ["x"])
        r = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": "d%d" % i, "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs[1:])]
            + [{"Id": "bad", "ReceiptHandle": "garbage"}])
        self.assertEqual(sorted(e["Id"] for e in r["Successful"]), ["d0", "d1"])
        self.assertEqual([(e["Id"], e["Code"]) for e in r["Failed"]],
                         [("bad", "ReceiptHandleIsInvalid")])


class DeadLetters(SqsTestCase):
    def test_message_moves_after_max_receive_count(self):
        dlq = self.queue("dlq")
        dlq_arn = self.attrs(dlq, "QueueArn")["QueueArn"]
        src = self.queue("src", RedrivePolicy='{"deadLetterTargetArn":"%s","maxReceiveCount":"2"}'
                         % dlq_arn)
        sent = self.sqs.send_message(QueueUrl=src, MessageBody="poison",
                                     MessageAttributes={"k": {"DataType": "String",
                                                              "StringValue": "v"}})
        first = None
        for _ in range(2):
            m = self.receive(src, VisibilityTimeout=0, AttributeNames=["All"])[0]
            first = first or m
        self.assertEqual(self.receive(src), [])
        moved = []
        for _ in range(20):
            moved = self.receive(dlq, AttributeNames=["All"], MessageAttributeNames=["All"])
            if moved:
                break
            time.sleep(0.1)
        self.assertEqual(len(moved), 1)
        self.assertEqual(moved[0]["Body"], "poison")
        self.assertEqual(moved[0]["MessageId"], sent["MessageId"])
        self.assertEqual(moved[0]["MessageAttributes"]["k"]["StringValue"], "v")
        self.assertEqual(moved[0]["Attributes"]["SentTimestamp"],
                         first["Attributes"]["SentTimestamp"])
        sources = self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]
        self.assertEqual(sources, [src])

    def test_redrive_policy_validation(self):
        url = self.queue("rp")
        self.assertError("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"RedrivePolicy": '{"maxReceiveCount":"2"}'})


@local_only
class DrydockOnly(SqsTestCase):
    """What only Drydock can do: the test clock, and the honest 'unsupported' answer."""

    def test_clock_advance_expires_visibility(self):
        url = self.queue("clock")
        self.sqs.send_message(QueueUrl=url, MessageBody="m")
        self.receive(url)  # hidden for the default 30 s
        self.assertEqual(self.receive(url), [])
        self.daemon.advance_clock(31_000)
        self.assertEqual(len(self.receive(url)), 1)

    def test_clock_advance_expires_retention(self):
        url = self.queue("ret", MessageRetentionPeriod=60)
        self.sqs.send_message(QueueUrl=url, MessageBody="old")
        self.daemon.advance_clock(61_000)
        self.assertEqual(self.receive(url), [])
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessages")[
            "ApproximateNumberOfMessages"], "0")

    def test_clock_advance_wakes_a_long_poll(self):
        url = self.queue("lpclock")
        self.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=900)
        t = threading.Timer(0.3, lambda: self.daemon.advance_clock(901_000))
        t.start()
        start = time.monotonic()
        msgs = self.receive(url, WaitTimeSeconds=10)
        t.join()
        self.assertEqual([m["Body"] for m in msgs], ["later"])
        self.assertLess(time.monotonic() - start, 5.0)

    def test_unimplemented_action_says_so(self):
        url = self.queue("perm")
        self.assertError("AWS.SimpleQueueService.UnsupportedOperation", self.sqs.add_permission,
                         QueueUrl=url, Label="l", AWSAccountIds=["123456789012"],
                         Actions=["SendMessage"])

    def test_reset_wipes_every_queue(self):
        url = self.queue("reset")
        name = url.rsplit("/", 1)[1]
        self.sqs.send_message(QueueUrl=url, MessageBody="m")
        status, doc = self.daemon.admin("reset", {})
        self.assertEqual(status, 200)
        self.assertEqual(self.sqs.list_queues().get("QueueUrls", []), [])
        # No QueueDeletedRecently after a reset: suites recreate their queues at once.
        self.assertEqual(self.sqs.create_queue(QueueName=name)["QueueUrl"], url)
        self.assertEqual(self.receive(url), [])
        status, _ = self.daemon.admin("reset", method="GET")
        self.assertEqual(status, 405)

    def test_state_and_metrics(self):
        url = self.queue("obs")
        self.sqs.send_message(QueueUrl=url, MessageBody="m")
        name = url.rsplit("/", 1)[1]
        status, state = self.daemon.admin("state")
        self.assertEqual(status, 200)
        q = [q for q in state["Queues"] if q["QueueName"] == name][0]
        self.assertEqual(q["Visible"], 1)
        status, text = self.daemon.admin("metrics")
        self.assertIn('ApproximateNumberOfMessagesVisible{QueueName="%s"} 1' % name, text)
        self.assertIn('NumberOfMessagesSent{QueueName="%s"} 1' % name, text)
        self.daemon.advance_clock(5_000)
        status, text = self.daemon.admin("metrics")
        age = [l for l in text.splitlines()
               if l.startswith('ApproximateAgeOfOldestMessage{QueueName="%s"}' % name)]
        self.assertEqual(len(age), 1, text)
        self.assertGreaterEqual(float(age[0].rsplit(" ", 1)[1]), 5)
        self.sqs.delete_queue(QueueUrl=url)
        status, text = self.daemon.admin("metrics")
        self.assertNotIn('QueueName="%s"' % name, text)
