/**
 * Schema ids carried in record headers instead of the Confluent wire-format prefix. Apicurio's
 * serdes (`apicurio.registry.headers.enabled`) write the id as an 8-byte big-endian long in
 * `apicurio.<key|value>.contentId` (the id Apicurio's Confluent-compatible API serves under
 * `/schemas/ids/{id}`), or `apicurio.<key|value>.globalId` with `apicurio.registry.use-id=globalId`;
 * the body then has no prefix. A globalId names an artifact version, not a content id, so it is
 * reported rather than looked up under the wrong number.
 */
import type { RawHeaders } from '../kafka/consumer';

export type HeaderSchemaId = { id: number; header: string } | { error: string; header: string };

function header(headers: RawHeaders, name: string): Buffer | undefined {
  const v = headers[name];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return last === undefined ? undefined : Buffer.isBuffer(last) ? last : Buffer.from(last);
}

/** The schema id a record's headers give its key or value, a reason when they give one that cannot be used, or undefined. */
export function headerSchemaId(headers: RawHeaders | undefined, role: 'key' | 'value'): HeaderSchemaId | undefined {
  if (!headers) return undefined;
  const contentName = `apicurio.${role}.contentId`;
  const content = header(headers, contentName);
  if (content) {
    if (content.length !== 8) return { error: `header ${contentName} is ${content.length} bytes, not an 8-byte id`, header: contentName };
    const id = content.readBigUInt64BE(0);
    if (id > 0xffffffffn) return { error: `header ${contentName} names schema ${id}, beyond a registry id`, header: contentName };
    return { id: Number(id), header: contentName };
  }
  const globalName = `apicurio.${role}.globalId`;
  const global = header(headers, globalName);
  if (global?.length === 8) {
    return { error: `header ${globalName} names Apicurio global id ${global.readBigUInt64BE(0)}, which the Confluent-compatible API does not serve: have the producer use content ids (apicurio.registry.use-id=contentId)`, header: globalName };
  }
  return undefined;
}

/** The Confluent wire-format prefix for an id: what a header-named body is decoded behind. */
export function wirePrefix(id: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(id, 1);
  return b;
}
