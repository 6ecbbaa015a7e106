// The BOM parser thread (src/discovery/bom-parser.ts): one readBom per message, the result posted back.
import { parentPort } from 'node:worker_threads';
import { readBom, type BomReadResult, type ReadBomOptions } from '../bom/index.js';

export interface BomParseJob {
  bytes: Uint8Array;
  options: ReadBomOptions;
}

export interface BomParseReply {
  result: BomReadResult;
}

parentPort?.on('message', (job: BomParseJob) => {
  let result: BomReadResult;
  try {
    result = readBom(job.bytes, job.options);
  } catch (err) {
    // readBom never throws by contract; a bug must not kill the thread silently.
    result = { ok: false, error: `the BOM could not be read: ${(err as Error).message}` };
  }
  const reply: BomParseReply = { result };
  parentPort!.postMessage(reply);
});
