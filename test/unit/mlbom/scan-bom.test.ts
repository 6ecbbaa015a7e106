// The ML-BOM `aibom scan` writes: valid CycloneDX 1.6 (the official schema, strict), read back by our
// own BOM parser into the same models (format, parameters, quantization, unsafe globals, licence,
// hub purl), classified `model` by `aibom classify`, and the SPDX 3 rendering read back too.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validation } from '@cyclonedx/cyclonedx-library';
import { readBom } from '../../../src/bom/read.js';
import { renderBom, runScan, type ScanResult } from '../../../src/scan/run-scan.js';
import { runCli } from '../../support/cli.js';
import { modelFixtures } from '../../support/model-fixtures.js';

const clock = (): Date => new Date('2026-01-02T03:04:05Z');

describe('aibom scan output (CycloneDX 1.6 ML-BOM, SPDX 3)', function () {
  this.timeout(120_000);
  let formats: ScanResult;
  let malicious: ScanResult;
  before(async () => {
    const { dir } = modelFixtures();
    formats = await runScan({ target: path.join(dir, 'formats'), hash: true, maxBytes: 1e12, clock, toolVersion: '0.0.0-test' });
    malicious = await runScan({ target: path.join(dir, 'malicious'), hash: true, maxBytes: 1e12, clock, toolVersion: '0.0.0-test' });
  });

  it('validates against the CycloneDX 1.6 JSON schema (strict)', async () => {
    const validator = new Validation.JsonStrictValidator('1.6' as never);
    for (const r of [formats, malicious]) {
      const errors = await validator.validate(renderBom(r, 'cyclonedx-json'));
      expect(errors, JSON.stringify(errors, null, 1)?.slice(0, 2000)).to.equal(null);
    }
  });

  it('is read back by our BOM parser into the same models', () => {
    const read = readBom(Buffer.from(renderBom(formats, 'cyclonedx-json')));
    expect(read.ok).to.equal(true);
    if (!read.ok) return;
    const byName = new Map(read.inventory.models.map((m) => [m.name, m]));
    expect(read.inventory.models.length).to.equal(formats.models.length);
    for (const m of formats.models) {
      const r = byName.get(m.name);
      expect(r, m.name).to.not.equal(undefined);
      expect(r!.format, m.name).to.equal(m.format);
      if (m.card.parameters !== undefined) expect(r!.parameters, m.name).to.equal(String(m.card.parameters));
      if (m.files.length === 1 && m.files[0]!.sha256) expect(r!.hashes).to.deep.equal([{ alg: 'SHA-256', content: m.files[0]!.sha256 }]);
    }
    const gguf = byName.get('Tiny Llama Fixture')!;
    expect([gguf.license, gguf.quantization, gguf.modelArchitecture]).to.deep.equal(['Apache-2.0', 'Q8_0', 'llama']);
    const hub = byName.get('acme/tiny-bert')!;
    expect(hub.purl).to.equal('pkg:huggingface/acme/tiny-bert@0123456789abcdef0123456789abcdef01234567');
    expect([hub.license, hub.task, hub.modelArchitecture, hub.datasets]).to.deep.equal(['MIT', 'text-classification', 'BertForSequenceClassification', ['imdb']]);
    expect(hub.format).to.equal('safetensors');
  });

  it('carries the unsafe globals as aibom:security:unsafe-pickle, read back by the parser', () => {
    const read = readBom(Buffer.from(renderBom(malicious, 'cyclonedx-json')));
    if (!read.ok) throw new Error(read.error);
    const torch = read.inventory.models.find((m) => m.name === 'torch-zip')!;
    expect(torch.unsafePickle).to.match(/posix\.system/);
    expect(read.inventory.models.every((m) => m.unsafePickle !== undefined || m.properties !== undefined || true)).to.equal(true);
    expect(read.inventory.models.filter((m) => m.unsafePickle).length).to.equal(malicious.models.length);
  });

  it('`aibom classify` says model', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aibom-scan-bom-'));
    const file = path.join(dir, 'bom.json');
    writeFileSync(file, renderBom(formats, 'cyclonedx-json'));
    const run = await runCli(['classify', file, '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout).classification ?? JSON.parse(run.stdout)).to.satisfy((c: unknown) => JSON.stringify(c).includes('"model"'));
  });

  it('SPDX 3 rendering is read back with the same model names', () => {
    const read = readBom(Buffer.from(renderBom(formats, 'spdx-json')));
    if (!read.ok) throw new Error(read.error);
    expect(read.inventory.format).to.equal('spdx3');
    expect(read.inventory.models.map((m) => m.name).sort()).to.deep.equal(formats.models.map((m) => m.name).sort());
  });

  it('CycloneDX XML rendering is well-formed and lists every model', () => {
    const xml = renderBom(formats, 'cyclonedx-xml');
    expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<bom xmlns="http:\/\/cyclonedx.org\/schema\/bom\/1.6"/);
    expect(xml.match(/<component type="machine-learning-model"/g)?.length).to.equal(formats.models.length);
  });

  it('CycloneDX XML validates against the official 1.6 XSD (xmllint, schema from @cyclonedx/cyclonedx-library)', () => {
    // The schema files the library bundles, read where npm put them (never copied here); xmllint is
    // Debian's libxml2-utils (scripts/setup/debian.sh). --nonet: the XSD imports spdx.xsd beside it.
    const schema = path.join(path.dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res/schema/bom-1.6.SNAPSHOT.xsd');
    const dir = mkdtempSync(path.join(tmpdir(), 'aibom-xsd-'));
    for (const [name, r] of [['formats', formats], ['malicious', malicious]] as const) {
      const file = path.join(dir, `${name}.cdx.xml`);
      writeFileSync(file, renderBom(r, 'cyclonedx-xml'));
      const v = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, file], { encoding: 'utf8' });
      expect(v.error, 'xmllint is missing: run scripts/setup/debian.sh (libxml2-utils)').to.equal(undefined);
      expect(v.stderr.trim().split('\n').slice(-20).join('\n')).to.equal(`${file} validates`);
      expect(v.status).to.equal(0);
    }
  });

  it('is deterministic for the same files and clock', async () => {
    const again = await runScan({ target: path.join(modelFixtures().dir, 'formats'), hash: true, maxBytes: 1e12, clock, toolVersion: '0.0.0-test' });
    expect(renderBom(again, 'cyclonedx-json')).to.equal(renderBom(formats, 'cyclonedx-json'));
  });
});
