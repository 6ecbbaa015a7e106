// deploy/security/: the RHACS policies (policies.json for `roxctl central policy import`, and the same as
// SecurityPolicy custom resources) and the Kyverno ClusterPolicy act on the labels and annotations the
// webhook really writes. Each RHACS criterion (a label or annotation `key=regex`) is evaluated on the
// metadata that `aibom review` patches onto real example Pods, and fires exactly where it should. The
// Kyverno ClusterPolicy is applied to a real apiserver with Kyverno's CRD in test/e2e/security-platforms.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../support/cli.js';
import { RHACS, RHACS_NAMES as NAMES, violates, type Meta } from '../../support/rhacs.js';
import { benchUid, podReview } from '../../support/pod-review.js';
import { tempDir } from '../../support/server.js';

const KYVERNO = parseAllDocuments(readFileSync('deploy/security/kyverno/clusterpolicy.yaml', 'utf8'))[0]!.toJS() as { kind: string; spec: { rules: { name: string }[] } };

/** The labels and annotations the mutating webhook patches onto a Pod running `image` with `bom` as its BOM. */
async function patchedMetadata(image: string, bom: string | undefined, dir: string): Promise<Meta> {
  const review = join(dir, `review-${benchUid(Math.floor(Math.random() * 1e9))}.json`);
  writeFileSync(review, podReview(benchUid(1), [image]));
  const run = await runCli(['review', review, '--no-registry', '--json', ...(bom ? ['--bom', `${image}=${bom}`] : [])]);
  expect(run.code, run.stderr).to.equal(0);
  const response = (JSON.parse(run.stdout) as { response: { patch?: string } }).response;
  const meta: Meta = { labels: {}, annotations: {} };
  for (const op of JSON.parse(Buffer.from(response.patch ?? 'W10=', 'base64').toString()) as { path: string; value: unknown }[]) {
    if (op.path === '/metadata/annotations') Object.assign(meta.annotations, op.value);
    else if (op.path === '/metadata/labels') Object.assign(meta.labels, op.value);
    else if (op.path.startsWith('/metadata/labels/')) meta.labels[op.path.slice(17).replace('~1', '/')] = String(op.value);
    else if (op.path.startsWith('/metadata/annotations/')) meta.annotations[op.path.slice(22).replace('~1', '/')] = String(op.value);
  }
  return meta;
}


describe('deploy/security: RHACS and Kyverno policies on our labels', function () {
  this.timeout(60_000);
  const tmp = tempDir('security');
  after(() => tmp.remove());

  it('four RHACS policies, one per case, at deploy time, on labels and annotations only, in RE2 syntax', () => {
    expect(RHACS.policies.map((p) => p.name)).to.deep.equal(Object.values(NAMES));
    for (const p of RHACS.policies) {
      expect(p.lifecycleStages, p.name).to.deep.equal(['DEPLOY']);
      expect(p.severity).to.match(/^(LOW|MEDIUM|HIGH|CRITICAL)_SEVERITY$/);
      expect(p.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-z]{12}$/);
      for (const g of p.policySections.flatMap((s) => s.policyGroups)) {
        expect(g.fieldName).to.be.oneOf(['Disallowed Label', 'Disallowed Annotation']);
        // RE2 has no look-around and no back-references.
        for (const { value } of g.values) expect(value, p.name).to.not.match(/\(\?[=!<]|\\[1-9]/);
      }
    }
  });

  it('the SecurityPolicy custom resources are policies.json, field for field', () => {
    const crs = parseAllDocuments(readFileSync('deploy/security/rhacs/securitypolicies.yaml', 'utf8')).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    expect(crs).to.have.length(RHACS.policies.length);
    RHACS.policies.forEach((p, i) => {
      const cr = crs[i]!;
      expect([cr.apiVersion, cr.kind]).to.deep.equal(['config.stackrox.io/v1alpha1', 'SecurityPolicy']);
      expect(cr.metadata.name).to.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      const { id: _id, name, isDefault: _d, criteriaLocked: _c, mitreVectorsLocked: _m, policyVersion: _v, ...rest } = p;
      expect(cr.spec).to.deep.equal({ policyName: name, ...rest });
    });
  });

  it('each RHACS criterion fires on the metadata the webhook writes, exactly where it should', async () => {
    const model = readFileSync('examples/boms/model.cdx.json', 'utf8');
    const ncFile = join(tmp.dir, 'nc.cdx.json');
    writeFileSync(ncFile, model.replace('"id": "Apache-2.0"', '"id": "CC-BY-NC-4.0"').replaceAll('pkg:huggingface/ibm-granite/granite-docling-258M@1.0', 'pkg:huggingface/someone/granite-docling-258M@1.0'));
    expect(readFileSync(ncFile, 'utf8')).to.contain('CC-BY-NC-4.0').and.contain('pkg:huggingface/someone/');
    const cases: { what: string; meta: Meta; fires: (keyof typeof NAMES)[] }[] = [];
    const granite = await patchedMetadata('127.0.0.1:5000/ml/granite:1.0', 'examples/boms/model.cdx.json', tmp.dir);
    cases.push({ what: 'an approved, permissively licensed model in an unsigned BOM', meta: granite, fires: ['unverified'] });
    cases.push({ what: 'the same BOM verified', meta: { labels: granite.labels, annotations: { ...granite.annotations, 'aibom.io/boms': granite.annotations['aibom.io/boms']!.replaceAll('"trust":"unsigned"', '"trust":"verified"') } }, fires: [] });
    cases.push({ what: 'a non-commercial model from another publisher', meta: await patchedMetadata('127.0.0.1:5000/ml/nc:1.0', ncFile, tmp.dir), fires: ['licence', 'unverified', 'source'] });
    cases.push({ what: 'a vLLM server whose BOM lists no AI (evidence heuristic)', meta: await patchedMetadata('127.0.0.1:5000/vllm/vllm-openai:v0.6.0', 'examples/boms/plain-sbom.cdx.json', tmp.dir), fires: ['nobom'] });
    cases.push({ what: 'a plain web server', meta: await patchedMetadata('127.0.0.1:5000/web/nginx:1.27', 'examples/boms/plain-sbom.cdx.json', tmp.dir), fires: [] });
    expect(cases[3]!.meta.labels['aibom.io/evidence']).to.equal('heuristic');
    for (const c of cases) {
      const fired = RHACS.policies.filter((p) => violates(p, c.meta)).map((p) => p.name);
      expect(fired, c.what).to.deep.equal(c.fires.map((f) => NAMES[f]));
    }
  });

  it('the Kyverno ClusterPolicy has the same four cases, auditing first', () => {
    expect(KYVERNO.kind).to.equal('ClusterPolicy');
    expect(KYVERNO.spec.rules.map((r) => r.name)).to.deep.equal(['ai-workload-without-bom', 'disallowed-licence', 'unverified-bom', 'unapproved-source']);
    expect((KYVERNO.spec as { validationFailureAction?: string }).validationFailureAction).to.equal('Audit');
  });
});
