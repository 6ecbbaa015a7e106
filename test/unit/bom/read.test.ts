// readBom: format detection, attestation unwrapping and the per-format rules, on small hand-made BOMs
// shaped like what generators in the wild write.
import { expect } from 'chai';
import { readBom, sniffFormat } from '../../../src/bom/read.js';
import { unwrapStatement, statementCoversDigest, predicateKind } from '../../../src/bom/attestation.js';
import type { AiInventory } from '../../../src/contracts/inventory.js';
import { classifyInventory } from '../../../src/classify/inventory.js';

function inv(doc: unknown, mediaType?: string): AiInventory {
  const r = readBom(typeof doc === 'string' ? doc : JSON.stringify(doc), mediaType ? { mediaType } : {});
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`);
  return r.inventory;
}

const model = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'machine-learning-model', 'bom-ref': 'm', name: 'llama', version: '3', ...extra });
const cdx = (components: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ bomFormat: 'CycloneDX', specVersion: '1.6', components, ...extra });

const SPDX3_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';
const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('bom/read: format detection', () => {
  it('sniffs CycloneDX, SPDX 2, SPDX 3 and attestations from content', () => {
    expect(sniffFormat({ bomFormat: 'CycloneDX' })).to.equal('cyclonedx');
    expect(sniffFormat({ spdxVersion: 'SPDX-2.3' })).to.equal('spdx2');
    expect(sniffFormat({ '@context': 'https://spdx.org/rdf/3.0.0/spdx-context.jsonld' })).to.equal('spdx3');
    expect(sniffFormat({ '@context': [SPDX3_CONTEXT, { x: 1 }] })).to.equal('spdx3');
    expect(sniffFormat({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'x', predicate: {} })).to.equal('attestation');
    expect(sniffFormat({ payloadType: 'application/vnd.in-toto+json', payload: '', signatures: [] })).to.equal('attestation');
    expect(sniffFormat({ hello: 1 })).to.equal('unknown');
  });

  for (const mt of ['application/vnd.cyclonedx+json', 'application/vnd.cyclonedx+json; version=1.6', 'APPLICATION/VND.CYCLONEDX+JSON;version="1.6"', 'application/vnd.oci.image.layer.v1.tar', 'application/octet-stream']) {
    it(`reads CycloneDX under ${mt}`, () => {
      const i = inv(cdx([model()]), mt);
      expect(i.format).to.equal('cyclonedx');
      expect(i.models).to.have.length(1);
      expect(i.findings.filter((f) => f.code === 'media-type-version-mismatch')).to.have.length(0);
    });
  }

  it('notes a version= parameter that disagrees with specVersion', () => {
    expect(inv(cdx([model()]), 'application/vnd.cyclonedx+json; version=1.5').findings.map((f) => f.code)).to.include('media-type-version-mismatch');
  });

  for (const mt of ['application/spdx+json', 'text/spdx+json']) {
    it(`reads SPDX 2 under ${mt}`, () => {
      expect(inv({ spdxVersion: 'SPDX-2.3', packages: [] }, mt).format).to.equal('spdx2');
    });
  }

  it('reads SPDX 3 under application/spdx3+json, and by content under another type (with a finding)', () => {
    const doc = { '@context': SPDX3_CONTEXT, '@graph': [] };
    expect(inv(doc, 'application/spdx3+json').format).to.equal('spdx3');
    const other = inv(doc, 'application/spdx+json');
    expect(other.format).to.equal('spdx3');
    expect(other.findings.map((f) => f.code)).to.include('media-type-mismatch');
  });

  it('lets the media type break the tie when bomFormat is missing', () => {
    const i = inv({ specVersion: '1.6', components: [model()] }, 'application/vnd.cyclonedx+json');
    expect(i.format).to.equal('cyclonedx');
    expect(i.findings.map((f) => f.code)).to.include('missing-bom-format');
  });

  it('reports CycloneDX XML, SPDX tag-value and non-BOM JSON as clear errors', () => {
    const xml = readBom('<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"></bom>', { mediaType: 'application/vnd.cyclonedx+xml' });
    expect(xml).to.deep.include({ ok: false, code: 'unsupported' });
    expect(!xml.ok && xml.error).to.match(/CycloneDX XML is not supported/);
    expect(readBom('SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n')).to.deep.include({ ok: false, code: 'unsupported' });
    expect(readBom('{"hello": 1}')).to.deep.include({ ok: false, code: 'not-a-bom' });
    expect(readBom('[1,2]')).to.deep.include({ ok: false, code: 'not-a-bom' });
    expect(readBom('{"artifacts":[],"descriptor":{"name":"syft"}}')).to.deep.include({ ok: false, code: 'unsupported' });
  });

  it('reports invalid JSON with line and column', () => {
    const r = readBom('{\n  "bomFormat": "CycloneDX",\n}\n');
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.code).to.equal('invalid-json');
    expect(r.line).to.equal(3);
    expect(r.error).to.match(/^invalid JSON at line 3, column 1/);
  });

  it('accepts a UTF-8 byte order mark and bytes', () => {
    expect(readBom(new TextEncoder().encode('\ufeff' + JSON.stringify(cdx([model()]))))).to.have.property('ok', true);
  });
});

describe('bom/attestation: in-toto, DSSE, Sigstore bundle', () => {
  const statement = (type: string, predicateType: string, predicate: unknown): Record<string, unknown> => ({
    _type: type, predicateType, subject: [{ name: 'registry.example/app', digest: { sha256: 'A'.repeat(64) } }], predicate,
  });
  const dsse = (st: unknown): Record<string, unknown> => ({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(st)).toString('base64'), signatures: [{ sig: 'x' }] });

  for (const type of ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1']) {
    for (const pt of ['https://cyclonedx.org/bom', 'https://cyclonedx.org/bom/v1.6']) {
      it(`unwraps ${type} with ${pt} and keeps the subject digests`, () => {
        const i = inv(statement(type, pt, cdx([model()])), 'application/vnd.in-toto+json');
        expect(i.format).to.equal('cyclonedx');
        expect(i.models).to.have.length(1);
        expect(i.attestation).to.deep.equal({ statementType: type, predicateType: pt, subjectDigests: [DIGEST] });
      });
    }
  }

  it('unwraps a DSSE envelope (cosign .att layer) and a Sigstore bundle (cosign v3)', () => {
    const st = statement('https://in-toto.io/Statement/v1', 'https://spdx.dev/Document/v3', { '@context': SPDX3_CONTEXT, '@graph': [{ type: 'ai_AIPackage', spdxId: 'urn:m', name: 'm1' }] });
    const a = inv(dsse(st), 'application/vnd.dsse.envelope.v1+json');
    expect(a.format).to.equal('spdx3');
    expect(a.models.map((m) => m.name)).to.deep.equal(['m1']);
    const b = inv({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {}, dsseEnvelope: dsse(st) });
    expect(b.attestation?.subjectDigests).to.deep.equal([DIGEST]);
  });

  it('exports a pure unwrap helper for the registry code', () => {
    const r = unwrapStatement(dsse(statement('https://in-toto.io/Statement/v0.1', 'https://spdx.dev/Document', { spdxVersion: 'SPDX-2.3' })));
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.statement.predicateKind).to.equal('spdx2');
    expect(r.statement.envelope).to.deep.equal(['dsse', 'statement']);
    expect(statementCoversDigest(r.statement, DIGEST.toUpperCase())).to.equal(true);
    expect(statementCoversDigest(r.statement, 'sha256:' + 'b'.repeat(64))).to.equal(false);
    expect(predicateKind('https://spdx.dev/Document/v2.3')).to.equal('spdx2');
    expect(predicateKind('https://slsa.dev/provenance/v1')).to.equal('other');
  });

  it('rejects non-BOM predicates, bad payloads and statements without subjects clearly', () => {
    expect(readBom(JSON.stringify(statement('https://in-toto.io/Statement/v1', 'https://slsa.dev/provenance/v1', {})))).to.deep.include({ ok: false, code: 'not-a-bom' });
    expect(readBom(JSON.stringify({ payloadType: 'text/plain', payload: 'eA==', signatures: [] }))).to.deep.include({ ok: false, code: 'invalid-attestation' });
    expect(readBom(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from('{nope').toString('base64'), signatures: [] }))).to.deep.include({ ok: false, code: 'invalid-attestation' });
    const noSubject = inv({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://cyclonedx.org/bom', predicate: cdx([]) });
    expect(noSubject.findings.map((f) => f.code)).to.include('attestation-no-subject');
  });

  it('reads a predicate written as a JSON string', () => {
    expect(inv(statement('https://in-toto.io/Statement/v1', 'https://cyclonedx.org/bom', JSON.stringify(cdx([model()])))).models).to.have.length(1);
  });
});

describe('bom/cyclonedx', () => {
  it('finds models anywhere: metadata.component, nested, and not in tools or pedigree', () => {
    const i = inv(cdx(
      [{ type: 'container', name: 'img', components: [{ type: 'library', name: 'lib', components: [model({ 'bom-ref': 'deep', name: 'deep-model' })] }], pedigree: { variants: [model({ name: 'variant' })] } }],
      { metadata: { component: model({ 'bom-ref': 'root', name: 'root-model', components: [model({ 'bom-ref': 'n', name: 'nested' })] }), tools: { components: [model({ name: 'tool-model' })] } } },
    ));
    expect(i.models.map((m) => m.name).sort()).to.deep.equal(['deep-model', 'nested', 'root-model']);
  });

  it('counts the same model described twice once (purl, else name + version)', () => {
    const i = inv(cdx([model({ 'bom-ref': 'a', purl: 'pkg:huggingface/org/llama@abc' }), model({ 'bom-ref': 'b', purl: 'pkg:huggingface/org/llama@abc', modelCard: { modelParameters: { task: 'text-generation' } } }), model({ 'bom-ref': 'c', name: 'other' }), model({ 'bom-ref': 'd', name: 'OTHER' })]));
    expect(i.models.map((m) => m.name)).to.deep.equal(['llama', 'other']);
    expect(i.models[0]!.task, 'merged from the second description').to.equal('text-generation');
    expect(i.findings.map((f) => f.code)).to.include('duplicate-model');
  });

  it('derives one licence expression: ids, names, expressions, the generator property', () => {
    const lic = (licenses: unknown, properties?: unknown): string | undefined => inv(cdx([model({ licenses, ...(properties ? { modelCard: { properties } } : {}) })])).models[0]!.license;
    expect(lic([{ license: { id: 'apache-2.0' } }])).to.equal('Apache-2.0');
    expect(lic([{ license: { id: 'MIT' } }, { license: { name: 'llama3.1' } }])).to.equal('MIT AND llama3.1');
    expect(lic([{ expression: 'apache-2.0 or mit' }])).to.equal('Apache-2.0 OR MIT');
    expect(lic([{ license: { id: 'unknown' } }], [{ name: 'licenses', value: 'cc-by-nc-4.0' }])).to.equal('CC-BY-NC-4.0');
    expect(lic([{ license: { name: 'NOASSERTION' } }], [{ name: 'licenses', value: 'openrail' }])).to.equal('openrail');
    expect(lic(undefined)).to.equal(undefined);
  });

  it('derives the format from aibom:model:format, then the file extension, then card hints — never inputs[].format', () => {
    const fmt = (extra: Record<string, unknown>): string | undefined => inv(cdx([model(extra)])).models[0]!.format;
    expect(fmt({ properties: [{ name: 'aibom:model:format', value: 'GGUF' }], name: 'x.safetensors' })).to.equal('gguf');
    expect(fmt({ name: 'model.safetensors' })).to.equal('safetensors');
    expect(fmt({ externalReferences: [{ type: 'distribution', url: 'https://h/x/model.onnx?download=true' }] })).to.equal('onnx');
    expect(fmt({ name: 'Llama-3-8B-Instruct-GGUF' })).to.equal('gguf');
    expect(fmt({ modelCard: { modelParameters: { inputs: [{ format: 'onnx' }] } } })).to.equal(undefined);
  });

  it('reads the generator property names and the aibom:* taxonomy', () => {
    const m = inv(cdx([model({ properties: [
      { name: 'primaryPurpose', value: 'text-generation' }, { name: 'typeOfModel', value: 'llama' }, { name: 'suppliedBy', value: 'Meta' },
      { name: 'limitation', value: 'English only' }, { name: 'safetyRiskAssessment', value: 'Medium' }, { name: 'downloadLocation', value: 'https://hf.co/x' },
      { name: 'ai.model.relation', value: 'fine-tuned-from:pkg:huggingface/meta/base@1' }, { name: 'aibom:model:parameters', value: '8B' },
      { name: 'aibom:model:quantization', value: 'Q4_K_M' }, { name: 'aibom:security:unsafe-pickle', value: 'os.system' }, { name: 'aibom:scan:incomplete', value: 'layer too large' },
    ], hashes: [{ alg: 'SHA-256', content: 'AB'.repeat(32) }, { alg: 5 }] })])).models[0]!;
    expect(m).to.deep.include({ primaryPurpose: 'text-generation', supplier: 'Meta', limitation: 'English only', safetyRiskAssessment: 'medium', downloadLocation: 'https://hf.co/x', parameters: '8B', quantization: 'Q4_K_M', unsafePickle: 'os.system', scanIncomplete: 'layer too large' });
    expect(m.typeOfModel).to.deep.equal(['llama']);
    expect(m.relations).to.deep.equal([{ type: 'fine-tuned-from', target: 'pkg:huggingface/meta/base@1' }]);
    expect(m.hashes).to.deep.equal([{ alg: 'SHA-256', content: 'ab'.repeat(32) }]);
  });

  it('reports a missing specVersion as a finding, not a crash', () => {
    const i = inv({ bomFormat: 'CycloneDX', components: [model()] });
    expect(i.findings.map((f) => f.code)).to.include('missing-spec-version');
    expect(i.models).to.have.length(1);
  });

  it('tells agents from wrappers and containers', () => {
    const app = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'application', 'bom-ref': 'app', name, ...extra });
    const deps = [{ ref: 'app', dependsOn: ['m'] }];
    // same name, one model → wrapper → model
    expect(classifyInventory(inv(cdx([model()], { metadata: { component: app('LLAMA') }, dependencies: deps }))).classification).to.equal('model');
    // org/name in a pkg:generic purl also matches
    expect(classifyInventory(inv(cdx([model()], { metadata: { component: app('x', { purl: 'pkg:generic/meta%2Fllama@3' }) }, dependencies: deps }))).classification).to.equal('model');
    // a differently named application → agent
    expect(classifyInventory(inv(cdx([model()], { metadata: { component: app('chatbot') }, dependencies: deps }))).classification).to.equal('agent');
    // two models → agent even with a matching name
    const two = inv(cdx([model(), model({ 'bom-ref': 'm2', name: 'embedder' })], { metadata: { component: app('llama') }, dependencies: [{ ref: 'app', dependsOn: ['m', 'm2'] }] }));
    expect(two.agents[0]!.uses).to.deep.equal(['llama', 'embedder']);
    // through a library in between
    expect(inv(cdx([model(), { type: 'library', 'bom-ref': 'lib', name: 'langchain' }], { metadata: { component: app('bot') }, dependencies: [{ ref: 'app', dependsOn: ['lib'] }, { ref: 'lib', dependsOn: ['m'] }] })).agents).to.have.length(1);
    // a container holding a model is not an agent
    expect(classifyInventory(inv(cdx([model()], { metadata: { component: { type: 'container', 'bom-ref': 'app', name: 'img' } }, dependencies: deps }))).classification).to.equal('model');
  });

  it('classifies dataset-only BOMs as dataset and BOMs without AI as no-ai', () => {
    expect(classifyInventory(inv(cdx([{ type: 'data', name: 'd', data: [{ type: 'dataset' }] }]))).classification).to.equal('dataset');
  });

  it('a CycloneDX data component is a dataset only when a data[] entry says dataset (1.5–1.7 data[].type)', () => {
    for (const type of ['configuration', 'definition', 'source-code', 'other']) {
      const i = inv(cdx([{ type: 'data', name: 'cfg', data: [{ type, name: 'x' }] }]));
      expect(i.datasets, type).to.deep.equal([]);
      expect(i.findings.map((f) => f.code), type).to.include('data-not-dataset');
      expect(classifyInventory(i).classification, type).to.equal('no-ai');
    }
    expect(inv(cdx([{ type: 'data', name: 'bare' }])).datasets).to.deep.equal([]);
    expect(inv(cdx([{ type: 'data', name: 'mixed', data: [{ type: 'configuration' }, { type: 'dataset' }] }])).datasets.map((d) => d.name)).to.deep.equal(['mixed']);
    expect(classifyInventory(inv(cdx([{ type: 'library', name: 'left-pad' }]))).classification).to.equal('no-ai');
  });
});

describe('bom/spdx3', () => {
  const ci = { type: 'CreationInfo', '@id': '_:ci', specVersion: '3.0.1', created: '2026-01-01T00:00:00Z' };
  const doc = (graph: unknown[], context = SPDX3_CONTEXT): Record<string, unknown> => ({ '@context': context, '@graph': [ci, ...graph] });
  const rel = (from: string, type: string, to: unknown, t = 'Relationship'): Record<string, unknown> => ({ type: t, spdxId: `urn:r:${from}:${type}`, from, relationshipType: type, to });

  it('reads AI packages, model-purpose software packages, datasets, licences and relationships leniently', () => {
    const i = inv(doc([
      { type: 'software_Package', spdxId: 'urn:img', name: 'img', software_primaryPurpose: 'container' },
      { type: 'ai_AIPackage', spdxId: 'urn:m', name: 'llama', software_packageVersion: '3', software_primaryPurpose: 'model', software_packageUrl: 'pkg:huggingface/meta/llama@1', suppliedBy: 'urn:org', domain: ['chat'], ai_typeOfModel: ['transformer'], ai_safetyRiskAssessment: 'low', ai_energyConsumption: { ai_trainingEnergyConsumption: [{ ai_energyQuantity: '12', ai_energyUnit: 'kilowattHour' }] } },
      { type: 'Organization', spdxId: 'urn:org', name: 'Meta' },
      { type: 'software_Package', spdxId: 'urn:m2', name: 'embedder', software_primaryPurpose: 'model' },
      { type: 'dataset_DatasetPackage', spdxId: 'urn:d', name: 'corpus', dataset_datasetType: ['text'] },
      { type: 'simplelicensing_LicenseExpression', spdxId: 'urn:l', simplelicensing_licenseExpression: 'llama3 OR apache-2.0' },
      { type: 'expandedlicensing_CustomLicense', spdxId: 'urn:cl', name: 'Acme Model Licence' },
      rel('urn:m', 'hasDeclaredLicense', 'urn:l'),
      rel('urn:m2', 'hasConcludedLicense', ['urn:cl']),
      rel('urn:d', 'hasDeclaredLicense', ['https://spdx.org/licenses/CC-BY-4.0']),
      rel('urn:m', 'trainedOn', 'urn:d'),
      rel('urn:img', 'contains', ['urn:m', 'urn:m2'], 'LifecycleScopedRelationship'),
    ], 'https://spdx.org/rdf/3.0.0/spdx-context.jsonld'));
    expect(i.specVersion).to.equal('3.0.1');
    expect(i.created).to.equal('2026-01-01T00:00:00Z');
    expect(i.models.map((m) => m.name)).to.deep.equal(['llama', 'embedder']);
    const m = i.models[0]!;
    expect(m).to.deep.include({ version: '3', purl: 'pkg:huggingface/meta/llama@1', supplier: 'Meta', license: 'llama3 OR Apache-2.0', safetyRiskAssessment: 'low' });
    expect(m.domain).to.deep.equal(['chat']);
    expect(m.datasets).to.deep.equal(['corpus']);
    expect(m.energy).to.deep.equal([{ activity: 'training', value: '12', unit: 'kilowattHour' }]);
    expect(i.models[1]!.license).to.equal('LicenseRef-Acme-Model-Licence');
    expect(i.datasets[0]).to.deep.include({ name: 'corpus', license: 'CC-BY-4.0' });
    expect(classifyInventory(i).classification, 'a container holding models is not an agent').to.equal('model');
  });

  it('makes an application package that depends on a model an agent, and keeps the model', () => {
    const i = inv(doc([
      { type: 'ai_AIPackage', spdxId: 'urn:app', name: 'helpdesk-bot', software_primaryPurpose: 'application' },
      { type: 'ai_AIPackage', spdxId: 'urn:m', name: 'llama', software_primaryPurpose: 'model' },
      rel('urn:app', 'dependsOn', 'urn:m', 'LifecycleScopedRelationship'),
    ]));
    expect(i.agents.map((a) => [a.name, a.uses])).to.deep.equal([['helpdesk-bot', ['llama']]]);
    expect(i.models.map((m) => m.name)).to.deep.equal(['llama']);
    expect(classifyInventory(i).classification).to.equal('agent');
  });
});

describe('bom/spdx2', () => {
  it('counts pkg:huggingface packages as medium-confidence models and reports other hints', () => {
    const i = inv({
      spdxVersion: 'SPDX-2.3', creationInfo: { created: '2026-01-01T00:00:00Z' },
      packages: [
        { SPDXID: 'SPDXRef-app', name: 'app', primaryPackagePurpose: 'APPLICATION' },
        { SPDXID: 'SPDXRef-os', name: 'debian', primaryPackagePurpose: 'OPERATING_SYSTEM' },
        { SPDXID: 'SPDXRef-os2', name: 'alpine', primaryPackagePurpose: 'OPERATING-SYSTEM' },
        { SPDXID: 'SPDXRef-torch', name: 'torch' },
        { SPDXID: 'SPDXRef-m', name: 'bert-base-uncased', versionInfo: 'abc', licenseConcluded: 'apache-2.0', supplier: 'Organization: Google', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:huggingface/google/bert-base-uncased@abc' }] },
      ],
      files: [{ fileName: './models/model.safetensors' }],
      relationships: [{ spdxElementId: 'SPDXRef-app', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-m' }],
    });
    expect(i.models).to.have.length(1);
    expect(i.models[0]).to.deep.include({ name: 'bert-base-uncased', confidence: 'medium', license: 'Apache-2.0', supplier: 'Google', version: 'abc' });
    expect(i.findings.map((f) => f.code)).to.include.members(['spdx2-model-hint', 'ml-runtime', 'spdx2-model-file']);
    expect(classifyInventory(i).classification).to.equal('agent');
  });
});
