// AIModelPolicy through the real apiserver: a denial reaches kubectl with the documented message and
// HTTP 403, Warn mode shows `Warning:` lines, break-glass admits and is visible in the apiserver's
// audit log with our auditAnnotations, and a server-side dry run decides the same but is not recorded
// as an admission.
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { expect } from 'chai';
import { aiLabels, auditEvents, eventually, getObject, kubectl, kubectlRaw, namespace, webhookLog, type E2E } from './support/e2e.js';
import { useSuite } from './support/images.js';

function policy(name: string, mode: string, ns: string): string {
  return [
    'apiVersion: aibom.io/v1alpha1',
    'kind: AIModelPolicy',
    `metadata: { name: ${name} }`,
    'spec:',
    `  mode: ${mode}`,
    `  match: { namespaces: [${JSON.stringify(ns)}] }`,
    '  rules:',
    '    licenses: { allow: [Apache-2.0] }',
    '',
  ].join('\n');
}

function deployment(name: string, ns: string, image: string, annotations: Record<string, string> = {}): string {
  const labels = { app: name };
  return JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, annotations }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'llm', image }] } } } });
}

async function policySetLoaded(e: E2E, names: string[]): Promise<void> {
  await eventually(`policies ${names.join(', ')} loaded`, async () => {
    const res = await fetch(`http://127.0.0.1:${e.state.webhook.adminPort}/statusz`);
    const text = await res.text();
    return names.every((n) => text.includes(n)) ? true : undefined;
  });
}

/** POST an object to the apiserver as the admin (client certificate): the raw HTTP status and body. */
function createRaw(e: E2E, path: string, body: string): Promise<{ status: number; body: string }> {
  const { pki } = e.state;
  return new Promise((resolve, reject) => {
    const req = request(`${e.state.apiserver}${path}`, { method: 'POST', ca: readFileSync(pki.ca.cert), cert: readFileSync(pki.admin.cert), key: readFileSync(pki.admin.key), headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('e2e: AI model policy at admission', function () {
  this.timeout(120_000);
  const t = useSuite();
  let enforced: string;
  let warned: string;

  before(async function () {
    this.timeout(300_000);
    enforced = await namespace(t.e, 'e2e-enforce');
    warned = await namespace(t.e, 'e2e-warn');
    writeFileSync(join(t.e.state.webhook.policiesDir, 'licences.yaml'), policy('e2e-licences', 'Enforce', enforced) + '---\n' + policy('e2e-licences-warn', 'Warn', warned));
    await policySetLoaded(t.e, ['e2e-licences', 'e2e-licences-warn']);
  });

  it('a denial reaches kubectl with the documented message, and the apiserver answers 403', async () => {
    const out = await kubectlRaw(t.e, ['apply', '-f', '-'], deployment('chat', enforced, t.img.mitModel));
    expect(out.code).to.equal(1);
    expect(out.stderr).to.include('admission webhook "validate.aibom.io" denied the request: denied by AI model policy (Deployment ' + enforced + '/chat)');
    expect(out.stderr).to.include('[e2e-licences/licenses] container "llm", model chat-model@2.0');
    expect(out.stderr).to.include('aibom.io/break-glass');
    expect((await kubectlRaw(t.e, ['get', 'deployment', 'chat', '-n', enforced])).code).to.not.equal(0);

    const raw = await createRaw(t.e, `/apis/apps/v1/namespaces/${enforced}/deployments`, deployment('chat-raw', enforced, t.img.mitModel));
    expect(raw.status).to.equal(403);
    const status = JSON.parse(raw.body) as { kind: string; code: number; reason: string; message: string };
    expect(status).to.include({ kind: 'Status', code: 403 });
    expect(status.message).to.include('denied by AI model policy (Deployment ' + enforced + '/chat-raw)');
  });

  it('an allowed model passes the same policy', async () => {
    await kubectl(t.e, ['apply', '-f', '-'], deployment('granite', enforced, t.img.orasReferrers));
    expect(aiLabels((await getObject(t.e, 'deployment', 'granite', enforced)).metadata)['aibom.io/ai-bearing']).to.equal('true');
  });

  it('Warn mode admits and kubectl prints Warning: lines', async () => {
    const out = await kubectlRaw(t.e, ['apply', '-f', '-'], deployment('chat', warned, t.img.mitModel));
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stderr).to.match(/^Warning: .*chat-model@2\.0/m);
    expect(out.stderr).to.include('MIT');
  });

  it('break-glass by an allowed user admits, labels bypassed, and shows in the apiserver audit log with our auditAnnotations', async () => {
    const ticket = 'https://tickets.example.invalid/INC-42';
    const out = await kubectlRaw(t.e, ['apply', '--as=alice', '--as-group=system:masters', '-f', '-'], deployment('urgent', enforced, t.img.mitModel, { 'aibom.io/break-glass': ticket }));
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stderr).to.match(/^Warning: .*INC-42/m);
    const stored = await getObject(t.e, 'deployment', 'urgent', enforced);
    expect(aiLabels(stored.metadata)['aibom.io/bypassed']).to.equal('true');

    const event = await eventually('the audit event of the break-glass create', async () => {
      const ev = await auditEvents(t.e, (a) => a.verb === 'create' && a.objectRef?.resource === 'deployments' && a.objectRef.name === 'urgent' && a.stage === 'ResponseComplete');
      return ev[0];
    });
    expect(event.impersonatedUser?.username).to.equal('alice');
    expect(event.responseStatus?.code).to.equal(201);
    const a = event.annotations ?? {};
    expect(a['validate.aibom.io/break-glass']).to.equal(ticket);
    expect(a['validate.aibom.io/break-glass-result']).to.equal('honoured');
    expect(a['validate.aibom.io/policy-decision']).to.equal('allow');
    expect(a['validate.aibom.io/models']).to.include('chat-model@2.0');
    expect(a['mutate.aibom.io/ai-bearing']).to.equal('true');
  });

  it('break-glass by a user who may not use it is refused with the reason', async () => {
    const out = await kubectlRaw(t.e, ['apply', '--as=mallory', '--as-group=system:masters', '-f', '-'], deployment('sneaky', enforced, t.img.orasReferrers, { 'aibom.io/break-glass': 'https://tickets.example.invalid/X' }));
    expect(out.code).to.equal(1);
    expect(out.stderr).to.include('user mallory is not allowed to use break-glass');
  });

  it('a server-side dry run is denied the same way and recorded only as a dry run', async () => {
    const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${t.e.state.webhook.adminPort}/metrics`)).text();
    const count = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    const before = await metrics();
    const out = await kubectlRaw(t.e, ['apply', '--dry-run=server', '-f', '-'], deployment('dry-chat', enforced, t.img.mitModel));
    expect(out.code).to.equal(1);
    expect(out.stderr).to.include('denied by AI model policy (Deployment ' + enforced + '/dry-chat)');
    const after = await metrics();
    expect(count(after, /^aibom_policy_decisions_total\{.*dry_run="true"/) - count(before, /^aibom_policy_decisions_total\{.*dry_run="true"/)).to.equal(1);
    // Not a count of dry_run="false" decisions: the controller-manager may still be creating earlier
    // tests' ReplicaSets and Pods, which are real admissions. Which admissions were dry runs is read
    // from the audit records of this object instead.
    const records = await webhookLog(t.e, (l) => l.msg === 'aibom audit' && JSON.stringify(l.object ?? '').includes('dry-chat'));
    expect(records.map((r) => r.dryRun)).to.deep.equal([true]);
  });
});
