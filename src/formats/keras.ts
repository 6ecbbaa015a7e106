// Keras models (keras-team/keras keras/src/saving/saving_lib.py, legacy/saving/legacy_h5_format.py):
// the serialized model config (`config.json` in a `.keras` zip, the `model_config` attribute of an
// HDF5 file) names the layers. A `Lambda` layer carries Python bytecode (marshal, base64) that runs
// when the model is loaded with safe_mode off; its code names are scanned for OS and exec calls
// without unmarshalling anything. Custom objects (`registered_name`, non-keras modules) need review.
import { field, isObject, keys, parseJsonText, text, type Json, type JsonObject } from './json.js';
import { classifyGlobal } from './pickle-policy.js';
import type { Detection, FormatLimits } from './types.js';

export function readKerasConfig(configText: string, d: Detection, limits: FormatLimits, member: string): void {
  const parsed = parseJsonText(configText, limits.maxDepth);
  if (!parsed.ok) {
    d.findings.push({ code: 'malformed-config', severity: 'low', message: `${member}: ${parsed.error}`, member });
    d.incomplete.push(`${member} is not valid JSON`);
    return;
  }
  for (const k of parsed.json.forbiddenKeys) d.findings.push({ code: 'forbidden-key', severity: 'low', message: `${member} has a ${JSON.stringify(k)} key (ignored)`, member });
  const root = parsed.json.value;
  if (!isObject(root)) return;
  const className = text(field(root, 'class_name'));
  if (className) d.metadata['keras.class_name'] = className;
  const cfg = field(root, 'config');
  const name = isObject(cfg) ? text(field(cfg, 'name')) : undefined;
  if (name) d.card.name = name;
  const layerClasses = new Map<string, number>();
  let layers = 0;
  // Iterative walk over every nested config: functional models nest layers inside layers.
  const stack: [Json, number][] = [[root, 0]];
  let visited = 0;
  while (stack.length > 0 && visited++ < 200_000) {
    const [v, depth] = stack.pop()!;
    if (depth > limits.maxDepth) continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
      continue;
    }
    if (!isObject(v)) continue;
    const cls = text(field(v, 'class_name'));
    const lcfg = field(v, 'config');
    if (cls && isObject(lcfg) && v !== root) {
      layers++;
      layerClasses.set(cls, (layerClasses.get(cls) ?? 0) + 1);
      if (cls === 'Lambda') lambdaLayer(lcfg, d, member);
      const module = text(field(v, 'module'));
      const registered = text(field(v, 'registered_name'));
      if (module && !/^keras(\.|$)/.test(module) && cls !== '__lambda__' && d.findings.filter((f) => f.code === 'keras-custom-object').length < 10) {
        d.findings.push({ code: 'keras-custom-object', severity: 'medium', message: `layer class ${cls} comes from module ${module}: custom code is imported when the model loads`, member });
      } else if (registered && registered.includes('>') && d.findings.filter((f) => f.code === 'keras-custom-object').length < 10) {
        d.findings.push({ code: 'keras-custom-object', severity: 'medium', message: `custom registered object ${registered}`, member });
      }
    }
    for (const k of keys(v)) stack.push([field(v, k)!, depth + 1]);
  }
  d.metadata['keras.layer_count'] = layers;
  if (layerClasses.size > 0) d.metadata['keras.layer_classes'] = [...layerClasses.keys()].slice(0, limits.maxArrayItems);
  if (layerClasses.has('Conv2D') || layerClasses.has('Conv1D')) d.card.architectureFamily = 'CNN';
  else if (layerClasses.has('MultiHeadAttention')) d.card.architectureFamily = 'transformer';
  else if (layerClasses.has('LSTM') || layerClasses.has('GRU')) d.card.architectureFamily = 'RNN';
}

