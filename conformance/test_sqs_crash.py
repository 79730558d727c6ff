"""Crash safety of sqs-emu's store: a producer and a consumer run while the
daemon is killed with SIGKILL at random moments (20 times) and restarted on
the same port and data directory. Afterwards:
  - every acknowledged send has been delivered (the queue is drained to empty),
  - no message whose delete was acknowledged is delivered again,
  - no message's receive count went backwards.
"""

import os
import random
import subprocess
import threading
import time
import unittest

from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError
from botocore.exceptions import EndpointConnectionError, HTTPClientError, ReadTimeoutError

import harness
from harness import Daemon, binary, has_binary, local_only

# Run again under Debian's boto3, which speaks the Query protocol.
BOTH_PROTOCOLS = True

KILLS = 20
VISIBILITY = 5


def supports_fsync():
    if not has_binary("sqs-emu"):
        return False
    r = subprocess.run([binary("sqs-emu"), "--help"], capture_output=True, text=True)
    return "fsync" in r.stdout and "not built yet" not in r.stdout


# HTTPClientError covers ConnectionClosedError: a kill can land after the
# request was sent, and the client then sees the connection close unanswered.
TRANSIENT = (EndpointConnectionError, BotoConnectionError, ReadTimeoutError, HTTPClientError)


def retry(fn, stop, **kw):
    """Calls fn until it answers: the daemon may be down for a moment."""
    while not stop.is_set():
        try:
            return fn(**kw)
        except TRANSIENT:
            time.sleep(0.02)
        except ClientError as e:
            if e.response["ResponseMetadata"].get("HTTPStatusCode", 0) >= 500:
                time.sleep(0.02)
                continue
            raise
    return None


@local_only
@unittest.skipUnless(supports_fsync(), "sqs-emu has no durable store yet")
class CrashTest(unittest.TestCase):
    def test_sigkill_loses_nothing_acknowledged(self):
        d = Daemon("sqs-emu")
        data = os.path.join(d.tmpdir, "data")
        d.args = ["--durability", os.environ.get("DD_CRASH_DURABILITY", "fsync"), "--data-dir", data]
        d.start()
        port = d.port
        sqs = harness.aws_client("sqs", endpoint_url=d.url, read_timeout=5)
        url = sqs.create_queue(QueueName="crash", Attributes={
            "VisibilityTimeout": str(VISIBILITY)})["QueueUrl"]

        stop = threading.Event()
        lock = threading.Lock()
        acked_sends = set()       # bodies whose SendMessage returned
        acked_deletes = {}        # MessageId -> time its DeleteMessage returned
        deliveries = []           # (time, body, receive count)
        violations = []

        def producer():
            # Every attempt has its own body: a send that was committed but whose reply
            # the crash cut off is retried as a new message, which at-least-once allows.
            n = 0
            while not stop.is_set():
                body = "m-%06d" % n
                n += 1
                try:
                    sqs.send_message(QueueUrl=url, MessageBody=body)
                except TRANSIENT:
                    time.sleep(0.02)
                    continue
                with lock:
                    acked_sends.add(body)

        last_count = {}

        def consume_once(wait):
            r = retry(sqs.receive_message, stop_consumer, QueueUrl=url, MaxNumberOfMessages=10,
                      WaitTimeSeconds=wait, AttributeNames=["ApproximateReceiveCount"])
            msgs = (r or {}).get("Messages", [])
            for m in msgs:
                mid, body = m["MessageId"], m["Body"]
                count = int(m["Attributes"]["ApproximateReceiveCount"])
                now = time.monotonic()
                with lock:
                    deliveries.append((now, body, count))
                    if mid in acked_deletes:
                        violations.append("%s (%s) delivered after its delete was acknowledged"
                                          % (mid, body))
                    if count < last_count.get(mid, 0):
                        violations.append("%s receive count went back from %d to %d"
                                          % (body, last_count[mid], count))
                    last_count[mid] = max(count, last_count.get(mid, 0))
                if retry(sqs.delete_message, stop_consumer, QueueUrl=url,
                         ReceiptHandle=m["ReceiptHandle"]) is not None:
                    with lock:
                        acked_deletes[mid] = time.monotonic()
            return len(msgs)

        stop_consumer = threading.Event()

        def consumer():
            while not stop_consumer.is_set():
                consume_once(1)

        threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
        for t in threads:
            t.start()
        rng = random.Random(1234)
        try:
            for _ in range(KILLS):
                time.sleep(rng.uniform(0.05, 0.3))
                d.kill()
                d.start(port=port)
            time.sleep(0.3)
        finally:
            stop.set()
            threads[0].join(30)
        # Drain: everything acknowledged must come out; in-flight messages come back
        # after the visibility timeout.
        deadline = time.monotonic() + VISIBILITY * 4 + 10
        while time.monotonic() < deadline:
            consume_once(1)
            a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            if all(a[k] == "0" for k in ("ApproximateNumberOfMessages",
                                         "ApproximateNumberOfMessagesNotVisible",
                                         "ApproximateNumberOfMessagesDelayed")):
                break
        stop_consumer.set()
        threads[1].join(30)
        d.close()

        delivered = {b for _, b, _ in deliveries}
        lost = sorted(acked_sends - delivered)
        self.assertEqual(violations, [])
        self.assertEqual(lost, [], "%d acknowledged sends never delivered" % len(lost))
        self.assertGreater(len(acked_sends), 100)
        print("\ncrash test: %d kills, %d acknowledged sends, %d deliveries, %d acknowledged "
              "deletes" % (KILLS, len(acked_sends), len(deliveries), len(acked_deletes)))
