// Types for the small decompressors used by decompress.ts (none ships its own). seek-bzip is driven
// block by block through its internals, typed where they are used.
declare module 'seek-bzip' {
  const Bunzip: unknown;
  export default Bunzip;
}
declare module 'xz-decompress' {
  const xz: { XzReadableStream: new (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };
  export default xz;
}
