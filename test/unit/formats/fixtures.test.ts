// Every fixture written by the real libraries (or our byte-exact writers where none installs) is
// detected as its format, with the facts the writer itself recorded in the manifest.
import { expect } from 'chai';
import path from 'node:path';
import { detectFile, HEAD_BYTES } from '../../../src/formats/detect.js';
import { DEFAULT_FORMAT_LIMITS, atLeast, type Detection } from '../../../src/formats/types.js';
import { openFileSource } from '../../../src/scan/file-source.js';
import { modelFixtures, type FixtureEntry } from '../../support/model-fixtures.js';

export async function detectFixture(dir: string, rel: string): Promise<Detection | undefined> {
  const f = await openFileSource(path.join(dir, rel));
  try {
    const head = await f.source.read(0, HEAD_BYTES);
    return await detectFile({ path: rel, size: f.source.size, head, source: f.source }, DEFAULT_FORMAT_LIMITS);
  } finally {
    await f.close();
  }
}

function fact(d: Detection, key: string): unknown {
  if (key.startsWith('metadata.')) return d.metadata[key.slice('metadata.'.length)];
  if (key === 'variant') return d.variant;
  return (d.card as Record<string, unknown>)[key];
}

describe('model-file detection on fixtures written by the real libraries', function () {
  this.timeout(120_000);
  let fixtures: { dir: string; manifest: FixtureEntry[] };
  before(() => {
    fixtures = modelFixtures();
  });

  it('covers every format the issue names (the manifest is complete)', () => {
    const formats = new Set(fixtures.manifest.map((m) => m.format));
    for (const f of ['gguf', 'safetensors', 'onnx', 'pytorch', 'torchscript', 'pickle', 'joblib', 'sklearn', 'keras', 'savedmodel', 'tensorflow', 'tflite', 'coreml', 'xgboost', 'lightgbm', 'catboost', 'pmml', 'mlflow', 'triton', 'openvino', 'nnef', 'mxnet', 'caffe', 'dl4j', 'flax', 'tensorrt', 'rknn', 'git-lfs-pointer', 'numpy']) {
      expect(formats.has(f), f).to.equal(true);
    }
  });

  it('detects each fixture with the format and header facts its writer recorded', async () => {
    const failures: string[] = [];
    for (const m of fixtures.manifest) {
      const d = await detectFixture(fixtures.dir, m.path);
      if (!d) {
        failures.push(`${m.path}: not detected`);
        continue;
      }
      if (m.format !== null && d.format !== m.format) failures.push(`${m.path}: format ${d.format}, want ${m.format}`);
      for (const [k, want] of Object.entries(m.expect)) {
        // Repository-level facts (a hub snapshot's licence, task, purl) are the model's, checked on the BOM.
        if (['unsafe', 'dangerous', 'purl', 'task', 'datasets', 'architecture', 'license'].includes(k) && m.path.includes('/hub/')) continue;
        if (['unsafe', 'dangerous'].includes(k)) continue;
        const got = fact(d, k);
        if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${m.path}: ${k} = ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('flags every malicious fixture with the dangerous global (or Lambda) and the exact offset, and no benign one', async () => {
    const problems: string[] = [];
    for (const m of fixtures.manifest.filter((x) => x.expect.unsafe !== undefined)) {
      const d = (await detectFixture(fixtures.dir, m.path))!;
      const unsafe = d.findings.filter((f) => atLeast(f.severity, 'high'));
      const review = d.findings.filter((f) => f.severity === 'medium');
      if (m.expect.unsafe) {
        const want = m.expect.dangerous!;
        const hit = unsafe.find((f) => (f.global ?? '').replace(/^posix\./, 'os.').replace(/^__builtin__\./, 'builtins.').replace(/^_pickle\./, 'pickle.').startsWith(want));
        if (!hit) problems.push(`${m.path}: no ${want} among ${unsafe.map((f) => f.global).join(', ')}`);
        else if (!want.startsWith('keras') && typeof hit.offset !== 'number') problems.push(`${m.path}: ${want} without an offset`);
      } else if (unsafe.length + review.length > 0) problems.push(`${m.path}: false positive ${[...unsafe, ...review].map((f) => f.global ?? f.code).join(', ')}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('reports the opcode offset of a GLOBAL exactly', async () => {
    const d = (await detectFixture(fixtures.dir, 'malicious/os-system-proto2.pkl'))!;
    const f = d.findings.find((x) => x.code === 'unsafe-pickle-global')!;
    // 80 02 | 63 'c' GLOBAL at offset 2
    expect(f.offset).to.equal(2);
    expect(f.severity).to.equal('critical');
  });
});
