// The exit-code table of docs/cli.md, command by command: every code a command can give, produced
// the way a user meets it (real files, the real registry, a busy port), and the table in the docs
// equals the one in src/cli/exit.ts.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { main } from '../../../src/cli/main.js';
import { EXIT } from '../../../src/cli/exit.js';
import { runCli, type CliRun } from '../../support/cli.js';
import { IMAGES } from '../../support/images.js';
import { freePort, pushTinyImage, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { corpusDir } from '../../support/corpus.js';
import { ROOT } from '../../support/fixtures.js';
import { tempDir } from '../../support/server.js';

const P = 'test/fixtures/policy';
const M = 'test/fixtures/manifests';
const MODEL_BOM = 'examples/boms/model.cdx.json';
const POD_MODEL = 'examples/reviews/pod-model.json';
const POD_UNMAPPED = 'examples/reviews/pod-unmapped.json';
/** A model from a source the `approved-sources` policy does not list. */
const CANARY_BOM = join(corpusDir, 'rhtpa__nvidia_canary-1b-v2_aibom.json');

function expectCode(run: CliRun, code: number, stderr?: RegExp): void {
  expect(run.code, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).to.equal(code);
  // Failures are one line on stderr (serve may say where its development certificate is first), no stack trace.
  if (code === EXIT.badInput || code === EXIT.cannotServe || code === EXIT.internal) {
    expect(run.stderr, 'no stack trace').to.not.match(/^\s+at /m);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('aibom: ') && !l.includes('development certificate')), run.stderr).to.have.length(1);
  }
  if (stderr) expect(run.stderr).to.match(stderr);
}

