// Types for the small decompressors used by decompress.ts (none ships its own).
declare module 'seek-bzip' {
  const Bunzip: { decode(input: Uint8Array, output: { writeByte(b: number): void }, multistream?: boolean): void };
  export default Bunzip;
}
declare module 'lz4js' {
  const lz4: { decompress(src: Uint8Array, maxSize?: number): Uint8Array };
  export default lz4;
}
declare module 'lzma' {
  const lzma: { decompress(bytes: Uint8Array | number[]): string | number[] };
  export default lzma;
}
declare module 'xz-decompress' {
  const xz: { XzReadableStream: new (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };
  export default xz;
}
