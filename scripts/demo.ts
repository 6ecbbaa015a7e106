// `npm run demo`: the webhook end to end on one machine, with no cluster and no registry.
// 1. builds a sample OCI image layout (scripts/build-demo-layout.ts): images with AI BOMs attached;
// 2. makes a throw-away CA and serving certificate with openssl;
// 3. starts the real server over TLS on loopback (discovery.sources: [layout], ports chosen by the OS);
// 4. sends AdmissionReviews for four workloads, as the kube-apiserver would, trusting only that CA;
// 5. prints each decision;
// 6. ends with one real denial: the validating webhook, under an Enforce policy that admits Apache-2.0 and
//    MIT models only, refuses the agent whose model is under the Llama 3.2 Community License;
// 7. shuts the server down gracefully.
// The loopback guard is on: nothing leaves the machine, not even a DNS query.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../src/config/load.js';
import { composeLookup } from '../src/discovery/compose.js';
import { defaultServingNames, generateDevCertificates } from '../src/server/dev-certs.js';
import { createLogger } from '../src/server/log.js';
import { startService } from '../src/server/service.js';
import { buildDemoLayout } from './build-demo-layout.js';
import { decodePatch, metadataFromPatch, post } from './lib/admission-client.js';
import { guardViolations, installLoopbackGuard } from './lib/loopback-guard.js';

installLoopbackGuard();

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.demo');

interface Workload {
  title: string;
  kind: 'Pod' | 'Deployment';
  object: Record<string, unknown>;
}

function podSpec(containers: { name: string; image: string }[]): Record<string, unknown> {
  return { containers: containers.map((c) => ({ ...c, resources: { limits: { cpu: '500m', memory: '512Mi' } } })) };
}

function deployment(name: string, containers: { name: string; image: string }[]): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels: { app: name } },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec(containers) } },
  };
}

function admissionReview(uid: string, workload: Workload): string {
  const isPod = workload.kind === 'Pod';
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: isPod ? '' : 'apps', version: 'v1', kind: workload.kind },
      resource: { group: isPod ? '' : 'apps', version: 'v1', resource: isPod ? 'pods' : 'deployments' },
      requestKind: { group: isPod ? '' : 'apps', version: 'v1', kind: workload.kind },
      requestResource: { group: isPod ? '' : 'apps', version: 'v1', resource: isPod ? 'pods' : 'deployments' },
      name: (workload.object.metadata as { name: string }).name,
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'demo-user', groups: ['system:authenticated'] },
      object: workload.object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r, n) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd() + (n === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
}

const DEMO_POLICY_NAME = 'permissive-licences';

/** The demo's one AIModelPolicy, in a fresh directory the server watches (policies.dir). */
function writeDemoPolicy(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'licences.yaml'),
    [
      'apiVersion: aibom.io/v1alpha1',
      'kind: AIModelPolicy',
      'metadata:',
      `  name: ${DEMO_POLICY_NAME}`,
      'spec:',
      '  mode: Enforce',
      '  match: {namespaces: [shop]}',
      '  rules:',
      '    licenses: {allow: [Apache-2.0, MIT], missing: deny}',
      '',
    ].join('\n'),
  );
  return dir;
}

