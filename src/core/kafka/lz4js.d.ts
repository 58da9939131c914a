declare module 'lz4js' {
  export function compressBound(length: number): number;
  /** Compresses src[sIndex, sIndex + sLength) into dst; returns the compressed size (0: not compressible). */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
  export function decompress(data: Uint8Array, maxSize?: number): Uint8Array;
}

declare module 'lz4js/xxh32' {
  export function hash(seed: number, data: Uint8Array, offset: number, length: number): number;
}
