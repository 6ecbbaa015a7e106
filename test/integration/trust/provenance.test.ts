// SLSA provenance of the image, attached by the real cosign (`cosign attest --type slsaprovenance1`
// as a bundle referrer, `--type slsaprovenance` in the legacy `.att` tag), read by the composed
// lookup with `discovery.provenance: true`: builder and source repository recorded with their trust;
// requireProvenance judges them. Off (the default), provenance is not even downloaded.
import { expect } from 'chai';
import type { ImageFindings } from '../../../src/contracts/lookup.js';
import { registryClientFromConfig, type RegistryClient } from '../../../src/registry/index.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { createTrustSource } from '../../../src/config/trust-source.js';
import { buildImageLookup } from '../../../src/discovery/build-lookup.js';
import { evaluatePolicies } from '../../../src/policy/evaluate.js';
import { modelBom } from '../../support/attachments.js';
import { pushTinyImage, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { cosignAttest, cosignKeyPair, removeKey, type CosignKey } from '../../support/signing-tools.js';
import { contextFor, deployment, NOW, policy } from '../../unit/policy/support.js';

const SLSA_V1 = JSON.stringify({
  buildDefinition: {
    buildType: 'https://actions.github.io/buildtypes/workflow/v1',
    externalParameters: { workflow: { ref: 'refs/heads/main', repository: 'https://github.com/acme/models', path: '.github/workflows/release.yml' } },
    resolvedDependencies: [{ uri: 'git+https://github.com/acme/models@refs/heads/main', digest: { gitCommit: '4d2f1c0e8b7a6958473625140fedcba987654321' } }],
  },
  runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' }, metadata: { invocationId: 'https://github.com/acme/models/actions/runs/1' } },
});
const SLSA_V02 = JSON.stringify({
  builder: { id: 'https://tekton.dev/chains/v2' },
  buildType: 'tekton.dev/v1beta1/TaskRun',
  invocation: { configSource: { uri: 'git+https://git.corp.example/ml/pipeline', digest: { sha1: '0123456789abcdef0123456789abcdef01234567' }, entryPoint: 'build.yaml' } },
  materials: [{ uri: 'git+https://git.corp.example/ml/pipeline', digest: { sha1: '0123456789abcdef0123456789abcdef01234567' } }],
});

describe('trust: SLSA provenance of the image', function () {
  this.timeout(120_000);
  let registry: LocalRegistry;
  let client: RegistryClient;
  let alice: CosignKey;
  let mallory: CosignKey;
  let github: string;
  let tekton: string;

  before(async () => {
    registry = await startLocalRegistry();
    [alice, mallory] = await Promise.all([cosignKeyPair('alice'), cosignKeyPair('mallory')]);
    const config = defaultConfig();
    config.registries.insecure = [registry.host];
    client = registryClientFromConfig(config);
    github = `${registry.host}/ml/built@${(await pushTinyImage(registry.url, 'ml/built', 'gh')).digest}`;
    await cosignAttest(alice, github, SLSA_V1, { type: 'slsaprovenance1' });
    await cosignAttest(alice, github, modelBom('built-model'));
    tekton = `${registry.host}/ml/built@${(await pushTinyImage(registry.url, 'ml/built', 'tekton')).digest}`;
    await cosignAttest(mallory, tekton, SLSA_V02, { type: 'slsaprovenance', legacy: true });
  });
  after(async () => {
    await client?.close();
    await registry?.stop();
    await Promise.all([alice, mallory].filter(Boolean).map(removeKey));
  });

  async function look(provenance: boolean): Promise<Record<string, ImageFindings>> {
    const config = defaultConfig();
    config.discovery.provenance = provenance;
    const lookup = buildImageLookup(config, { client, trust: createTrustSource({ keys: [{ name: 'alice.pub', pem: alice.pub }] }) });
    const at = (image: string) => lookup(image, { signal: AbortSignal.timeout(20_000), purpose: 'cli' });
    return { github: await at(github), tekton: await at(tekton) };
  }

  it('records builder and source with the attestation’s trust (v1 bundle, v0.2 legacy .att)', async () => {
    const f = await look(true);
    expect(f.github!.provenance).to.have.length(1);
    expect(f.github!.provenance![0]).to.deep.include({
      predicateType: 'https://slsa.dev/provenance/v1', builder: 'https://github.com/actions/runner/github-hosted', buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      sourceRepository: 'https://github.com/acme/models', sourceDigest: '4d2f1c0e8b7a6958473625140fedcba987654321', source: 'sigstore-bundle', trust: 'verified',
    });
    expect(f.github!.boms.map((b) => b.trust)).to.deep.equal(['verified']);
    expect(f.tekton!.provenance![0]).to.deep.include({ predicateType: 'https://slsa.dev/provenance/v0.2', builder: 'https://tekton.dev/chains/v2', sourceRepository: 'git+https://git.corp.example/ml/pipeline', source: 'cosign-att', trust: 'invalid' });
  });

  it('requireProvenance: builder and source globs, signed', async () => {
    const f = await look(true);
    const ctx = await contextFor(deployment('web', 'ml', [{ name: 'gh', image: github }, { name: 'tk', image: tekton }]), { [github]: f.github!, [tekton]: f.tekton! });
    const run = (rule: Record<string, unknown>) => evaluatePolicies([policy('prov', 'Enforce', { requireProvenance: rule })], ctx, NOW).map((v) => [v.container, v.reason]);
    expect(run({ builders: ['https://github.com/actions/runner/*'], sources: ['https://github.com/acme/*'], signed: true })).to.deep.equal([['tk', 'invalid-signature']]);
    expect(run({ builders: ['https://github.com/actions/runner/*'] })).to.deep.equal([['tk', 'builder']]);
    expect(run({ sources: ['https://github.com/other/*'] })).to.deep.equal([['gh', 'source'], ['tk', 'source']]);
    expect(run({})).to.deep.equal([]);
  });

  it('aibom inspect shows it (--json: provenance[])', async () => {
    const { runCli } = await import('../../support/cli.js');
    const run = await runCli(['inspect', github, '--insecure-registry', registry.host, '--json'], { env: { AIBOM_DISCOVERY_PROVENANCE: 'true' } });
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as { provenance?: { digest: string; builder?: string; sourceRepository?: string; trust: string }[] };
    expect(report.provenance).to.deep.equal([{ predicateType: 'https://slsa.dev/provenance/v1', source: 'sigstore-bundle', digest: report.provenance![0]!.digest, trust: 'unsigned', builder: 'https://github.com/actions/runner/github-hosted', sourceRepository: 'https://github.com/acme/models', sourceDigest: '4d2f1c0e8b7a6958473625140fedcba987654321' }]);
  });

  it('off by default: no provenance read, none required silently', async () => {
    const f = await look(false);
    expect(f.github!.provenance).to.equal(undefined);
    expect(f.github!.boms).to.have.length(1);
  });
});
