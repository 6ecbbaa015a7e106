// `aibom serve` as a user runs it: usage errors exit 2 in one line; with no certificate it makes a
// development CA and serving certificate with openssl, says where, and serves with them.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.js';
import { post } from '../../../scripts/lib/admission-client.js';
import { fixture, tempDir } from '../../support/server.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function runMain(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(args, { stdout: () => {}, stderr: (t) => (stderr += t), env: {} });
  return { code, stderr };
}

describe('aibom serve', function () {
  this.timeout(30_000);
  const tmp = tempDir('serve');
  after(() => tmp.remove());

  it('exits 2 with one line for a certificate without its key, a bad port or a missing file', async () => {
    const lone = await runMain(['serve', '--tls-cert', 'x.crt']);
    expect(lone).to.deep.equal({ code: 2, stderr: 'aibom: error: --tls-cert and --tls-key go together\n' });
    expect((await runMain(['serve', '--port', '99999'])).code).to.equal(2);
    const missing = await runMain(['serve', '--tls-cert', join(tmp.dir, 'no.crt'), '--tls-key', join(tmp.dir, 'no.key'), '--port', '0', '--admin-port', '0']);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^aibom: error: cannot read TLS certificate or key: ENOENT\n$/);
  });

  it('without a certificate, makes a development CA and certificate, says where, and serves with them', async () => {
    const certDir = join(tmp.dir, 'dev-certs');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--port', '0', '--admin-port', '0'], {
      cwd: root,
      env: { ...process.env, AIBOM_SERVER_DEV_CERT_DIR: certDir, AIBOM_SERVER_HOST: '127.0.0.1', AIBOM_SERVER_ADMIN_HOST: '127.0.0.1', AIBOM_SERVER_SHUTDOWN_DELAY_SECONDS: '0', AIBOM_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not serving:\n${stdout}\n${stderr}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /webhook https:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      expect(stderr).to.include(`development certificate ${join(certDir, 'tls.crt')}`).and.include(`CA ${join(certDir, 'ca.crt')}`);
      expect(existsSync(join(certDir, 'tls.key'))).to.equal(true);
      const reply = await post({ port, path: '/mutate', ca: readFileSync(join(certDir, 'ca.crt')), body: fixture('pod-create.json') });
      expect(reply.status).to.equal(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
  });
});
