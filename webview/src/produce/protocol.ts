/**
 * Every message between the Produce Message webview and the extension host. Types, and one pure
 * helper naming the form's fields ({@link avroField}); both bundles import this file. Record keys, values and headers travel as plain strings and the
 * webview shows them as text only.
 */

// Formats come from the host's registered serializers, so a format added there (Protobuf, JSON
// Schema...) reaches the form without a webview change: the known ones are named for type checks.
export type KeyFormatChoice = 'none' | 'string' | 'json' | 'avro' | (string & {});
export type ValueFormatChoice = KeyFormatChoice;

/** One format the host can serialize: `json` when it is typed as JSON (highlighting, checks, completion). */
export interface FormatChoice {
  value: ValueFormatChoice;
  label: string;
  json: boolean;
}

/** A problem in the key or value text, 1-based like the host's checks; shown as a squiggle there. */
export interface TextMark {
  line: number;
  column: number;
  message: string;
}
export type PartitionModeChoice = 'default' | 'any' | 'key-hash' | 'explicit';
export type SendStyleChoice = 'synchronous' | 'asynchronous' | 'fire-and-forget';
export type AcksChoice = '0' | '1' | 'all';
export type TransactionChoice = 'none' | 'commit' | 'abort';
export type SourceChoice = 'template' | 'file';
export type AvroSourceChoice = 'file' | 'registry';
export type AvroEncodingChoice = 'raw' | 'confluent';
export type AvroStrategyChoice = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';

export interface HeaderRow {
  name: string;
  value: string;
}

/** The form as typed; numbers stay strings so the host can say which one is wrong. */
export interface ProduceFormValues {
  connection: string;
  topic: string;
  keyFormat: KeyFormatChoice;
  key: string;
  valueFormat: ValueFormatChoice;
  value: string;
  /**
   * The schema of a schema-typed value, whichever format it is (Avro, Protobuf, JSON Schema; the
   * names are Avro's, the first of them): a workspace file (.avsc, .proto, *.schema.json) or a
   * registry subject's latest version.
   */
  avroSource: AvroSourceChoice;
  avroSchemaFile: string;
  avroSubject: string;
  /** Raw Avro binary / raw protobuf / plain JSON, or the Confluent wire format (needs the connection's Schema Registry). */
  avroEncoding: AvroEncodingChoice;
  /** Wire format with a file schema: the subject it is registered or looked up under. */
  avroStrategy: AvroStrategyChoice;
  avroAutoRegister: boolean;
  /** Protobuf: the message's full name (optional when the .proto declares one message). */
  avroMessageType: string;
  /** Avro keys: the same choices as for the value, each prefixed `key`. */
  keyAvroSource: AvroSourceChoice;
  keyAvroSchemaFile: string;
  keyAvroSubject: string;
  keyAvroEncoding: AvroEncodingChoice;
  keyAvroStrategy: AvroStrategyChoice;
  keyAvroAutoRegister: boolean;
  keyAvroMessageType: string;
  headers: HeaderRow[];
  partitionMode: PartitionModeChoice;
  partition: string;
  source: SourceChoice;
  count: string;
  recordsFile: string;
  sendStyle: SendStyleChoice;
  transaction: TransactionChoice;
  acks: AcksChoice;
  idempotent: boolean;
  maxInFlightRequests: string;
  compression: string;
  lingerMs: string;
  batchSize: string;
  requestTimeoutMs: string;
  retries: string;
  /** Request/reply: empty for a plain send. */
  replyTopic: string;
  replyTimeoutMs: string;
  /** CreateTime of every record: epoch ms or ISO-8601; empty for "now". */
  timestamp: string;
}

export type FormField = keyof ProduceFormValues;

/** Whether an Avro choice is for the record's key or its value. */
export type AvroRole = 'key' | 'value';
export type AvroPart = 'Source' | 'SchemaFile' | 'Subject' | 'Encoding' | 'Strategy' | 'AutoRegister' | 'MessageType';

/** The formats whose key or value is typed as JSON against a schema chosen with the `avro*` fields. */
export const SCHEMA_FORMATS: readonly string[] = ['avro', 'protobuf', 'jsonschema'];

