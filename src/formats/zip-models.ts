// Zip-based model files, told apart by their members (docs/formats-and-metadata.md): torch.save (every entry under one
// top-level directory holding `data.pkl`), TorchScript (+ `constants.pkl` / `code/`), Keras 3
// `.keras` (`metadata.json` + `config.json`), DL4J (`configuration.json` + `coefficients.bin`) and
// numpy `.npz`. Pickle members are walked (pickle.ts); weights are never read.
import { FormatError, type ByteSource, type ReadBudget } from './source.js';
import { memberSource, readMember, readZipDirectory, type ZipEntry } from './zip.js';
import { walkPickle } from './pickle.js';
import { applyPickleScan } from './pickle-file.js';
import { readKerasConfig } from './keras.js';
import { field, isObject, parseJsonText, text } from './json.js';
import { recordFormatError } from './read-guard.js';
import { readNpy } from './signatures.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

const MEMBER_JSON_MAX = 16 * 1024 * 1024;

// eslint-disable-next-line max-lines-per-function -- one pass over the zip members that tells the zip-based formats apart in order of precedence
export async function readZipModel(source: ByteSource, limits: FormatLimits, fileName: string): Promise<Detection | undefined> {
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  let entries: ZipEntry[];
  let truncated = false;
  try {
    const dir = await readZipDirectory(source, budget, limits.maxZipEntries);
    entries = dir.entries;
    truncated = dir.truncated;
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    if (!/\.(pt|pth|bin|ckpt|keras|ptl|zip|npz)$/i.test(fileName)) return undefined;
    const d = newDetection(/\.keras$/i.test(fileName) ? 'keras' : /\.npz$/i.test(fileName) ? 'numpy' : 'pytorch', 'low');
    d.evidence.push('zip local-header magic "PK\\x03\\x04"');
    recordFormatError(d, 'zip', err);
    return d;
  }
  const names = new Map(entries.map((e) => [e.name, e]));
  const tops = new Set(entries.map((e) => e.name.split('/')[0]!));
  const top = tops.size === 1 && entries.every((e) => e.name.includes('/')) ? [...tops][0]! : undefined;
  const inTop = (rel: string): ZipEntry | undefined => (top !== undefined ? names.get(`${top}/${rel}`) : undefined);

  const dataPkl = inTop('data.pkl');
  if (dataPkl) {
    const torchscript = inTop('constants.pkl') !== undefined || entries.some((e) => e.name.startsWith(`${top}/code/`));
    const d = newDetection(torchscript ? 'torchscript' : 'pytorch', 'high');
    if (inTop('bytecode.pkl')) d.variant = 'lite';
    d.evidence.push(`zip with every entry under ${top}/ and ${top}/data.pkl${torchscript ? ', constants.pkl / code/' : ''}`);
    const version = inTop('version') ?? inTop('.data/version');
    if (version) {
      const v = await member(source, version, budget, 64, d);
      if (v) d.metadata['pytorch.archive_version'] = new TextDecoder().decode(v).trim();
    }
    const pickles = [dataPkl, inTop('constants.pkl'), inTop('bytecode.pkl')].filter((e): e is ZipEntry => e !== undefined);
    // Extra members that are pickles too (attackers hide payloads beside data.pkl).
    for (const e of entries) if (/\.pkl$/.test(e.name) && !pickles.includes(e) && pickles.length < 16) pickles.push(e);
    for (const e of pickles) await inMember(source, e, budget, limits, d, async (m) => applyPickleScan(d, await walkPickle(m, limits, { member: e.name }), e.name));
    const storages = entries.filter((e) => e.name.startsWith(`${top}/data/`)).length;
    d.metadata['pytorch.storages'] = storages;
    if (torchscript) {
      const code = entries.filter((e) => e.name.startsWith(`${top}/code/__torch__/`) && e.name.endsWith('.py')).map((e) => e.name.slice(`${top}/code/__torch__/`.length, -3).replace(/\//g, '.'));
      if (code.length > 0) d.metadata['torchscript.modules'] = code.slice(0, limits.maxArrayItems);
    }
    if (truncated) d.incomplete.push(`more than ${limits.maxZipEntries} zip entries`);
    return d;
  }

  const kerasConfig = names.get('config.json');
  const kerasMeta = names.get('metadata.json');
  if (kerasConfig && (kerasMeta || names.has('model.weights.h5') || names.has('model.weights.npz'))) {
    const d = newDetection('keras', 'high');
    d.evidence.push('zip with config.json, metadata.json and model.weights.* (Keras 3 saving_lib layout)');
    if (kerasMeta) {
      const m = await member(source, kerasMeta, budget, MEMBER_JSON_MAX, d);
      const parsed = m ? parseJsonText(new TextDecoder().decode(m), limits.maxDepth) : undefined;
      if (parsed?.ok && isObject(parsed.json.value)) {
        const v = text(field(parsed.json.value, 'keras_version'));
        if (v) d.metadata['keras.keras_version'] = v;
        const saved = text(field(parsed.json.value, 'date_saved'));
        if (saved) d.metadata['keras.date_saved'] = saved;
      }
    }
    const c = await member(source, kerasConfig, budget, MEMBER_JSON_MAX, d);
    if (c) readKerasConfig(new TextDecoder().decode(c), d, limits, 'config.json');
    return d;
  }

  const dl4jConfig = names.get('configuration.json');
  if (dl4jConfig && names.has('coefficients.bin')) {
    const d = newDetection('dl4j', 'high');
    d.evidence.push('zip with configuration.json and coefficients.bin (DL4J ModelSerializer)');
    const c = await member(source, dl4jConfig, budget, MEMBER_JSON_MAX, d);
    const parsed = c ? parseJsonText(new TextDecoder().decode(c), limits.maxDepth) : undefined;
    if (parsed?.ok && isObject(parsed.json.value)) {
      if (field(parsed.json.value, 'confs') !== undefined) d.variant = 'MultiLayerNetwork';
      else if (field(parsed.json.value, 'vertices') !== undefined) d.variant = 'ComputationGraph';
    }
    return d;
  }

  const npys = entries.filter((e) => e.name.endsWith('.npy'));
  if (npys.length > 0 && npys.length === entries.length) {
    const d = newDetection('numpy', 'high');
    d.variant = 'npz';
    d.evidence.push(`zip of ${npys.length} .npy array(s)`);
    d.metadata['numpy.arrays'] = npys.slice(0, limits.maxArrayItems).map((e) => e.name.slice(0, -4));
    for (const e of npys.slice(0, 64)) {
      await inMember(source, e, budget, limits, d, async (m) => {
        const inner = await readNpy(m, limits);
        for (const f of inner.findings) d.findings.push({ ...f, member: e.name });
      });
    }
    return d;
  }
  return undefined;
}

/** Runs `read` over a member read in place (never copied whole); structural errors become findings. */
async function inMember(source: ByteSource, e: ZipEntry, budget: ReadBudget, limits: FormatLimits, d: Detection, read: (m: ByteSource) => Promise<void>): Promise<void> {
  let m: { source: ByteSource; close(): void } | undefined;
  try {
    m = await memberSource(source, e, budget, limits.maxInflateBytes);
    await read(m.source);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    recordFormatError(d, 'zip member', err, e.name);
  } finally {
    m?.close();
  }
}

async function member(source: ByteSource, e: ZipEntry, budget: ReadBudget, max: number, d: Detection): Promise<Uint8Array | undefined> {
  try {
    return await readMember(source, e, budget, max);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    recordFormatError(d, 'zip member', err, e.name);
    return undefined;
  }
}
