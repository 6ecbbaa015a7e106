// XGBoost models (xgboost doc/tutorials/saving_model.rst; src/learner.cc): JSON `{learner, version}`,
// UBJSON (default since 2.1; Netron checks `{L` or `{i`/`{U` key markers), and the legacy binary form
// with an optional "binf" header then LearnerModelParam {base_score f32, num_feature u32, num_class i32}.
import { readAt, startsWith, type ByteSource, type ReadBudget } from './source.js';
import { field, isObject, num, text, type Json, type JsonObject } from './json.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

export function readXgboostJson(root: JsonObject, d: Detection): boolean {
  const learner = field(root, 'learner');
  const version = field(root, 'version');
  if (!isObject(learner) || !Array.isArray(version)) return false;
  d.evidence.push('JSON object with "learner" and "version"');
  d.metadata['xgboost.version'] = version.map(String).join('.');
  learnerFacts(learner, d);
  return true;
}

function learnerFacts(learner: JsonObject, d: Detection): void {
  const obj = field(learner, 'objective');
  const objName = isObject(obj) ? text(field(obj, 'name')) : undefined;
  if (objName) d.metadata['xgboost.objective'] = objName;
  const gb = field(learner, 'gradient_booster');
  const gbName = isObject(gb) ? text(field(gb, 'name')) : undefined;
  if (gbName) d.metadata['xgboost.booster'] = gbName;
  const lmp = field(learner, 'learner_model_param');
  if (isObject(lmp)) {
    for (const k of ['num_feature', 'num_class', 'base_score', 'num_target']) {
      const v = field(lmp, k);
      if (typeof v === 'string' || typeof v === 'number') d.metadata[`xgboost.${k}`] = String(v);
    }
  }
  if (objName) d.card.task = /binary|multi|softmax|logistic/.test(objName) ? 'classification' : /rank/.test(objName) ? 'ranking' : 'regression';
  void num;
}

/** UBJSON (ubjson.org spec draft 12), enough for XGBoost's model document; capped depth and size. */
// eslint-disable-next-line max-lines-per-function -- one recursive-descent parser over the UBJSON type markers, with its cursor as locals
export function parseUbjson(b: Uint8Array, maxDepth: number, maxItems = 100_000): Json | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  let items = 0;
  const need = (n: number): void => {
    if (p + n > b.length) throw new Error('truncated');
  };
  const int = (t: number): number => {
    switch (t) {
      case 0x69: need(1); return view.getInt8(p++);
      case 0x55: need(1); return b[p++]!;
      case 0x49: need(2); p += 2; return view.getInt16(p - 2, false);
      case 0x6c: need(4); p += 4; return view.getInt32(p - 4, false);
      case 0x4c: need(8); p += 8; return Number(view.getBigInt64(p - 8, false));
      default: throw new Error(`not an integer marker 0x${t.toString(16)}`);
    }
  };
  const str = (): string => {
    need(1);
    const n = int(b[p++]!);
    if (n < 0) throw new Error('negative length');
    need(n);
    const s = new TextDecoder().decode(b.subarray(p, p + Math.min(n, 4096)));
    p += n;
    return s;
  };
  const value = (t: number, depth: number): Json => {
    if (++items > maxItems) throw new Error('too many items');
    if (depth > maxDepth) throw new Error('too deep');
    switch (t) {
      case 0x5a: return null;
      case 0x54: return true;
      case 0x46: return false;
      case 0x69: case 0x55: case 0x49: case 0x6c: case 0x4c: return int(t);
      case 0x64: need(4); p += 4; return view.getFloat32(p - 4, false);
      case 0x44: need(8); p += 8; return view.getFloat64(p - 8, false);
      case 0x43: need(1); return String.fromCharCode(b[p++]!);
      case 0x53: case 0x48: return str();
      case 0x5b: case 0x7b: {
        const obj = t === 0x7b;
        let type: number | undefined;
        let count: number | undefined;
        need(1);
        if (b[p] === 0x24) { p++; need(1); type = b[p++]; }
        need(1);
        if (b[p] === 0x23) { p++; need(1); count = int(b[p++]!); }
        if (count !== undefined && count < 0) throw new Error('negative count');
        const out: Json[] = [];
        const rec: JsonObject = Object.create(null) as JsonObject;
        for (let i = 0; count === undefined || i < count; i++) {
          if (count === undefined) {
            need(1);
            if (b[p] === (obj ? 0x7d : 0x5d)) { p++; break; }
          }
          if (obj) {
            const k = str();
            need(type === undefined ? 1 : 0);
            const v = value(type ?? b[p++]!, depth + 1);
            if (k !== '__proto__') rec[k] = v;
          } else if (type !== undefined && [0x69, 0x55, 0x49, 0x6c, 0x4c, 0x64, 0x44].includes(type) && count !== undefined) {
            // Typed numeric arrays (tree weights): skipped by size, not materialised.
            const size = { 0x69: 1, 0x55: 1, 0x49: 2, 0x6c: 4, 0x4c: 8, 0x64: 4, 0x44: 8 }[type]!;
            need(size * count);
            p += size * count;
            return `[${count} numbers]`;
          } else {
            need(type === undefined ? 1 : 0);
            out.push(value(type ?? b[p++]!, depth + 1));
          }
        }
        return obj ? rec : out;
      }
      default: throw new Error(`unknown UBJSON marker 0x${t.toString(16)} at ${p - 1}`);
    }
  };
  try {
    need(1);
    return value(b[p++]!, 0);
  } catch {
    return undefined;
  }
}

export function looksLikeUbjson(head: Uint8Array): boolean {
  return head[0] === 0x7b && (head[1] === 0x4c || head[1] === 0x69 || head[1] === 0x55 || head[1] === 0x49 || head[1] === 0x6c) ;
}

export async function readXgboostUbj(source: ByteSource, limits: FormatLimits): Promise<Detection | undefined> {
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const bytes = await readAt(source, 0, Math.min(source.size, limits.maxHeaderBytes), budget);
  const v = parseUbjson(bytes, limits.maxDepth);
  const d = newDetection('xgboost', 'high');
  d.variant = 'ubjson';
  if (!isObject(v) || !readXgboostJson(v, d)) return undefined;
  d.evidence.unshift('UBJSON object');
  if (bytes.length < source.size) d.incomplete.push('UBJSON read only to the header cap');
  return d;
}

export function readXgboostBinary(head: Uint8Array, name: string): Detection | undefined {
  const binf = startsWith(head, 'binf');
  if (!binf && !/\.(bst|deprecated)$/i.test(name)) return undefined;
  if (startsWith(head, 'bs64')) {
    const d = newDetection('xgboost', 'medium');
    d.variant = 'base64';
    d.evidence.push('"bs64" header (base64 legacy model)');
    return d;
  }
  const at = binf ? 4 : 0;
  if (head.length < at + 12) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const baseScore = view.getFloat32(at, true);
  const numFeature = view.getUint32(at + 4, true);
  const numClass = view.getInt32(at + 8, true);
  if (!Number.isFinite(baseScore) || numFeature > 10_000_000 || numClass < 0 || numClass > 100_000) return undefined;
  const d = newDetection('xgboost', binf ? 'medium' : 'low');
  d.variant = 'binary';
  d.evidence.push(binf ? '"binf" header, then LearnerModelParam' : 'a .bst name and a plausible LearnerModelParam');
  d.metadata['xgboost.base_score'] = String(baseScore);
  d.metadata['xgboost.num_feature'] = String(numFeature);
  d.metadata['xgboost.num_class'] = String(numClass);
  return d;
}
