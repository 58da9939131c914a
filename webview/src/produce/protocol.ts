/**
 * Every message between the Produce Message webview and the extension host. Types, and one pure
 * helper naming the form's fields ({@link avroField}); both bundles import this file. Record keys, values and headers travel as plain strings and the
 * webview shows them as text only.
 */

export type KeyFormatChoice = 'none' | 'string' | 'json' | 'avro';
export type ValueFormatChoice = 'string' | 'json' | 'avro' | 'none';
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
  /** Avro values: the schema from a workspace .avsc file or a registry subject's latest version. */
  avroSource: AvroSourceChoice;
  avroSchemaFile: string;
  avroSubject: string;
  /** Raw Avro binary, or the Confluent wire format (needs the connection's Schema Registry). */
  avroEncoding: AvroEncodingChoice;
  /** Wire format with a file schema: the subject it is registered or looked up under. */
  avroStrategy: AvroStrategyChoice;
  avroAutoRegister: boolean;
  /** Avro keys: the same choices as for the value, each prefixed `key`. */
  keyAvroSource: AvroSourceChoice;
  keyAvroSchemaFile: string;
  keyAvroSubject: string;
  keyAvroEncoding: AvroEncodingChoice;
  keyAvroStrategy: AvroStrategyChoice;
  keyAvroAutoRegister: boolean;
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
}

export type FormField = keyof ProduceFormValues;

/** Whether an Avro choice is for the record's key or its value. */
export type AvroRole = 'key' | 'value';
export type AvroPart = 'Source' | 'SchemaFile' | 'Subject' | 'Encoding' | 'Strategy' | 'AutoRegister';

/** The form field of one Avro choice for the key or the value: `avroSubject`, `keyAvroSubject`... */
export function avroField<P extends AvroPart>(role: AvroRole, part: P): `avro${P}` | `keyAvro${P}` {
  return role === 'key' ? `keyAvro${part}` : `avro${part}`;
}
export type FieldErrors = Partial<Record<FormField, string>>;

export type ReportStatus = 'delivered' | 'unacknowledged' | 'not-awaited' | 'failed';

/** One row of the delivery log. */
export interface ReportView {
  runId: number;
  seq: number;
  status: ReportStatus;
  topic: string;
  partition: number;
  offset?: string;
  timestamp: number;
  timestampType?: string;
  latencyMs: number;
  key: string | null;
  value: string | null;
  errorName?: string;
  errorMessage?: string;
  hint?: string;
}

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
  /** A workspace .avsc for an Avro key or value (the host shows a quick pick). */
  | { type: 'pickSchema'; requestId: number; role: AvroRole }
  /** Check the Avro key or value against its schema (as the user types). */
  | { type: 'checkAvro'; requestId: number; role: AvroRole; values: ProduceFormValues }
  | { type: 'openRecord'; topic: string; partition: number; offset: string };

/** Host → webview. */
export type ProduceMessage =
  | {
      type: 'init';
      connections: string[];
      values: ProduceFormValues;
      compressions: string[];
      valueFormats: ValueFormatChoice[];
    }
  | { type: 'prefill'; values: ProduceFormValues }
  | { type: 'topics'; connection: string; topics: TopicChoice[]; error?: string }
  /** Where the record would go, and settings that contradict each other, before anything is sent. */
  | { type: 'preview'; requestId: number; text: string; errors: FieldErrors }
  | { type: 'started'; requestId: number; runId: number; transactionalId?: string; total: number; notes: string[] }
  | { type: 'rejected'; requestId: number; message: string; errors: FieldErrors; unknownTopic?: string }
  | { type: 'progress'; progress: ProgressView }
  | { type: 'reports'; reports: ReportView[] }
  | { type: 'done'; summary: RunSummary }
  | { type: 'reply'; runId: number; ok: boolean; text: string; value?: string; headers?: Record<string, string> }
  | { type: 'topicCreated'; requestId: number; ok: boolean; text: string }
  | { type: 'filePicked'; requestId: number; path?: string }
  | { type: 'schemaPicked'; requestId: number; role: AvroRole; path?: string }
  /** The Avro key or value checked against its schema; `field` names the Avro field at fault, if not the text. */
  | { type: 'avroCheck'; requestId: number; role: AvroRole; ok: boolean; text: string; field?: FormField }
  /** The connection's Schema Registry: its subjects for the Avro schema source, or why there are none. */
  | { type: 'registry'; connection: string; url?: string; subjects: string[]; error?: string };
