// The inventory core: a workload from the cluster → the webhook's conclusions (through admit()) →
// an AIWorkloadReport whose hash changes exactly when what it says changes → the cluster's counts.
import { expect } from 'chai';
import { admissionSettings } from '../../../src/config/index.js';
import { defaultConfig } from '../../../src/config/schema.js';
import type { KubeObject } from '../../../src/contracts/admission-review.js';
import type { ImageFindings } from '../../../src/contracts/lookup.js';
import { REPORT_API_VERSION, REPORT_KIND, type AIWorkloadReport } from '../../../src/contracts/workload-report.js';
import { BadWorkloadError, buildReport, reportName, statusHash, summarizeReports, workloadEvaluator, type EvaluateDependencies } from '../../../src/inventory/index.js';
import { EMPTY_POLICY_SET, parsePolicyText, policySet, type PolicySet } from '../../../src/policy/index.js';
import { findings, loadReview, reviewObject } from '../../support/fixtures.js';
import { IMAGES } from '../../support/images.js';
import { DIGESTS, standardLookup } from '../../support/world.js';

const NOW = new Date('2026-12-04T19:00:00Z');
const LATER = new Date('2026-12-04T20:00:00Z');

const LICENSE_POLICY = `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: mit-only}
spec:
  mode: Enforce
  rules:
    licenses: {allow: [MIT]}
`;
const WARN_POLICY = `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: suppliers}
spec:
  mode: Warn
  rules:
    sources: {suppliers: [IBM]}
`;
const PASS_POLICY = `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: apache-ok}
spec:
  mode: Enforce
  rules:
    licenses: {allow: [Apache-2.0, MIT]}
`;
const OTHER_NS_POLICY = `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: elsewhere}
spec:
  mode: Enforce
  match: {namespaces: [other]}
  rules:
    licenses: {allow: [MIT]}
`;

function policies(...texts: string[]): PolicySet {
  return policySet(texts.flatMap((t, i) => parsePolicyText(t, `p${i}`).map((l) => l.policy)));
}

/** A Deployment as the API lists it: uid and namespace set, no apiVersion/kind on list items. */
function deployment(overrides: { uid?: string; image?: string; name?: string } = {}): KubeObject {
  const object = structuredClone(reviewObject(loadReview('deployment-create')));
  delete object.apiVersion;
  delete object.kind;
  const meta = object.metadata as Record<string, unknown>;
  meta.namespace = 'ml-serving';
  meta.uid = overrides.uid ?? '0f1e2d3c-0000-4000-8000-000000000001';
  if (overrides.name) meta.name = overrides.name;
  if (overrides.image) {
    const containers = ((object.spec as Record<string, Record<string, Record<string, unknown>>>).template!.spec!.containers as Record<string, unknown>[]);
    containers[0]!.image = overrides.image;
  }
  return object;
}

function deps(over: Partial<EvaluateDependencies> = {}): EvaluateDependencies {
  return { lookup: standardLookup().lookup, settings: admissionSettings(defaultConfig()), policies: () => EMPTY_POLICY_SET, clock: () => NOW, timeoutMs: 5000, ...over };
}

async function report(object: KubeObject, d: Partial<EvaluateDependencies> = {}): Promise<AIWorkloadReport> {
  const evaluation = await workloadEvaluator(deps(d))('Deployment', object);
  const r = buildReport(evaluation, { prefix: 'aibom.io' });
  if (!r) throw new Error(`no report: ${evaluation.skipped}`);
  return r;
}

