// `aibom scan DIR` output choices: the BOM on stdout by default, the summary alone with --json, and
// both (BOM to the file, summary on stdout) with --json -o FILE.
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/server.js';

function safetensors(dataBytes: number): Buffer {
  const json = JSON.stringify({ __metadata__: { format: 'pt' }, w: { dtype: 'U8', shape: [dataBytes], data_offsets: [0, dataBytes] } });
  const header = Buffer.alloc(8 + json.length, 0x20);
  header.writeBigUInt64LE(BigInt(json.length), 0);
  header.write(json, 8);
  return Buffer.concat([header, Buffer.alloc(dataBytes)]);
}

describe('aibom scan DIR: where the BOM and the summary go', () => {
  const tmp = tempDir('scan-output');
  let dir: string;

  before(() => {
    dir = path.join(tmp.dir, 'models');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'tiny.safetensors'), safetensors(16));
  });
  after(() => tmp.remove());

  it('prints the CycloneDX BOM by default', async () => {
    const run = await runCli(['scan', dir, '--no-progress']);
    expect(run.code, run.stderr).to.equal(0);
    const bom = JSON.parse(run.stdout) as { bomFormat: string; components: { type: string }[] };
    expect(bom.bomFormat).to.equal('CycloneDX');
    expect(bom.components.some((c) => c.type === 'machine-learning-model')).to.equal(true);
  });

  it('prints only the summary with --json', async () => {
    const run = await runCli(['scan', dir, '--json', '--no-progress']);
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout) as { bomFormat?: string; models: { format: string }[] };
    expect(summary.bomFormat).to.equal(undefined);
    expect(summary.models.map((m) => m.format)).to.deep.equal(['safetensors']);
  });

  it('writes the BOM to the file and the summary to stdout with --json -o FILE', async () => {
    const out = path.join(tmp.dir, 'bom.cdx.json');
    const run = await runCli(['scan', dir, '--json', '-o', out, '--no-progress']);
    expect(run.code, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as { models: unknown[] }).models).to.have.length(1);
    const bom = JSON.parse(readFileSync(out, 'utf8')) as { bomFormat: string; components: { name: string }[] };
    expect(bom.bomFormat).to.equal('CycloneDX');
    expect(bom.components.length).to.be.greaterThan(0);
  });
});
