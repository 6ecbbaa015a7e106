// `aibom classify` end to end through main(), on real corpus files.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { corpusAvailable, corpusDir, expectCorpus } from '../../support/corpus.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  return { code, out, err };
}

describe('cli: aibom classify', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'aibom-classify-'));
  const corpus = (f: string): string => join(corpusDir, f);

  it('corpus is available for the CLI tests', () => expectCorpus());

  it('prints the JSON report for a generator BOM (wrapper → model)', async function () {
    const file = corpusAvailable() ? corpus('rhtpa__nvidia_canary-1b-v2_aibom.json') : join(dir, 'a1.json');
    if (!corpusAvailable()) writeFileSync(file, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'machine-learning-model', name: 'canary-1b-v2', version: '1.0', purl: 'pkg:huggingface/nvidia/canary-1b-v2@1.0', licenses: [{ license: { id: 'cc-by-4.0' } }] }] }));
    const r = await run(['classify', file, '--json']);
    expect(r.code).to.equal(0);
    const report = JSON.parse(r.out) as Record<string, unknown>;
    expect(report).to.include({ format: 'cyclonedx', specVersion: '1.6', classification: 'model' });
    for (const key of ['models', 'datasets', 'agents', 'findings', 'reasons']) expect(report[key]).to.be.an('array');
    const m = (report.models as Record<string, unknown>[])[0]!;
    expect(m).to.include({ name: 'canary-1b-v2', version: '1.0', purl: 'pkg:huggingface/nvidia/canary-1b-v2@1.0', license: 'CC-BY-4.0' });
  });

  it('prints a human summary for an agent BOM', async () => {
    const file = join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { component: { type: 'application', 'bom-ref': 'app', name: 'triage' } }, components: [{ type: 'machine-learning-model', 'bom-ref': 'm', name: 'clf' }], dependencies: [{ ref: 'app', dependsOn: ['m'] }] }));
    const r = await run(['classify', file]);
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/classification: agent/);
    expect(r.out).to.match(/agent: +triage uses clf/);
  });

  it('exits 2 with one line saying where the JSON is invalid', async () => {
    const file = corpusAvailable() ? corpus('bom-examples-MLBOM-Dataset__bom.json') : join(dir, 'bad.json');
    if (!corpusAvailable()) writeFileSync(file, '{\n "a": 1,\n}\n');
    const r = await run(['classify', file]);
    expect(r.code).to.equal(2);
    expect(r.out).to.equal('');
    expect(r.err.trim().split('\n')).to.have.length(1);
    expect(r.err).to.match(/invalid JSON at line \d+, column \d+/);
  });

  it('exits 2 for a missing file and for a non-BOM', async () => {
    expect((await run(['classify', join(dir, 'nope.json')])).code).to.equal(2);
    const file = join(dir, 'x.json');
    writeFileSync(file, '{"hello":1}');
    const r = await run(['classify', file]);
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/not a CycloneDX, SPDX 2 or SPDX 3/);
  });

  it('--strict validates CycloneDX against the schema (valid and invalid)', async () => {
    const valid = join(dir, 'valid.json');
    writeFileSync(valid, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'machine-learning-model', name: 'm', licenses: [{ license: { id: 'MIT' } }] }] }));
    const ok = await run(['classify', valid, '--json', '--strict']);
    expect(ok.code).to.equal(0);
    expect((JSON.parse(ok.out) as { findings: { code: string }[] }).findings.map((f) => f.code)).to.include('schema-valid');
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'machine-learning-model', name: 'm', licenses: [{ license: { id: 'unknown' } }] }] }));
    const bad = await run(['classify', invalid, '--strict']);
    expect(bad.code).to.equal(2);
    expect(bad.out).to.match(/schema-invalid/);
  });
});
