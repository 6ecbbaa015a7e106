// Untrusted JSON found inside model files (safetensors headers, Keras configs, HF config.json, …):
// parsed once, size-capped by the caller, with the keys that probe for prototype pollution reported
// and never looked up. Readers use `field`, which only sees own properties.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedJson {
  value: Json;
  /** Forbidden keys seen anywhere (`__proto__`, …), which readers ignore. */
  forbiddenKeys: string[];
  /** Deepest nesting seen. */
  depth: number;
}

export function parseJsonText(text: string, maxDepth: number): { ok: true; json: ParsedJson } | { ok: false; error: string } {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (err) {
    return { ok: false, error: (err as Error).message.replace(/ in JSON at position (\d+).*/, ' at position $1') };
  }
  const forbidden = new Set<string>();
  let depth = 0;
  // Iterative walk: hostile nesting must not overflow the stack.
  const stack: [Json, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > depth) depth = d;
    if (d > maxDepth) return { ok: false, error: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) for (const x of v) stack.push([x, d + 1]);
    else
      for (const k of Object.keys(v)) {
        if (FORBIDDEN.has(k)) forbidden.add(k);
        stack.push([v[k]!, d + 1]);
      }
  }
  return { ok: true, json: { value, forbiddenKeys: [...forbidden], depth } };
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own property (never one inherited, never `__proto__` and friends). */
export function field(obj: JsonObject, key: string): Json | undefined {
  if (FORBIDDEN.has(key)) return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function text(v: Json | undefined): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function num(v: Json | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function texts(v: Json | undefined, max = 64): string[] {
  if (typeof v === 'string') return v.trim() ? [v.trim()] : [];
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) {
    if (out.length >= max) break;
    if (typeof x === 'string' && x.trim()) out.push(x.trim());
  }
  return out;
}

/** Safe own keys of an object (forbidden ones dropped). */
export function keys(obj: JsonObject): string[] {
  return Object.keys(obj).filter((k) => !FORBIDDEN.has(k));
}
