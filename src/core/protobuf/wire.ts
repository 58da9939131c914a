/**
 * The Confluent wire format for Protobuf: magic byte 0, the 4-byte big-endian schema id, then the
 * message-index array (which message of the registered file the body is), then the protobuf body.
 * The array is a zigzag varint count followed by zigzag varint indexes, and the common case — the
 * file's first message, [0] — is written as the single byte 0 (count 0), as Confluent's
 * serializers do.
 */
import { CONFLUENT_HEADER_LENGTH, CONFLUENT_MAGIC_BYTE } from '../avro/codec';

export interface ProtobufWireRecord {
  schemaId: number;
  /** Path of message indexes from the file's top-level messages down to the record's message. */
  indexes: number[];
  body: Buffer;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** The message-index array as written after the schema id. */
export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  writeVarint(out, zigzag(indexes.length));
  for (const i of indexes) writeVarint(out, zigzag(i));
  return Buffer.from(out);
}

export class ProtobufWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufWireError';
  }
}

/** Reads a zigzag varint at `pos`; throws when the bytes end first or it runs past 5 bytes. */
function readVarint(bytes: Buffer, pos: number): { value: number; next: number } {
  let value = 0;
  let shift = 1;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= bytes.length) throw new ProtobufWireError('the message-index array is cut short');
    const b = bytes[pos + i];
    value += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) return { value: unzigzag(value), next: pos + i + 1 };
    shift *= 128;
  }
  throw new ProtobufWireError('the message-index array has a varint longer than 5 bytes');
}

export function encodeProtobufWireFormat(schemaId: number, indexes: readonly number[], body: Uint8Array): Buffer {
  const header = Buffer.alloc(CONFLUENT_HEADER_LENGTH);
  header[0] = CONFLUENT_MAGIC_BYTE;
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, encodeMessageIndexes(indexes), body]);
}

/** A cap on the index array's length, so a corrupt count cannot make us allocate wildly. */
const MAX_DEPTH = 64;

/**
 * The header and body of a wire-format Protobuf record, or undefined when the bytes do not start
 * with the magic byte. Throws {@link ProtobufWireError} when the header is there but the index array
 * is malformed.
 */
export function parseProtobufWireFormat(bytes: Buffer): ProtobufWireRecord | undefined {
  if (bytes.length < CONFLUENT_HEADER_LENGTH + 1 || bytes[0] !== CONFLUENT_MAGIC_BYTE) return undefined;
  const schemaId = bytes.readUInt32BE(1);
  const first = readVarint(bytes, CONFLUENT_HEADER_LENGTH);
  const count = first.value;
  let next = first.next;
  if (count === 0) return { schemaId, indexes: [0], body: bytes.subarray(next) };
  if (count < 0 || count > MAX_DEPTH) throw new ProtobufWireError(`the message-index array claims ${count} entries`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = readVarint(bytes, next);
    if (r.value < 0) throw new ProtobufWireError(`message index ${r.value} is negative`);
    indexes.push(r.value);
    next = r.next;
  }
  return { schemaId, indexes, body: bytes.subarray(next) };
}
