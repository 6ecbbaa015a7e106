// Golden admission answers: every real AdmissionReview in the fixtures (test/fixtures/admission,
// test/fixtures/server, examples/reviews), posted over TLS to the real webhook service (`startService`
// with the production policy watcher, audit sink and lookup composition), on both endpoints, in three
// registry states. The answer bytes on the wire and the audit line must equal the golden files in
// test/fixtures/golden/answers/ exactly: any change in what the webhook answers shows up here.
//
// The golden files were recorded before the source was restructured (issue 14). To record them
// again after a deliberate change of behaviour: UPDATE_GOLDEN=1 npx mocha <this file>, and
// review the diff.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import type { ImageFindings, ImageLookup } from '../../../src/contracts/lookup.js';
import { composeLookup } from '../../../src/discovery/compose.js';
import { createLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { decodePatch, post } from '../../../scripts/lib/admission-client.js';
import { bomFixture, findings, fixturePath, foundBom, inventoryOf, ROOT, tableLookup } from '../../support/fixtures.js';
import { IMAGES } from '../../support/images.js';
import { standardTable } from '../../support/world.js';
import { runCli } from '../../support/cli.js';
import { workloadImages } from '../../../src/cli/bom-mappings.js';
import { parseImageReference } from '../../../src/contracts/image-reference.js';
import { workloadKindOf } from '../../../src/contracts/workload.js';
import { tempDir, testCertificates, testConfig } from '../../support/server.js';

const GOLDEN_DIR = join(ROOT, 'test/fixtures/golden/answers');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const NOW = new Date('2026-05-01T12:00:00.000Z');
const SENTIMENT = '127.0.0.1:5000/acme/sentiment-model:1.0';
const WEB = '127.0.0.1:5000/acme/web:2.3';
const ENDPOINTS = ['mutate', 'validate'] as const;
const POLICY_FILES = ['dir/10-licences.yaml', 'dir/20-audit.yaml', 'enforce-sources.yaml', 'warn-model-card.yaml', 'lookup-deny.yaml'];

/** Every AdmissionReview document in the fixture directories, as `source/name`. */
function reviewFiles(): { id: string; file: string }[] {
  const out: { id: string; file: string }[] = [];
  for (const [source, dir] of [['admission', 'test/fixtures/admission'], ['server', 'test/fixtures/server'], ['examples', 'examples/reviews']] as const) {
    for (const name of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.json')).sort()) {
      const file = join(ROOT, dir, name);
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown };
      if (doc.kind === 'AdmissionReview') out.push({ id: `${source}-${basename(name, '.json')}`, file });
    }
  }
  return out;
}

interface World {
  name: string;
  lookup: (config: ReturnType<typeof testConfig>) => ImageLookup;
  /** Whether `kubeadm:cluster-admins` may break glass (the forged-labels fixture asks for it). */
  adminsMayBreakGlass: boolean;
}

const registryTable = (): Record<string, ImageFindings> => ({
  ...standardTable(),
  [SENTIMENT]: findings('found', [foundBom(inventoryOf(fixturePath('server', 'model.cdx.json')), 'c1'.repeat(32))], `sha256:${'7'.repeat(64)}`),
  [WEB]: findings('found', [foundBom(inventoryOf(bomFixture('no-ai.cdx.json')), 'c2'.repeat(32))], `sha256:${'8'.repeat(64)}`),
});

const BOM_FILES = [
  { image: IMAGES.model, file: bomFixture('model.cdx.json') },
  { image: IMAGES.agent, file: bomFixture('agent.cdx.json') },
  { image: IMAGES.dataset, file: bomFixture('dataset.cdx.json') },
  { image: IMAGES.sidecar, file: bomFixture('no-ai.cdx.json') },
  { image: SENTIMENT, file: fixturePath('server', 'model.cdx.json') },
];

const WORLDS: World[] = [
  // Registry answers from a table: BOMs found with digests, everything else `none`.
  { name: 'registry', lookup: () => tableLookup(registryTable()).lookup, adminsMayBreakGlass: true },
  // `--bom IMAGE=FILE` overrides through the production lookup composition; no registry wired.
  {
    name: 'bom-files',
    lookup: (config) =>
      composeLookup(config, { registry: false, bomMappings: BOM_FILES }).lookup,
    adminsMayBreakGlass: false,
  },
  // Every lookup ran out of time.
  { name: 'timeouts', lookup: () => async () => ({ status: 'timeout', boms: [], detail: 'deadline reached before the lookup finished' }), adminsMayBreakGlass: false },
];

interface GoldenAnswer {
  status: number;
  body: unknown;
  patch?: unknown;
  audit: Record<string, unknown> | null;
}

interface GoldenFile {
  review: string;
  answers: Record<string, GoldenAnswer>;
}

const PINO_FIELDS = ['level', 'pid', 'hostname', 'service', 'msg'];

