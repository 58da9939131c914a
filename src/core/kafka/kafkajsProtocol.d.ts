// kafkajs' wire encoder and decoder (untyped internals), used by adminProtocol.ts for the requests
// kafkajs 2.2.4 has no API for.
declare module 'kafkajs/src/protocol/encoder' {
  class Encoder {
    writeInt8(v: number): Encoder;
    writeInt16(v: number): Encoder;
    writeInt32(v: number): Encoder;
    writeString(v: string | null): Encoder;
    writeUVarIntString(v: string | null): Encoder;
    writeUVarIntBytes(v?: Buffer): Encoder;
    writeArray(items: (number | string | Encoder)[], type?: 'int32' | 'string' | 'object', length?: number): Encoder;
    writeUVarIntArray(items: Encoder[] | null, type?: 'object'): Encoder;
  }
  export = Encoder;
}

declare module 'kafkajs/src/protocol/decoder' {
  class Decoder {
    constructor(buffer: Buffer);
    readInt8(): number;
    readInt16(): number;
    readInt32(): number;
    readInt64(): { toString(): string };
    readString(): string | null;
    readUVarIntString(): string | null;
    readArray<T>(reader: (d: Decoder) => T): T[];
    readUVarIntArray<T>(reader: (d: Decoder) => T): T[] | null;
    readTaggedFields(): void;
  }
  export = Decoder;
}

declare module 'kafkajs/src/protocol/error' {
  export const errorCodes: { type: string; code: number; retriable: boolean; message: string }[];
}
