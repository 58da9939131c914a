/**
 * Turns record bytes into text for the viewer. Every deserializer is total: bytes it cannot decode
 * come back shown raw (as hex) with the reason, so a record is never dropped for its content.
 * Others plug in with {@link registerDeserializer} (Avro: `avroDeserializer.ts`, configured per viewer).
 */
import { isUtf8 } from 'node:buffer';
import type { RawHeaders } from '../kafka/consumer';
import { prettyJson } from './exactJson';

/** The names built in; a registered deserializer adds its own name. */
export type BuiltinDeserializer = 'string' | 'json' | 'hex' | 'base64';
export type DeserializerName = BuiltinDeserializer | (string & {});

export interface Decoded {
  /** What the viewer shows: decoded text, or the raw bytes as hex when decoding failed. */
  text: string;
  /** The deserializer that produced `text`, or 'raw' when it failed and `text` is hex. */
  format: DeserializerName | 'raw';
  /** Why decoding failed; set only when `format` is 'raw'. */
  error?: string;
}

export interface Deserializer {
  readonly name: DeserializerName;
  readonly label: string;
  /** Returns the text, or throws an Error whose message is the reason it cannot be decoded. */
  decode(bytes: Buffer): string;
  /**
   * Optional asynchronous step before a batch is decoded (Avro fetches the registry schemas the
   * batch names), so `decode` can stay synchronous. The pipeline waits for it before decoding the
   * batch, keeping record order; it must not reject (a failure becomes each record's reason).
   */
  prepare?(batch: readonly (Buffer | null)[], headers?: readonly (RawHeaders | undefined)[], role?: 'key' | 'value'): Promise<void> | undefined;
  /**
   * Optional: how to decode one record whose headers name its schema (Apicurio's
   * `apicurio.value.contentId`, see avro/headerSchemaId.ts); undefined to decode it as usual.
   * `prepare` gets the batch's headers for the same purpose.
   */
  forHeaders?(headers: RawHeaders, role: 'key' | 'value'): Deserializer | undefined;
}

/** UTF-8 that refuses invalid bytes (rather than showing U+FFFD), checked only when one shows up. */
function strictUtf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') && !isUtf8(bytes)) throw new Error('not valid UTF-8');
  return text;
}

const builtins: Deserializer[] = [
  { name: 'string', label: 'String (UTF-8)', decode: strictUtf8 },
  {
    name: 'json',
    label: 'JSON (pretty)',
    decode(bytes) {
      const text = strictUtf8(bytes);
      try {
        // Number tokens are kept as written: 9007199254740993 must not become …992.
        return prettyJson(text);
      } catch (e) {
        throw new Error(`not JSON (${(e as Error).message})`);
      }
    },
  },
  { name: 'hex', label: 'Hex', decode: (bytes) => bytes.toString('hex') },
  { name: 'base64', label: 'Base64', decode: (bytes) => bytes.toString('base64') },
];

const registry = new Map<string, Deserializer>(builtins.map((d) => [d.name, d]));

/** Adds a deserializer (e.g. Avro); a later registration with the same name replaces the earlier one. */
export function registerDeserializer(deserializer: Deserializer): void {
  registry.set(deserializer.name, deserializer);
}

export function deserializers(): Deserializer[] {
  return [...registry.values()];
}

export function deserializer(name: DeserializerName): Deserializer {
  const found = registry.get(name);
  if (!found) throw new Error(`Unknown deserializer "${name}": use one of ${[...registry.keys()].join(', ')}.`);
  return found;
}

/** What {@link decodeText} returns when the bytes cannot be decoded: the hex and the reason. */
export interface RawFallback {
  hex: string;
  error: string;
}

/**
 * The hot-path form of {@link decode}: the text itself on success (no allocation beyond the
 * string), a {@link RawFallback} on failure, null for null.
 */
export function decodeText(bytes: Buffer | null, with_: Deserializer): string | RawFallback | null {
  if (bytes === null) return null;
  try {
    return with_.decode(bytes);
  } catch (e) {
    return { hex: bytes.toString('hex'), error: `${with_.label}: ${(e as Error).message}; shown as hex` };
  }
}

/** Decodes bytes, never throwing: a failure is returned as hex with the reason. Null stays null. */
export function decode(bytes: Buffer | null, with_: Deserializer): Decoded | null {
  const d = decodeText(bytes, with_);
  if (d === null) return null;
  return typeof d === 'string' ? { text: d, format: with_.name } : { text: d.hex, format: 'raw', error: d.error };
}

/** What {@link decodePreview} returns: the text (or hex fallback) of at most about `maxBytes` of the bytes. */
export interface Preview {
  text: string;
  /** True when the text covers only the start of the bytes. */
  truncated: boolean;
  /** Set when the bytes could not be decoded (text is then hex of the start). */
  error?: string;
}

const TEXT_FORMATS = new Set(['string', 'json']);

/** Length of `b` without a UTF-8 sequence cut short at its end. */
function wholeCharacters(b: Buffer): number {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const byte = b[b.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? b.length - back : b.length;
  }
  return b.length;
}

/**
 * Decodes bytes for a viewer that keeps only a preview of large records: bytes up to `maxBytes`
 * decode as usual; longer ones decode only their start (text formats as UTF-8 text, since a cut
 * JSON document cannot be pretty-printed; hex and base64 of the start), so a 50 MB value never
 * becomes a 100 MB string. Other deserializers (Avro) decode whole, then the text is cut.
 */
export function decodePreview(bytes: Buffer | null, with_: Deserializer, maxBytes: number): Preview | null {
  if (bytes === null) return null;
  if (bytes.length <= maxBytes) {
    const d = decodeText(bytes, with_);
    if (d === null) return null;
    return typeof d === 'string' ? { text: d, truncated: false } : { text: d.hex, truncated: false, error: d.error };
  }
  const head = bytes.subarray(0, maxBytes);
  if (TEXT_FORMATS.has(with_.name)) {
    // A multi-byte character cut at the end would decode as U+FFFD: end before it.
    const whole = head.subarray(0, wholeCharacters(head));
    if (isUtf8(whole)) return { text: whole.toString('utf8'), truncated: true };
    return { text: head.toString('hex'), truncated: true, error: `${with_.label}: not valid UTF-8; start shown as hex` };
  }
  if (with_.name === 'hex') return { text: head.toString('hex'), truncated: true };
  if (with_.name === 'base64') return { text: head.toString('base64'), truncated: true };
  const d = decodeText(bytes, with_);
  if (d === null) return null;
  if (typeof d !== 'string') return { text: d.hex.slice(0, maxBytes * 2), truncated: true, error: d.error };
  return { text: d.length > maxBytes ? d.slice(0, maxBytes) : d, truncated: d.length > maxBytes };
}
