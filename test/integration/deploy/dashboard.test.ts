// deploy/monitoring/dashboard.json against the real webhook: `aibom serve` as a process (the policies
// of examples/policies/, a real Debian registry with BOMs attached), driven through /mutate and
// /validate until every series the dashboard (and the alerts) query has samples on its /metrics.
// A query on a metric we do not export would draw an empty panel forever; this test names it.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { post } from '../../../scripts/lib/admission-client.js';
import { attachWithTagSchema, CDX } from '../../support/attachments.js';
import { benchUid, podReview } from '../../support/pod-review.js';
import { pushTinyImage, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { startServe, type ServeProcess } from '../../support/serve-process.js';
import { tempDir, testCertificates } from '../../support/server.js';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string }[] };
}

/** Exported by the inventory controller (issue #16), not by the webhook. */
const NOT_THE_WEBHOOKS = new Set(['aibom_inventory_last_sync_timestamp_seconds']);

const dashboard = JSON.parse(readFileSync('deploy/monitoring/dashboard.json', 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const alertExprs = (parseYaml(readFileSync('deploy/monitoring/alerts.rules.yaml', 'utf8')) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.expr));

/** The metric names a PromQL expression reads (`aibom_*`; histogram series by their full name). */
export function metricNames(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\baibom_[a-z0-9_]+/g)].map((m) => m[0]))];
}

/** Series names with at least one sample in a Prometheus text exposition. */
function sampled(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(aibom_[a-z0-9_]+)(?:\{[^}]*\})? /.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}

describe('deploy/monitoring/dashboard.json against the running webhook', function () {
  this.timeout(120_000);
  const tmp = tempDir('dashboard');
  let registry: LocalRegistry;
  let serve: ServeProcess | undefined;
  let metrics = '';

  before(async () => {
    registry = await startLocalRegistry();
    // An image whose model has a licence the example `licences` policy denies, one with no BOM.
    const bom = readFileSync('examples/boms/model.cdx.json', 'utf8').replace('"id": "Apache-2.0"', '"id": "CC-BY-NC-4.0"');
    const subject = await pushTinyImage(registry.url, 'ml/nc-model', '1.0');
    await attachWithTagSchema(registry.url, 'ml/nc-model', subject, bom, CDX);
    // One the policies admit (with warnings): an AI-bearing workload admitted.
    const granite = await pushTinyImage(registry.url, 'ml/granite', '1.0');
    await attachWithTagSchema(registry.url, 'ml/granite', granite, readFileSync('examples/boms/model.cdx.json', 'utf8'), CDX);
    await pushTinyImage(registry.url, 'ml/plain', '1.0');
    const certs = await testCertificates(join(tmp.dir, 'certs'));
    // A trusted signer (a key no BOM here is signed with): every BOM is judged, `unsigned`.
    const key = join(tmp.dir, 'cosign.pub');
    writeFileSync(key, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    serve = await startServe({ entry: 'src/cli/run.ts', certFile: certs.serving.cert, keyFile: certs.serving.key, insecureRegistries: [registry.host], logLevel: 'silent', args: ['--policy', 'examples/policies', '--key', key] });
    const images = [`${registry.host}/ml/nc-model:1.0`, `${registry.host}/ml/granite:1.0`, `${registry.host}/ml/plain:1.0`];
    let n = 0;
    for (const path of ['/mutate', '/validate', '/mutate', '/validate']) {
      for (const image of images) {
        const reply = await post({ port: serve.port, path, ca: certs.caBytes, body: podReview(benchUid(n++), [image]) });
        expect(reply.status).to.equal(200);
      }
    }
    // A dry-run denial (kubectl apply --dry-run=server) and a request that is not JSON (outcome bad-request).
    const dry = JSON.parse(podReview(benchUid(n++), [images[0]!])) as { request: { dryRun: boolean } };
    dry.request.dryRun = true;
    await post({ port: serve.port, path: '/validate', ca: certs.caBytes, body: JSON.stringify(dry) });
    await post({ port: serve.port, path: '/mutate', ca: certs.caBytes, body: 'not json' });
    metrics = await (await fetch(`http://127.0.0.1:${serve.adminPort}/metrics`)).text();
    writeFileSync(join(tmp.dir, 'metrics.txt'), metrics);
  });
  after(async () => {
    if (serve) expect(await serve.stop()).to.equal(0);
    await registry?.stop();
    tmp.remove();
  });

  it('has the panels the issue asks for, each with a Prometheus query', () => {
    const titles = panels.map((p) => p.title);
    for (const wanted of [/admissions by decision/i, /latency .*timeout/i, /cache hit ratio/i, /registry requests by host/i, /registry errors by host/i, /deadline misses/i, /AI-bearing workloads .*namespace/i, /denials by .*rule/i, /BOM trust/i]) {
      expect(titles.some((t) => wanted.test(t)), `${wanted}: ${titles.join(' | ')}`).to.equal(true);
    }
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).to.equal('${datasource}');
      expect((p.targets ?? []).length, p.title).to.be.greaterThan(0);
    }
    // Every $variable a query uses is defined.
    const defined = new Set(['__rate_interval', '__range', '__interval', ...dashboard.templating.list.map((v) => v.name)]);
    for (const e of exprs) for (const m of e.matchAll(/\$(\w+)/g)) expect(defined.has(m[1]!), `${e}: $${m[1]}`).to.equal(true);
  });

  it('every metric the dashboard queries has samples on the webhook /metrics', () => {
    const have = sampled(metrics);
    const queried = [...new Set(exprs.flatMap(metricNames))];
    expect(queried.length).to.be.at.least(12);
    expect(queried.filter((m) => !have.has(m)), `not on /metrics (kept in ${tmp.dir}/metrics.txt)`).to.deep.equal([]);
  });

  it('every metric the alerts query is exported too (the inventory controller’s aside)', () => {
    const have = sampled(metrics);
    const queried = [...new Set(alertExprs.flatMap(metricNames))].filter((m) => !NOT_THE_WEBHOOKS.has(m));
    expect(queried.filter((m) => !have.has(m))).to.deep.equal([]);
  });

  it('the traffic shows where it should: a real denial by the licences rule, registry requests by host, a certificate expiry', () => {
    expect(metrics).to.match(/^aibom_policy_verdicts_total\{policy="licences",rule="licenses",effect="deny"\} [1-9]/m);
    expect(metrics).to.match(/^aibom_policy_decisions_total\{result="denied",dry_run="true"\} 1$/m);
    expect(metrics).to.match(new RegExp(`^aibom_registry_requests_total\\{host="${registry.host.replace(/\./g, '\\.')}",result="2xx"\\} [1-9]`, 'm'));
    expect(metrics).to.match(/^aibom_ai_workloads_admitted_total\{namespace="ml-serving",kind="Pod",ai_kind="model"\} [1-9]/m);
    expect(metrics).to.match(/^aibom_trust_verifications_total\{format="none",result="unsigned"\} [1-9]/m);
    const expiry = Number(/^aibom_tls_certificate_expiry_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(expiry * 1000).to.be.greaterThan(Date.now());
  });
});
