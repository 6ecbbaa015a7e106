// The values and results of the pickle opcode walker (pickle.ts): the symbolic stack's values, the
// globals a pickle names, the scan. Apart from pickle.ts so that pickle-joblib.ts shares them.
import type { GlobalVerdict } from './pickle-policy.js';
import type { FormatFinding } from './types.js';

export type Value =
  | { k: 'mark' }
  | { k: 'str'; v: string }
  | { k: 'bytes'; n: number }
  | { k: 'int'; v: number }
  | { k: 'global'; name: string }
  | { k: 'call'; callee: string; args: Value | undefined; state?: Value }
  | { k: 'tuple'; items: Value[] }
  | { k: 'dict'; entries: Map<string, Value> }
  | { k: 'other' };

export const MARK: Value = { k: 'mark' };
export const OTHER: Value = { k: 'other' };

export interface PickleGlobal {
  module: string;
  name: string;
  /** Offset of the opcode that named it (relative to the start of the walked stream). */
  offset: number;
  opcode: 'GLOBAL' | 'STACK_GLOBAL' | 'INST' | 'EXT';
  verdict: GlobalVerdict;
  /** Whether a REDUCE / NEWOBJ / INST / OBJ called it. */
  called: boolean;
}

export interface PickleScan {
  protocol: number;
  opcodes: number;
  /** Pickles walked back to back (a file may hold several, e.g. legacy torch.save). */
  streams: number;
  /** The last stream ended with STOP. */
  complete: boolean;
  globals: PickleGlobal[];
  findings: FormatFinding[];
  /** Bytes of the stream consumed by the walk (up to the last STOP). */
  consumed: number;
  /** Elements of the tensors torch's `_rebuild_tensor*` calls rebuild (a state dict's parameter count). */
  tensorElements: number;
}

export const MAX_GLOBALS = 4096;

export interface WalkOptions {
  /** Where findings say the stream is (`archive/data.pkl`). */
  member?: string;
  /** Walk further pickles that follow the first STOP (default true), at most this many. */
  maxStreams?: number;
  depth?: number;
}
