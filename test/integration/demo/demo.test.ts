// `npm run demo` on this checkout: exits 0, shows a decision with the ai-bearing label per workload, and
// ends with one real denial.
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
    // It ends with one real denial by the validating webhook, and the AI Pod admitted by the same policy.
    expect(run.stdout).to.match(/^ {2}Pod\/sentiment-api: admitted$/m);
    expect(run.stdout).to.match(/^ {2}Deployment\/support-agent: DENIED \(HTTP 403\): denied by AI model policy \(Deployment shop\/support-agent\): \[permissive-licences\/licenses\] container "agent", model llama-3\.2-1b-instruct@3\.2: /m);
    expect(run.stdout).to.include('server shut down');
  });
});
