// Small guards for walking untrusted JSON: every read is typed here, never by a cast elsewhere.
import { clip, isRecord } from '../contracts/json-guards.js';
import type { Finding, FindingSeverity } from '../contracts/inventory.js';
import { LIMIT_FINDING_CODES } from '../contracts/inventory.js';

export type JsonRecord = Record<string, unknown>;

export { clip, isRecord } from '../contracts/json-guards.js';

/** A non-empty trimmed string, or undefined. */
export function str(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t.length > 0 ? t : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function records(value: unknown): JsonRecord[] {
  return arr(value).filter(isRecord);
}

/** Strings of an array (or a single string), trimmed, non-empty. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return str(value) ? [value.trim()] : [];
  const out: string[] = [];
  for (const v of arr(value)) {
    const s = str(v);
    if (s !== undefined) out.push(s);
  }
  return out;
}

/**
 * A property of a parsed JSON object. Plain indexing is safe here (and several times faster than a
 * hasOwnProperty call on the hot path): the readers only ask for schema keys (`type`, `name`, …), none of
 * which is an Object.prototype member, and json.ts has already removed `__proto__`/`constructor`/`prototype`.
 * Keys that come from the document itself are only ever used with Map, never with records.
 */
export function own(obj: JsonRecord, key: string): unknown {
  return obj[key];
}

export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}


/** Collects findings under a cap; the overflow is summarised in one last finding. */
export class FindingSink {
  readonly findings: Finding[] = [];
  private dropped = 0;
  constructor(private readonly max: number) {}

  add(code: string, severity: FindingSeverity, message: string, path?: string): void {
    if (this.findings.length >= this.max && !LIMIT_FINDING_CODES.has(code)) {
      this.dropped++;
      return;
    }
    const f: Finding = { code, severity, message: clip(message, 300) };
    if (path !== undefined) f.path = clip(path, 200);
    this.findings.push(f);
  }

  has(code: string): boolean {
    return this.findings.some((f) => f.code === code);
  }

  finish(): Finding[] {
    if (this.dropped > 0) {
      this.findings.push({ code: 'findings-truncated', severity: 'warning', message: `${this.dropped} more findings were not recorded` });
      this.dropped = 0;
    }
    return this.findings;
  }
}
