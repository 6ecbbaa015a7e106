// How the webhook fails, as the real apiserver enforces it: excluded namespaces are never sent to the
// webhook; with the webhook stopped, failurePolicy Ignore admits unlabelled and the fail-closed
// component refuses with a clear message; a registry that hangs keeps every answer inside the
// apiserver's timeout; a certificate rotation while the apiserver keeps calling fails no admission.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { connect } from 'node:tls';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../scripts/cluster/cluster.js';
import { aiLabels, auditEvents, getObject, kubectl, kubectlRaw, namespace, webhookLog, type E2E, type K8sObject } from './support/e2e.js';
import { useSuite } from './support/images.js';

/** A Pod that the restricted Pod Security level admits (aibom-system enforces it). */
function restrictedPod(name: string, ns: string, image: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  });
}

/** Server-side dry-run create of a Pod through the apiserver as the admin: the returned object. */
function dryRunPod(e: E2E, ns: string, name: string, image: string): Promise<{ status: number; object: K8sObject }> {
  const { pki } = e.state;
  return new Promise((resolve, reject) => {
    const req = request(`${e.state.apiserver}/api/v1/namespaces/${ns}/pods?dryRun=All`, { method: 'POST', ca: readFileSync(pki.ca.cert), cert: readFileSync(pki.admin.cert), key: readFileSync(pki.admin.key), headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, object: JSON.parse(text) as K8sObject }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image }] } }));
  });
}

/** Hex serial, upper case, without leading zeros (openssl and node print them differently). */
function normalSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+/, '');
}

function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(normalSerial(serial));
    });
    socket.on('error', reject);
  });
}

