/**
 * What a `.kafka` file is made of, free of VS Code: blocks (PRODUCER / CONSUMER) with their
 * properties and, for a producer, the value. Positions are 0-based lines and UTF-16 columns, the
 * same numbers VS Code's Position uses, so the host maps them one to one.
 */

export interface FilePosition {
  line: number;
  character: number;
}

export interface FileRange {
  start: FilePosition;
  end: FilePosition;
}

export type Severity = 'error' | 'warning' | 'information';

export interface FileDiagnostic {
  range: FileRange;
  severity: Severity;
  message: string;
}

export interface BlockProperty {
  name: string;
  /** Trimmed text after the colon. */
  value: string;
  nameRange: FileRange;
  /** The trimmed value's range (empty at the end of the line when there is no value). */
  valueRange: FileRange;
}

export interface KafkaBlockBase {
  /** The PRODUCER / CONSUMER line. */
  headerLine: number;
  /** Last line that belongs to the block (before `###`, the next CONSUMER/PRODUCER, or the end). */
  endLine: number;
  /** Text after the keyword on the header line: the producer's name, the consumer's group id. */
  label: string;
  labelRange: FileRange;
  properties: BlockProperty[];
}

export interface ProducerBlock extends KafkaBlockBase {
  kind: 'producer';
  /** Everything after the properties up to `###`, trimmed (undefined: no value lines at all). */
  value?: string;
  valueRange?: FileRange;
}

export interface ConsumerBlock extends KafkaBlockBase {
  kind: 'consumer';
}

export type KafkaBlock = ProducerBlock | ConsumerBlock;

export interface ParsedKafkaFile {
  blocks: KafkaBlock[];
  /** Syntax problems (unknown property, missing colon...). Bad values are found by the validators. */
  diagnostics: FileDiagnostic[];
}

export interface PropertyDefinition {
  name: string;
  description: string;
  /** Values offered by completion (the first is the default when there is one). */
  values?: string[];
  /** True for the properties Tools for Apache Kafka already had (documented there). */
  compatible?: boolean;
}

const FORMATS = ['string', 'json', 'double', 'float', 'integer', 'long', 'short', 'avro(schemas/file.avsc)', 'avro(subject:name)', 'protobuf(schemas/file.proto:package.Message)', 'protobuf(subject:name)', 'json-schema(schemas/file.schema.json)', 'json-schema(subject:name)', 'string(base64)', 'string(hex)'];

export const PRODUCER_PROPERTIES: PropertyDefinition[] = [
  { name: 'topic', description: 'The topic to produce to (required). It must exist: topics are never created automatically.', compatible: true },
  { name: 'key', description: 'The record key; templates such as `{{string.uuid}}` are rendered for each record.', compatible: true },
  { name: 'headers', description: 'Record headers as `name=value` pairs separated by commas, e.g. `source=demo, trace={{string.uuid}}`.', compatible: true },
  { name: 'key-format', description: 'How the key is serialized: string (UTF-8), string(encoding), json, double, float, integer, long, short (big-endian like Kafka\'s Java serializers), avro(file.avsc), avro(subject:name), protobuf(file.proto:Message), protobuf(subject:name), json-schema(file), json-schema(subject:name).', values: FORMATS, compatible: true },
  { name: 'value-format', description: 'How the value is serialized; the same formats as key-format.', values: FORMATS, compatible: true },
  { name: 'every', description: 'Scheduled producer: send one record every interval, e.g. `3s`, `5m`, `1h` (also `500ms`). Start and stop it with the CodeLens.', values: ['1s', '5s', '1m'], compatible: true },
  { name: 'partition', description: '`any` (default: round robin), `key` (hash of the key, like the Java client), or a partition number.', values: ['any', 'key', '0'] },
  { name: 'acks', description: 'Broker acknowledgement: `all` (default), `1` (leader only) or `0` (none, no offset in the report).', values: ['all', '1', '0'] },
  { name: 'idempotent', description: 'Idempotent producer (needs acks all): `true` or `false` (default).', values: ['true', 'false'] },
  { name: 'compression', description: 'Batch compression: none (default), gzip, snappy, lz4, zstd.', values: ['none', 'gzip', 'snappy', 'lz4', 'zstd'] },
  { name: 'send', description: '`sync` waits for each record (default), `async` keeps several in flight, `fire-and-forget` does not wait for answers.', values: ['sync', 'async', 'fire-and-forget'] },
  { name: 'count', description: 'How many records "Produce record" sends (default 1); `{{i}}` is the record index.', values: ['1', '10', '100'] },
  { name: 'timestamp', description: 'CreateTime of the records (ms since 1970 or ISO-8601 time); refused when the topic uses LogAppendTime.' },
  { name: 'transaction', description: 'Send the records in one transaction and `commit` or `abort` it (needs acks all and sync/async).', values: ['commit', 'abort'] },
];

export const CONSUMER_PROPERTIES: PropertyDefinition[] = [
  { name: 'topic', description: 'The topic to consume (required).', compatible: true },
  { name: 'from', description: '`earliest`, `latest`, an offset, an ISO date and time, or `committed` (where the group left off).', values: ['earliest', 'latest', 'committed', '0', '2024-01-01T00:00:00Z'], compatible: true },
  { name: 'partitions', description: 'Partitions to read: `0`, `0,1,2`, `0-2` or `0,2-3` (default: all).', compatible: true },
  { name: 'key-format', description: 'How keys are shown: none, string, string(encoding), json, double, float, integer, long, short, avro(file.avsc), protobuf(file.proto:Message), json-schema(file) (wire-format records by the registry).', values: ['none', ...FORMATS.filter((f) => !f.includes('subject'))], compatible: true },
  { name: 'value-format', description: 'How values are shown; the same formats as key-format.', values: ['none', ...FORMATS.filter((f) => !f.includes('subject'))], compatible: true },
  { name: 'isolation', description: '`read_committed` (default: hides aborted transactions) or `read_uncommitted`.', values: ['read_committed', 'read_uncommitted'] },
  { name: 'commit', description: '`auto` (default: commits every few seconds) or `manual` (a Commit button in the viewer).', values: ['auto', 'manual'] },
];

export function propertiesOf(kind: KafkaBlock['kind']): PropertyDefinition[] {
  return kind === 'producer' ? PRODUCER_PROPERTIES : CONSUMER_PROPERTIES;
}

export function range(line: number, start: number, end: number): FileRange {
  return { start: { line, character: start }, end: { line, character: end } };
}
