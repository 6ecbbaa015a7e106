// deploy/crds and deploy/inventory offline: the manifests are valid Kubernetes objects, every field a
// report or the summary carries is declared in the CRD's structural schema with its type (the
// apiserver would silently prune an undeclared field), and the controller's RBAC is least privilege.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { admissionSettings } from '../../../src/config/index.js';
import { defaultConfig } from '../../../src/config/schema.js';
import type { KubeObject } from '../../../src/contracts/admission-review.js';
import type { FoundBom } from '../../../src/contracts/lookup.js';
import { REPORT_GROUP, REPORT_KIND, REPORT_PLURAL, REPORT_VERSION, SUMMARY_KIND, SUMMARY_PLURAL } from '../../../src/contracts/workload-report.js';
import { buildReport, summarizeReports, workloadEvaluator } from '../../../src/inventory/index.js';
import { parsePolicyText, policySet } from '../../../src/policy/index.js';
import { bomFixture, findings, foundBom, inventoryOf, loadReview, reviewObject } from '../../support/fixtures.js';
import { IMAGES } from '../../support/images.js';
import { standardLookup } from '../../support/world.js';
import { kustomizeResources, parseManifests, validateManifest, type Manifest } from '../../support/manifests.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const deploy = (p: string): string => fileURLToPath(new URL(`../../../deploy/${p}`, import.meta.url));
const manifests = (p: string): Manifest[] => parseManifests(readFileSync(deploy(p), 'utf8'), p);
const NOW = new Date('2026-12-04T19:00:00Z');

