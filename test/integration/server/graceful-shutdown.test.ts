// SIGTERM under continuous requests, with the real `aibom serve` as a child process: /readyz turns
// 503 at once, requests keep being answered for shutdownDelaySeconds, then the server stops
// accepting, answers the request still in flight with `Connection: close`, and exits 0.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { request, Agent } from 'node:https';
import { fileURLToPath } from 'node:url';
import { fixture, sleep, tempDir, testCertificates } from '../../support/server.js';
import { post, type HttpsReply } from '../../../scripts/lib/admission-client.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const DELAY_S = 1.5;

function startChild(certFile: string, keyFile: string): Promise<{ child: ChildProcess; webhook: number; admin: number; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--tls-cert', certFile, '--tls-key', keyFile, '--port', '0', '--admin-port', '0'], {
    cwd: root,
    env: { ...process.env, AIBOM_SERVER_HOST: '127.0.0.1', AIBOM_SERVER_ADMIN_HOST: '127.0.0.1', AIBOM_SERVER_SHUTDOWN_DELAY_SECONDS: String(DELAY_S), AIBOM_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const onData = (): void => {
      const m = /webhook https:\/\/127\.0\.0\.1:(\d+).*admin http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ child, webhook: Number(m[1]), admin: Number(m[2]), output: () => out });
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before serving:\n${out}`)));
  });
}

/** A request whose body arrives in two halves `gapMs` apart: in flight across the moment the server closes. */
function slowUpload(port: number, ca: Buffer, body: string, gapMs: number): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(body);
    const req = request(
      { host: '127.0.0.1', servername: 'localhost', port, path: '/validate', method: 'POST', ca, agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.write(bytes.subarray(0, bytes.length >> 1));
    setTimeout(() => req.end(bytes.subarray(bytes.length >> 1)), gapMs);
  });
}

describe('graceful shutdown on SIGTERM (child process)', function () {
  this.timeout(40_000);
  const tmp = tempDir('sigterm');
  after(() => tmp.remove());

  it('keeps answering while not ready, finishes in-flight requests with Connection: close, and exits 0 with zero failed requests', async () => {
    const certs = await testCertificates(tmp.dir);
    const ca = certs.caBytes;
    const { child, webhook, admin, output } = await startChild(certs.serving.cert, certs.serving.key);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const body = fixture('deployment-create.json');
    const failed: string[] = [];
    const closeHeaders: string[] = [];
    let ok = 0;
    let sending = true;
    let notReadyAt = 0;
    let okAfterSigterm = 0;
    let sigtermAt = 0;
    // Like the apiserver: keep-alive connections, several in parallel.
    const agent = new Agent({ keepAlive: true, maxSockets: 3, ca });
    const loop = async (): Promise<void> => {
      while (sending) {
        try {
          const reply = await post({ port: webhook, path: '/mutate?timeout=5s', ca, body, agent });
          if (reply.status !== 200) failed.push(`HTTP ${reply.status}`);
          else {
            ok++;
            if (sigtermAt > 0) okAfterSigterm++;
            if (reply.headers.connection) closeHeaders.push(String(reply.headers.connection));
          }
        } catch (err) {
          failed.push((err as Error).message);
        }
      }
    };
    // Like the endpoints controller: watch readiness; the apiservers stop sending a little later.
    const watchReadiness = async (): Promise<void> => {
      while (notReadyAt === 0) {
        try {
          const res = await fetch(`http://127.0.0.1:${admin}/readyz`);
          if (res.status === 503) notReadyAt = Date.now();
          await res.arrayBuffer();
        } catch {
          /* not up yet */
        }
        await sleep(50);
      }
      await sleep(400);
      sending = false;
    };
    const loops = [loop(), loop(), loop(), watchReadiness()];
    await sleep(400);
    sigtermAt = Date.now();
    child.kill('SIGTERM');
    // In flight when the delay ends and the server stops accepting.
    await sleep(DELAY_S * 1000 - 300);
    const inFlight = slowUpload(webhook, ca, fixture('pod-create.json'), 800);
    await Promise.all(loops);
    const slow = await inFlight;
    const code = await Promise.race([exited, sleep(10_000).then(() => 'still running')]);
    agent.destroy();

    expect(failed, output()).to.deep.equal([]);
    expect(notReadyAt - sigtermAt).to.be.within(0, 1000);
    expect(okAfterSigterm).to.be.greaterThan(5);
    expect(ok).to.be.greaterThan(10);
    expect(closeHeaders.length, 'responses after SIGTERM say Connection: close').to.be.greaterThan(0);
    expect(slow.status).to.equal(200);
    expect(JSON.parse(slow.body).response.uid).to.equal(JSON.parse(fixture('pod-create.json')).request.uid);
    expect(slow.headers.connection).to.equal('close');
    expect(code, output()).to.equal(0);
    expect(output()).to.include('SIGTERM: shutting down');
  });
});
