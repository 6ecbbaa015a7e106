// A hostile registry: the fault-injecting proxy on loopback in front of the real Debian registry,
// behind the real webhook with the admission-grade registry lookup. Each case gets its own
// repository (so faults and cached errors never leak between cases) and its own fault; the webhook
// must answer every /mutate?timeout=2s before the deadline, allowed, labelled `ai-bearing: unknown`,
// with the lookup status that names what went wrong.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { decodePatch, metadataFromPatch } from '../../scripts/lib/admission-client.js';
import type { LookupStatus } from '../../src/contracts/lookup.js';
import { pushImagesWithBom, type BomImage } from '../support/bom-images.js';
import { startCountingProxy, type CountingProxy, type Fault, type FaultMatch } from '../support/counting-proxy.js';
import { sha256, startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';
import { benchUid, podReview } from '../support/pod-review.js';
import { registryLookupService, type RegistryLookupStack } from '../support/composed-lookup.js';
import { answerProblem, startHostileServer, type HostileServer } from './support.js';

const MODEL_BOM = readFileSync(new URL('../fixtures/bom/model.cdx.json', import.meta.url));
const DEADLINE_MS = 2000;

interface FaultCase {
  name: string;
  /** Faults to install for this case's repository (the repository path is added to the match). */
  faults: (image: BomImage, repo: string, proxy: CountingProxy) => [FaultMatch, Fault][];
  expected: LookupStatus[];
}

const repoPath = (repo: string): string => `/v2/${repo}/`;

const CASES: FaultCase[] = [
  { name: 'latency beyond the deadline', faults: () => [[{ kind: 'manifest-digest' }, { delayMs: 5000 }]], expected: ['timeout'] },
  { name: 'hung referrers index', faults: () => [[{ kind: 'manifest-tag' }, { hang: true }]], expected: ['timeout'] },
  { name: 'connection reset', faults: () => [[{ kind: 'manifest-digest' }, { reset: true }]], expected: ['error:network'] },
  { name: '500 on the referrers index', faults: () => [[{ kind: 'manifest-tag' }, { status: 500, body: 'boom' }]], expected: ['error:5xx'] },
  { name: '503 on the BOM blob', faults: () => [[{ kind: 'blob' }, { status: 503 }]], expected: ['error:5xx'] },
  { name: '429 with a long Retry-After', faults: () => [[{ kind: 'manifest-digest' }, { status: 429, headers: { 'retry-after': '30' } }]], expected: ['error:5xx'] },
  { name: '429 with a short Retry-After, forever', faults: () => [[{ kind: 'manifest-digest' }, { status: 429, headers: { 'retry-after': '1' } }]], expected: ['error:5xx', 'timeout'] },
  { name: 'truncated BOM blob', faults: () => [[{ kind: 'blob' }, { truncateAfterBytes: 64 }]], expected: ['error:network', 'error:invalid', 'error:digest-mismatch', 'timeout'] },
  { name: 'oversized manifest', faults: () => [[{ kind: 'manifest-digest' }, { status: 200, body: ' '.repeat(6 * 1024 * 1024), headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } }]], expected: ['error:too-large'] },
  {
    name: 'wrong digest: other bytes for the BOM blob',
    faults: () => [[{ kind: 'blob' }, { status: 200, body: JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }).padEnd(MODEL_BOM.length, ' '), headers: { 'content-type': 'application/octet-stream' } }]],
    expected: ['error:digest-mismatch'],
  },
  {
    name: 'wrong digest: another manifest for the image digest',
    faults: () => [[{ kind: 'manifest-digest' }, { status: 200, body: JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 }, layers: [] }), headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } }]],
    expected: ['error:digest-mismatch'],
  },
  {
    name: 'redirect loop on the BOM blob',
    // Back to the very same URL, every time.
    faults: (_image, repo, proxy) => [[{ kind: 'blob' }, { status: 307, headers: { location: `${proxy.url}/v2/${repo}/blobs/${sha256(MODEL_BOM)}` } }]],
    expected: ['error:5xx', 'error:invalid'],
  },
  { name: 'redirect to the cloud metadata address', faults: () => [[{ kind: 'blob' }, { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' } }]], expected: ['error:blocked'] },
  { name: 'redirect to a private address', faults: () => [[{ kind: 'blob' }, { status: 302, headers: { location: 'http://10.1.2.3:5000/v2/x/blobs/y' } }]], expected: ['error:blocked'] },
];

describe('hostile world: a faulty registry behind the webhook', function () {
  this.timeout(120_000);
  let registry: LocalRegistry;
  let proxy: CountingProxy;
  let stack: RegistryLookupStack;
  let server: HostileServer;
  let images: Map<string, BomImage>;
  const repoOf = (i: number): string => `hostile/case-${i}`;

  before(async () => {
    registry = await startLocalRegistry();
    proxy = await startCountingProxy(registry.url);
    server = await startHostileServer((config) => {
      stack = registryLookupService(config);
      return stack.chain;
    }, { discovery: { sources: ['registry'] }, registries: { insecure: [proxy.host] } });
    images = new Map();
    const seed = `${Date.now()}`;
    for (let i = 0; i <= CASES.length; i++) images.set(repoOf(i), (await pushImagesWithBom(registry.url, repoOf(i), 1, MODEL_BOM, { seed }))[0]!);
  });
  after(async () => {
    await server?.stop();
    await stack?.close();
    await proxy?.close();
    await registry?.stop();
  });

  async function admit(image: BomImage, uid: number): Promise<{ ms: number; status: string | undefined; aiBearing: string | undefined; problem: string | undefined; warnings: unknown }> {
    const body = podReview(benchUid(uid), [image.reference(proxy.host)]);
    const started = performance.now();
    const reply = await server.send(`/mutate?timeout=${DEADLINE_MS / 1000}s`, body, 10_000);
    const ms = performance.now() - started;
    const problem = answerProblem(reply, benchUid(uid));
    if (problem) return { ms, status: undefined, aiBearing: undefined, problem, warnings: undefined };
    const response = (JSON.parse(reply.body) as { response: { allowed: boolean; patch?: string; warnings?: string[] } }).response;
    const meta = metadataFromPatch(decodePatch(response.patch));
    const lookup = JSON.parse(meta.annotations['aibom.io/lookup'] ?? '{}') as Record<string, string>;
    return { ms, status: Object.values(lookup)[0], aiBearing: meta.labels['aibom.io/ai-bearing'], problem: response.allowed ? undefined : 'denied', warnings: response.warnings };
  }

  it('control: without faults the image is found through the proxy', async () => {
    const result = await admit(images.get(repoOf(CASES.length))!, 1);
    expect(result.problem).to.equal(undefined);
    expect(result.status).to.equal('found');
    expect(result.aiBearing).to.equal('true');
  });

  it('answers every faulty lookup before the deadline: allowed, ai-bearing unknown, the right lookup status', async () => {
    const wrong: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const repo = repoOf(i);
      const image = images.get(repo)!;
      proxy.clearFaults();
      for (const [match, fault] of c.faults(image, repo, proxy)) proxy.inject({ ...match, url: repoPath(repo) }, fault);
      const result = await admit(image, 100 + i);
      const faulted = proxy.requests.filter((r) => r.faulted && r.repository === repo).length;
      if (result.problem) wrong.push(`${c.name}: ${result.problem}`);
      else if (result.ms >= DEADLINE_MS) wrong.push(`${c.name}: answered after ${Math.round(result.ms)} ms`);
      else if (result.aiBearing !== 'unknown') wrong.push(`${c.name}: ai-bearing ${result.aiBearing}`);
      else if (!c.expected.includes(result.status as LookupStatus)) wrong.push(`${c.name}: lookup status ${result.status}, expected ${c.expected.join(' or ')}`);
      else if (faulted === 0) wrong.push(`${c.name}: the fault never fired`);
    }
    proxy.clearFaults();
    expect(wrong).to.deep.equal([]);
  });

  it('never followed a redirect off loopback (the loopback guard would fail the run) and still serves', async () => {
    const misses = (await server.metrics.getSingleMetricAsString('aibom_admission_deadline_misses_total')).split('\n').filter((l) => !l.startsWith('#') && l.trim() && !/ 0$/.test(l));
    expect(misses, 'deadline misses').to.deep.equal([]);
    const control = await pushImagesWithBom(registry.url, 'hostile/after', 1, MODEL_BOM, { seed: `after-${Date.now()}` });
    const result = await admit(control[0]!, 2);
    expect(result.status).to.equal('found');
  });
});