async function demo(): Promise<void> {
  const layout = buildDemoLayout(join(work, 'layout'));
  const certs = await generateDevCertificates(join(work, 'certs'), defaultServingNames('aibom-webhook', 'aibom-system'));
  const config = validateConfig({
    server: { port: 0, adminPort: 0, host: '127.0.0.1', adminHost: '127.0.0.1', shutdownDelaySeconds: 0, tlsCert: certs.serving.cert, tlsKey: certs.serving.key },
    discovery: { sources: ['layout'], layoutDir: layout.dir },
    policies: { dir: writeDemoPolicy(join(work, 'policies')) },
    log: { level: 'warn' },
  });
  const log = createLogger({ level: config.log.level });
  const service = await startService({ config, tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: composeLookup(config).lookup, log });
  const rel = (p: string): string => relative(process.cwd(), p) || '.';
  console.log(`aibom demo: OCI layout ${rel(layout.dir)} (3 images, BOMs attached as referrers)`);
  console.log(`aibom demo: webhook https://127.0.0.1:${service.webhook.port}/mutate (TLS, CA ${rel(certs.ca.cert)}), admin http://127.0.0.1:${service.admin.port}/metrics\n`);

  const { sentiment, agent, frontend } = layout.images;
  const workloads: Workload[] = [
    { title: 'AI Pod', kind: 'Pod', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sentiment-api', namespace: 'shop' }, spec: podSpec([{ name: 'server', image: sentiment.ref }]) } },
    { title: 'AI Deployment', kind: 'Deployment', object: deployment('reviews-scoring', [{ name: 'server', image: `${sentiment.ref.split(':')[0]}@${sentiment.digest}` }, { name: 'ui', image: frontend.ref }]) },
    { title: 'agent Deployment', kind: 'Deployment', object: deployment('support-agent', [{ name: 'agent', image: agent.ref }]) },
    { title: 'non-AI Pod', kind: 'Pod', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'storefront', namespace: 'shop' }, spec: podSpec([{ name: 'web', image: frontend.ref }]) } },
  ];

  const ca = readFileSync(certs.ca.cert);
  const rows: string[][] = [['WORKLOAD', 'KIND/NAME', 'LABEL aibom.io/ai-bearing', 'aibom.io/ai-kind', 'MODELS', 'WARNINGS']];
  const details: string[] = [];
  let failures = 0;
  for (const [i, w] of workloads.entries()) {
    const reply = await post({ port: service.webhook.port, path: '/mutate?timeout=5s', ca, body: admissionReview(`demo-${i + 1}`, w) });
    if (reply.status !== 200) {
      failures++;
      rows.push([w.title, `${w.kind}/${(w.object.metadata as { name: string }).name}`, `HTTP ${reply.status}`, '-', '-', reply.body.slice(0, 80)]);
      continue;
    }
    const response = (JSON.parse(reply.body) as { response: { allowed: boolean; patch?: string; warnings?: string[] } }).response;
    const { labels, annotations } = metadataFromPatch(decodePatch(response.patch));
    const models = JSON.parse(annotations['aibom.io/models'] ?? '[]') as { name: string; version?: string }[];
    const modelText = [...new Set(models.map((m) => (m.version ? `${m.name}@${m.version}` : m.name)))].join(', ') || '-';
    rows.push([
      w.title,
      `${w.kind}/${(w.object.metadata as { name: string }).name}`,
      `aibom.io/ai-bearing=${labels['aibom.io/ai-bearing'] ?? '(none)'}`,
      labels['aibom.io/ai-kind'] ?? '-',
      modelText,
      response.warnings?.length ? response.warnings.join(' | ') : '-',
    ]);
    details.push(`  ${w.kind}/${(w.object.metadata as { name: string }).name}: allowed=${response.allowed}, evidence=${labels['aibom.io/evidence'] ?? '-'}, lookup=${annotations['aibom.io/lookup'] ?? '-'}`);
  }
  console.log(table(rows));
  console.log('\ndetails:');
  console.log(details.join('\n'));

  // The validating webhook under the Enforce policy: the AI Pod is admitted, the agent is refused.
  console.log(`\npolicy ${DEMO_POLICY_NAME} (Enforce: models under Apache-2.0 or MIT only), validating webhook:`);
  let denials = 0;
  for (const i of [0, 2]) {
    const w = workloads[i]!;
    const reply = await post({ port: service.webhook.port, path: '/validate?timeout=8s', ca, body: admissionReview(`demo-validate-${i + 1}`, w) });
    const response = (JSON.parse(reply.body) as { response: { allowed: boolean; status?: { code?: number; message?: string } } }).response;
    const name = `${w.kind}/${(w.object.metadata as { name: string }).name}`;
    if (response.allowed) console.log(`  ${name}: admitted`);
    else {
      denials++;
      console.log(`  ${name}: DENIED (HTTP ${response.status?.code ?? '?'}): ${response.status?.message ?? ''}`);
    }
  }
  if (denials !== 1) throw new Error(`expected exactly one denial, got ${denials}`);

  await service.shutdown('demo finished', 0);
  if (guardViolations().length > 0) throw new Error(`loopback guard refused ${guardViolations().length} connection(s)`);
  if (failures > 0) throw new Error(`${failures} request(s) failed`);
  console.log('\naibom demo: done (server shut down)');
}

demo().then(
  () => {
    process.exitCode = 0;
  },
  (err: unknown) => {
    console.error(`aibom demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
