/**
 * The fixed-width number formats of Kafka's Java serializers (DoubleSerializer, FloatSerializer,
 * IntegerSerializer, LongSerializer, ShortSerializer: big-endian, 8/4/4/8/2 bytes), and strings in
 * another Buffer encoding (`string(base64)`: the text is base64, the record holds the decoded bytes),
 * both as `.kafka` files name them. Importing this module registers them.
 */
import { registerSerializer, SerializationError, type Serializer } from './serializers';

export type NumberFormat = 'double' | 'float' | 'integer' | 'long' | 'short';
export type EncodedStringFormat = `string(${'ascii' | 'latin1' | 'base64' | 'base64url' | 'hex' | 'utf16le'})`;

const INT_RANGE = { integer: [-(2 ** 31), 2 ** 31 - 1], short: [-(2 ** 15), 2 ** 15 - 1] } as const;

function number(format: NumberFormat): Serializer {
  return {
    format,
    serialize(text) {
      const t = text.trim();
      if (format === 'long') {
        if (!/^-?\d+$/.test(t)) throw new SerializationError(`Not a long: "${t.slice(0, 40)}" is not a whole number.`);
        const n = BigInt(t);
        if (n < -(2n ** 63n) || n > 2n ** 63n - 1n) throw new SerializationError(`Not a long: ${t} is outside -2^63 to 2^63-1.`);
        const b = Buffer.alloc(8);
        b.writeBigInt64BE(n);
        return b;
      }
      const n = Number(t);
      if (t === '' || !Number.isFinite(n) && !/^-?Infinity$|^NaN$/.test(t)) throw new SerializationError(`Not a ${format}: "${t.slice(0, 40)}" is not a number.`);
      if (format === 'integer' || format === 'short') {
        const [min, max] = INT_RANGE[format];
        if (!Number.isInteger(n) || n < min || n > max) throw new SerializationError(`Not a ${format}: ${t} is not a whole number from ${min} to ${max}.`);
        const b = Buffer.alloc(format === 'integer' ? 4 : 2);
        if (format === 'integer') b.writeInt32BE(n);
        else b.writeInt16BE(n);
        return b;
      }
      const b = Buffer.alloc(format === 'double' ? 8 : 4);
      if (format === 'double') b.writeDoubleBE(n);
      else b.writeFloatBE(n);
      return b;
    },
  };
}

function encoded(encoding: BufferEncoding): Serializer {
  const format = `string(${encoding})`;
  return {
    format,
    serialize(text) {
      if (encoding === 'hex' && !/^([0-9a-fA-F]{2})*$/.test(text.trim())) throw new SerializationError('Not hex: use pairs of 0-9/a-f digits.');
      if ((encoding === 'base64' || encoding === 'base64url') && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text.trim())) throw new SerializationError(`Not ${encoding}.`);
      return Buffer.from(encoding === 'hex' || encoding.startsWith('base64') ? text.trim() : text, encoding);
    },
  };
}

// Unlisted: the produce form has no labels for them yet; .kafka files and the produce command use them by name.
for (const f of ['double', 'float', 'integer', 'long', 'short'] as const) registerSerializer(f, () => number(f), { listed: false });
for (const e of ['ascii', 'latin1', 'base64', 'base64url', 'hex', 'utf16le'] as const) registerSerializer(`string(${e})`, () => encoded(e), { listed: false });
