// Hostile world, issue 22: reviews sized by an attacker, against the real `aibom serve` (child process,
// the Deployment's NODE_OPTIONS, an Enforce policy) over TLS, its BOMs from a loopback registry:
//   - a BOM of 50,000 models (before: no answer in 40 s, the process at 100% CPU for minutes);
//   - 10,000 containers of distinct images (before: 19 s against an 8 s deadline, a normal /mutate
//     meanwhile waited 19 s);
//   - a 2.5 MB uid, a 100 KB name and 50 KB image references (before: a 2.5 MB log line).
// Each is answered before its deadline with a clear reason, /healthz stays responsive, normal requests
// sent meanwhile are answered, and SIGTERM afterwards exits 0 with no socket left.
import { expect } from 'chai';
import { LOG_FIELD_CHARS, LOG_LINE_BYTES } from '../../src/server/log.js';
import { admitTimed, modelsBom, probeHealth, review, type Timed } from '../support/limits-workloads.js';
import { startLimitsServer, type LimitsServer } from '../support/limits-series.js';
import { serverSockets, sigterm, total } from './attack-support.js';

const VALIDATE = '/validate?timeout=8s';
/**
 * /healthz 90th percentile while an attack is processed. Frozen (before issue 22) every probe waited
 * seconds; the 50 ms is what `npm run bench:limits` reports. On a shared 2-core machine a
 * probe also waits for a CPU now and then, so the test allows more.
 */
const HEALTHZ_P90_MS = 500;
const MUTATE = '/mutate?timeout=5s';

interface Answer {
  response?: { uid?: string; allowed?: boolean; warnings?: string[]; status?: { message?: string } };
}
const answerOf = (t: Timed): Answer => JSON.parse(t.reply.body) as Answer;

/**
 * Answered before the deadline: a decision (200), or the webhook's own deadline answer (validate:
 * 500 "deadline reached", handing the call to failurePolicy in time). The time is measured by the
 * client, so it includes the TLS connection and a loaded machine's scheduling: 500 ms of slack.
 */
function expectInTime(t: Timed, deadlineMs: number, what: string): void {
  expect(t.ms, `${what}: answered in ${t.ms.toFixed(0)} ms`).to.be.below(deadlineMs + 500);
  if (t.reply.status !== 200) expect(`${t.reply.status} ${t.reply.body}`, what).to.match(/^500 .*deadline reached before a decision/);
}

