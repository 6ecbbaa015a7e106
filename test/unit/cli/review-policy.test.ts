import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { runCli, type CliRun } from '../../support/cli.js';
import { corpusDir } from '../../support/corpus.js';
import { admissionReview } from '../../support/admission-review.js';

const CORPUS = corpusDir;
const P = 'test/fixtures/policy';
const CANARY = `127.0.0.1:5000/ml/canary-asr:1.0=${join(CORPUS, 'rhtpa__nvidia_canary-1b-v2_aibom.json')}`;
const EXPORTER = `127.0.0.1:5000/tools/exporter:1.2.0=${join(CORPUS, 'guac__alpine-cyclonedx.json')}`;

const run = (args: string[], stdin?: string): Promise<CliRun> => runCli(args, { stdin });

/** The StatefulSet of the Helm fixture, as the apiserver would send it to the validating webhook. */
function statefulSetReview(): string {
  const docs = readFileSync('test/fixtures/manifests/helm-rendered.yaml', 'utf8').split(/^---$/m).map((d) => parse(d) as Record<string, unknown> | null);
  const object = docs.find((d) => d?.kind === 'StatefulSet')!;
  return JSON.stringify(admissionReview(object, {
    uid: '0b6f7e5e-7d1c-4c1e-9a57-2f3a2d1c0e11', namespace: 'ml-serving',
    user: 'system:serviceaccount:argocd:argocd-application-controller', groups: ['system:serviceaccounts'],
  }));
}

describe('cli/review --validate --policy', () => {
  const policyArgs = ['--policy', `${P}/enforce-sources.yaml`, '--policy', `${P}/warn-model-card.yaml`, '--bom', CANARY, '--bom', EXPORTER];

  it('gives the same verdicts offline as `aibom check` on the manifest', async () => {
    const review = await run(['review', '-', '--validate', ...policyArgs, '--json'], statefulSetReview());
    expect(review.code).to.equal(1);
    const response = (JSON.parse(review.stdout) as { response: { allowed: boolean; status: { message: string }; warnings: string[]; auditAnnotations: Record<string, string> } }).response;
    expect(response.allowed).to.equal(false);
    expect(response.status.message).to.match(/\[approved-sources\/sources\] container "asr", model (nvidia\/)?canary-1b-v2@1\.0/);

    const check = await run(['check', 'test/fixtures/manifests/helm-rendered.yaml', ...policyArgs, '--json']);
    const sts = (JSON.parse(check.stdout) as { workloads: { kind: string; message: string; warnings: string[]; verdicts: unknown[] }[] }).workloads.find((w) => w.kind === 'StatefulSet')!;
    expect(response.status.message).to.equal(sts.message);
    expect(response.warnings).to.deep.equal(sts.warnings);
    expect(JSON.parse(response.auditAnnotations['policy-verdicts']!)).to.have.length(sts.verdicts.length);
  });

  it('prints the verdicts in the human report', async () => {
    const r = await run(['review', '-', '--validate', ...policyArgs], statefulSetReview());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/^deny: {7}\[approved-sources\/sources\] container "asr", model (nvidia\/)?canary-1b-v2@1\.0: /m);
    expect(r.stdout).to.match(/^warn: {7}\[model-card-completeness\/modelCard\]/m);
  });

  it('exits 0 when the policies pass', async () => {
    const r = await run(['review', '-', '--validate', '--policy', `${P}/dir/20-audit.yaml`, '--bom', CANARY, '--bom', EXPORTER], statefulSetReview());
    // An Audit digest policy only: nothing denies the StatefulSet.
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('audit:      [digests-audit/requireDigest]');
  });

  it('applies a policy written for Pods to the StatefulSet that owns them', async () => {
    // dir/10-licences.yaml lists kinds [Deployment, Pod]: a StatefulSet makes Pods, so it is checked at its own admission.
    const r = await run(['review', '-', '--validate', '--policy', `${P}/dir`, '--bom', CANARY, '--bom', EXPORTER], statefulSetReview());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/^deny: {7}\[licences\/licenses\]/m);
  });

  it('exits 3 when only onLookupFailure: deny denies', async () => {
    const r = await run(['review', '-', '--validate', '--policy', `${P}/lookup-deny.yaml`], statefulSetReview());
    expect(r.code).to.equal(3);
  });

  it('refuses --policy without --validate, and a broken policy', async () => {
    const a = await run(['review', '-', '--policy', `${P}/lookup-deny.yaml`], statefulSetReview());
    expect(a.code).to.equal(2);
    expect(a.stderr).to.contain('--policy needs --validate');
    const b = await run(['review', '-', '--validate', '--policy', `${P}/broken-mode.yaml`], statefulSetReview());
    expect(b.code).to.equal(2);
    expect(b.stderr).to.match(/broken-mode\.yaml .*spec\.mode/);
  });
});
