// Certificate rotation and SIGTERM under load, on the real `aibom serve` process with the real
// registry lookup (cached path). Extends test/integration/server/{cert-rotation,graceful-shutdown}
// (three request loops) to 28 concurrent clients like several apiservers: 24 on keep-alive
// connections, 4 opening a new TLS connection per request. The certificate is swapped the way the
// kubelet updates a Secret volume, then the process gets SIGTERM; it must keep answering while not
// ready, exit 0, and not one request may fail. Gates on counts.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { decodePatch, metadataFromPatch, post } from '../../scripts/lib/admission-client.js';
import { createCa, defaultServingNames, issueServingCertificate } from '../../src/server/dev-certs.js';
import { pushImagesWithBom } from '../support/bom-images.js';
import { startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';
import { benchUid, podReview } from '../support/pod-review.js';
import { SOURCE_ENTRY, startServe, type ServeProcess } from '../support/serve-process.js';
import { kubeletSwap, sleep, tempDir } from '../support/server.js';
import { answerProblem } from './support.js';

const MODEL_BOM = readFileSync(new URL('../fixtures/bom/model.cdx.json', import.meta.url));
const DATASET_BOM = readFileSync(new URL('../fixtures/bom/dataset.cdx.json', import.meta.url));
const DELAY_S = 1.5;


describe('hostile world: certificate rotation and SIGTERM under load (aibom serve)', function () {
  this.timeout(90_000);
  const tmp = tempDir('rollout');
  let registry: LocalRegistry;
  let serve: ServeProcess | undefined;
  after(async () => {
    await serve?.stop();
    await registry?.stop();
    tmp.remove();
  });

  it('28 concurrent clients: zero failed requests across a certificate swap and a graceful shutdown', async () => {
    registry = await startLocalRegistry();
    const seed = `${Date.now()}`;
    const [model] = await pushImagesWithBom(registry.url, 'rollout/model', 1, MODEL_BOM, { seed });
    const [data] = await pushImagesWithBom(registry.url, 'rollout/data', 1, DATASET_BOM, { seed });
    const ca = await createCa(join(tmp.dir, 'ca'));
    const names = defaultServingNames('aibom-webhook', 'aibom-system');
    const pairA = await issueServingCertificate(ca, join(tmp.dir, 'a'), names);
    const pairB = await issueServingCertificate(ca, join(tmp.dir, 'b'), names);
    const caBytes = readFileSync(ca.cert);
    const serialB = new X509Certificate(readFileSync(pairB.cert)).serialNumber;
    const volume = join(tmp.dir, 'volume');
    mkdirSync(volume);
    kubeletSwap(volume, '2025_01_01_00_00_00.000000001', pairA);
    symlinkSync('..data/tls.crt', join(volume, 'tls.crt'));
    symlinkSync('..data/tls.key', join(volume, 'tls.key'));

    serve = await startServe({
      entry: SOURCE_ENTRY,
      certFile: join(volume, 'tls.crt'),
      keyFile: join(volume, 'tls.key'),
      insecureRegistries: [registry.host],
      logLevel: 'warn',
      env: { AIBOM_SERVER_CERT_POLL_SECONDS: '0.2', AIBOM_SERVER_SHUTDOWN_DELAY_SECONDS: String(DELAY_S) },
    });
    const { port, adminPort } = serve;
    const exited = new Promise<number | null>((resolve) => serve!.child.once('exit', (code) => resolve(code)));
    const images = [model!, data!].map((i) => i.reference(registry.host));
    // Warm the cache: the load runs on the cached path.
    const warm = await post({ port, path: '/mutate?timeout=10s', ca: caBytes, body: podReview(benchUid(1), images) });
    expect(warm.status, warm.body).to.equal(200);

    const failed: string[] = [];
    const serials = new Set<string>();
    let ok = 0;
    let okAfterSigterm = 0;
    let sigterm = false;
    let sending = true;
    let n = 0;
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 24, ca: caBytes });
    const loop = async (agent: Agent | false): Promise<void> => {
      while (sending) {
        const uid = benchUid(1000 + n++);
        try {
          const reply = await post({ port, path: '/mutate?timeout=5s', ca: caBytes, body: podReview(uid, images), agent, timeoutMs: 10_000 });
          const problem = answerProblem(reply, uid);
          const labels = problem ? {} : metadataFromPatch(decodePatch((JSON.parse(reply.body) as { response: { patch?: string } }).response.patch)).labels;
          if (problem) failed.push(problem);
          else if (labels['aibom.io/ai-bearing'] !== 'true') failed.push(`ai-bearing ${labels['aibom.io/ai-bearing']}`);
          else {
            ok++;
            if (sigterm) okAfterSigterm++;
            if (agent === false && reply.serialNumber) serials.add(reply.serialNumber);
          }
        } catch (err) {
          failed.push((err as Error).message);
        }
      }
    };
    const loops = [...Array.from({ length: 24 }, () => loop(keepAlive)), ...Array.from({ length: 4 }, () => loop(false))];

    await sleep(800);
    kubeletSwap(volume, '2025_01_02_00_00_00.000000001', pairB);
    for (let i = 0; i < 100 && !serials.has(serialB); i++) await sleep(100);
    const rotated = serials.has(serialB);

    sigterm = true;
    serve.child.kill('SIGTERM');
    // Like the endpoints controller: once /readyz says 503, the apiservers stop sending shortly after.
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`http://127.0.0.1:${adminPort}/readyz`).catch(() => undefined);
      const status = res?.status;
      await res?.arrayBuffer();
      if (status === 503 || status === undefined) break;
      await sleep(50);
    }
    await sleep(300);
    sending = false;
    await Promise.all(loops);
    keepAlive.destroy();
    const code = await Promise.race([exited, sleep(20_000).then(() => 'still running')]);
    serve = undefined;

    expect(failed.slice(0, 5), `${failed.length} failed requests`).to.deep.equal([]);
    expect(rotated, 'new connections got the new certificate').to.equal(true);
    expect(ok).to.be.greaterThan(100);
    expect(okAfterSigterm).to.be.greaterThan(0);
    expect(code).to.equal(0);
  });
});