/** The form field of one Avro choice for the key or the value: `avroSubject`, `keyAvroSubject`... */
export function avroField<P extends AvroPart>(role: AvroRole, part: P): `avro${P}` | `keyAvro${P}` {
  return role === 'key' ? `keyAvro${part}` : `avro${part}`;
}
export type FieldErrors = Partial<Record<FormField, string>>;

export interface RunSummary {
  runId: number;
  topic: string;
  sendStyle: SendStyleChoice;
  total: number;
  delivered: number;
  unacknowledged: number;
  notAwaited: number;
  failed: number;
  /** Of the failed: never handed to the producer (cancelled, or stopped after the broker went away). */
  notSent: number;
  cancelled: boolean;
  elapsedMs: number;
  recordsPerSecond: number;
  transactionalId?: string;
  transactionOutcome?: 'committed' | 'aborted';
  notes: string[];
}

export interface ProgressView {
  runId: number;
  total: number;
  handedOver: number;
  delivered: number;
  failed: number;
  recordsPerSecond: number;
  elapsedMs: number;
}

export interface TopicChoice {
  name: string;
  partitions: number;
}

/** Webview → host. */
export type ProduceRequest =
  | { type: 'ready' }
  | { type: 'loadTopics'; connection: string }
  | { type: 'preview'; requestId: number; values: ProduceFormValues }
  | { type: 'send'; requestId: number; values: ProduceFormValues }
  | { type: 'cancel'; runId: number }
  | { type: 'createTopic'; requestId: number; connection: string; topic: string; partitions: string }
  | { type: 'pickFile'; requestId: number }
  /** A workspace schema file (.avsc, .proto or JSON Schema, by `format`) for the key or value (the host shows a quick pick). */
  | { type: 'pickSchema'; requestId: number; role: AvroRole; format: string }
  /** Check the key or value as typed: JSON syntax, or against its Avro schema. */
  | { type: 'checkValue'; requestId: number; role: AvroRole; values: ProduceFormValues }
  /** Save the form's record(s) as a JSON Lines record file. */
  | { type: 'saveAs'; values: ProduceFormValues }
  /** Save the form's settings as a PRODUCER block in a .kafka file (answered with 'saved'). */
  | { type: 'saveAsKafka'; values: ProduceFormValues }
  /** Reveal the Delivery Reports view. */
  | { type: 'showReports' }
  /** Which collapsible sections are open, remembered for the next form. */
  | { type: 'sections'; open: Record<string, boolean> };

/** Host → webview. */
export type ProduceMessage =
  | {
      type: 'init';
      connections: string[];
      values: ProduceFormValues;
      compressions: string[];
      /** Every format but 'none' (the form adds "No key" / "Null value"). */
      formats: FormatChoice[];
      sections: Record<string, boolean>;
    }
  | { type: 'prefill'; values: ProduceFormValues }
  | { type: 'topics'; connection: string; topics: TopicChoice[]; error?: string }
  /** Where the record would go, and settings that contradict each other, before anything is sent. */
  | { type: 'preview'; requestId: number; text: string; errors: FieldErrors }
  | { type: 'started'; requestId: number; runId: number; transactionalId?: string; total: number; notes: string[] }
  | { type: 'rejected'; requestId: number; message: string; errors: FieldErrors; unknownTopic?: string }
  | { type: 'progress'; progress: ProgressView }
  | { type: 'done'; summary: RunSummary }
  | { type: 'reply'; runId: number; ok: boolean; text: string; value?: string; headers?: Record<string, string> }
  | { type: 'topicCreated'; requestId: number; ok: boolean; text: string }
  | { type: 'filePicked'; requestId: number; path?: string }
  | { type: 'schemaPicked'; requestId: number; role: AvroRole; path?: string }
  /**
   * The key or value checked: `marks` where the text is wrong, `field` the form field at fault if not
   * the text, `completions` the field names an Avro schema allows.
   */
  | { type: 'valueCheck'; requestId: number; role: AvroRole; ok: boolean; text: string; field?: FormField; marks: TextMark[]; completions: string[]; messageTypes?: string[] }
  | { type: 'saved'; ok: boolean; text: string }
  /** The connection's Schema Registry: its subjects for the Avro schema source, or why there are none. */
  | { type: 'registry'; connection: string; url?: string; subjects: string[]; error?: string };
