// charts/aibom-webhook with the real helm: `helm lint`, the default render equals `kubectl kustomize
// deploy/` object for object (so the two never drift), every operator choice renders what it says,
// and values.schema.json (with the chart's own checks) refuses bad values with a message naming the
// value and the fix. The same renders are applied to a real apiserver in test/e2e/helm.test.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { tempDir, testCertificates } from '../../support/server.js';
import { CHART, comparable, helm, keyOf, renderChart, renderError, sets, TOGGLES, type K8sManifest } from '../../support/helm-chart.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


function kubectlBin(): string {
  return join(execFileSync('scripts/tools/ensure.sh', ['--path', 'k8s'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim(), 'kubectl');
}

function find(ms: K8sManifest[], kind: string, name?: string): Json | undefined {
  return ms.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name)) as Json | undefined;
}

describe('charts/aibom-webhook (helm)', function () {
  this.timeout(20 * 60_000); // a cold machine builds helm first

  it('helm lint passes, with the defaults and with every toggle', () => {
    for (const [name, args] of Object.entries(TOGGLES)) {
      const run = helm(['lint', CHART, ...args]);
      expect(run.code, `${name}: ${run.stdout}${run.stderr}`).to.equal(0);
      expect(run.stdout, name).to.contain('0 chart(s) failed');
    }
  });

  it('the default render is `kubectl kustomize deploy/`, object for object (namespace.create=true for its Namespace)', () => {
    const kustomized = parseAllDocuments(execFileSync(kubectlBin(), ['kustomize', 'deploy/'], { encoding: 'utf8' })).map((d) => d.toJS() as K8sManifest);
    const rendered = renderChart(sets({ 'namespace.create': 'true' })).manifests;
    expect(rendered.map(keyOf).sort()).to.deep.equal(kustomized.map(keyOf).sort());
    const byKey = new Map(rendered.map((m) => [keyOf(m), comparable(m)]));
    for (const k of kustomized) expect(byKey.get(keyOf(k)), keyOf(k)).to.deep.equal(comparable(k));
    // Without namespace.create, everything but the Namespace.
    expect(renderChart().manifests.map(keyOf).sort()).to.deep.equal(kustomized.filter((m) => m.kind !== 'Namespace').map(keyOf).sort());
    // The comparison can fail: a changed default shows up.
    const drifted = renderChart(sets({ 'webhooks.mutate.timeoutSeconds': '6' })).manifests.map(comparable);
    expect(drifted.find((m) => m.kind === 'MutatingWebhookConfiguration')).to.not.deep.equal(comparable(kustomized.find((m) => m.kind === 'MutatingWebhookConfiguration')!));
  });

  it('certificates via cert-manager: a self-signed CA, the serving Certificate for the Service names, CA injection, no caBundle', () => {
    const ms = renderChart(TOGGLES.certManager).manifests;
    const serving = find(ms, 'Certificate', 'aibom-webhook')!;
    expect(serving.spec).to.deep.include({ secretName: 'aibom-webhook-tls', dnsNames: ['aibom-webhook.aibom-system.svc', 'aibom-webhook.aibom-system.svc.cluster.local'] });
    expect(serving.spec.issuerRef).to.deep.equal({ name: 'aibom-webhook-ca', kind: 'Issuer' });
    expect(find(ms, 'Certificate', 'aibom-webhook-ca')!.spec.isCA).to.equal(true);
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const w = find(ms, kind)!;
      expect(w.metadata.annotations).to.deep.equal({ 'cert-manager.io/inject-ca-from': 'aibom-system/aibom-webhook' });
      expect(w.webhooks[0].clientConfig.caBundle).to.equal(undefined);
    }
    expect(find(ms, 'Deployment')!.spec.template.spec.volumes[0].secret.secretName).to.equal('aibom-webhook-tls');
    const corp = renderChart(TOGGLES.certManagerClusterIssuer).manifests;
    expect(find(corp, 'Issuer')).to.equal(undefined);
    expect(find(corp, 'Certificate', 'aibom-webhook')!.spec.issuerRef).to.deep.equal({ name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });

  it('an existing Secret: its name is mounted and its CA certificate is the caBundle; no private key is ever rendered', async () => {
    const tmp = tempDir('helm-ca');
    const ca = (await testCertificates(tmp.dir)).caBytes.toString('base64');
    tmp.remove();
    const ms = renderChart(sets({ 'certificates.existingSecret.name': 'my-tls', 'certificates.existingSecret.caBundle': ca })).manifests;
    expect(find(ms, 'Deployment')!.spec.template.spec.volumes[0].secret.secretName).to.equal('my-tls');
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) expect(find(ms, kind)!.webhooks[0].clientConfig.caBundle).to.equal(ca);
    for (const [name, args] of Object.entries(TOGGLES)) expect(renderChart(args).text, name).to.not.match(/PRIVATE KEY|kind: Secret\b/);
  });

  it('pull-secret RBAC is opt-in: get on Secrets, in the namespaces named, and a token only then', () => {
    const off = renderChart().manifests;
    expect(off.filter((m) => m.kind.startsWith('Cluster'))).to.have.length(0);
    expect(find(off, 'Role')!.rules).to.deep.equal([]);
    expect(find(off, 'ServiceAccount')!.automountServiceAccountToken).to.equal(false);
    const on = renderChart(TOGGLES.pullSecrets).manifests;
    expect(find(on, 'ClusterRole')!.rules).to.deep.equal([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    const bindings = on.filter((m) => m.kind === 'RoleBinding' && m.metadata.name === 'aibom-webhook-pull-secrets');
    expect(bindings.map((b) => b.metadata.namespace)).to.deep.equal(['ml-a', 'ml-b']);
    expect(find(on, 'ClusterRoleBinding')).to.equal(undefined);
    expect(find(on, 'ServiceAccount')!.automountServiceAccountToken).to.equal(true);
    expect(find(on, 'Deployment')!.spec.template.spec.automountServiceAccountToken).to.equal(true);
    expect(find(renderChart(sets({ 'pullSecrets.enabled': 'true', 'pullSecrets.namespaces': '{*}' })).manifests, 'ClusterRoleBinding')).to.not.equal(undefined);
  });

  it('ServiceMonitor and PrometheusRule on request: the metrics port, the alerts of deploy/monitoring', () => {
    const ms = renderChart(TOGGLES.monitoring).manifests;
    const sm = find(ms, 'ServiceMonitor')!;
    expect(sm.metadata.labels.release).to.equal('kps');
    expect(sm.spec.endpoints).to.deep.equal([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    const rules = parseAllDocuments(readFileSync('deploy/monitoring/alerts.rules.yaml', 'utf8'))[0]!.toJS() as Json;
    expect(find(ms, 'PrometheusRule')!.spec.groups).to.deep.equal(rules.groups);
    const noInventory = renderChart([...TOGGLES.monitoring!, ...sets({ 'metrics.prometheusRule.inventoryAlerts': 'false' })]).manifests;
    expect(find(noInventory, 'PrometheusRule')!.spec.groups.map((g: Json) => g.name)).to.deep.equal(['aibom-webhook']);
    expect(renderChart().manifests.filter((m) => m.apiVersion.startsWith('monitoring.coreos.com'))).to.have.length(0);
  });

  it('replicas, image, failure policy, timeouts, excluded namespaces, PDB and NetworkPolicy follow the values', () => {
    const ms = renderChart(TOGGLES.enforce).manifests;
    const d = find(ms, 'Deployment')!;
    expect(d.spec.replicas).to.equal(3);
    expect(d.spec.template.spec.containers[0].image).to.equal(`registry.example.com/aibom-webhook@sha256:${'a'.repeat(64)}`);
    const v = find(ms, 'ValidatingWebhookConfiguration')!.webhooks[0];
    expect(v).to.deep.include({ failurePolicy: 'Fail', timeoutSeconds: 12 });
    expect(v.namespaceSelector.matchExpressions[1].values).to.deep.equal(['kube-system', 'tenant-infra', 'aibom-system']);
    const config = parseAllDocuments(find(ms, 'ConfigMap', 'aibom-config')!.data['config.yaml'])[0]!.toJS() as Json;
    expect(config.validate.timeoutSeconds).to.equal(12);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).to.be.at.least(12 + 5 + 5);
    const bare = renderChart(TOGGLES.noPdbNoNetpol).manifests;
    expect(bare.map((m) => m.kind)).to.not.include.members(['PodDisruptionBudget', 'NetworkPolicy']);
    const cidrs = renderChart(sets({ 'networkPolicy.apiserverCIDRs': '{192.168.10.0/24,10.96.0.1/32}' })).manifests;
    expect(find(cidrs, 'NetworkPolicy')!.spec.ingress[0].from).to.deep.equal([{ ipBlock: { cidr: '192.168.10.0/24' } }, { ipBlock: { cidr: '10.96.0.1/32' } }]);
  });

  it('policies from values: one AIModelPolicy file per key, policy.mode overriding each spec.mode, and a config change rolls the pods', () => {
    const values = ['--set-json', `policy.policies={"approved-sources":{"mode":"Warn","match":{"namespaces":["ml-*"]},"rules":{"sources":{"purls":["pkg:huggingface/ibm-granite/*"],"missing":"deny"}}}}`];
    const warn = renderChart(values).manifests;
    const doc = parseAllDocuments(find(warn, 'ConfigMap', 'aibom-policies')!.data['approved-sources.yaml'])[0]!.toJS() as Json;
    expect(doc).to.deep.include({ apiVersion: 'aibom.io/v1alpha1', kind: 'AIModelPolicy', metadata: { name: 'approved-sources' } });
    expect(doc.spec.mode).to.equal('Warn');
    const audit = renderChart([...values, ...sets({ 'policy.mode': 'Audit' })]).manifests;
    expect((parseAllDocuments(find(audit, 'ConfigMap', 'aibom-policies')!.data['approved-sources.yaml'])[0]!.toJS() as Json).spec.mode).to.equal('Audit');
    const checksum = (ms: K8sManifest[]): string => find(ms, 'Deployment')!.spec.template.metadata.annotations['checksum/config'];
    expect(checksum(warn)).to.not.equal(checksum(audit));
    expect(find(renderChart(sets({ 'policy.existingConfigMap': 'my-policies' })).manifests, 'Deployment')!.spec.template.spec.volumes[2].configMap.name).to.equal('my-policies');
  });

  it('bad values are refused with a message naming the value and what is wanted', () => {
    const cases: [string[], RegExp][] = [
      [sets({ replicas: '0' }), /at '\/replicas': minimum: got 0, want 1/],
      [sets({ 'webhooks.validate.failurePolicy': 'Sometimes' }), /at '\/webhooks\/validate\/failurePolicy': value must be one of 'Ignore', 'Fail'/],
      [sets({ 'webhooks.mutate.timeoutSeconds': '31' }), /at '\/webhooks\/mutate\/timeoutSeconds': maximum: got 31, want 30/],
      [sets({ 'certificates.existingSecret.key': 'abc' }), /at '\/certificates\/existingSecret': additional properties 'key' not allowed/],
      [sets({ 'certificates.mode': 'selfSigned' }), /at '\/certificates\/mode': value must be one of 'existingSecret', 'certManager'/],
      [sets({ 'image.digest': 'sha256:xyz' }), /at '\/image\/digest': 'sha256:xyz' does not match pattern/],
      [sets({ 'networkPolicy.apiserverCIDRs': '{10.0.0.0}' }), /at '\/networkPolicy\/apiserverCIDRs\/0': '10\.0\.0\.0' does not match pattern/],
      [sets({ 'pullSecrets.enabled': 'true' }), /at '\/pullSecrets\/namespaces': minItems: got 0, want 1/],
      [sets({ tls: 'x' }), /additional properties 'tls' not allowed/],
      [sets({ 'inventory.enabled': 'true' }), /at '\/inventory\/enabled': value must be false/],
      [sets({ 'policy.mode': 'Enforce' }), /policy\.mode=Enforce with webhooks\.validate\.failurePolicy=Ignore: an outage or a slow webhook would admit what the policies deny\. Set webhooks\.validate\.failurePolicy=Fail/],
      [sets({ 'certificates.existingSecret.caBundle': Buffer.from('-----BEGIN EC PRIVATE KEY-----\nx\n').toString('base64') }), /caBundle holds a private key: give the base64 of the CA certificate \(public\), never a key/],
      [sets({ 'certificates.existingSecret.caBundle': Buffer.from('hello').toString('base64') }), /caBundle is not a base64-encoded PEM certificate/],
      [['--set-json', 'policy.policies={"p":{"mode":"Sometimes"}}'], /at '\/policy\/policies\/p\/mode': value must be one of 'Enforce', 'Warn', 'Audit'/],
    ];
    for (const [args, message] of cases) expect(renderError(args), args.join(' ')).to.match(message);
    expect(() => renderChart(sets({ 'policy.mode': 'Enforce', 'policy.allowFailOpenEnforce': 'true' }))).to.not.throw();
  });
});
