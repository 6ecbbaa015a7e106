// The names of SPDX 3.0 JSON-LD: class names with or without their profile prefix or as full IRIs,
// properties with or without their prefix, vocabulary values as IRIs (SPDX 3.0.1 model,
// https://spdx.github.io/spdx-spec/v3.0.1/serializations/ and the JSON-LD context). Shared by spdx3.ts
// and spdx3-model.ts.
import type { JsonRecord } from './util.js';
import { own, str } from './util.js';

/** Profile prefixes of SPDX 3 class names (`ai_`, `software:`…), compared case-insensitively. */
const PROFILE_PREFIXES = new Set(['ai', 'dataset', 'software', 'simplelicensing', 'expandedlicensing', 'build', 'security', 'lite', 'core', 'extension']);

export type Rel = { type: string; to: string[]; scope?: string };

/** The text after the last `/` or `#` (the whole string when it has neither): the local name of an IRI. */
export function localName(s: string): string {
  // A char loop: runs for every element and relationship, and is several times cheaper than two
  // lastIndexOf calls or a split on short strings.
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 47 /* / */ || c === 35 /* # */) return s.slice(i + 1);
  }
  return s;
}

/** Short class name: `ai_AIPackage`, `AIPackage`, `https://spdx.org/rdf/3.0.1/terms/AI/AIPackage` → `AIPackage`. */
export function spdx3TypeName(value: unknown): string | undefined {
  const t = str(value);
  if (!t) return undefined;
  const last = localName(t);
  // Strip one known profile prefix followed by `_` or `:`. The prefixes contain neither character, so
  // the separator is the first `_` or `:` of the name (no regex: this runs once per element).
  let sep = last.indexOf('_');
  const colon = last.indexOf(':');
  if (sep < 0 || (colon >= 0 && colon < sep)) sep = colon;
  if (sep <= 0) return last;
  return PROFILE_PREFIXES.has(last.slice(0, sep).toLowerCase()) ? last.slice(sep + 1) : last;
}

/**
 * Bare names of the prefixed property names this module asks for (`software_packageUrl` → `packageUrl`).
 * Keyed by names written in this file only, never by document keys, so it stays small.
 */
const bareNames = new Map<string, string>();

/** A property under its JSON-LD name or, leniently, without the profile prefix. */
export function prop(e: JsonRecord, prefixed: string): unknown {
  const v = own(e, prefixed);
  if (v !== undefined) return v;
  let bare = bareNames.get(prefixed);
  if (bare === undefined) {
    bare = prefixed.replace(/^[a-z]+_/, '');
    bareNames.set(prefixed, bare);
  }
  return own(e, bare);
}

export function vocab(value: unknown): string | undefined {
  const s = str(value);
  return s ? localName(s) : undefined;
}