describe('exit codes: one table, every command', function () {
  this.timeout(60_000);
  const tmp = tempDir('exit');
  let registry: LocalRegistry;
  let image: string;

  before(async () => {
    registry = await startLocalRegistry();
    await pushTinyImage(registry.url, 'team/app', 'v1');
    image = `${registry.host}/team/app:v1`;
  });
  after(async () => {
    await registry?.stop();
    tmp.remove();
  });

  it('docs/cli.md lists exactly the codes of src/cli/exit.ts', () => {
    const text = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    const section = text.slice(text.indexOf('## Exit codes'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).to.deep.equal(Object.values(EXIT));
  });

  describe('review', () => {
    it('0: admitted', async () => expectCode(await runCli(['review', POD_MODEL, '--bom', `${IMAGES.model}=${MODEL_BOM}`]), EXIT.ok));
    it('0: admitted although a lookup failed (printed as a warning)', async () => {
      const run = await runCli(['review', POD_UNMAPPED, '--no-registry']);
      expectCode(run, EXIT.ok);
      expect(run.stdout).to.match(/^warning: +aibom: BOM lookup error:not-found/m);
    });
    it('1: denied', async () => expectCode(await runCli(['review', POD_MODEL, '--validate', '--policy', `${P}/enforce-sources.yaml`, '--bom', `${IMAGES.model}=${CANARY_BOM}`]), EXIT.denied));
    it('2: bad input', async () => expectCode(await runCli(['review', `${M}/not-yaml.yaml`]), EXIT.badInput, /^aibom: .*invalid JSON/));
    it('2: a --bom mapping no workload uses', async () => expectCode(await runCli(['review', POD_MODEL, '--bom', `${IMAGES.agent}=${MODEL_BOM}`]), EXIT.badInput, /no workload uses this image/));
    it('3: only a failed lookup denies', async () => expectCode(await runCli(['review', POD_UNMAPPED, '--validate', '--policy', `${P}/lookup-deny.yaml`, '--no-registry']), EXIT.lookupFailed));
    it('70: an internal error', async () => {
      let stderr = '';
      const code = await main(['review', '-'], { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, readStdin: () => Promise.reject(new Error('stdin broke')) });
      expect(code).to.equal(EXIT.internal);
      expect(stderr).to.equal('aibom: internal error: stdin broke\n');
    });
  });

  describe('check', () => {
    it('0: nothing denied', async () => expectCode(await runCli(['check', `${M}/pod.json`, '--policy', `${P}/warn-model-card.yaml`]), EXIT.ok));
    it('1: denied by an Enforce policy', async () => {
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml-a}\nspec:\n  containers:\n    - {name: c, image: "127.0.0.1:5000/ml/canary-asr:1.0"}\n';
      expectCode(await runCli(['check', '-', '--policy', `${P}/enforce-sources.yaml`, '--bom', `127.0.0.1:5000/ml/canary-asr:1.0=${CANARY_BOM}`], { stdin: pod }), EXIT.denied);
    });
    it('2: bad input', async () => expectCode(await runCli(['check', `${M}/pod.json`, '--policy', `${P}/broken-mode.yaml`]), EXIT.badInput, /spec\.mode/));
    it('3: only a failed lookup denies', async () => expectCode(await runCli(['check', `${M}/pod.json`, '--policy', `${P}/lookup-deny.yaml`]), EXIT.lookupFailed));
  });

  describe('inspect', () => {
    it('0: the lookup completed', async () => expectCode(await runCli(['inspect', image, '--insecure-registry', registry.host]), EXIT.ok));
    it('2: a bad image reference', async () => expectCode(await runCli(['inspect', 'UPPER/Case:tag']), EXIT.badInput));
    it('3: the lookup failed (a loopback registry the egress policy refuses)', async () => expectCode(await runCli(['inspect', image]), EXIT.lookupFailed));
  });

  describe('attach', () => {
    it('0: attached', async () => expectCode(await runCli(['attach', image, MODEL_BOM, '--insecure-registry', registry.host]), EXIT.ok));
    it('2: a BOM file that is not there', async () => expectCode(await runCli(['attach', image, join(tmp.dir, 'nope.json'), '--insecure-registry', registry.host]), EXIT.badInput, /cannot read/));
    it('3: the registry refuses the push (egress policy), reported as a registry failure', async () => {
      const run = await runCli(['attach', image, MODEL_BOM]);
      expectCode(run, EXIT.lookupFailed, /^aibom: error: attach failed: the registry refused or failed \(blocked\): /);
    });
  });

  describe('classify', () => {
    it('0: classified', async () => expectCode(await runCli(['classify', MODEL_BOM]), EXIT.ok));
    it('2: not a BOM', async () => expectCode(await runCli(['classify', `${M}/not-yaml.yaml`]), EXIT.badInput));
  });

  describe('serve', () => {
    const env = (): Record<string, string> => ({ AIBOM_SERVER_DEV_CERT_DIR: join(tmp.dir, 'certs'), AIBOM_SERVER_HOST: '127.0.0.1', AIBOM_SERVER_ADMIN_HOST: '127.0.0.1', AIBOM_SERVER_SHUTDOWN_DELAY_SECONDS: '0', AIBOM_LOG_LEVEL: 'silent' });

    it('0: stopped by SIGTERM', async () => {
      let stdout = '';
      let serving!: () => void;
      const up = new Promise<void>((resolve) => (serving = resolve));
      const done = main(['serve', '--port', '0', '--admin-port', '0'], { stdout: (t) => { stdout += t; if (stdout.includes('webhook https://')) serving(); }, stderr: () => undefined, env: env() });
      await up;
      process.emit('SIGTERM', 'SIGTERM');
      expect(await done).to.equal(EXIT.ok);
      expect(stdout).to.contain('aibom: stopped');
    });
    it('2: a certificate without its key', async () => expectCode(await runCli(['serve', '--tls-cert', 'x.crt']), EXIT.badInput));
    it('4: the port is in use', async () => {
      const port = await freePort();
      const busy: Server = createServer();
      await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
      try {
        expectCode(await runCli(['serve', '--port', String(port), '--admin-port', '0'], { env: env() }), EXIT.cannotServe, /^aibom: error: cannot listen: .*EADDRINUSE/m);
      } finally {
        await new Promise<void>((resolve) => busy.close(() => resolve()));
      }
    });
  });
});
