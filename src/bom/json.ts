// Bounded JSON: JSON.parse (V8's parser is iterative, so deep nesting does not overflow the stack),
// then one iterative pass that enforces the caps before any parser walks the value:
// depth, array length, string length, and the keys `__proto__` / `constructor` / `prototype`
// (removed: they have no meaning in CycloneDX or SPDX and are the usual prototype-pollution probes).
import type { BomLimits } from './limits.js';
import type { FindingSink } from './util.js';

export interface JsonSyntaxError {
  message: string;
  line?: number;
  column?: number;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: describeSyntaxError(text, (err as Error).message) };
  }
}

/** Node 20 says "at position N"; newer V8 says "(line L column C)". Normalise to line/column. */
export function describeSyntaxError(text: string, raw: string): JsonSyntaxError {
  const lc = /line (\d+) column (\d+)/.exec(raw);
  const message = raw.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
  if (lc) return { message, line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(raw);
  if (pos) {
    const p = Math.min(Number(pos[1]), text.length);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < p; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { message, line, column: p - lineStart + 1 };
  }
  if (/end of (JSON )?input/i.test(raw)) {
    const lines = text.split('\n');
    return { message, line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
  }
  return { message };
}

/**
 * Enforces the caps in place (the value was just parsed and is ours). Iterative, visits each value once.
 * Returns the (possibly replaced) root.
 *
 * Hot path (it touches every value of a BOM of up to 16 MB): two parallel stacks instead of one
 * `{ node, depth }` object per container, and `for…in` instead of `Object.keys` so that no key array is
 * allocated per object. `for…in` sees only own keys here: JSON.parse objects inherit from
 * Object.prototype alone, which has no enumerable properties; deleting the key being visited is allowed.
 */
export function enforceLimits(root: unknown, limits: BomLimits, sink: FindingSink): unknown {
  const { maxStringLength, maxArrayLength, maxDepth } = limits;
  let depthCut = 0;
  let arraysCut = 0;
  let stringsCut = 0;
  let keysRemoved = 0;
  // A bare string is not a BOM (the caller rejects it); it is clipped without a finding.
  if (typeof root === 'string') return root.length > maxStringLength ? root.slice(0, maxStringLength) : root;
  if (typeof root === 'object' && root !== null) {
    const nodes: object[] = [root];
    const depths: number[] = [1];
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const depth = depths.pop()!;
      if (Array.isArray(node)) {
        if (node.length > maxArrayLength) {
          arraysCut++;
          node.length = maxArrayLength;
        }
        for (let i = 0; i < node.length; i++) {
          const v: unknown = node[i];
          if (typeof v === 'string') {
            if (v.length > maxStringLength) {
              stringsCut++;
              node[i] = v.slice(0, maxStringLength);
            }
          } else if (typeof v === 'object' && v !== null) {
            if (depth >= maxDepth) {
              node[i] = null;
              depthCut++;
            } else {
              nodes.push(v);
              depths.push(depth + 1);
            }
          }
        }
      } else {
        const rec = node as Record<string, unknown>;
        for (const key in rec) {
          if (FORBIDDEN_KEYS.has(key)) {
            delete rec[key];
            keysRemoved++;
            continue;
          }
          const v = rec[key];
          if (typeof v === 'string') {
            if (v.length > maxStringLength) {
              stringsCut++;
              rec[key] = v.slice(0, maxStringLength);
            }
          } else if (typeof v === 'object' && v !== null) {
            if (depth >= maxDepth) {
              rec[key] = null;
              depthCut++;
            } else {
              nodes.push(v);
              depths.push(depth + 1);
            }
          }
        }
      }
    }
  }
  if (depthCut > 0) sink.add('json-too-deep', 'warning', `JSON nested deeper than ${limits.maxDepth} levels: ${depthCut} value(s) cut`);
  if (arraysCut > 0) sink.add('array-truncated', 'warning', `${arraysCut} array(s) longer than ${limits.maxArrayLength} elements were truncated`);
  if (stringsCut > 0) sink.add('string-truncated', 'warning', `${stringsCut} string(s) longer than ${limits.maxStringLength} characters were truncated`);
  if (keysRemoved > 0) sink.add('forbidden-key', 'warning', `${keysRemoved} key(s) named __proto__, constructor or prototype were ignored`);
  return root;
}
