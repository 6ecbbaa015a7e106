// The webhook over real TLS (openssl-made CA and certificate), with real AdmissionReview JSON.
import { expect } from 'chai';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Agent } from 'node:https';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import type { ImageLookup } from '../../../src/contracts/lookup.js';
import { enforcementSettings } from '../../../src/config/settings.js';
import { enforcementDependencies } from '../../../src/policy/enforce.js';
import { EMPTY_POLICY_SET } from '../../../src/policy/policy-set.js';
import { composeLookup } from '../../../src/discovery/compose.js';
import { silentLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { decodePatch, metadataFromPatch, post, type HttpsReply } from '../../../scripts/lib/admission-client.js';
import { fixture, sleep, tempDir, testCertificates, testConfig } from '../../support/server.js';
import { podReviewBody } from '../../support/admission-review.js';

const MODEL = '127.0.0.1:5000/acme/sentiment-model:1.0';
const SLOW = '127.0.0.1:5000/acme/slow:1.0';
const KINDS = [
  'pod-create', 'deployment-create', 'replicaset-create-owned', 'statefulset-create', 'daemonset-create', 'job-create',
  'cronjob-create', 'replicationcontroller-create', 'pod-ephemeralcontainers-update', 'deployment-update-scale', 'pod-delete',
];

function podReview(uid: string, image: string, name = 'p'): string {
  return podReviewBody(name, [image], { uid, namespace: 'team-a' });
}

describe('webhook server over TLS', function () {
  this.timeout(20_000);
  const tmp = tempDir('webhook');
  let service: RunningService;
  let ca: Buffer;
  let registry: Registry;
  let slowCalls = 0;

  before(async () => {
    const certs = await testCertificates(tmp.dir);
    ca = certs.caBytes;
    const config = testConfig({ server: { maxBodyBytes: 64 * 1024, headersTimeoutMs: 600, requestTimeoutMs: 3000 }, mutate: { lookupBudgetMs: 400 } });
    // Slow: a registry that never answers in time (and ignores the abort signal, like a stuck socket).
    const slow: ImageLookup = () => {
      slowCalls++;
      return new Promise((resolve) => setTimeout(() => resolve({ status: 'none', boms: [] }), 5000).unref());
    };
    const { lookup } = composeLookup(config, { registry: false, bomMappings: [{ image: MODEL, file: fileURLToPath(new URL('../../fixtures/server/model.cdx.json', import.meta.url)) }] });
    const withSlow: ImageLookup = (image, options) => (image === SLOW ? slow(image, options) : lookup(image, options));
    registry = new Registry();
    const noPolicies = enforcementDependencies({ policies: () => EMPTY_POLICY_SET, settings: enforcementSettings(config), clock: () => new Date() });
    service = await startService({
      config, tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: withSlow, log: silentLogger(), registry,
      evaluatePolicy: (ctx) => {
        if (ctx.name === 'explode') throw new Error('policy bug');
        return noPolicies.evaluatePolicy(ctx);
      },
    });
  });
  after(async () => {
    await service?.shutdown('test over', 0);
    tmp.remove();
  });

  const send = (path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpsReply> => post({ port: service.webhook.port, path, ca, body, headers });
  const stillServing = async (): Promise<void> => {
    const reply = await send('/mutate', podReview('alive', MODEL));
    expect(reply.status).to.equal(200);
    expect(JSON.parse(reply.body).response.uid).to.equal('alive');
  };

  for (const name of KINDS) {
    it(`answers ${name} on /mutate and /validate with a v1 AdmissionReview for the same uid`, async () => {
      const text = fixture(`${name}.json`);
      const uid = JSON.parse(text).request.uid as string;
      for (const path of ['/mutate?timeout=5s', '/validate?timeout=8s']) {
        const reply = await send(path, text);
        expect(reply.status, reply.body).to.equal(200);
        expect(reply.headers['content-type']).to.equal('application/json');
        const review = JSON.parse(reply.body);
        expect(review.apiVersion).to.equal('admission.k8s.io/v1');
        expect(review.kind).to.equal('AdmissionReview');
        expect(review.response.uid).to.equal(uid);
        expect(review.response.allowed).to.equal(true);
        // A validating webhook must send neither patch nor patchType (Kubernetes "Dynamic Admission Control": response).
        if (path.startsWith('/validate')) expect(review.response).not.to.have.any.keys('patch', 'patchType');
        if (review.response.patch) expect(review.response.patchType).to.equal('JSONPatch');
      }
    });
  }

  it('labels a Pod whose image carries a model BOM as ai-bearing', async () => {
    const reply = await send('/mutate', fixture('pod-create.json'));
    const { labels, annotations } = metadataFromPatch(decodePatch(JSON.parse(reply.body).response.patch));
    expect(labels['aibom.io/ai-bearing']).to.equal('true');
    expect(labels['aibom.io/ai-kind']).to.equal('model');
    expect(JSON.parse(annotations['aibom.io/models']!)[0].name).to.equal('sentiment-model');
  });

  it('patches nothing on pods/ephemeralcontainers and only metadata of an owned ReplicaSet', async () => {
    const eph = JSON.parse((await send('/mutate', fixture('pod-ephemeralcontainers-update.json'))).body).response;
    expect(eph.patch).to.equal(undefined);
    const rs = decodePatch(JSON.parse((await send('/mutate', fixture('replicaset-create-owned.json'))).body).response.patch);
    expect(rs.length).to.be.greaterThan(0);
    expect(rs.every((op) => op.path.startsWith('/metadata/'))).to.equal(true);
  });

  const bad: [string, string | Buffer, Record<string, string>, number, RegExp][] = [
    ['malformed JSON', '{"apiVersion": "admission.k8s.io/v1", "kind": AdmissionReview}', {}, 400, /not valid JSON/],
    ['a truncated body', fixture('deployment-create.json').slice(0, 300), {}, 400, /not valid JSON/],
    ['a non-JSON body', 'apiVersion=admission.k8s.io/v1&kind=AdmissionReview', {}, 400, /not valid JSON/],
    ['an empty body', '', {}, 400, /empty request body/],
    ['a wrong apiVersion', fixture('pod-create.json').replace('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'), {}, 400, /apiVersion must be "admission.k8s.io\/v1"/],
    ['a JSON array', '[1,2,3]', {}, 400, /must be a JSON object/],
    ['a request without uid', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { kind: { kind: 'Pod' } } }), {}, 400, /uid/],
    ['a non-JSON content type', fixture('pod-create.json'), { 'Content-Type': 'text/plain' }, 415, /Content-Type must be application\/json/],
    ['an oversized body', Buffer.alloc(200 * 1024, 0x20), {}, 413, /larger than the 65536-byte limit/],
  ];
  for (const [what, body, headers, code, message] of bad) {
    it(`answers ${what} with HTTP ${code} and a message, and keeps serving`, async () => {
      const reply = await send('/mutate', body, headers);
      expect(reply.status).to.equal(code);
      const status = JSON.parse(reply.body);
      expect(status.kind).to.equal('Status');
      expect(status.code).to.equal(code);
      expect(status.message).to.match(message);
      await stillServing();
    });
  }

  it('refuses an oversized body sent without Content-Length (chunked) with 413', async () => {
    const reply = await new Promise<HttpsReply>((resolve, reject) => {
      const agent = new Agent({ ca });
      import('node:https').then(({ request }) => {
        const req = request({ host: '127.0.0.1', servername: 'localhost', port: service.webhook.port, path: '/validate', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        // Once the server has answered and closed, the remaining writes fail; the answer is what counts.
        req.on('error', (err) => setTimeout(() => reject(err), 200));
        let sent = 0;
        const pump = (): void => {
          while (sent < 256 * 1024) {
            sent += 16 * 1024;
            if (!req.write(Buffer.alloc(16 * 1024, 0x20))) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      }, reject);
    });
    expect(reply.status).to.equal(413);
    expect(JSON.parse(reply.body).message).to.match(/larger than the 65536-byte limit/);
    await stillServing();
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await send('/nope', '{}')).status).to.equal(404);
    const get = await new Promise<number>((resolve, reject) => {
      import('node:https').then(({ get: httpsGet }) => {
        httpsGet({ host: '127.0.0.1', servername: 'localhost', port: service.webhook.port, path: '/mutate', ca, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      }, reject);
    });
    expect(get).to.equal(405);
  });

  it('turns a panic in handling into HTTP 500 JSON and keeps serving', async () => {
    const reply = await send('/validate', podReview('boom', MODEL, 'explode'));
    expect(reply.status).to.equal(500);
    expect(JSON.parse(reply.body).message).to.match(/policy bug/);
    await stillServing();
  });

  it('answers in time with ai-bearing unknown when a lookup is slower than the deadline', async () => {
    const calls = slowCalls;
    const started = Date.now();
    const reply = await send('/mutate?timeout=5s', podReview('slow', SLOW));
    const took = Date.now() - started;
    expect(slowCalls).to.equal(calls + 1);
    expect(took).to.be.lessThan(2500); // lookup budget 400 ms; the lookup itself takes 5 s
    const response = JSON.parse(reply.body).response;
    const { labels, annotations } = metadataFromPatch(decodePatch(response.patch));
    expect(labels['aibom.io/ai-bearing']).to.equal('unknown');
    expect(JSON.parse(annotations['aibom.io/lookup']!)[SLOW]).to.equal('timeout');
    expect(response.warnings.join(' ')).to.match(/timeout/);
  });

  it('honours a short ?timeout= on /validate (deadline minus margin)', async () => {
    const started = Date.now();
    const reply = await send('/validate?timeout=1s', podReview('slow-v', SLOW));
    const took = Date.now() - started;
    expect(reply.status).to.equal(200);
    expect(took).to.be.lessThan(1000);
    expect(JSON.parse(reply.body).response.auditAnnotations['ai-bearing']).to.equal('unknown');
  });

  it('is not blocked by slowloris clients, and drops them after headersTimeout', async () => {
    const slowClients: TLSSocket[] = [];
    const closed: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = tlsConnect({ host: '127.0.0.1', port: service.webhook.port, servername: 'localhost', ca });
      slowClients.push(socket);
      closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
      socket.on('error', () => {});
    }
    const header = 'POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Slow: ';
    let pos = 0;
    const drip = setInterval(() => {
      for (const s of slowClients) if (!s.destroyed) s.write(header[pos % header.length]!);
      pos++;
    }, 100);
    try {
      await sleep(200);
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        await stillServing();
        expect(Date.now() - started).to.be.lessThan(1000);
      }
      // headersTimeout 600 ms, checked every 300 ms: all slow clients are gone well within 3 s.
      const all = Promise.all(closed).then(() => 'closed');
      expect(await Promise.race([all, sleep(3000).then(() => 'still open')])).to.equal('closed');
    } finally {
      clearInterval(drip);
      for (const s of slowClients) s.destroy();
    }
  });

  it('speaks TLS 1.2+ only and HTTP/1.1 only', async () => {
    const handshake = (options: Record<string, unknown>): Promise<string> =>
      new Promise((resolve) => {
        const s = tlsConnect({ host: '127.0.0.1', port: service.webhook.port, servername: 'localhost', ca, ...options }, () => {
          const result = `${s.getProtocol()} ${String(s.alpnProtocol)}`;
          s.destroy();
          resolve(result);
        });
        s.on('error', (err) => resolve(`error ${err.message}`));
      });
    expect(await handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).to.match(/^error/);
    expect(await handshake({ ALPNProtocols: ['h2', 'http/1.1'] })).to.equal('TLSv1.3 http/1.1');
    expect(await handshake({ maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] })).to.equal('TLSv1.2 http/1.1');
  });

  it('exposes metrics with bounded labels, and health and readiness on the admin port', async () => {
    const get = async (path: string): Promise<{ status: number; text: string }> => {
      const res = await fetch(`http://127.0.0.1:${service.admin.port}${path}`);
      return { status: res.status, text: await res.text() };
    };
    const metrics = await get('/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.text).to.match(/aibom_admission_duration_seconds_bucket\{[^}]*webhook="mutate"[^}]*operation="CREATE"[^}]*kind="Pod"[^}]*outcome="allowed"/);
    expect(metrics.text).to.match(/aibom_admission_duration_seconds_count\{[^}]*outcome="bad-request"/);
    expect(metrics.text).to.match(/aibom_admission_requests_in_flight\{webhook="mutate"\} 0/);
    expect(metrics.text).to.include('aibom_admission_deadline_misses_total');
    expect(metrics.text).not.to.include('summary');
    // No image, pod or namespace names as label values — except the namespace of admitted AI workloads
    // (issue 8 asks for them by namespace; bounded by the cluster's namespaces, capped in enforcement-metrics.ts).
    const lines = metrics.text.split('\n').filter((l) => !l.startsWith('aibom_ai_workloads_admitted_total{'));
    for (const leak of ['sentiment', '127.0.0.1:5000', 'team-a', 'explode', 'ml-serving']) expect(lines.join('\n')).not.to.include(leak);
    for (const leak of ['sentiment', '127.0.0.1:5000', 'explode']) expect(metrics.text).not.to.include(leak);
    expect(await get('/healthz')).to.deep.equal({ status: 200, text: '{"status":"ok"}' });
    // /readyz says ready or not and nothing else; the detail is on /statusz.
    expect(await get('/readyz')).to.deep.equal({ status: 200, text: '{"status":"ready"}' });
    const status = await get('/statusz');
    expect(status.status).to.equal(200);
    expect(JSON.parse(status.text)).to.include({ status: 'ready' }).and.to.have.nested.property('certificate.serialNumber');
  });
});
