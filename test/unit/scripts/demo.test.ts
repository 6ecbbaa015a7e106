import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../../support/fixtures.js';

describe('npm run demo (scripts/demo.ts)', () => {
  it('runs aibom review on every sample, shows each decision and exits 0', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } });
    expect(stderr).to.equal('');
    expect(stdout).to.include('ai-bearing: true   ai-kind: model   evidence: bom');
    expect(stdout).to.include('ai-kind: agent');
    expect(stdout).to.include('ai-kind: dataset');
    expect(stdout).to.include('ai-bearing: unknown');
    expect(stdout).to.include('exit 3');
    expect(stdout.trimEnd().endsWith('all decisions as expected')).to.equal(true);
  });
});
