// charts/aibom-webhook against the real apiserver: the render of the defaults and of each toggle is
// accepted by `kubectl apply --dry-run=server` with no warning (Pod Security `restricted` included), with
// the real cert-manager and Prometheus Operator CRDs installed from their Go modules; and the service
// account's rights (`kubectl auth can-i --list`) are exactly a bare service account's, plus `secrets get`
// in the namespaces named when pull-secret RBAC is on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { canIRows } from './deploy.test.js';
import { kubectl, kubectlRaw, namespace, runOk, useE2E, type E2E } from './support/e2e.js';
import { installCrds } from './support/crds.js';
import { renderChart, sets, TOGGLES, type K8sManifest } from '../support/helm-chart.js';

// As the chart's namespace would be labelled (docs/helm.md): Pod Security restricted, and never reviewed by the webhook.
const PSA = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest', 'aibom.io/webhook': 'disabled' };

describe('e2e: the Helm chart against the real apiserver', function () {
  this.timeout(20 * 60_000);
  const cluster = useE2E();
  let e: E2E;

  before(async () => {
    e = cluster();
    // The CRDs the toggles use, from cert-manager's and the Prometheus Operator's own modules.
    await installCrds(e, ['certManager', 'prometheusOperator']);
  });

  async function dryRun(ns: string, args: string[]): Promise<K8sManifest[]> {
    const { text, manifests } = renderChart(args, { namespace: ns, release: 'aibom-webhook' });
    const out = await kubectlRaw(e, ['apply', '--dry-run=server', '-f', '-'], text);
    expect(out.code, `${args.join(' ')}\n${out.stderr}`).to.equal(0);
    expect(out.stderr, 'no warning (Pod Security restricted, unknown fields, deprecated APIs)').to.not.match(/Warning/i);
    for (const m of manifests) expect(out.stdout, `${m.kind}/${m.metadata.name}`).to.match(new RegExp(`/${m.metadata.name} (created|configured|unchanged) \\(server dry run\\)`));
    return manifests;
  }

  for (const [name, args] of Object.entries(TOGGLES)) {
    it(`kubectl apply --dry-run=server accepts the render: ${name}`, async () => {
      const ns = await namespace(e, 'e2e-helm', PSA);
      if (name === 'pullSecrets') {
        for (const target of ['ml-a', 'ml-b']) await kubectl(e, ['create', 'namespace', target]).catch(() => '');
      }
      const manifests = await dryRun(ns, args);
      expect(manifests.length).to.be.greaterThan(8);
    });
  }

  it('namespace.create=true: the Namespace with its Pod Security and opt-out labels, applied whole', async () => {
    const ns = `e2e-helm-ns-${process.pid % 10000}`;
    const { text } = renderChart(sets({ 'namespace.create': 'true' }), { namespace: ns });
    const out = await kubectlRaw(e, ['apply', '--dry-run=server', '-f', '-'], text);
    // The namespaced objects need the Namespace to exist: a dry run cannot create it, so apply it for real first.
    expect(out.stdout).to.match(new RegExp(`namespace/${ns} created \\(server dry run\\)`));
    const nsDoc = renderChart(sets({ 'namespace.create': 'true' }), { namespace: ns }).manifests.find((m) => m.kind === 'Namespace')!;
    await kubectl(e, ['apply', '-f', '-'], JSON.stringify(nsDoc));
    await dryRun(ns, sets({ 'namespace.create': 'true' }));
  });

  it('helm and promtool are on the PATH of the cluster environment (.cluster/env)', async () => {
    expect(await runOk(e, 'helm', ['version', '--short'])).to.match(/^v4\.3/);
    expect(await runOk(e, 'promtool', ['--version'])).to.match(/promtool, version/);
    // The file `source .cluster/env` reads exports that PATH.
    expect(readFileSync(join(e.state.stateDir, 'env'), 'utf8')).to.match(/^export PATH="[^"]*\/helm-v4\.3\.2:[^"]*\/promtool-v0\.316\.0:\$PATH"$/m);
  });

  async function rightsBeyondBaseline(ns: string, sa: string, where: string): Promise<string[]> {
    const mine = canIRows(await kubectl(e, ['auth', 'can-i', '--list', `--as=system:serviceaccount:${ns}:${sa}`, '-n', where]));
    const baseline = canIRows(await kubectl(e, ['auth', 'can-i', '--list', `--as=system:serviceaccount:${ns}:e2e-nobody`, '-n', where]));
    expect(baseline.length).to.be.greaterThan(0);
    return mine.filter((r) => !baseline.includes(r));
  }

  /** Applies the render's RBAC for real (only ServiceAccount, Role(Binding), ClusterRole(Binding)). */
  async function applyRbac(ns: string, args: string[]): Promise<K8sManifest[]> {
    const rbac = renderChart(args, { namespace: ns, release: `rbac-${ns}` }).manifests.filter((m) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(m.kind));
    await kubectl(e, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: rbac }));
    return rbac;
  }

  it('kubectl auth can-i --list: the defaults grant nothing beyond a bare service account; pullSecrets adds secrets get where named, and only there', async () => {
    const ns = await namespace(e, 'e2e-helm-rbac', PSA);
    const release = `rbac-${ns}`;
    const sa = `${release}-aibom-webhook`;
    const clusterScoped: K8sManifest[] = [];
    try {
      await applyRbac(ns, []);
      for (const where of [ns, 'default']) expect(await rightsBeyondBaseline(ns, sa, where), `defaults, in ${where}`).to.deep.equal([]);
      for (const target of ['ml-a', 'ml-b', 'ml-c']) await kubectl(e, ['create', 'namespace', target]).catch(() => '');
      clusterScoped.push(...(await applyRbac(ns, TOGGLES.pullSecrets!)).filter((m) => m.kind.startsWith('Cluster')));
      expect(await rightsBeyondBaseline(ns, sa, 'ml-a')).to.deep.equal(['secrets|[]|[]|get']);
      expect(await rightsBeyondBaseline(ns, sa, 'ml-b')).to.deep.equal(['secrets|[]|[]|get']);
      expect(await rightsBeyondBaseline(ns, sa, 'ml-c'), 'a namespace not named').to.deep.equal([]);
      expect(await rightsBeyondBaseline(ns, sa, ns), 'its own namespace').to.deep.equal([]);
      expect((await kubectlRaw(e, ['auth', 'can-i', 'list', 'secrets', `--as=system:serviceaccount:${ns}:${sa}`, '-n', 'ml-a'])).stdout.trim()).to.equal('no');
      // pullSecrets.namespaces={*}: get on Secrets everywhere (a ClusterRoleBinding), still nothing else.
      clusterScoped.push(...(await applyRbac(ns, sets({ 'pullSecrets.enabled': 'true', 'pullSecrets.namespaces': '{*}' }))).filter((m) => m.kind.startsWith('Cluster')));
      expect(await rightsBeyondBaseline(ns, sa, 'ml-c')).to.deep.equal(['secrets|[]|[]|get']);
      expect(await rightsBeyondBaseline(ns, sa, 'default')).to.deep.equal(['secrets|[]|[]|get']);
    } finally {
      for (const m of clusterScoped) await kubectlRaw(e, ['delete', m.kind, m.metadata.name]);
    }
  });
});
