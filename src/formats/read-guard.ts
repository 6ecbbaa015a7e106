// One way to turn a structural problem met while reading into a finding: a detector wraps its walk
// in `guarded`, and a FormatError (truncated, lying length, budget exhausted) becomes a low-severity
// finding plus an `incomplete` reason, never an exception.
import { FormatError } from './source.js';
import type { Detection } from './types.js';

const CODES: Record<string, string> = { truncated: 'truncated', budget: 'header-too-large', 'too-large': 'lying-length', malformed: 'malformed-header', backwards: 'needs-random-access' };

export function recordFormatError(d: Detection, label: string, err: FormatError, member?: string): void {
  d.findings.push({ code: CODES[err.code] ?? 'malformed-header', severity: 'low', message: `${label}: ${err.message}`, ...(err.offset !== undefined ? { offset: err.offset } : {}), ...(member ? { member } : {}) });
  d.incomplete.push(`${label}${member ? ` (${member})` : ''} not read to the end: ${err.message}`);
}

export async function guarded(d: Detection, label: string, walk: () => Promise<void>, member?: string): Promise<boolean> {
  try {
    await walk();
    return true;
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    recordFormatError(d, label, err, member);
    return false;
  }
}
