// The runtime shape of every message the Produce Message webview may post (protocol.ts ProduceRequest).
// The compiler checks this schema against protocol.ts; the host drops anything that does not fit.
import type { ProduceFormValues, ProduceRequest } from '../../../webview/src/produce/protocol';
import { arrayOf, bool, int, object, oneOf, recordOf, str, type MessageSchema, type Shape } from '../webviews/messageGuard';

// Names, numbers typed as text and paths are short; key, value and header values may be large records.
const text = str(4096);
const record = str(16 * 1024 * 1024);
const avroSource = oneOf(['file', 'registry']);
const avroEncoding = oneOf(['raw', 'confluent']);
const avroStrategy = oneOf(['TopicNameStrategy', 'RecordNameStrategy', 'TopicRecordNameStrategy']);
const role = oneOf(['key', 'value']);

const values: Shape<ProduceFormValues> = {
  connection: text,
  topic: text,
  // Formats are the host's registered serializers (open-ended in protocol.ts); an unknown one is refused by the serializer lookup.
  keyFormat: str(64),
  key: record,
  valueFormat: str(64),
  value: record,
  avroSource,
  avroSchemaFile: text,
  avroSubject: text,
  avroEncoding,
  avroStrategy,
  avroAutoRegister: bool(),
  avroMessageType: text,
  keyAvroSource: avroSource,
  keyAvroSchemaFile: text,
  keyAvroSubject: text,
  keyAvroEncoding: avroEncoding,
  keyAvroStrategy: avroStrategy,
  keyAvroAutoRegister: bool(),
  keyAvroMessageType: text,
  headers: arrayOf(object({ name: text, value: record }), 1000),
  partitionMode: oneOf(['default', 'any', 'key-hash', 'explicit']),
  partition: text,
  source: oneOf(['template', 'file']),
  count: text,
  recordsFile: text,
  sendStyle: oneOf(['synchronous', 'asynchronous', 'fire-and-forget']),
  transaction: oneOf(['none', 'commit', 'abort']),
  acks: oneOf(['0', '1', 'all']),
  idempotent: bool(),
  maxInFlightRequests: text,
  compression: str(64),
  lingerMs: text,
  batchSize: text,
  requestTimeoutMs: text,
  retries: text,
  replyTopic: text,
  replyTimeoutMs: text,
  timestamp: text,
};
const form = object(values);

export const PRODUCE_REQUEST_SCHEMA: MessageSchema<ProduceRequest> = {
  ready: {},
  loadTopics: { connection: text },
  preview: { requestId: int(), values: form },
  send: { requestId: int(), values: form },
  cancel: { runId: int() },
  createTopic: { requestId: int(), connection: text, topic: text, partitions: text },
  // The webview asks for a file; the path comes from the host's own picker (see formPaths.ts).
  pickFile: { requestId: int() },
  pickSchema: { requestId: int(), role, format: oneOf(['avro', 'protobuf', 'jsonschema']) },
  checkValue: { requestId: int(), role, values: form },
  saveAs: { values: form },
  saveAsKafka: { values: form },
  showReports: {},
  sections: { open: recordOf(bool(), 50) },
};
