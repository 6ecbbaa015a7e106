// `npm run demo` until the server lands: runs `aibom review` (in-process, through main()) on the
// bundled samples in examples/ and prints each decision. Offline: BOMs come from --bom files, and the
// loopback guard refuses anything that would leave the machine. Exits non-zero only if a decision
// is not the one the sample is meant to show.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { guardViolations, installLoopbackGuard } from './lib/loopback-guard.js';

installLoopbackGuard();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ex = (p: string): string => relative(process.cwd(), resolve(root, 'examples', p)) || '.';

const MODEL = '127.0.0.1:5000/ml/granite-docling-server:1.0';
const AGENT = '127.0.0.1:5000/ml/ticket-triage-agent:2.1';
const SIDECAR = '127.0.0.1:5000/infra/log-shipper:3.2';
const DATASET = '127.0.0.1:5000/data/support-tickets:2026.04';

interface Sample {
  title: string;
  argv: string[];
  /** The exit code this sample demonstrates. */
  expect: number;
}

const samples: Sample[] = [
  { title: 'A Pod whose image carries an ML-BOM with a model', argv: ['review', ex('reviews/pod-model.json'), '--bom', `${MODEL}=${ex('boms/model.cdx.json')}`], expect: 0 },
  {
    title: 'A Deployment: an agent that uses two models, plus a log shipper with a plain SBOM (pod template labelled too)',
    argv: ['review', ex('reviews/deployment-agent.json'), '--bom', `${AGENT}=${ex('boms/agent.cdx.json')}`, '--bom', `${SIDECAR}=${ex('boms/plain-sbom.cdx.json')}`],
    expect: 0,
  },
  { title: 'A Job whose image only carries datasets', argv: ['review', ex('reviews/job-dataset.json'), '--bom', `${DATASET}=${ex('boms/dataset.cdx.json')}`], expect: 0 },
  { title: 'A Pod running nginx, with an ordinary (non-AI) SBOM', argv: ['review', ex('reviews/pod-plain.json'), '--bom', `docker.io/library/nginx:1.27=${ex('boms/plain-sbom.cdx.json')}`], expect: 0 },
  { title: 'An image nobody mapped (no registry access yet): labelled unknown, admitted with a warning, exit 3', argv: ['review', ex('reviews/pod-unmapped.json')], expect: 3 },
  { title: 'The validating view of the first Pod: verdict and audit annotations, never a patch', argv: ['review', ex('reviews/pod-model.json'), '--bom', `${MODEL}=${ex('boms/model.cdx.json')}`, '--validate', '--json'], expect: 0 },
];

const out = (t: string): boolean => process.stdout.write(t);
let unexpected = 0;
out('aibom demo: `aibom review` on the samples in examples/ (offline; the webhook server comes later)\n');
for (const [i, sample] of samples.entries()) {
  out(`\n== ${i + 1}. ${sample.title}\n$ aibom ${sample.argv.join(' ')}\n`);
  const code = await main(sample.argv, { stdout: out, stderr: (t) => process.stderr.write(t), env: {} });
  const ok = code === sample.expect;
  if (!ok) unexpected++;
  out(`exit ${code}${ok ? '' : `  (UNEXPECTED: this sample should exit ${sample.expect})`}\n`);
}
if (guardViolations().length > 0) {
  out(`\nloopback guard: ${guardViolations().length} attempt(s) to leave the machine\n`);
  unexpected++;
}
out(unexpected === 0 ? '\nall decisions as expected\n' : `\n${unexpected} unexpected result(s)\n`);
process.exitCode = unexpected === 0 ? 0 : 1;
