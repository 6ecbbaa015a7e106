// `npm run demo` on this checkout: exits 0 and shows a decision with the ai-bearing label per workload.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm run demo', function () {
  this.timeout(60_000);

  it('exits 0 and prints aibom.io/ai-bearing for each of the four workloads', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: root, encoding: 'utf8', timeout: 50_000 });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).to.equal(0);
    const rows = run.stdout.split('\n').filter((l) => /aibom\.io\/ai-bearing=/.test(l));
    expect(rows, output).to.have.length(4);
    expect(rows.find((r) => r.startsWith('AI Pod'))).to.include('aibom.io/ai-bearing=true').and.include('distilbert-sst2-sentiment');
    expect(rows.find((r) => r.startsWith('AI Deployment'))).to.include('aibom.io/ai-bearing=true');
    expect(rows.find((r) => r.startsWith('agent Deployment'))).to.include('aibom.io/ai-bearing=true').and.include('llama-3.2-1b-instruct');
    expect(rows.find((r) => r.startsWith('non-AI Pod'))).to.include('aibom.io/ai-bearing=false');
    expect(run.stdout).to.include('server shut down');
  });
});