function lambdaLayer(cfg: JsonObject, d: Detection, member: string): void {
  const fn = field(cfg, 'function');
  // Keras 3: {"class_name": "__lambda__", "config": {"code": b64}}; Keras 2: [b64, defaults, closure] with function_type "lambda".
  let code: string | undefined;
  if (isObject(fn)) {
    const inner = field(fn, 'config');
    code = isObject(inner) ? text(field(inner, 'code')) : undefined;
  } else if (Array.isArray(fn)) code = text(fn[0]);
  else if (typeof fn === 'string' && text(field(cfg, 'function_type')) === 'lambda') code = fn;
  const layerName = text(field(cfg, 'name')) ?? 'lambda';
  if (!code) {
    d.findings.push({ code: 'keras-lambda', severity: 'medium', message: `Lambda layer ${layerName} refers to a named Python function (imported when the model loads)`, member });
    return;
  }
  const names = marshalNames(Buffer.from(code, 'base64'));
  const dangerous = dangerousNames(names);
  if (dangerous.length > 0) {
    d.findings.push({ code: 'keras-lambda', severity: 'critical', message: `Lambda layer ${layerName} carries Python bytecode that uses ${dangerous.join(', ')}: it runs when the model is loaded with safe_mode=False`, member, global: `keras.Lambda:${dangerous[0]}` });
  } else {
    d.findings.push({ code: 'keras-lambda', severity: 'high', message: `Lambda layer ${layerName} carries Python bytecode (${names.slice(0, 8).join(', ') || 'no names'}): it runs when the model is loaded with safe_mode=False`, member, global: 'keras.Lambda' });
  }
}

/**
 * Short strings in CPython's marshal format (Python/marshal.c: TYPE_SHORT_ASCII 'z', TYPE_SHORT_ASCII_INTERNED
 * 'Z', TYPE_ASCII 'a'/'A', TYPE_UNICODE 'u', TYPE_STRING 's'; bit 0x80 is FLAG_REF): the identifiers a
 * code object uses (co_names, co_varnames, constants). A scan over bytes, not an unmarshal.
 */
export function marshalNames(bytes: Uint8Array): string[] {
  const out = new Set<string>();
  for (let i = 0; i < bytes.length && out.size < 256; i++) {
    const t = bytes[i]! & 0x7f;
    if (t === 0x7a || t === 0x5a) {
      const n = bytes[i + 1];
      if (n === undefined || i + 2 + n > bytes.length) continue;
      const s = asciiIdentifier(bytes, i + 2, n);
      if (s) {
        out.add(s);
        i += 1 + n;
      }
    } else if (t === 0x61 || t === 0x41 || t === 0x75 || t === 0x73 || t === 0x74) {
      if (i + 5 > bytes.length) continue;
      const n = bytes[i + 1]! | (bytes[i + 2]! << 8) | (bytes[i + 3]! << 16) | (bytes[i + 4]! << 24);
      if (n <= 0 || n > 256 || i + 5 + n > bytes.length) continue;
      const s = asciiIdentifier(bytes, i + 5, n);
      if (s) {
        out.add(s);
        i += 4 + n;
      }
    }
  }
  return [...out];
}

function asciiIdentifier(bytes: Uint8Array, start: number, n: number): string | undefined {
  if (n === 0) return undefined;
  let s = '';
  for (let j = start; j < start + n; j++) {
    const b = bytes[j]!;
    if (b < 0x20 || b > 0x7e) return undefined;
    s += String.fromCharCode(b);
  }
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(s) ? s : s.length > 2 ? s : undefined;
}

const DANGEROUS_NAMES = new Set(['system', 'popen', 'exec', 'eval', 'compile', '__import__', 'execfile', 'spawn', 'fork', 'Popen', 'call', 'check_output', 'run', 'getattr', 'open', 'socket', 'connect', 'urlopen', 'rmtree', 'remove', 'unlink']);

function dangerousNames(names: readonly string[]): string[] {
  const modules = names.filter((n) => classifyGlobal(n, 'x').verdict === 'unsafe' && classifyGlobal(n, 'x').severity !== 'medium');
  const calls = names.filter((n) => DANGEROUS_NAMES.has(n));
  if (modules.length > 0 || calls.some((c) => ['system', 'popen', 'exec', 'eval', '__import__', 'execfile', 'Popen', 'compile'].includes(c))) return [...new Set([...modules, ...calls])].slice(0, 6);
  return [];
}
