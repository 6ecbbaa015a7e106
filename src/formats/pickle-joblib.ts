// joblib's inline numpy arrays inside a pickle stream, stepped over by their declared size (or, for an
// object array, walked as the nested pickle they are). Called by the opcode walker (pickle.ts), which
// passes itself in as `walkPickle`.
import { FormatError, type ByteSource, type Cursor } from './source.js';
import { MAX_GLOBALS, type PickleScan, type Value, type WalkOptions } from './pickle-types.js';
import type { FormatLimits } from './types.js';

export type PickleWalker = (source: ByteSource, limits: FormatLimits, options: WalkOptions, start: number) => Promise<PickleScan>;

const DTYPE_SIZE: Record<string, number> = { b: 1, i: 1, u: 1, f: 1, c: 1, m: 1, M: 1, V: 1, S: 1, U: 4, a: 1 };

/**
 * joblib (numpy_pickle.py NumpyArrayWrapper.write_array): after the wrapper's BUILD the array is
 * written raw into the stream, optionally after one padding-length byte and that many 0xff bytes; an
 * object array is a nested protocol-2 pickle instead.
 */
export async function skipJoblibArray(c: Cursor, wrapper: Extract<Value, { k: 'call' }>, scan: PickleScan, limits: FormatLimits, options: WalkOptions, walkPickle: PickleWalker): Promise<void> {
  const state = wrapper.state;
  if (!state || state.k !== 'dict') return;
  const shape = state.entries.get('shape');
  const dtype = state.entries.get('dtype');
  const at = c.pos;
  let itemsize: number | undefined;
  let isObject = false;
  if (dtype?.k === 'call' && dtype.args?.k === 'tuple') {
    const code = dtype.args.items[0];
    if (code?.k === 'str') {
      const m = /^[<>|=]?([a-zA-Z])(\d*)$/.exec(code.v);
      if (m) {
        if (m[1] === 'O') isObject = true;
        else if (m[1] && DTYPE_SIZE[m[1]] !== undefined) itemsize = DTYPE_SIZE[m[1]]! * Number(m[2] || 1);
      }
    }
  }
  if (isObject) {
    const inner = await walkPickle(c.source, limits, { member: `${options.member ?? 'joblib'} → object array at offset ${at}`, maxStreams: 1, depth: (options.depth ?? 0) + 1 }, c.pos);
    scan.globals.push(...inner.globals.slice(0, MAX_GLOBALS - scan.globals.length));
    scan.findings.push(...inner.findings);
    await c.skip(inner.consumed);
    return;
  }
  let elements = 1;
  if (shape?.k === 'tuple') {
    for (const s of shape.items) elements *= s.k === 'int' && s.v >= 0 ? s.v : NaN;
  } else elements = NaN;
  if (itemsize === undefined || !Number.isFinite(elements)) {
    scan.findings.push({ code: 'joblib-array-unknown-size', severity: 'low', message: `joblib array at offset ${at} has a shape or dtype this walker cannot size; the rest of the stream was not walked`, offset: at });
    throw new FormatError('malformed', `joblib array of unknown size at offset ${at}`, at);
  }
  if (state.entries.has('numpy_array_alignment_bytes')) {
    const pad = await c.u8();
    await c.skip(pad);
  }
  await c.skip(elements * itemsize);
}
