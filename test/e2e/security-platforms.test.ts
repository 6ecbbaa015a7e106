// The Kyverno ClusterPolicy of deploy/security/kyverno against the real apiserver, with Kyverno's own
// ClusterPolicy CRD read from the kyverno Go module at test time (never copied here): the apiserver's
// structural-schema validation accepts it with no warning (no unknown or pruned field), stores it as
// written, and refuses a broken copy — so the test can fail.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { kubectl, kubectlRaw, useE2E, type E2E } from './support/e2e.js';
import { installCrds } from './support/crds.js';
import { useSuite } from './support/images.js';
import { RHACS, RHACS_NAMES, violates, type Meta } from '../support/rhacs.js';

const POLICY = 'deploy/security/kyverno/clusterpolicy.yaml';

/** Paths where `want` has a value that `got` lacks or differs from (extra keys in `got` are fine). */
function missingIn(got: unknown, want: unknown, path = 'spec'): string[] {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [path];
    return want.flatMap((w, i) => missingIn(got[i], w, `${path}[${i}]`));
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object') return [path];
    return Object.entries(want).flatMap(([k, w]) => missingIn((got as Record<string, unknown>)[k], w, `${path}.${k}`));
  }
  return got === want ? [] : [`${path}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`];
}

describe('e2e: the Kyverno ClusterPolicy against the real apiserver and Kyverno CRD', function () {
  this.timeout(15 * 60_000); // a cold machine downloads the kyverno module first
  const cluster = useE2E();
  let e: E2E;

  before(async () => {
    e = cluster();
    await installCrds(e, ['kyverno']);
  });

  it('is accepted and stored as written: no field pruned, no warning but the v1 deprecation', async () => {
    const text = readFileSync(POLICY, 'utf8');
    const out = await kubectlRaw(e, ['apply', '-f', '-'], text);
    expect(out.code, out.stderr).to.equal(0);
    // Kyverno 1.19 serves kyverno.io/v1 ClusterPolicy deprecated (its successor is the CEL ValidatingPolicy):
    // that warning, and no other (no unknown field, nothing pruned).
    const warnings = out.stderr.split('\n').filter((l) => /warning/i.test(l));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^Warning: kyverno\.io\/v1 ClusterPolicy is deprecated and will be removed in a future release; migrate to ValidatingPolicy/);
    try {
      const stored = JSON.parse(await kubectl(e, ['get', 'clusterpolicy', 'aibom-ai-workloads', '-o', 'json'])) as { spec: unknown };
      const written = parseAllDocuments(text)[0]!.toJS() as { spec: { rules: unknown[] } };
      // Defaults the CRD adds are allowed; every field we wrote is kept with its value.
      expect(missingIn(stored.spec, written.spec)).to.deep.equal([]);
    } finally {
      await kubectl(e, ['delete', 'clusterpolicy', 'aibom-ai-workloads']);
    }
  });

  it('a broken copy is refused by the CRD schema (the test can fail)', async () => {
    const broken = readFileSync(POLICY, 'utf8').replace('validationFailureAction: Audit', 'validationFailureAction: Sometimes');
    const out = await kubectlRaw(e, ['apply', '--dry-run=server', '-f', '-'], broken);
    expect(out.code).to.not.equal(0);
    expect(out.stderr).to.match(/validationFailureAction: Unsupported value: "Sometimes"/);
    const unknown = await kubectlRaw(e, ['apply', '--dry-run=server', '-f', '-'], readFileSync(POLICY, 'utf8').replace('  background: false', '  backgrund: false'));
    expect(unknown.code, 'an unknown field is refused (server-side field validation)').to.not.equal(0);
    expect(unknown.stderr).to.match(/unknown field "spec\.backgrund"/);
  });
});

describe('e2e: the RHACS criteria on what the real apiserver stores', function () {
  this.timeout(180_000);
  const t = useSuite('e2e-rhacs');

  async function stored(kind: string, name: string): Promise<Meta> {
    const o = JSON.parse(await kubectl(t.e, ['get', kind, name, '-n', t.ns, '-o', 'json'])) as { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } };
    return { labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {} };
  }

  it('a Deployment with an oras-attached model BOM, a Pod serving a model with no BOM, a Pod with a model of no stated source', async () => {
    await kubectl(t.e, ['create', 'deployment', 'granite', '-n', t.ns, `--image=${t.img.orasReferrers}`]);
    await kubectl(t.e, ['run', 'no-bom', '-n', t.ns, `--image=${t.img.plain}`, '--restart=Never', '--', '--model', 'meta-llama/Llama-3.2-1B']);
    await kubectl(t.e, ['run', 'mit', '-n', t.ns, `--image=${t.img.mitModel}`, '--restart=Never']);
    const cases: [string, string, string[]][] = [
      ['deployment', 'granite', [RHACS_NAMES.unverified]],
      // `--model meta-llama/…` in its args names a Hugging Face model (pkg:huggingface purl in aibom.io/models),
      // not from the approved ibm-granite source.
      ['pod', 'no-bom', [RHACS_NAMES.nobom, RHACS_NAMES.source]],
      ['pod', 'mit', [RHACS_NAMES.unverified]],
    ];
    for (const [kind, name, expected] of cases) {
      const meta = await stored(kind, name);
      expect(RHACS.policies.filter((p) => violates(p, meta)).map((p) => p.name), `${kind}/${name}: ${JSON.stringify(meta.labels)}`).to.deep.equal(expected);
    }
  });
});
