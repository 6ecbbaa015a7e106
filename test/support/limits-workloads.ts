// The big reviews of issue 22 (docs/limits.md), shared by the complexity test, the hostile suite and
// `npm run bench:limits`: an in-process OCI registry on loopback (test/support/oci-server.ts) holding
// images whose BOM lists n models, Pod reviews with n containers of distinct images, an Enforce
// policy that examines every model × container pair, and the measurements: answer times over TLS
// and /healthz latency on the admin port while an answer is being computed.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MT } from '../../src/contracts/oci-manifest.js';
import { post, type HttpsReply } from '../../scripts/lib/admission-client.js';
import { CDX } from './attachments.js';
import { imageConfig, imageManifest } from './local-registry.js';
import { OciServer } from './oci-server.js';
import { benchUid } from './pod-review.js';

/** The namespace of test/fixtures/admission/pod-create.json, which podReview() builds on. */
export const REVIEW_NAMESPACE = 'ml-serving';

/** A CycloneDX 1.6 BOM listing `n` distinct MIT-licensed models (about 150 bytes each). */
export function modelsBom(n: number, seed: string): string {
  const components = Array.from({ length: n }, (_, i) => ({
    type: 'machine-learning-model',
    'bom-ref': `m${i}`,
    name: `model-${seed}-${i}`,
    version: '1',
    purl: `pkg:huggingface/acme/model-${seed}-${i}@1`,
    licenses: [{ license: { id: 'MIT' } }],
  }));
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, metadata: { component: { type: 'container', 'bom-ref': 'image', name: `app-${seed}` } }, components });
}

/** An Enforce policy on REVIEW_NAMESPACE allowing MIT: every model × container pair is examined. */
export const ENFORCE_MIT = `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: licences}
spec:
  mode: Enforce
  match: {namespaces: [${REVIEW_NAMESPACE}], kinds: [Pod]}
  rules:
    licenses: {allow: [MIT]}
`;

/** Writes ENFORCE_MIT into `dir` (a policies.dir) and returns it. */
export function writePolicyDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'licences.yaml'), ENFORCE_MIT);
  return dir;
}

/**
 * The registry of the big reviews. Referrers are answered from an index (OciServer's own listing
 * parses every stored manifest per request: fine for a few images, quadratic for thousands).
 */
export class WorkloadRegistry {
  readonly oci = new OciServer({ referrersApi: true });
  private layer: { digest: string; size: number } | undefined;
  private empty: { digest: string; size: number } | undefined;
  private readonly referrers = new Map<string, Record<string, unknown>[]>();

  async start(): Promise<this> {
    await this.oci.start();
    this.oci.intercept = (req, res, url) => {
      const m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(url.pathname);
      if (!m) return false;
      req.resume();
      res.writeHead(200, { 'content-type': MT.ociIndex }).end(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: this.referrers.get(`${m[1]}@${m[2]}`) ?? [] }));
      return true;
    };
    this.layer = this.oci.putBlob('shared layer');
    this.empty = this.oci.putBlob('{}');
    return this;
  }

  get host(): string {
    return this.oci.host;
  }

  /** A new image (unique digest) in `repo`, with `bom` attached as a referrer when given: `host/repo@digest`. */
  image(repo: string, seed: string, bom?: string): string {
    const config = this.oci.putBlob(imageConfig(this.layer!.digest, seed));
    const image = this.oci.putManifest(repo, imageManifest(config, this.layer!), MT.ociManifest);
    if (bom !== undefined) {
      const blob = this.oci.putBlob(bom);
      const artifact = this.oci.putManifest(repo, {
        schemaVersion: 2, mediaType: MT.ociManifest, artifactType: CDX,
        config: { mediaType: MT.ociEmpty, ...this.empty! },
        layers: [{ mediaType: CDX, ...blob }],
        subject: { mediaType: MT.ociManifest, digest: image.digest, size: image.size },
      }, MT.ociManifest);
      this.referrers.set(`${repo}@${image.digest}`, [{ mediaType: MT.ociManifest, digest: artifact.digest, size: artifact.size, artifactType: CDX }]);
    }
    return `${this.host}/${repo}@${image.digest}`;
  }

  /** `n` image references of distinct images; the first `withBoms` of them carry `bom`. */
  images(repo: string, seed: string, n: number, bom?: string, withBoms = 0): string[] {
    return Array.from({ length: n }, (_, i) => this.image(repo, `${seed}-${i}`, i < withBoms ? bom : undefined));
  }

  stop(): Promise<void> {
    return this.oci.stop();
  }
}