describe('inventory/report', () => {
  it('a Deployment listed by the API: classified as the webhook would, models with licence, source, BOM, images with digest, owned by the workload', async () => {
    const r = await report(deployment());
    expect(r.apiVersion).to.equal(REPORT_API_VERSION);
    expect(r.kind).to.equal(REPORT_KIND);
    expect(r.metadata).to.deep.include({ name: 'deployment-granite-docling', namespace: 'ml-serving' });
    expect(r.metadata.ownerReferences).to.deep.equal([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'granite-docling', uid: '0f1e2d3c-0000-4000-8000-000000000001', controller: true }]);
    expect(r.spec.workload).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml-serving', name: 'granite-docling', uid: '0f1e2d3c-0000-4000-8000-000000000001' });
    expect(r.metadata.labels).to.deep.equal({ 'aibom.io/workload-kind': 'Deployment', 'aibom.io/workload-name': 'granite-docling' });
    const s = r.status!;
    expect(s).to.include({ aiBearing: 'true', aiKind: 'model', evidence: 'bom', lastChecked: NOW.toISOString() });
    expect(s.images).to.deep.equal([
      { image: IMAGES.model, digest: DIGESTS.model, containers: ['server'], lookup: 'found', outcome: 'model' },
      { image: IMAGES.sidecar, digest: DIGESTS.sidecar, containers: ['log-shipper'], lookup: 'found', outcome: 'no-ai' },
    ]);
    expect(s.models).to.have.length(1);
    expect(s.models[0]).to.deep.include({
      name: 'ibm-granite/granite-docling-258M', version: '1.0', purl: 'pkg:huggingface/ibm-granite/granite-docling-258M@1.0', license: 'Apache-2.0',
      source: { purl: 'pkg:huggingface/ibm-granite/granite-docling-258M@1.0' }, images: [IMAGES.model],
      boms: [{ digest: `sha256:${'a1'.repeat(32)}`, source: 'referrers', trust: 'unsigned' }],
    });
    expect(s.boms.map((b) => [b.image, b.format, b.source, b.trust])).to.deep.equal([[IMAGES.sidecar, 'cyclonedx', 'referrers', 'unsigned'], [IMAGES.model, 'cyclonedx', 'referrers', 'unsigned']]);
    expect(s.policy).to.deep.equal({ policySet: EMPTY_POLICY_SET.hash, outcome: 'pass', summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 }, results: [] });
    expect(s.statusHash).to.match(/^sha256:[0-9a-f]{64}$/);
  });

  it('policy results in the PolicyReport shape: a violation fails (whatever the mode: effect says what admission does), a warning warns, pass per matching policy, none for a policy that does not match', async () => {
    const set = policies(LICENSE_POLICY, WARN_POLICY, PASS_POLICY, OTHER_NS_POLICY);
    const s = (await report(deployment(), { policies: () => set })).status!;
    expect(s.policy.summary).to.deep.equal({ pass: 1, fail: 1, warn: 1, error: 0, skip: 0 });
    expect(s.policy.outcome).to.equal('deny');
    expect(s.policy.policySet).to.equal(set.hash);
    expect(s.policy.results.map((r) => [r.policy, r.rule, r.result, r.effect, r.container])).to.deep.equal([
      ['mit-only', 'licenses', 'fail', 'deny', 'server'],
      ['suppliers', 'sources', 'warn', 'warn', 'server'],
      ['apache-ok', undefined, 'pass', undefined, undefined],
    ]);
    for (const r of s.policy.results) expect(r.source).to.equal('aibom');
  });

  it('a policy edit reaches the next evaluation (the set is read each time)', async () => {
    let set = EMPTY_POLICY_SET;
    const evaluate = workloadEvaluator(deps({ policies: () => set }));
    const before = buildReport(await evaluate('Deployment', deployment()), { prefix: 'aibom.io' })!;
    set = policies(LICENSE_POLICY);
    const after = buildReport(await evaluate('Deployment', deployment()), { prefix: 'aibom.io' })!;
    expect(before.status!.policy.summary.fail).to.equal(0);
    expect(after.status!.policy.summary.fail).to.equal(1);
    expect(after.status!.statusHash).to.not.equal(before.status!.statusHash);
  });

  it('statusHash: the same workload an hour later hashes the same; a new image digest, a new model or a new policy changes it', async () => {
    const first = (await report(deployment())).status!;
    const later = (await report(deployment(), { clock: () => LATER })).status!;
    expect(later.lastChecked).to.equal(LATER.toISOString());
    expect(later.statusHash).to.equal(first.statusHash);
    expect(statusHash(later)).to.equal(first.statusHash);
    const moved: Record<string, ImageFindings> = { [IMAGES.model]: { ...findings('found', [], `sha256:${'9'.repeat(64)}`) } };
    const digestChanged = (await report(deployment(), { lookup: standardLookup(moved).lookup })).status!;
    expect(digestChanged.statusHash).to.not.equal(first.statusHash);
    const otherImage = (await report(deployment({ image: IMAGES.agent }))).status!;
    expect(otherImage.statusHash).to.not.equal(first.statusHash);
    const withPolicy = (await report(deployment(), { policies: () => policies(PASS_POLICY) })).status!;
    expect(withPolicy.statusHash).to.not.equal(first.statusHash);
  });

  it('a lookup failure: ai-bearing unknown, the image says why', async () => {
    const failing = standardLookup({ [IMAGES.model]: findings('error:5xx') });
    const s = (await report(deployment(), { lookup: failing.lookup })).status!;
    expect(s.aiBearing).to.equal('unknown');
    expect(s.images.find((i) => i.image === IMAGES.model)).to.deep.include({ lookup: 'error:5xx', outcome: 'error' });
  });

  it('excluded namespaces give no report; a workload missing its uid is a BadWorkloadError', async () => {
    const obj = deployment();
    (obj.metadata as Record<string, unknown>).namespace = 'kube-system';
    const evaluation = await workloadEvaluator(deps())('Deployment', obj);
    expect(evaluation.skipped).to.match(/excluded/);
    expect(buildReport(evaluation, { prefix: 'aibom.io' })).to.equal(undefined);
    const noUid = deployment();
    delete (noUid.metadata as Record<string, unknown>).uid;
    let caught: unknown;
    try {
      await workloadEvaluator(deps())('Deployment', noUid);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(BadWorkloadError);
  });

  it('the same model in two images is listed once, with both images', async () => {
    const object = deployment();
    const containers = ((object.spec as Record<string, Record<string, Record<string, unknown>>>).template!.spec!.containers as Record<string, unknown>[]);
    containers[1]!.image = IMAGES.modelNext;
    const s = (await report(object)).status!;
    expect(s.models).to.have.length(1);
    expect(s.models[0]!.images).to.deep.equal([IMAGES.model, IMAGES.modelNext].sort());
    expect(s.models[0]!.boms.map((b) => b.digest)).to.deep.equal([`sha256:${'a1'.repeat(32)}`, `sha256:${'a2'.repeat(32)}`]);
  });

  it('report names: <kind>-<name>, long names shortened with a hash, never over 253 characters', () => {
    expect(reportName({ kind: 'StatefulSet', name: 'db' })).to.equal('statefulset-db');
    const long = 'a'.repeat(250);
    const n = reportName({ kind: 'Deployment', name: long });
    expect(n.length).to.be.at.most(253);
    expect(n).to.match(/^deployment-a+-[0-9a-f]{10}$/);
    expect(reportName({ kind: 'Deployment', name: `${long}b` })).to.not.equal(n);
  });

  it('summarizeReports: workloads, AI-bearing, kinds, distinct models and images, licences, policy totals', async () => {
    const set = policies(LICENSE_POLICY);
    const a = await report(deployment(), { policies: () => set });
    const b = await report(deployment({ name: 'granite-2', uid: 'u-2' }), { policies: () => set });
    const c = await report(deployment({ name: 'agent', uid: 'u-3', image: IMAGES.plain }));
    const sum = summarizeReports([a, b, c, { ...c, status: undefined }], NOW);
    expect(sum).to.deep.include({ workloads: 3, models: 1, datasets: 0, images: 3, workloadsFailing: 2, workloadsWarned: 0, lastUpdated: NOW.toISOString() });
    expect(sum.aiBearing).to.deep.equal({ true: 2, false: 1, unknown: 0 });
    expect(sum.kinds).to.deep.equal({ Deployment: 3 });
    expect(sum.namespaces).to.deep.equal({ 'ml-serving': 2 });
    expect(sum.licenses).to.deep.equal({ 'Apache-2.0': 1 });
    expect(sum.policy.fail).to.equal(2);
  });
});
