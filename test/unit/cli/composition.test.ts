// Every command builds its lookup and its policies as `aibom serve` does (discovery/compose.ts): a
// configured OCI layout source and a configured policies.dir count for `review` and `check` too.
import { join } from 'node:path';
import { expect } from 'chai';
import { buildDemoLayout, type DemoLayout } from '../../../scripts/build-demo-layout.js';
import { loadPolicyFiles } from '../../../src/config/policy-files.js';
import { policySet } from '../../../src/policy/policy-set.js';
import { runCli } from '../../support/cli.js';
import { loadReviewJson } from '../../support/fixtures.js';
import { tempDir } from '../../support/server.js';

interface Response {
  allowed: boolean;
  patch?: string;
  auditAnnotations: Record<string, string>;
}

describe('cli: one composition of lookup and policies for every command', () => {
  const tmp = tempDir('compose');
  let layout: DemoLayout;
  let env: Record<string, string>;

  before(() => {
    layout = buildDemoLayout(join(tmp.dir, 'layout'));
    env = { AIBOM_DISCOVERY_SOURCES: 'layout', AIBOM_DISCOVERY_LAYOUT_DIR: layout.dir };
  });
  after(() => tmp.remove());

  function podReview(image: string): string {
    const review = loadReviewJson('pod-create') as { request: { object: { spec: { containers: { image: string }[] } } } };
    review.request.object.spec.containers[0]!.image = image;
    return JSON.stringify(review);
  }

  it('review looks images up in the configured OCI layout', async () => {
    const run = await runCli(['review', '-', '--json'], { env, stdin: podReview(layout.images.sentiment.ref) });
    expect(run.code, run.stderr).to.equal(0);
    const response = (JSON.parse(run.stdout) as { response: Response }).response;
    expect(response.auditAnnotations).to.include({ 'ai-bearing': 'true', 'ai-kind': 'model', evidence: 'bom' });
    expect(JSON.parse(response.auditAnnotations.lookup!)).to.deep.equal({ [layout.images.sentiment.ref]: 'found' });
  });

  it('check looks images up in the configured OCI layout', async () => {
    const manifest = `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml}\nspec:\n  containers:\n  - {name: c, image: ${layout.images.agent.ref}}\n`;
    const run = await runCli(['check', '-', '--json'], { env, stdin: manifest });
    expect(run.code, run.stderr).to.equal(0);
    const workload = (JSON.parse(run.stdout) as { workloads: { images: { status: string }[]; classification: { aiKind: string } }[] }).workloads[0]!;
    expect(workload.images.map((i) => i.status)).to.deep.equal(['found']);
    expect(workload.classification.aiKind).to.equal('agent');
  });

  it('review --validate evaluates the configured policies.dir, as the webhook does', async () => {
    const dir = 'test/fixtures/policy/dir';
    const run = await runCli(['review', '-', '--validate', '--json'], { env: { ...env, AIBOM_POLICIES_DIR: dir }, stdin: podReview(layout.images.sentiment.ref) });
    const response = (JSON.parse(run.stdout) as { response: Response }).response;
    expect(response.auditAnnotations['policy-set']).to.equal(policySet(loadPolicyFiles([dir]).map((p) => p.policy)).hash);
    expect(JSON.parse(response.auditAnnotations['policy-verdicts']!)).to.not.have.length(0);
    // Without the configuration the same review meets no policy.
    const bare = await runCli(['review', '-', '--validate', '--json'], { env, stdin: podReview(layout.images.sentiment.ref) });
    expect((JSON.parse(bare.stdout) as { response: Response }).response.auditAnnotations).to.not.have.property('policy-set');
  });
});
