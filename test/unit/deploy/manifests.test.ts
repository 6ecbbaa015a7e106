// deploy/: every manifest is valid for its Kubernetes schema (offline) and carries the settings the
// design depends on (webhook timeouts and failure policies, hardening, rollout, least privilege).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { kustomizeResources, validateManifest, type Manifest } from '../../support/manifests.js';

const deployDir = fileURLToPath(new URL('../../../deploy/', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KINDS = {
  '': ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'],
  apps: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
  batch: ['jobs', 'cronjobs'],
};

describe('deploy/ manifests', () => {
  const files = kustomizeResources(deployDir);
  const all: Manifest[] = files.flatMap((f) => f.manifests);
  const one = (kind: string, name?: string): Json => {
    const found = all.filter((m) => m.kind === kind && (!name || m.metadata.name === name));
    expect(found, kind).to.have.length(1);
    return found[0] as Json;
  };

  for (const { file, manifests } of files) {
    it(`${file} is valid against the Kubernetes schemas`, () => {
      expect(manifests.length).to.be.greaterThan(0);
      for (const m of manifests) validateManifest(m);
    });
  }

  it('the validator catches a broken manifest', () => {
    const broken = structuredClone(one('Deployment')) as Manifest;
    (broken as Json).spec.replicas = 'two';
    expect(() => validateManifest(broken)).to.throw(/replicas/);
  });

  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    it(`${kind}: v1 reviews, no side effects, every workload kind on CREATE and UPDATE, opt-out and system namespaces excluded`, () => {
      const hooks = one(kind).webhooks as Json[];
      expect(hooks).to.have.length(1);
      const hook = hooks[0]!;
      expect(hook.admissionReviewVersions).to.deep.equal(['v1']);
      expect(hook.sideEffects).to.equal('None');
      expect(hook.clientConfig.service).to.include({ name: 'aibom-webhook', namespace: 'aibom-system', port: 443 });
      const covered: Record<string, string[]> = {};
      for (const rule of hook.rules as Json[]) {
        expect(rule.operations).to.deep.equal(['CREATE', 'UPDATE']);
        expect(rule.apiVersions).to.deep.equal(['v1']);
        for (const group of rule.apiGroups as string[]) covered[group] = [...(covered[group] ?? []), ...(rule.resources as string[])];
      }
      for (const [group, resources] of Object.entries(KINDS)) expect(covered[group], group).to.have.members(resources);
      const expressions = hook.namespaceSelector.matchExpressions as Json[];
      expect(expressions).to.deep.include({ key: 'aibom.io/webhook', operator: 'NotIn', values: ['disabled'] });
      const system = expressions.find((e) => e.key === 'kubernetes.io/metadata.name');
      expect(system?.operator).to.equal('NotIn');
      expect(system?.values).to.have.members(['kube-system', 'kube-public', 'kube-node-lease', 'aibom-system']);
    });
  }

  it('mutating: fail-open, 5 s, reinvoked if needed, path /mutate', () => {
    const hook = one('MutatingWebhookConfiguration').webhooks[0];
    expect(hook).to.include({ failurePolicy: 'Ignore', timeoutSeconds: 5, reinvocationPolicy: 'IfNeeded' });
    expect(hook.clientConfig.service.path).to.equal('/mutate');
  });

  it('validating: 8 s, path /validate, and a fail-closed component that switches it to Fail', () => {
    const hook = one('ValidatingWebhookConfiguration').webhooks[0];
    expect(hook.timeoutSeconds).to.equal(8);
    expect(hook.clientConfig.service.path).to.equal('/validate');
    expect(hook).not.to.have.property('reinvocationPolicy');
    const component = parseYaml(readFileSync(`${deployDir}components/fail-closed/kustomization.yaml`, 'utf8')) as Json;
    expect(component.kind).to.equal('Component');
    const patch = parseYaml(component.patches[0].patch as string) as Json[];
    expect(component.patches[0].target).to.deep.equal({ kind: 'ValidatingWebhookConfiguration', name: 'aibom-webhook' });
    expect(patch).to.deep.equal([{ op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Fail' }]);
  });

  it('the configured timeouts match the webhook configurations, and the config file is valid', () => {
    const config = validateConfig(parseYaml(one('ConfigMap', 'aibom-config').data['config.yaml'] as string));
    expect(config.mutate.timeoutSeconds).to.equal(one('MutatingWebhookConfiguration').webhooks[0].timeoutSeconds);
    expect(config.validate.timeoutSeconds).to.equal(one('ValidatingWebhookConfiguration').webhooks[0].timeoutSeconds);
    expect(config.namespaces.self).to.equal('aibom-system');
    expect(config.discovery.sources).to.deep.equal(['registry']);
  });

  it('Deployment: 2+ replicas, anti-affinity, probes on the admin port, resources, preStop = shutdown delay', () => {
    const d = one('Deployment');
    expect(d.spec.replicas).to.be.at.least(2);
    expect(d.spec.strategy.rollingUpdate.maxUnavailable).to.equal(0);
    const pod = d.spec.template.spec;
    const anti = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
    expect(anti.topologyKey).to.equal('kubernetes.io/hostname');
    expect(anti.labelSelector.matchLabels).to.deep.equal(d.spec.selector.matchLabels);
    const c = pod.containers[0];
    // No `host`: the probes target the pod IP, where the admin server listens (not 127.0.0.1, its default).
    expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'admin' });
    expect(c.livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'admin' });
    expect(c.env.find((e: Json) => e.name === 'AIBOM_SERVER_ADMIN_HOST')).to.deep.equal({ name: 'AIBOM_SERVER_ADMIN_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(defaultConfig().server.adminHost).to.equal('127.0.0.1');
    expect(c.ports.find((p: Json) => p.name === 'admin').containerPort).to.equal(9090);
    expect(c.ports.find((p: Json) => p.name === 'webhook').containerPort).to.equal(8443);
    expect(c.resources.requests).to.have.keys('cpu', 'memory');
    expect(c.resources.limits).to.have.property('memory');
    const config = validateConfig(parseYaml(one('ConfigMap', 'aibom-config').data['config.yaml'] as string));
    const sleepMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(c.lifecycle.preStop.exec.command.join(' '))?.[1]);
    expect(sleepMs).to.equal(config.server.shutdownDelaySeconds * 1000);
    const grace = pod.terminationGracePeriodSeconds as number;
    expect(grace).to.be.at.least(2 * config.server.shutdownDelaySeconds + config.validate.timeoutSeconds);
    expect(c.args).to.include('--tls-cert=/etc/aibom/tls/tls.crt').and.include('--config=/etc/aibom/config.yaml');
  });

  it('Deployment: non-root, read-only root fs, no privilege escalation, seccomp RuntimeDefault, all capabilities dropped, no API token', () => {
    const pod = one('Deployment').spec.template.spec;
    expect(pod.securityContext).to.include({ runAsNonRoot: true });
    expect(pod.securityContext.runAsUser).to.be.greaterThan(0);
    expect(pod.securityContext.seccompProfile).to.deep.equal({ type: 'RuntimeDefault' });
    expect(pod.automountServiceAccountToken).to.equal(false);
    const sc = pod.containers[0].securityContext;
    expect(sc).to.include({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(sc.capabilities.drop).to.deep.equal(['ALL']);
    expect(sc.capabilities).not.to.have.property('add');
    expect(sc.seccompProfile).to.deep.equal({ type: 'RuntimeDefault' });
    const volumes = Object.fromEntries((pod.volumes as Json[]).map((v) => [v.name, v]));
    expect(volumes.tls.secret.secretName).to.equal('aibom-webhook-tls');
    expect(volumes.policies.configMap.name).to.equal('aibom-policies');
    // The policies directory is mounted whole (no subPath), so ConfigMap edits arrive by `..data` swap.
    expect(pod.containers[0].volumeMounts.find((m: Json) => m.name === 'policies')).not.to.have.property('subPath');
  });

  it('Service, PodDisruptionBudget and NetworkPolicy select the webhook pods', () => {
    const selector = one('Deployment').spec.selector.matchLabels;
    const svc = one('Service');
    expect(svc.spec.selector).to.deep.equal(selector);
    expect(svc.spec.ports.find((p: Json) => p.port === 443).targetPort).to.equal('webhook');
    const pdb = one('PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).to.deep.equal(selector);
    expect(pdb.spec.minAvailable).to.equal(1);
    const np = one('NetworkPolicy');
    expect(np.spec.podSelector.matchLabels).to.deep.equal(selector);
    expect(np.spec.policyTypes).to.deep.equal(['Ingress']);
    const [webhook, metrics] = np.spec.ingress as Json[];
    expect(webhook!.ports).to.deep.equal([{ port: 8443, protocol: 'TCP' }]);
    expect(webhook!.from).to.have.length(1);
    expect(webhook!.from[0].ipBlock.cidr).to.match(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    expect(metrics!.ports).to.deep.equal([{ port: 9090, protocol: 'TCP' }]);
    expect(metrics!.from[0].namespaceSelector.matchLabels).to.deep.equal({ 'kubernetes.io/metadata.name': 'monitoring' });
  });

  it('RBAC: least privilege, nothing cluster-wide', () => {
    expect(all.filter((m) => m.kind.startsWith('Cluster'))).to.deep.equal([]);
    const role = one('Role');
    for (const rule of role.rules as Json[]) {
      expect(rule.verbs).not.to.include('*');
      expect(rule.resources).not.to.include('*');
    }
    const binding = one('RoleBinding');
    expect(binding.roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'aibom-webhook', namespace: 'aibom-system' }]);
    expect(one('ServiceAccount').automountServiceAccountToken).to.equal(false);
    expect(one('Deployment').spec.template.spec.serviceAccountName).to.equal('aibom-webhook');
  });

  it('namespaced objects live in the webhook namespace', () => {
    for (const m of all) {
      if (['Namespace', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].includes(m.kind)) continue;
      expect(m.metadata.namespace, `${m.kind} ${m.metadata.name}`).to.equal('aibom-system');
    }
  });

  it('Dockerfile: multi-stage, Node 22+, builds with scripts/build.sh, runs as a numeric non-root user', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    const froms = [...dockerfile.matchAll(/^FROM\s+node:(\d+)\S*/gm)];
    expect(froms.length).to.be.at.least(2);
    for (const f of froms) expect(Number(f[1])).to.be.at.least(22);
    expect(dockerfile).to.match(/^RUN scripts\/build\.sh --prune$/m);
    const user = /^USER\s+(\d+)(?::(\d+))?$/m.exec(dockerfile);
    expect(Number(user?.[1])).to.be.greaterThan(0);
    const ci = readFileSync(`${root}.ci/run`, 'utf8');
    expect(ci.indexOf('scripts/build.sh')).to.be.greaterThan(0).and.lessThan(ci.indexOf('npm test'));
  });
});