describe('golden admission answers (every fixture AdmissionReview, both endpoints, three registry states)', function () {
  this.timeout(120_000);
  const tmp = tempDir('golden');
  const reviews = reviewFiles();
  const recorded = new Map<string, GoldenFile>();
  let certs: Awaited<ReturnType<typeof testCertificates>>;
  let policiesDir: string;

  before(async () => {
    certs = await testCertificates(tmp.dir);
    policiesDir = join(tmp.dir, 'policies');
    mkdirSync(policiesDir);
    for (const f of POLICY_FILES) copyFileSync(fixturePath('policy', f), join(policiesDir, basename(f)));
  });
  after(() => {
    if (UPDATE) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      for (const [id, golden] of recorded) writeFileSync(join(GOLDEN_DIR, `${id}.json`), `${JSON.stringify(golden, null, 2)}\n`);
    }
    tmp.remove();
  });

  it('finds the fixture reviews (the admission, server and example directories are all read)', () => {
    expect(reviews.filter((r) => r.id.startsWith('admission-'))).to.have.length.greaterThan(20);
    expect(reviews.filter((r) => r.id.startsWith('server-'))).to.have.length.greaterThan(10);
    expect(reviews.filter((r) => r.id.startsWith('examples-'))).to.have.length.greaterThan(3);
    if (!UPDATE) expect(readdirSync(GOLDEN_DIR).sort()).to.deep.equal(reviews.map((r) => `${r.id}.json`).sort());
  });

  for (const world of WORLDS) {
    describe(`registry state: ${world.name}`, () => {
      let service: RunningService;
      const logLines: string[] = [];

      before(async () => {
        const config = testConfig({
          policies: { dir: policiesDir, pollSeconds: 3600 },
          breakGlass: world.adminsMayBreakGlass ? { allowedGroups: ['kubeadm:cluster-admins'] } : {},
          log: { level: 'info' },
        });
        const log = createLogger({ level: 'info', destination: { write: (line: string) => logLines.push(line) } });
        service = await startService({ config, tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: world.lookup(config), log, registry: new Registry(), clock: () => NOW });
      });
      after(async () => {
        await service?.shutdown('test over', 0);
      });

      for (const { id, file } of reviews) {
        it(`${id}: the same answers on /mutate and /validate, byte for byte, and the same audit line`, async () => {
          const body = readFileSync(file);
          const golden: GoldenFile = UPDATE ? (recorded.get(id) ?? { review: relative(ROOT, file), answers: {} }) : (JSON.parse(readFileSync(join(GOLDEN_DIR, `${id}.json`), 'utf8')) as GoldenFile);
          for (const endpoint of ENDPOINTS) {
            logLines.length = 0;
            const reply = await post({ port: service.webhook.port, path: `/${endpoint}?timeout=10s`, ca: certs.caBytes, body });
            const audits = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'aibom audit');
            expect(audits.length, 'at most one audit line per answer').to.be.at.most(1);
            const audit = audits[0] ? normaliseAudit(audits[0]) : null;
            const key = `${world.name} ${endpoint}`;
            if (UPDATE) {
              const parsed = JSON.parse(reply.body) as { response?: { patch?: string } };
              const answer: GoldenAnswer = { status: reply.status, body: parsed, audit };
              if (parsed.response?.patch) answer.patch = decodePatch(parsed.response.patch);
              golden.answers[key] = answer;
              recorded.set(id, golden);
              continue;
            }
            const want = golden.answers[key];
            expect(want, `${id}: no golden answer for ${key}`).to.not.equal(undefined);
            expect(reply.status, key).to.equal(want!.status);
            // Byte for byte: the golden body is stored parsed (readable); JSON.stringify gives back the exact bytes.
            expect(reply.body, key).to.equal(JSON.stringify(want!.body));
            expect(audit, `${key}: audit line`).to.deep.equal(want!.audit);
          }
        });
      }
    });
  }

  // Recording (UPDATE_GOLDEN=1) writes the files these compare against only at the end: there is
  // nothing to compare yet, so the comparison is not registered then (rather than skipped).
  if (!UPDATE) describe('`aibom review` (the same composition, offline) gives the webhook\'s answers', () => {
    for (const { id, file } of reviews) {
      it(`${id}: review --json on both endpoints equals the webhook's answer with the same --bom files and policies.dir`, async () => {
        const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, `${id}.json`), 'utf8')) as GoldenFile;
        // Only the mappings of images this review's object uses (others are refused as mistakes).
        const request = (JSON.parse(readFileSync(file, 'utf8')) as { request: { kind: { group: string; kind: string }; object?: Record<string, unknown> } }).request;
        const kind = workloadKindOf(request.kind);
        const used = new Set(kind ? workloadImages(kind, request.object ?? undefined) : []);
        const boms = BOM_FILES.filter((m) => used.has(parseImageReference(m.image).normalized)).flatMap((m) => ['--bom', `${m.image}=${m.file}`]);
        for (const endpoint of ENDPOINTS) {
          const run = await runCli(['review', file, '--json', '--no-registry', ...boms, ...(endpoint === 'validate' ? ['--validate'] : [])], { env: { AIBOM_POLICIES_DIR: policiesDir } });
          expect(run.stderr, endpoint).to.equal('');
          expect(run.stdout, endpoint).to.equal(`${JSON.stringify(golden.answers[`bom-files ${endpoint}`]!.body)}\n`);
        }
      });
    }
  });
});

/** The audit record from its log line: pino's own fields dropped, the measured duration zeroed. */
function normaliseAudit(line: Record<string, unknown>): Record<string, unknown> {
  const record = { ...line };
  for (const f of PINO_FIELDS) delete record[f];
  if (typeof record.durationMs === 'number') record.durationMs = 0;
  return record;
}
