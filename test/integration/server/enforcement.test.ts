// Enforcement over real TLS: the policy directory in the kubelet's ConfigMap layout, real AdmissionReview
// JSON, the real server, audit lines from its logger, /metrics and /readyz on the admin port.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { composeLookup } from '../../../src/discovery/compose.js';
import { createLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { decodePatch, metadataFromPatch, post } from '../../../scripts/lib/admission-client.js';
import { runCli } from '../../support/cli.js';
import { ConfigMapDir } from '../../support/configmap-dir.js';
import { tempDir, testCertificates, testConfig } from '../../support/server.js';
import { waitFor } from '../../support/deferred.js';
import { admissionReview } from '../../support/admission-review.js';

const MIT = '127.0.0.1:5000/acme/chat-model:2.0';
const APACHE = '127.0.0.1:5000/acme/sentiment-model:1.0';
const BOMS = [
  { image: MIT, file: fileURLToPath(new URL('../../fixtures/enforcement/mit-model.cdx.json', import.meta.url)) },
  { image: APACHE, file: fileURLToPath(new URL('../../fixtures/server/model.cdx.json', import.meta.url)) },
];
const TICKET = 'https://tickets.example.com/INC-1234';
const RS_CONTROLLER = 'system:serviceaccount:kube-system:replicaset-controller';

const policy = (name: string, mode: string, namespaces: string[], exceptions = ''): string => `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: ${name}}
spec:
  mode: ${mode}
  match: {namespaces: [${namespaces.join(', ')}], kinds: [Pod]}
  rules:
    licenses: {allow: [Apache-2.0]}
${exceptions}`;

const EXCEPTIONS = `  exceptions:
  - {name: old-pilot, ticket: SEC-1, namespaces: [legacy], expires: "2020-01-01T00:00:00Z"}
  - {name: sandbox, ticket: SEC-2, namespaces: [sandbox], expires: "2099-01-01T00:00:00Z"}
`;
const GOOD = {
  'enforce.yaml': policy('licences', 'Enforce', ['ml', 'legacy', 'sandbox'], EXCEPTIONS),
  'warn.yaml': policy('licences-warn', 'Warn', ['warn-ns']),
  'audit.yaml': policy('licences-audit', 'Audit', ['audit-ns']),
};

let n = 0;
interface ReviewOptions {
  kind?: 'Deployment' | 'Pod';
  namespace?: string;
  user?: string;
  groups?: string[];
  image?: string;
  annotations?: Record<string, string>;
  generateName?: string;
  owner?: Record<string, unknown>;
  operation?: 'CREATE' | 'UPDATE';
  deletionTimestamp?: string;
  dryRun?: boolean;
}

function review(o: ReviewOptions = {}): { uid: string; body: string } {
  const uid = `0a0b0c0d-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const kind = o.kind ?? 'Deployment';
  const namespace = o.namespace ?? 'ml';
  const metadata: Record<string, unknown> = { namespace, annotations: o.annotations ?? {} };
  if (o.generateName) metadata.generateName = o.generateName;
  else metadata.name = 'chat';
  if (o.owner) metadata.ownerReferences = [o.owner];
  if (o.deletionTimestamp) metadata.deletionTimestamp = o.deletionTimestamp;
  const podSpec = { containers: [{ name: 'llm', image: o.image ?? MIT }] };
  const object = kind === 'Pod'
    ? { apiVersion: 'v1', kind, metadata, spec: podSpec }
    : { apiVersion: 'apps/v1', kind, metadata, spec: { replicas: 1, selector: { matchLabels: { app: 'chat' } }, template: { metadata: { labels: { app: 'chat' } }, spec: podSpec } } };
  const body = admissionReview(object, {
    uid, namespace, operation: o.operation ?? 'CREATE', user: o.user ?? 'bob', userUid: 'u-7', groups: o.groups ?? ['system:authenticated'],
    extra: { 'authentication.kubernetes.io/credential-id': ['JTI=secret-token-value'] }, dryRun: o.dryRun ?? false,
  });
  return { uid, body: JSON.stringify(body) };
}

interface Response {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  patch?: string;
  auditAnnotations?: Record<string, string>;
}

describe('enforcement over TLS', function () {
  this.timeout(30_000);
  const tmp = tempDir('enforce');
  let certs: Awaited<ReturnType<typeof testCertificates>>;
  let cm: ConfigMapDir;
  let service: RunningService;
  let logLines: string[];

  async function start(dir = cm.dir): Promise<RunningService> {
    const config = testConfig({ policies: { dir, pollSeconds: 0.2 }, breakGlass: { allowedUsers: ['alice'] }, log: { level: 'info' } });
    const log = createLogger({ level: 'info', destination: { write: (line: string) => logLines.push(line) } });
    return startService({ config, tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: composeLookup(config, { bomMappings: BOMS, registry: false }).lookup, log, registry: new Registry() });
  }

  before(async () => {
    certs = await testCertificates(tmp.dir);
    cm = new ConfigMapDir(join(tmp.dir, 'policies'));
    cm.write(GOOD);
    logLines = [];
    service = await start();
  });
  after(async () => {
    await service?.shutdown('test over', 0);
    tmp.remove();
  });

  async function call(path: '/validate' | '/mutate', r: { uid: string; body: string }, on = service): Promise<Response> {
    const reply = await post({ port: on.webhook.port, path: `${path}?timeout=8s`, ca: certs.caBytes, body: r.body });
    expect(reply.status, reply.body).to.equal(200);
    const response = (JSON.parse(reply.body) as { response: Response }).response;
    expect(response.uid).to.equal(r.uid);
    return response;
  }
  const validate = (o: ReviewOptions = {}, on = service): Promise<Response> => call('/validate', review(o), on);
  const mutate = (o: ReviewOptions = {}, on = service): Promise<Response> => call('/mutate', review(o), on);
  const admin = async (path: string, on = service): Promise<{ status: number; text: string }> => {
    const res = await fetch(`http://127.0.0.1:${on.admin.port}${path}`);
    return { status: res.status, text: await res.text() };
  };

  it('Enforce: a Deployment is denied with the message naming policy, rule, model, container, fix and bypass', async () => {
    const r = await validate();
    expect(r.allowed).to.equal(false);
    expect(r.status?.code).to.equal(403);
    expect(r.status?.message).to.match(/^denied by AI model policy \(Deployment ml\/chat\): \[licences\/licenses\] container "llm", model chat-model@2\.0: licence "MIT".*Fix: .*annotation aibom\.io\/break-glass: <ticket URL>/);
    expect(r.auditAnnotations).to.include({ 'policy-decision': 'deny', 'policy-set': service.enforcement.current().hash });
    // A compliant image passes the same policy.
    expect((await validate({ image: APACHE })).allowed).to.equal(true);
  });

  it('Warn: admitted with warnings; Audit: admitted and recorded only', async () => {
    const warned = await validate({ namespace: 'warn-ns' });
    expect(warned.allowed).to.equal(true);
    expect(warned.warnings?.some((w) => w.startsWith('aibom policy licences-warn/licenses:'))).to.equal(true);
    const audited = await validate({ namespace: 'audit-ns' });
    expect(audited.allowed).to.equal(true);
    expect(audited.warnings ?? []).to.deep.equal([]);
    expect(JSON.parse(audited.auditAnnotations!['policy-verdicts']!)[0]).to.include({ policy: 'licences-audit', effect: 'audit' });
  });

  it('Pods the ReplicaSet controller makes for an evaluated owner are audited; a bare Pod with a fake ownerReference is denied', async () => {
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'chat-5d8f', uid: '9e9e9e9e-0000-4000-8000-000000000001', controller: true };
    const made = await validate({ kind: 'Pod', generateName: 'chat-5d8f-', owner, user: RS_CONTROLLER });
    expect(made.allowed).to.equal(true);
    expect(made.auditAnnotations).to.include({ waived: 'controller-created' });
    const fake = await validate({ kind: 'Pod', generateName: 'chat-5d8f-', owner, user: 'bob' });
    expect(fake.allowed).to.equal(false);
    expect(fake.status?.message).to.contain('(Pod ml/chat-5d8f-*)');
  });

  it('never denies an object being deleted', async () => {
    const r = await validate({ operation: 'UPDATE', deletionTimestamp: '2026-05-01T00:00:00Z' });
    expect(r.allowed).to.equal(true);
    expect(r.auditAnnotations).to.include({ waived: 'deleting' });
  });

  it('break-glass from an allowed user admits and labels; from another user it is denied', async () => {
    const glass = { 'aibom.io/break-glass': TICKET };
    const allowed = await validate({ user: 'alice', annotations: glass });
    expect(allowed.allowed).to.equal(true);
    expect(allowed.auditAnnotations).to.include({ 'break-glass': TICKET, 'break-glass-result': 'honoured' });
    const labelled = await mutate({ user: 'alice', annotations: glass });
    expect(metadataFromPatch(decodePatch(labelled.patch)).labels).to.include({ 'aibom.io/bypassed': 'true' });
    expect(metadataFromPatch(decodePatch(labelled.patch), '/spec/template/metadata').labels).to.include({ 'aibom.io/bypassed': 'true' });

    const refused = await validate({ user: 'mallory', annotations: glass });
    expect(refused.allowed).to.equal(false);
    expect(refused.status?.message).to.match(/^break-glass refused \(Deployment ml\/chat\): user mallory is not allowed to use break-glass/);
    const notLabelled = await mutate({ user: 'mallory', annotations: glass });
    expect(metadataFromPatch(decodePatch(notLabelled.patch)).labels).not.to.have.property('aibom.io/bypassed');
  });

  it('an expired exception no longer applies; an active one does', async () => {
    const expired = await validate({ namespace: 'legacy' });
    expect(expired.allowed).to.equal(false);
    expect(expired.warnings?.join('\n')).to.contain('exception old-pilot (SEC-1) expired');
    const active = await validate({ namespace: 'sandbox' });
    expect(active.allowed).to.equal(true);
    expect(JSON.parse(active.auditAnnotations!.exceptions!)).to.deep.equal([{ policy: 'licences', exception: 'sandbox', ticket: 'SEC-2', status: 'applied' }]);
  });

  it('writes one audit JSON line per decision, with no userInfo.extra value', async () => {
    const before = logLines.length;
    const r = review({ user: 'alice', annotations: { 'aibom.io/break-glass': TICKET } });
    await call('/validate', r);
    const lines = logLines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'aibom audit');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.deep.include({ uid: r.uid, webhook: 'validate', verdict: 'bypassed', policy: 'licences', rule: 'licenses', breakGlass: { ticket: TICKET, result: 'honoured' } });
    expect(lines[0]!.user).to.deep.equal({ username: 'alice', uid: 'u-7', groups: ['system:authenticated'], extraKeys: ['authentication.kubernetes.io/credential-id'] });
    expect(logLines.join('')).not.to.contain('secret-token-value');
  });

  it('/metrics counts a scripted run exactly', async () => {
    const own = new ConfigMapDir(join(tmp.dir, 'metrics-policies'));
    own.write(GOOD);
    const fresh = await start(own.dir);
    try {
      await validate({}, fresh); // denied
      await validate({ namespace: 'warn-ns' }, fresh); // warned
      await validate({ namespace: 'audit-ns' }, fresh); // audited
      await validate({ image: APACHE }, fresh); // allowed
      await validate({ user: 'alice', annotations: { 'aibom.io/break-glass': TICKET } }, fresh); // bypassed
      await validate({ user: 'mallory', annotations: { 'aibom.io/break-glass': TICKET } }, fresh); // denied (refused)
      await validate({ namespace: 'sandbox' }, fresh); // audited (exception)
      await validate({ namespace: 'legacy' }, fresh); // denied (expired exception)
      await validate({ dryRun: true }, fresh); // denied, dry run
      const text = (await admin('/metrics', fresh)).text;
      const lines = new Set(text.split('\n'));
      for (const expected of [
        'aibom_policy_decisions_total{result="denied",dry_run="false"} 3',
        'aibom_policy_decisions_total{result="denied",dry_run="true"} 1',
        'aibom_policy_decisions_total{result="warned",dry_run="false"} 1',
        'aibom_policy_decisions_total{result="audited",dry_run="false"} 2',
        'aibom_policy_decisions_total{result="allowed",dry_run="false"} 1',
        'aibom_policy_decisions_total{result="bypassed",dry_run="false"} 1',
        'aibom_policy_verdicts_total{policy="licences",rule="licenses",effect="deny"} 3',
        'aibom_policy_verdicts_total{policy="licences",rule="licenses",effect="audit"} 2',
        'aibom_break_glass_total{result="honoured"} 1',
        'aibom_break_glass_total{result="refused"} 1',
        'aibom_policy_exception_uses_total{policy="licences",status="applied"} 1',
        'aibom_policy_exception_uses_total{policy="licences",status="expired"} 1',
        'aibom_ai_workloads_admitted_total{namespace="ml",kind="Deployment",ai_kind="model"} 2',
        'aibom_ai_workloads_admitted_total{namespace="sandbox",kind="Deployment",ai_kind="model"} 1',
        'aibom_policy_reloads_total{result="ok"} 1',
        `aibom_policy_set_info{hash="${fresh.enforcement.current().hash}"} 1`,
        'aibom_policy_set_policies 3',
      ]) expect(lines.has(expected), `${expected}\n${text.split('\n').filter((l) => l.startsWith('aibom_p') || l.startsWith('aibom_b') || l.startsWith('aibom_ai')).join('\n')}`).to.equal(true);
      expect(text).not.to.match(/^# TYPE aibom_\S+ summary/m);
    } finally {
      await fresh.shutdown('test over', 0);
    }
  });

  it('a broken policy edit keeps the last good policy (kubelet symlink swap), shown in /statusz (not /readyz); a good edit applies', async () => {
    const good = service.enforcement.current().hash;
    cm.write({ ...GOOD, 'enforce.yaml': GOOD['enforce.yaml'].replace('mode: Enforce', 'mode: Sometimes') });
    let ready = JSON.parse((await admin('/statusz')).text) as { status: string; policies: { hash: string; failing: boolean; lastError?: { message: string } } };
    await waitFor(async () => {
      ready = JSON.parse((await admin('/statusz')).text);
      return ready.policies.failing;
    }, 'the broken edit to be reported in /statusz');
    expect(await admin('/readyz')).to.include({ status: 200, text: '{"status":"ready"}' });
    expect(ready.status).to.equal('ready');
    expect(ready.policies.failing).to.equal(true);
    expect(ready.policies.hash).to.equal(good);
    expect(ready.policies.lastError?.message).to.match(/enforce\.yaml.*spec\.mode/);
    expect((await validate()).allowed).to.equal(false);
    expect((await admin('/metrics')).text).to.contain('aibom_policy_reloads_total{result="error"} 1');

    cm.write({ ...GOOD, 'enforce.yaml': GOOD['enforce.yaml'].replace('mode: Enforce', 'mode: Audit') });
    await waitFor(() => service.enforcement.current().hash !== good, 'the good edit to apply');
    expect(service.enforcement.current().hash).not.to.equal(good);
    expect((await validate()).allowed).to.equal(true);
    ready = JSON.parse((await admin('/statusz')).text);
    expect(ready.policies.failing).to.equal(false);
  });

  it('aibom review --validate gives the same verdicts offline', async () => {
    const offline = new ConfigMapDir(join(tmp.dir, 'offline-policies'));
    offline.write(GOOD);
    const configFile = join(tmp.dir, 'review-config.yaml');
    writeFileSync(configFile, 'breakGlass:\n  allowedUsers: [alice]\n');
    const fresh = await start(offline.dir);
    try {
      const cases: ReviewOptions[] = [
        {}, { namespace: 'warn-ns' }, { namespace: 'audit-ns' }, { image: APACHE }, { namespace: 'legacy' }, { namespace: 'sandbox' },
        { user: 'alice', annotations: { 'aibom.io/break-glass': TICKET } }, { user: 'mallory', annotations: { 'aibom.io/break-glass': TICKET } },
        { kind: 'Pod', generateName: 'chat-1-', user: RS_CONTROLLER, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'chat-1', uid: 'x', controller: true } },
      ];
      for (const c of cases) {
        const r = review(c);
        const online = await call('/validate', r, fresh);
        const image = c.image ?? MIT;
        const cli = await runCli(['review', '-', '--validate', '--json', '--no-registry', '--config', configFile, '--policy', offline.dir, ...BOMS.filter((b) => b.image === image).flatMap((b) => ['--bom', `${b.image}=${b.file}`])], { stdin: r.body });
        expect(cli.stderr).to.equal('');
        const offlineResponse = (JSON.parse(cli.stdout) as { response: Response }).response;
        expect(offlineResponse, JSON.stringify(c)).to.deep.equal(online);
      }
    } finally {
      await fresh.shutdown('test over', 0);
    }
  });
});
