// Model artifacts recognised by media type and read from their config (docs/model-artifacts.md),
// on documents written by us from each family's spec (test/support/model-artifacts.ts).
import { expect } from 'chai';
import { readModelArtifact, recognizeModelArtifact } from '../../../src/bom/index.js';
import { parseManifest } from '../../../src/contracts/oci-manifest.js';
import type { ModelArtifact } from '../../../src/contracts/model-artifact.js';
import { imageModels } from '../../../src/contracts/model-identity.js';
import { classifyImage, classifyWorkload, imageEvidence } from '../../../src/classify/index.js';
import { admit } from '../../../src/admission/admit.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { decodePatch, defaultSettings, findings, foundBom, tableLookup } from '../../support/fixtures.js';
import { digestOf, manifestOf, MODELPACK_CONFIG, SHAPES, type ArtifactShape } from '../../support/model-artifacts.js';

const SUBJECT = `sha256:${'d'.repeat(64)}`;

function read(shape: ArtifactShape, configText = JSON.stringify(shape.config), repository = 'models/example'): ModelArtifact {
  const manifest = parseManifest(Buffer.from(JSON.stringify(manifestOf(shape, configText))));
  const recognized = recognizeModelArtifact(manifest);
  expect(recognized, 'recognised').to.not.equal(undefined);
  return readModelArtifact({ recognized: recognized!, manifest, subjectDigest: SUBJECT, config: { digest: digestOf(configText), bytes: Buffer.from(configText) }, repository });
}

