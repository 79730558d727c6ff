// Drives an SQS endpoint through the AWS SDK for JavaScript v3 (AWS JSON 1.0
// protocol, with the SDK's own MD5 checks of bodies and attributes) and prints
// one JSON report on stdout for conformance/test_sqs_js.py to judge.
// Usage: node sqs_check.mjs http://127.0.0.1:PORT
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, SendMessageCommand, ReceiveMessageCommand,
  DeleteMessageCommand, SendMessageBatchCommand, DeleteQueueCommand, GetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";

const endpoint = process.argv[2];
const sqs = new SQSClient({
  endpoint, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const report = {};

async function expectError(name, fn) {
  try {
    await fn();
    report[name] = { thrown: false };
  } catch (e) {
    report[name] = { thrown: true, name: e.name, code: e.Code ?? null,
                     status: e.$metadata?.httpStatusCode ?? null, fault: e.$fault ?? null,
                     message: e.message };
  }
}

const qname = "js-" + Math.random().toString(16).slice(2, 10);
const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: qname }));
report.queueUrl = QueueUrl;

const attrs = {
  s: { DataType: "String", StringValue: "text ✓" },
  n: { DataType: "Number.int", StringValue: "42" },
  b: { DataType: "Binary.gif", BinaryValue: Uint8Array.from([0, 255, 71, 73, 70]) },
};
const sent = await sqs.send(new SendMessageCommand({
  QueueUrl, MessageBody: "hello from js <&>", MessageAttributes: attrs }));
report.sent = { id: sent.MessageId, md5: sent.MD5OfMessageBody,
                md5Attrs: sent.MD5OfMessageAttributes };

const got = await sqs.send(new ReceiveMessageCommand({
  QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"],
  MessageSystemAttributeNames: ["All"] }));
const m = got.Messages?.[0];
report.received = m ? {
  id: m.MessageId, body: m.Body, md5: m.MD5OfBody, md5Attrs: m.MD5OfMessageAttributes,
  attrs: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) =>
    [k, { DataType: v.DataType, StringValue: v.StringValue ?? null,
          BinaryValue: v.BinaryValue ? Array.from(v.BinaryValue) : null }])),
  receiveCount: m.Attributes?.ApproximateReceiveCount ?? null,
} : null;
if (m) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));

const batch = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [
  { Id: "ok", MessageBody: "fine" }, { Id: "bad", MessageBody: "bad \u0001 char" }] }));
report.batch = { ok: (batch.Successful ?? []).map(e => e.Id),
                 failed: (batch.Failed ?? []).map(e => [e.Id, e.Code, e.SenderFault]) };

const attrsNow = await sqs.send(new GetQueueAttributesCommand({
  QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "VisibilityTimeout"] }));
report.attributes = attrsNow.Attributes;

await expectError("missingQueue", () => sqs.send(new GetQueueUrlCommand({
  QueueName: "no-such-queue-" + qname })));
await expectError("badReceiveCount", () => sqs.send(new ReceiveMessageCommand({
  QueueUrl, MaxNumberOfMessages: 11 })));
await expectError("badHandle", () => sqs.send(new DeleteMessageCommand({
  QueueUrl, ReceiptHandle: "garbage" })));

await sqs.send(new DeleteQueueCommand({ QueueUrl }));
process.stdout.write(JSON.stringify(report) + "\n");