/** Paths in `value` the schema does not declare, or declares with another type. */
function undeclared(schema: Json, value: unknown, path = ''): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (schema.enum && !schema.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} not in enum`];
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: not an object`];
      const out: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        const sub = schema.properties?.[k] ?? schema.additionalProperties;
        if (path === '' && k === 'metadata') continue;
        if (!sub) out.push(`${path}.${k}: not declared`);
        else out.push(...undeclared(sub, v, `${path}.${k}`));
      }
      for (const r of schema.required ?? []) if (!(r in (value as object))) out.push(`${path}.${r}: required, missing`);
      return out;
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => undeclared(schema.items, v, `${path}[${i}]`)) : [`${path}: not an array`];
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: not a string`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
    default:
      return [`${path}: schema without a type`];
  }
}

function crd(file: string): Json {
  const [m] = manifests(file);
  return m as Json;
}

/** A report with every list filled: models, datasets, agents, an invalid BOM, findings, policy results. */
async function fullReport(): Promise<Json> {
  const object = structuredClone(reviewObject(loadReview('deployment-create')));
  const meta = object.metadata as Json;
  meta.namespace = 'ml-serving';
  meta.uid = 'u-1';
  const containers = (object.spec as Json).template.spec.containers as Json[];
  containers.push({ name: 'data', image: IMAGES.dataset }, { name: 'agent', image: IMAGES.agent });
  const model = inventoryOf(bomFixture('model.cdx.json'));
  model.findings.push({ code: 'unknown-field', severity: 'warning', message: 'a field was not understood' });
  const signed: FoundBom = { ...foundBom(model, 'c1'.repeat(32)), trust: 'verified', signers: [{ method: 'key', fingerprint: `sha256:${'d'.repeat(64)}`, key: 'ci.pub' }] };
  const invalid: FoundBom = { ...foundBom(model, 'c2'.repeat(32)), trust: 'invalid', trustReason: 'signature does not verify' };
  const lookup = standardLookup({ [IMAGES.model]: { ...findings('found', [signed], `sha256:${'1'.repeat(64)}`), invalidBoms: [invalid] } });
  const set = policySet(parsePolicyText('apiVersion: aibom.io/v1alpha1\nkind: AIModelPolicy\nmetadata: {name: mit}\nspec:\n  mode: Audit\n  rules:\n    licenses: {allow: [MIT]}\n    requireHashes: true\n', 'p').map((l) => l.policy));
  const evaluation = await workloadEvaluator({ lookup: lookup.lookup, settings: admissionSettings(defaultConfig()), policies: () => set, clock: () => NOW, timeoutMs: 5000 })('Deployment', object as KubeObject);
  return buildReport(evaluation, { prefix: 'aibom.io' }) as unknown as Json;
}

describe('deploy/crds and deploy/inventory', () => {
  for (const file of ['crds/aiworkloadreport.yaml', 'crds/aiinventorysummary.yaml', 'inventory/rbac.yaml', 'inventory/deployment.yaml']) {
    it(`${file} is valid against the Kubernetes schemas`, () => {
      for (const m of manifests(file)) validateManifest(m);
    });
  }

  it('the CRDs name what the contracts say: group, version, kinds, plurals, scopes, status subresource, printer columns', () => {
    const report = crd('crds/aiworkloadreport.yaml');
    expect(report.metadata.name).to.equal(`${REPORT_PLURAL}.${REPORT_GROUP}`);
    expect(report.spec).to.deep.include({ group: REPORT_GROUP, scope: 'Namespaced' });
    expect(report.spec.names).to.deep.include({ kind: REPORT_KIND, plural: REPORT_PLURAL });
    const v = report.spec.versions[0];
    expect(v).to.deep.include({ name: REPORT_VERSION, served: true, storage: true });
    expect(v.subresources).to.deep.equal({ status: {} });
    expect(v.additionalPrinterColumns.map((c: Json) => c.name)).to.include.members(['AI-Bearing', 'Models', 'Policy', 'Age']);
    const summary = crd('crds/aiinventorysummary.yaml');
    expect(summary.spec).to.deep.include({ group: REPORT_GROUP, scope: 'Cluster' });
    expect(summary.spec.names).to.deep.include({ kind: SUMMARY_KIND, plural: SUMMARY_PLURAL });
  });

  it('a full report (models, datasets, signed and invalid BOMs, findings, policy results) has no field the CRD would prune', async () => {
    const report = await fullReport();
    expect(report.status.datasets.length).to.be.greaterThan(0);
    expect(report.status.findings.length).to.be.greaterThan(0);
    expect(report.status.policy.results.length).to.be.greaterThan(0);
    expect(report.status.boms.some((b: Json) => b.signers)).to.equal(true);
    const schema = crd('crds/aiworkloadreport.yaml').spec.versions[0].schema.openAPIV3Schema;
    expect(undeclared(schema, report)).to.deep.equal([]);
    // The checker can fail.
    expect(undeclared(schema, { ...report, status: { ...report.status, extra: 1, aiBearing: 'maybe' } })).to.have.length(2);
  });

  it('the summary has no field the CRD would prune', async () => {
    const schema = crd('crds/aiinventorysummary.yaml').spec.versions[0].schema.openAPIV3Schema;
    const status = summarizeReports([(await fullReport()) as never], NOW);
    expect(undeclared(schema, { apiVersion: 'aibom.io/v1alpha1', kind: SUMMARY_KIND, metadata: { name: 'cluster' }, status })).to.deep.equal([]);
  });

  it('RBAC: workloads read-only (list, watch), reports and the summary only, one Lease, no secrets, no wildcards', () => {
    const all = manifests('inventory/rbac.yaml') as Json[];
    const cluster = all.find((m) => m.kind === 'ClusterRole')!;
    for (const rule of [...cluster.rules, ...all.find((m) => m.kind === 'Role')!.rules] as Json[]) {
      expect(rule.verbs).not.to.include('*');
      expect(rule.resources).not.to.include('*');
      expect(rule.resources).not.to.include('secrets');
    }
    const workloadRules = (cluster.rules as Json[]).filter((r) => !r.apiGroups.includes('aibom.io'));
    for (const r of workloadRules) expect(r.verbs).to.deep.equal(['list', 'watch']);
    expect(workloadRules.flatMap((r) => r.resources).sort()).to.deep.equal(['cronjobs', 'daemonsets', 'deployments', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'statefulsets']);
    const lease = all.find((m) => m.kind === 'Role')!;
    expect(lease.metadata.namespace).to.equal('aibom-system');
    expect((lease.rules as Json[]).find((r) => r.verbs.includes('update'))?.resourceNames).to.deep.equal(['aibom-inventory']);
  });

  it('Deployment: runs inventory-controller as the aibom-inventory service account, hardened like the webhook', () => {
    const d = manifests('inventory/deployment.yaml')[0] as Json;
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).to.equal('aibom-inventory');
    expect(pod.containers[0].args[0]).to.equal('inventory-controller');
    expect(pod.securityContext).to.include({ runAsNonRoot: true });
    expect(pod.containers[0].securityContext).to.include({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.containers[0].securityContext.capabilities.drop).to.deep.equal(['ALL']);
  });

  it('the kustomizations: deploy/inventory includes the CRDs; deploy/ itself stays without cluster-wide rights', () => {
    const inventory = parseManifests(readFileSync(deploy('inventory/kustomization.yaml'), 'utf8'), 'kustomization')[0] as Json;
    expect(inventory.resources).to.deep.equal(['../crds', 'rbac.yaml', 'deployment.yaml']);
    const crds = parseManifests(readFileSync(deploy('crds/kustomization.yaml'), 'utf8'), 'kustomization')[0] as Json;
    expect(crds.resources).to.deep.equal(['aiworkloadreport.yaml', 'aiinventorysummary.yaml']);
    const base = kustomizeResources(deploy('')).flatMap((r) => r.manifests);
    expect(base.filter((m) => m.kind.startsWith('Cluster') || m.kind === 'CustomResourceDefinition')).to.deep.equal([]);
  });
});