describe('e2e: failure modes through the real apiserver', function () {
  this.timeout(120_000);
  const t = useSuite('e2e-failure');

  it('kube-system, the webhook\'s own namespace and an opted-out namespace are never sent to the webhook', async () => {
    const optedOut = await namespace(t.e, 'e2e-opted-out', { 'aibom.io/webhook': 'disabled' });
    const targets = ['kube-system', 'aibom-system', optedOut];
    for (const target of targets) await kubectl(t.e, ['apply', '-f', '-'], restrictedPod('never-reviewed', target, t.img.orasReferrers));
    for (const target of targets) {
      const pod = await getObject(t.e, 'pod', 'never-reviewed', target);
      expect(aiLabels(pod.metadata), target).to.deep.equal({});
    }
    const seen = await webhookLog(t.e, (l) => typeof l.namespace === 'string' && targets.includes(l.namespace));
    expect(seen, 'the webhook was never called for them').to.deep.equal([]);
    // The control: the same Pod in a reviewed namespace is labelled and logged under that namespace.
    await kubectl(t.e, ['apply', '-f', '-'], restrictedPod('never-reviewed', t.ns, t.img.orasReferrers));
    expect(aiLabels((await getObject(t.e, 'pod', 'never-reviewed', t.ns)).metadata)['aibom.io/ai-bearing']).to.equal('true');
    expect((await webhookLog(t.e, (l) => l.namespace === t.ns && l.name === 'never-reviewed')).length).to.be.greaterThan(0);
  });

  it('a registry that hangs: every answer inside the apiserver\'s timeout, ai-bearing unknown, no webhook failed open', async () => {
    const sockets: Socket[] = [];
    const hang: Server = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const image = `127.0.0.1:${(hang.address() as { port: number }).port}/e2e/hang:1.0`;
    try {
      const t0 = Date.now();
      const out = await kubectlRaw(t.e, ['run', 'hung', '-n', t.ns, `--image=${image}`, '--restart=Never']);
      const ms = Date.now() - t0;
      expect(out.code, out.stderr).to.equal(0);
      expect(sockets.length, 'the webhook did try the registry').to.be.greaterThan(0);
      // mutate: lookups end at its 2.5 s budget (timeoutSeconds 5); validate: at timeout 8 s − 0.5 s margin.
      expect(ms, 'create latency').to.be.lessThan(5_000 + 8_000);
      expect(out.stderr).to.include(`Warning: aibom: BOM lookup timeout for ${image}`);
      const pod = await getObject(t.e, 'pod', 'hung', t.ns);
      expect(aiLabels(pod.metadata)['aibom.io/ai-bearing']).to.equal('unknown');
      expect(JSON.parse(pod.metadata.annotations!['aibom.io/lookup']!)).to.deep.equal({ [image]: 'timeout' });
      const [event] = await auditEvents(t.e, (a) => a.verb === 'create' && a.objectRef?.name === 'hung' && a.objectRef.namespace === t.ns && a.stage === 'ResponseComplete');
      const failedOpen = Object.keys(event?.annotations ?? {}).filter((k) => k.startsWith('failed-open.'));
      expect(failedOpen, 'no webhook call timed out').to.deep.equal([]);
      expect(event?.annotations?.['validate.aibom.io/lookup']).to.include('timeout');
    } finally {
      for (const s of sockets) s.destroy();
      hang.close();
    }
  });

  it('certificate rotation while the apiserver keeps calling: no failed admission', async function () {
    this.timeout(90_000);
    const before = await servedSerial(t.e.state.webhook.port);
    let stop = false;
    const results: Array<{ status: number; labelled: boolean; i: number }> = [];
    const loop = (async () => {
      for (let i = 0; !stop; i++) {
        const r = await dryRunPod(t.e, t.ns, `rot-${i}`, t.img.orasReferrers);
        results.push({ status: r.status, labelled: r.object.metadata?.labels?.['aibom.io/ai-bearing'] === 'true', i });
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    const rotated = normalSerial(t.e.cluster.rotateWebhookCertificate());
    expect(rotated).to.not.equal(before);
    // The webhook watches its Secret directory (and polls it every certPollSeconds).
    const until = Date.now() + 30_000;
    while ((await servedSerial(t.e.state.webhook.port)) !== rotated && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await servedSerial(t.e.state.webhook.port)).to.equal(rotated);
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await loop;
    expect(results.length).to.be.greaterThan(5);
    expect(results.filter((r) => r.status !== 201 || !r.labelled), 'every dry-run create was admitted and labelled').to.deep.equal([]);
    const events = await auditEvents(t.e, (a) => a.verb === 'create' && (a.objectRef?.name ?? '').startsWith('rot-') && a.stage === 'ResponseComplete');
    expect(events.filter((a) => Object.keys(a.annotations ?? {}).some((k) => k.startsWith('failed-open.')))).to.deep.equal([]);
  });

  describe('with the webhook stopped', () => {
    const failClosedDir = (): string => join(t.e.state.stateDir, 'deploy-fail-closed');

    before(async () => {
      await t.e.cluster.stopWebhook();
    });

    after(async function () {
      this.timeout(120_000);
      await kubectl(t.e, ['apply', '-k', join(t.e.state.stateDir, 'deploy')]);
      await t.e.cluster.startWebhook();
    });

    it('failurePolicy Ignore (the default): Pods are admitted unlabelled, and the audit log says the webhook failed open', async () => {
      const out = await kubectlRaw(t.e, ['run', 'unlabelled', '-n', t.ns, `--image=${t.img.orasReferrers}`, '--restart=Never']);
      expect(out.code, out.stderr).to.equal(0);
      expect(aiLabels((await getObject(t.e, 'pod', 'unlabelled', t.ns)).metadata)).to.deep.equal({});
      const [event] = await auditEvents(t.e, (a) => a.verb === 'create' && a.objectRef?.name === 'unlabelled' && a.stage === 'ResponseComplete');
      expect(Object.entries(event?.annotations ?? {}).filter(([k]) => k.startsWith('failed-open.')).map(([, v]) => v).sort()).to.deep.equal(['mutate.aibom.io', 'validate.aibom.io']);
    });

    it('the fail-closed component (kubectl apply -k): Pods are refused with a clear message', async () => {
      mkdirSync(failClosedDir(), { recursive: true });
      writeFileSync(join(failClosedDir(), 'kustomization.yaml'), [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources: [../deploy]',
        `components: [${relative(failClosedDir(), join(repoRoot, 'deploy/components/fail-closed'))}]`,
        '',
      ].join('\n'));
      await kubectl(t.e, ['apply', '-k', failClosedDir()]);
      const policy = await kubectl(t.e, ['get', 'validatingwebhookconfiguration', 'aibom-webhook', '-o', 'jsonpath={.webhooks[0].failurePolicy}']);
      expect(policy).to.equal('Fail');
      const out = await kubectlRaw(t.e, ['run', 'refused', '-n', t.ns, `--image=${t.img.orasReferrers}`, '--restart=Never']);
      expect(out.code).to.equal(1);
      expect(out.stderr).to.match(/Internal error occurred: failed calling webhook "validate\.aibom\.io": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/validate\?timeout=8s": dial tcp 127\.0\.0\.1:\d+: connect: connection refused/);
      expect((await kubectlRaw(t.e, ['get', 'pod', 'refused', '-n', t.ns])).code).to.not.equal(0);
    });
  });
});