describe('bom/artifacts: model artifacts by media type', () => {
  it('CNCF ModelPack: artifactType, and every descriptor/config field the webhook reads', () => {
    const a = read(SHAPES.modelpack);
    expect(a).to.deep.include({ kind: 'modelpack', mediaType: 'application/vnd.cncf.model.manifest.v1+json', subjectDigest: SUBJECT });
    expect(a.models).to.have.length(1);
    expect(a.models[0]).to.deep.include({
      name: 'qwen2-0.5b-instruct', version: '1.2', license: 'Apache-2.0', authors: ['ml-team@example.org'], supplier: 'Example Labs',
      architectureFamily: 'qwen2', modelArchitecture: 'transformer', format: 'safetensors', parameters: '0.5b', quantization: 'awq',
      downloadLocation: 'https://huggingface.co/Qwen/Qwen2-0.5B-Instruct', purl: 'pkg:huggingface/Qwen/Qwen2-0.5B-Instruct',
    });
    expect(a.models[0]!.properties).to.deep.include({ 'modelpack:precision': 'bf16', 'modelpack:revision': 'c291d6fce4804a1d39305f388dd32897d1f7acc4' });
    expect(a.configDigest).to.equal(digestOf(JSON.stringify(SHAPES.modelpack.config)));
  });

  it('ModelPack under the earlier cnai media types, recognised by the config type alone', () => {
    const shape: ArtifactShape = { ...SHAPES.modelpack, artifactType: undefined, configMediaType: 'application/vnd.cnai.model.config.v1+json' };
    const a = read(shape);
    expect([a.kind, a.mediaType, a.models[0]?.name]).to.deep.equal(['modelpack', 'application/vnd.cnai.model.config.v1+json', 'qwen2-0.5b-instruct']);
  });

  it('KitOps ModelKit: the Kitfile package, model and datasets', () => {
    const a = read(SHAPES.modelkit);
    expect(a.kind).to.equal('modelkit');
    expect(a.models[0]).to.deep.include({ name: 'fraud-xgb', version: '3.0.1', license: 'Apache-2.0', authors: ['Risk ML'], format: 'onnx', datasets: ['transactions-2024'] });
    expect(a.models[0]!.properties).to.deep.include({ 'modelkit:framework': 'onnxruntime', 'modelkit:path': 'model/fraud.onnx' });
    expect(a.datasets).to.deep.equal([{ name: 'transactions-2024', type: 'dataset', license: 'CC-BY-4.0' }]);
  });

  it('a ModelKit of datasets only is data, not a model', () => {
    const shape: ArtifactShape = { ...SHAPES.modelkit, config: { manifestVersion: '1.0.0', package: { name: 'corpus' }, datasets: [{ name: 'corpus-v1', path: 'data/' }] }, layers: [SHAPES.modelkit.layers[1]!] };
    const a = read(shape);
    expect(a.models).to.deep.equal([]);
    expect(a.datasets.map((d) => d.name)).to.deep.equal(['corpus-v1']);
    expect(classifyImage({ status: 'found', boms: [], artifact: a })).to.equal('dataset');
  });

  it('Docker Model Runner: config format, architecture, parameters, quantization and the GGUF name', () => {
    const a = read(SHAPES['docker-ai'], undefined, 'ai/llama3.2');
    expect([a.kind, a.mediaType]).to.deep.equal(['docker-ai', 'application/vnd.docker.ai.model.config.v0.1+json']);
    expect(a.models[0]).to.deep.include({ name: 'Llama 3.2 1B Instruct', format: 'gguf', modelArchitecture: 'llama', parameters: '1.24B', quantization: 'Q4_K_M', license: 'llama3.2' });
  });

  it('Docker Model Runner v0.2 config is recognised too', () => {
    const a = read({ ...SHAPES['docker-ai'], configMediaType: 'application/vnd.docker.ai.model.config.v0.2+json' });
    expect(a.configDigest).to.be.a('string');
  });

  it('Ollama: a Docker image config told apart by its layers; name from the repository', () => {
    const a = read(SHAPES.ollama, undefined, 'library/llama3.2');
    expect([a.kind, a.mediaType]).to.deep.equal(['ollama', 'application/vnd.ollama.image.model']);
    expect(a.models[0]).to.deep.include({ name: 'llama3.2', format: 'gguf', architectureFamily: 'llama', parameters: '3.2B', quantization: 'Q4_K_M' });
    expect(a.models[0]!.properties).to.deep.include({ 'ollama:license-layer': 'present' });
  });

  it('an ordinary image, a BOM artifact and an index are not model artifacts', () => {
    const image = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: SUBJECT, size: 2 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: SUBJECT, size: 3 }] };
    const bom = { ...image, artifactType: 'application/vnd.cyclonedx+json', layers: [{ mediaType: 'application/vnd.cyclonedx+json', digest: SUBJECT, size: 3 }] };
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.cncf.model.manifest.v1+json', digest: SUBJECT, size: 3 }] };
    for (const doc of [image, bom, index]) expect(recognizeModelArtifact(parseManifest(Buffer.from(JSON.stringify(doc))))).to.equal(undefined);
  });

  describe('hostile configs', () => {
    it('a config that is not JSON: still a model (the media types say so), named from the repository, with a finding', () => {
      const a = read(SHAPES.modelpack, '{"descriptor": ', 'team/secret-model');
      expect(a.models[0]!.name).to.equal('secret-model');
      expect(a.findings.map((f) => f.code)).to.deep.equal(['artifact-config-invalid']);
      expect(a.configDigest).to.equal(undefined);
    });

    it('a deeply nested config is cut by the depth cap, the rest still read', () => {
      let deep: unknown = 'x';
      for (let i = 0; i < 2000; i++) deep = { d: deep };
      const a = read(SHAPES.modelpack, JSON.stringify({ ...MODELPACK_CONFIG, junk: deep }));
      expect(a.models[0]!.name).to.equal('qwen2-0.5b-instruct');
      expect(a.findings.map((f) => f.code)).to.include('json-too-deep');
    });

    it('huge strings and long arrays are clipped (names ≤ 512 characters, ≤ 20 authors)', () => {
      const cfg = structuredClone(SHAPES.modelpack.config) as { descriptor: Record<string, unknown> };
      cfg.descriptor.name = 'n'.repeat(100_000);
      cfg.descriptor.authors = Array.from({ length: 10_000 }, (_, i) => `a${i}`);
      const a = read(SHAPES.modelpack, JSON.stringify(cfg));
      expect(a.models[0]!.name.length).to.be.at.most(513);
      expect(a.models[0]!.authors).to.have.length(20);
    });

    it('a config that is a JSON array or a string is a finding, not a crash', () => {
      for (const text of ['[1,2,3]', '"hello"', 'null']) expect(read(SHAPES.modelkit, text).findings.map((f) => f.code)).to.deep.equal(['artifact-config-invalid']);
    });

    it('__proto__ keys in the config do not pollute', () => {
      read(SHAPES.modelpack, '{"descriptor":{"name":"m","__proto__":{"polluted":true}},"config":{}}');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it('a config the edge did not read (the reason given) leaves a model from the manifest annotations', () => {
      const shape = SHAPES.modelpack;
      const doc = { ...manifestOf(shape), annotations: { 'org.opencontainers.image.version': '9', 'org.opencontainers.image.licenses': 'MIT' } };
      const manifest = parseManifest(Buffer.from(JSON.stringify(doc)));
      const a = readModelArtifact({ recognized: recognizeModelArtifact(manifest)!, manifest, subjectDigest: SUBJECT, repository: 'x/y', configProblem: 'config is 9999999 bytes, over the cap' });
      expect(a.models[0]).to.deep.include({ name: 'y', version: '9', license: 'MIT' });
      expect(a.findings.map((f) => f.code)).to.deep.equal(['artifact-config-unread']);
    });
  });
});