let uids = 0;
/**
 * A Pod CREATE review (namespace REVIEW_NAMESPACE) whose containers run `images`, with a fresh uid;
 * containers carry a name and an image only, so 8k of them fit the 3 MiB body limit.
 */
export function review(images: readonly string[]): { uid: string; body: string } {
  const uid = benchUid(++uids);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', namespace: REVIEW_NAMESPACE }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } };
  const request = {
    uid, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, requestKind: { group: '', version: 'v1', kind: 'Pod' },
    name: 'big', namespace: REVIEW_NAMESPACE, operation: 'CREATE', userInfo: { username: 'alice', groups: ['system:authenticated'] }, object: pod, oldObject: null, dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  };
  return { uid, body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }) };
}

export interface Target {
  port: number;
  adminPort: number;
  ca: Buffer;
}

export interface Timed {
  reply: HttpsReply;
  ms: number;
}

/** One POST over TLS on a fresh connection (as a new apiserver connection would), timed. */
export async function admitTimed(target: Target, path: string, body: string, timeoutMs = 30_000): Promise<Timed> {
  const agent = new Agent({ keepAlive: false, ca: target.ca });
  const t0 = performance.now();
  try {
    const reply = await post({ port: target.port, path, ca: target.ca, body, agent, timeoutMs });
    return { reply, ms: performance.now() - t0 };
  } finally {
    agent.destroy();
  }
}

export interface HealthProbe {
  /** Resolves once the prober's first answer came (the prober runs). */
  ready: Promise<void>;
  /** Stops probing: the latencies (ms) of every /healthz answer, and how many failed. */
  stop(): Promise<{ max: number; p99: number; p90: number; count: number; failed: number }>;
}

// The prober runs in its own process: latencies measured in the test's process would include the
// test's own work (building reviews, the registry) on its event loop.
const PROBER = `
const port = Number(process.argv[1]); const samples = []; let failed = 0; let running = true;
process.stdout.on('error', () => process.exit(0));
process.stdin.on('data', () => { running = false; }); process.stdin.on('end', () => { running = false; });
(async () => {
  const http = require('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () => new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent, timeout: 10000 }, (res) => { res.resume(); res.on('end', () => resolve(performance.now() - t0)); });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => { failed++; resolve(performance.now() - t0); });
  });
  while (running) {
    samples.push(await once());
    if (samples.length === 1) process.stdout.write('ready\\n');
    await new Promise((r) => setTimeout(r, 5));
  }
  agent.destroy();
  process.stdout.write(JSON.stringify({ samples, failed }) + '\\n');
})();
`;

/** GET /healthz on the admin port back to back (one at a time, 5 ms apart, keep-alive) until stopped. */
export function probeHealth(adminPort: number): HealthProbe {
  const child = spawn(process.execPath, ['-e', PROBER, String(adminPort)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (out.startsWith('ready')) onReady();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ready,
    async stop() {
      child.stdin.end('stop');
      await exited;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      const { samples, failed } = line ? (JSON.parse(line) as { samples: number[]; failed: number }) : { samples: [], failed: 1 };
      const sorted = [...samples].sort((a, b) => a - b);
      return { max: sorted.at(-1) ?? 0, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, p90: sorted[Math.floor(sorted.length * 0.9)] ?? 0, count: samples.length, failed };
    },
  };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 === 1 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Ratios of consecutive values (time at 2n over time at n). */
export function ratios(values: readonly number[]): number[] {
  return values.slice(1).map((v, i) => v / Math.max(values[i]!, 1e-6));
}
