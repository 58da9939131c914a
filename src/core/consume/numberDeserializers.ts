/**
 * Readers for Kafka's Java number serializers (big-endian double/float/integer/long/short) and for
 * strings in another Buffer encoding, under the names `.kafka` files use. A record whose length does
 * not fit is shown raw with the reason, like every other deserializer. Importing registers them.
 */
import { registerDeserializer, type Deserializer } from './deserializers';

const WIDTH = { double: 8, float: 4, integer: 4, long: 8, short: 2 } as const;

function number(name: keyof typeof WIDTH): Deserializer {
  return {
    name,
    label: `${name[0].toUpperCase()}${name.slice(1)} (big-endian, ${WIDTH[name]} bytes)`,
    decode(bytes) {
      if (bytes.length !== WIDTH[name]) throw new Error(`${bytes.length} bytes, a ${name} has ${WIDTH[name]}`);
      switch (name) {
        case 'double':
          return String(bytes.readDoubleBE(0));
        case 'float':
          return String(bytes.readFloatBE(0));
        case 'integer':
          return String(bytes.readInt32BE(0));
        case 'long':
          return bytes.readBigInt64BE(0).toString();
        default:
          return String(bytes.readInt16BE(0));
      }
    },
  };
}

for (const n of ['double', 'float', 'integer', 'long', 'short'] as const) registerDeserializer(number(n));
for (const e of ['ascii', 'latin1', 'base64', 'base64url', 'utf16le'] as const) {
  registerDeserializer({ name: `string(${e})`, label: `String (${e})`, decode: (bytes) => bytes.toString(e) });
}