describe('classification of model artifacts (evidence=artifact)', () => {
  const artifact = read(SHAPES.modelpack);

  it('an artifact with no BOM is a model with evidence artifact', () => {
    const f = { ...findings('found'), artifact };
    expect(classifyImage(f)).to.equal('model');
    expect(imageEvidence(f)).to.equal('artifact');
    expect(classifyWorkload(['model'], { aiBearing: false, reasons: [] }, true)).to.deep.include({ aiBearing: 'true', aiKind: 'model', evidence: 'artifact' });
  });

  it('an attached BOM wins and is merged: its fields stay, the artifact fills the gaps', () => {
    const bomModel = { name: 'qwen2-0.5b-instruct', version: '1.2', license: 'MIT', datasets: [], hashes: [], externalReferences: [] };
    const inv = { format: 'cyclonedx' as const, models: [bomModel], datasets: [], agents: [], findings: [], reasons: [] };
    const f = { ...findings('found', [foundBom(inv)]), artifact };
    expect(imageEvidence(f)).to.equal('bom');
    const models = imageModels(f);
    expect(models).to.have.length(1);
    expect(models[0]).to.deep.include({ name: 'qwen2-0.5b-instruct', license: 'MIT', format: 'safetensors', quantization: 'awq', purl: 'pkg:huggingface/Qwen/Qwen2-0.5B-Instruct' });
  });

  it('admission labels a Pod whose image volume is a ModelPack artifact, and lists the model', async () => {
    const review = parseAdmissionReview({
      apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
      request: {
        uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'ml', operation: 'CREATE', userInfo: { username: 'u' },
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'server', image: '127.0.0.1:5000/base/runtime:1', volumeMounts: [{ name: 'weights', mountPath: '/w' }] }], volumes: [{ name: 'weights', image: { reference: '127.0.0.1:5000/m/qwen:1' } }] } },
      },
    });
    const lookup = tableLookup({ '127.0.0.1:5000/m/qwen:1': { status: 'found', boms: [], digest: SUBJECT, artifact } }).lookup;
    const outcome = await admit(review, 'mutate', { lookup, settings: defaultSettings(), signal: new AbortController().signal });
    expect(outcome.classification).to.deep.include({ aiBearing: 'true', aiKind: 'model', evidence: 'artifact' });
    const ops = decodePatch(outcome.review);
    const annotations = ops.find((o) => o.path === '/metadata/annotations')?.value as Record<string, string>;
    const models = JSON.parse(annotations['aibom.io/models']!) as Record<string, string>[];
    expect(models).to.deep.equal([{ name: 'qwen2-0.5b-instruct', version: '1.2', purl: 'pkg:huggingface/Qwen/Qwen2-0.5B-Instruct', format: 'safetensors', license: 'Apache-2.0', supplier: 'Example Labs', container: 'weights', image: '127.0.0.1:5000/m/qwen:1', digest: SUBJECT, mountedBy: ['server'] }]);
  });
});