describe('hostile world: attacker-sized reviews (aibom serve over TLS)', function () {
  this.timeout(240_000);
  let server: LimitsServer;
  let longestLine = 0;
  const lines: string[] = [];

  before(async () => {
    server = await startLimitsServer({}, {
      onLogLine: (line) => {
        longestLine = Math.max(longestLine, Buffer.byteLength(line, 'utf8') + 1);
        if (lines.length < 20_000) lines.push(line);
      },
    });
  });
  after(async () => {
    if (server.serve.child.exitCode === null) await server.stop();
  });

  /** The attack on `path`, a normal /mutate meanwhile, /healthz probed throughout. */
  async function attack(path: string, body: string): Promise<{ big: Timed; normal: Timed; healthMax: number; healthP99: number; healthP90: number }> {
    const normalImage = server.registry.image('normal', `n-${Date.now()}-${Math.random()}`);
    const probe = probeHealth(server.target.adminPort);
    await probe.ready;
    try {
      const bigAnswer = admitTimed(server.target, path, body);
      await new Promise((r) => setTimeout(r, 50));
      const normal = await admitTimed(server.target, MUTATE, review([normalImage]).body);
      const big = await bigAnswer;
      const health = await probe.stop();
      return { big, normal, healthMax: health.max, healthP99: health.p99, healthP90: health.p90 };
    } catch (err) {
      await probe.stop();
      throw err;
    }
  }

  it('a BOM of 50,000 models: both webhooks answer before their deadlines, the validating one denies naming limits.maxModelsPerBom', async () => {
    const seed = `fifty-${Date.now()}`;
    const bom = modelsBom(50_000, seed);
    expect(bom.length).to.be.above(4_000_000).and.below(16 * 1024 * 1024);
    const image = server.registry.image('models', seed, bom);
    for (const path of [VALIDATE, MUTATE]) {
      const r = await attack(path, review([image]).body);
      console.log(`50k models ${path}: answered in ${r.big.ms.toFixed(0)} ms, a normal /mutate meanwhile in ${r.normal.ms.toFixed(0)} ms, /healthz max ${r.healthMax.toFixed(0)} ms, p99 ${r.healthP99.toFixed(0)} ms, p90 ${r.healthP90.toFixed(0)} ms`);
      expectInTime(r.big, path === VALIDATE ? 8000 : 5000, 'the attack');
      expectInTime(r.normal, 5000, 'a normal /mutate meanwhile');
      expect(r.normal.reply.status).to.equal(200);
      expect(r.healthP90, '/healthz p90 during the attack').to.be.below(HEALTHZ_P90_MS);
      if (r.big.reply.status !== 200) continue;
      const answer = answerOf(r.big).response!;
      expect(answer.warnings?.join('\n')).to.include('too-many-models');
      if (path === VALIDATE) {
        expect(answer.allowed).to.equal(false);
        expect(answer.status?.message).to.include('[licences/limits]');
      } else expect(answer.allowed).to.equal(true);
    }
  });

  it('10,000 containers of distinct images: answered before the deadline, saying what was not reviewed; a normal /mutate meanwhile is answered', async () => {
    const images = server.registry.images('many', `many-${Date.now()}`, 10_000);
    for (const path of [VALIDATE, MUTATE]) {
      const r = await attack(path, review(images).body);
      console.log(`10k containers ${path}: answered in ${r.big.ms.toFixed(0)} ms, a normal /mutate meanwhile in ${r.normal.ms.toFixed(0)} ms, /healthz max ${r.healthMax.toFixed(0)} ms, p99 ${r.healthP99.toFixed(0)} ms, p90 ${r.healthP90.toFixed(0)} ms`);
      expectInTime(r.big, path === VALIDATE ? 8000 : 5000, 'the attack');
      expectInTime(r.normal, 5000, 'a normal /mutate meanwhile');
      expect(r.normal.reply.status).to.equal(200);
      expect(r.healthP90, '/healthz p90 during the attack').to.be.below(HEALTHZ_P90_MS);
      if (r.big.reply.status === 200) expect(answerOf(r.big).response!.warnings).to.include('aibom: 10000 image references, over limits.maxImagesPerReview (128): 9872 not reviewed');
    }
  });

  it('a 2.5 MB uid, a 100 KB name and 50 KB image references: answered, logged clipped, no log line over 16 KiB', async () => {
    const uid = `u${'x'.repeat(2.5 * 1024 * 1024)}`;
    const imageRef = `${server.registry.host}/huge/${'a'.repeat(50 * 1024)}:1`;
    const r = JSON.parse(review([imageRef, `${imageRef}b`]).body) as { request: { uid: string; name: string; object: { metadata: { name: string } } } };
    r.request.uid = uid;
    r.request.name = r.request.object.metadata.name = 'n'.repeat(100 * 1024);
    const body = JSON.stringify(r);
    const before = lines.length;
    for (const path of [VALIDATE, MUTATE]) {
      const t = await admitTimed(server.target, path, body);
      expect(t.reply.status).to.equal(200);
      expect(answerOf(t).response!.uid).to.equal(uid);
    }
    await new Promise((res) => setTimeout(res, 300));
    const mine = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.uid ?? '').startsWith('uxxx'));
    console.log(`${mine.length} log lines of the request, longest line written ${longestLine} bytes`);
    expect(mine.length, 'the decision and audit lines').to.be.at.least(3);
    for (const l of mine) {
      expect(String(l.uid).length).to.be.below(LOG_FIELD_CHARS + 32);
      for (const value of [l.name, (l.object as { name?: string } | undefined)?.name]) if (typeof value === 'string') expect(value.length).to.be.below(LOG_FIELD_CHARS + 32);
    }
    expect(longestLine).to.be.at.most(LOG_LINE_BYTES);
  });

  it('SIGTERM after the attacks: exits 0 within the drain period, no socket left on the webhook port', async () => {
    const port = server.target.port;
    const { code, ms } = await sigterm(server);
    console.log(`SIGTERM: exit ${code} after ${ms.toFixed(0)} ms; longest log line ${longestLine} bytes`);
    expect(code).to.equal(0);
    expect(ms).to.be.below(12_000);
    expect(total(serverSockets(port))).to.equal(0);
  });
});
