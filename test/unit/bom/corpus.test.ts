// Every document of the shared corpus, with the facts of corpus/EXPECTED.md and our classification.
import { expect } from 'chai';
import { readBom } from '../../../src/bom/read.js';
import type { AiInventory } from '../../../src/contracts/inventory.js';
import { classifyInventory } from '../../../src/classify/inventory.js';
import { type BomClassification } from '../../../src/contracts/classification.js';
import { corpusBytes, corpusDir, corpusFiles, expectCorpus, removeTrailingCommas } from '../../support/corpus.js';

interface ModelFact {
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  license?: string;
}

interface Expected {
  format: AiInventory['format'];
  specVersion: string;
  classification: BomClassification;
  models: ModelFact[];
  datasets: { name: string; version?: string; license?: string }[];
  agents: { name: string; uses: string[] }[];
  invalidJson?: boolean;
  extra?: (inv: AiInventory) => void;
}

const EXPECTED: Record<string, Expected> = {
  // A1
  'rhtpa__nvidia_canary-1b-v2_aibom.json': {
    format: 'cyclonedx', specVersion: '1.6', classification: 'model',
    models: [{ name: 'canary-1b-v2', group: 'nvidia', version: '1.0', purl: 'pkg:huggingface/nvidia/canary-1b-v2@1.0', license: 'CC-BY-4.0' }],
    datasets: [], agents: [],
    extra: (inv) => {
      expect(inv.created).to.equal('2025-09-26T10:07:22.695451Z');
      expect(inv.reasons.join('\n')).to.match(/wrapper/);
      const m = inv.models[0]!;
      expect(m.primaryPurpose).to.equal('automatic-speech-recognition');
      expect(m.typeOfModel).to.deep.equal(['transformer']);
      expect(m.supplier).to.equal('nvidia');
      expect(m.task).to.equal('text-generation');
      expect(m.downloadLocation).to.equal('https://huggingface.co/nvidia/canary-1b-v2/tree/main');
      expect(m.format, 'never from inputs[].format').to.equal(undefined);
      expect(m.safetyRiskAssessment, 'free text is not a risk level').to.equal(undefined);
    },
  },
  // A2
  'rhtpa__ibm-granite_granite-docling-258M_aibom.json': {
    format: 'cyclonedx', specVersion: '1.6', classification: 'model',
    models: [{ name: 'granite-docling-258M', group: 'ibm-granite', version: '1.0', purl: 'pkg:huggingface/ibm-granite/granite-docling-258M@1.0', license: 'Apache-2.0' }],
    datasets: [], agents: [],
  },
  // A3
  'trustify__test_structured_model_card.json': {
    format: 'cyclonedx', specVersion: '1.6', classification: 'model',
    models: [{ name: 'canary-1b-v2', group: 'nvidia', version: '1.0', purl: 'pkg:huggingface/nvidia/canary-1b-v2@1.0', license: 'CC-BY-4.0' }],
    datasets: [], agents: [],
    extra: (inv) => {
      const m = inv.models[0]!;
      expect(m.approach).to.equal('supervised-learning');
      expect(m.considerations?.technicalLimitations).to.deep.equal(['Limited to English text', 'Max 2048 tokens']);
      expect(m.typeOfModel).to.deep.equal(['transformer']);
    },
  },
  // A4
  'bom-examples-MLBOM-Model-Card-With-Dataset__bom.json': {
    format: 'cyclonedx', specVersion: '1.7', classification: 'agent',
    models: [{ name: 'support-ticket-classifier', version: '1.0.0' }],
    datasets: [{ name: 'support-ticket-training-data', version: '2026.04' }, { name: 'support-ticket-evaluation-data', version: '2026.04' }],
    agents: [{ name: 'support-triage-service', uses: ['support-ticket-classifier'] }],
    extra: (inv) => {
      const m = inv.models[0]!;
      expect(m.license).to.equal(undefined);
      expect(m.datasets).to.deep.equal(['support-ticket-training-data', 'support-ticket-evaluation-data']);
      expect(m.task).to.equal('text-classification');
      expect(m.architectureFamily).to.equal('transformer');
      expect(m.modelArchitecture).to.equal('encoder-only transformer');
      expect(m.approach).to.equal('supervised');
      expect(m.metrics).to.deep.equal([{ type: 'macro-f1', value: '0.91' }]);
      expect(m.publisher).to.equal('Example ML Team');
      expect(m.considerations?.ethicalConsiderations).to.deep.equal(['automation bias']);
      expect(m.considerations?.fairnessAssessments).to.equal(1);
      expect(inv.created).to.equal('2026-04-28T12:00:00Z');
    },
  },
  // A5
  'bxf12315-hf-aibom-generator__aibom.json': {
    format: 'cyclonedx', specVersion: '1.6', classification: 'model',
    models: [{ name: 'HunyuanWorld-Voyager', group: 'tencent', version: '1.0', purl: 'pkg:huggingface/tencent/HunyuanWorld-Voyager@1.0', license: 'tencent-hunyuanworld-voyager-community' }],
    datasets: [], agents: [],
    extra: (inv) => expect(inv.reasons.join('\n')).to.match(/implicit only/),
  },
  // A6
  'spdx-examples-ai02__sbom.spdx3.json': {
    format: 'spdx3', specVersion: '3.0.1', classification: 'agent',
    models: [{ name: 'Sentiment Demo: A Simple AI Application and its AI BOM Example', license: 'CC0-1.0' }],
    datasets: [{ name: 'Data after preprocessing', license: 'CC0-1.0' }],
    agents: [{ name: 'Sentiment Demo: A Simple AI Application and its AI BOM Example', uses: [] }],
    extra: (inv) => {
      const m = inv.models[0]!;
      expect(m.version).to.equal(undefined);
      expect(m.primaryPurpose).to.equal('model');
      expect(m.autonomyType).to.equal('yes');
      expect(inv.reasons.join('\n')).to.match(/model\.bin/);
      expect(inv.reasons.join('\n')).to.match(/predict\.py.*hasDataFile/);
    },
  },
  // A7
  'spdx-examples-ai03__example03.spdx3.json': {
    format: 'spdx3', specVersion: '3.0.1', classification: 'model',
    models: [{ name: 'RetinaScan AI', version: '2.1.0', license: 'LicenseRef-MedTech-Proprietary-2024' }],
    datasets: [], agents: [],
    extra: (inv) => {
      const m = inv.models[0]!;
      expect(m.safetyRiskAssessment).to.equal('high');
      expect(m.useSensitivePersonalInformation).to.equal('yes');
      expect(m.domain).to.include('ophthalmology');
      expect(m.typeOfModel).to.deep.equal(['convolutional neural network', 'supervised']);
      expect(m.metrics).to.deep.include({ type: 'sensitivity', value: '0.95' });
    },
  },
  // A8 (invalid JSON: trailing commas); facts from the lenient repair
  'bom-examples-MLBOM-Dataset__bom.json': {
    format: 'cyclonedx', specVersion: '1.6', classification: 'dataset', invalidJson: true,
    models: [],
    datasets: [{ name: 'wikipedia', version: 'b04c8d1ceb2f5cd4588862100d08de323dccfbaa', license: 'CC-BY-SA-3.0 AND GFDL-1.3' }],
    agents: [],
  },
  // A9a, A9b (non-AI containers)
  'trustify__example_container_index.json': { format: 'cyclonedx', specVersion: '1.6', classification: 'no-ai', models: [], datasets: [], agents: [] },
  'trustify__imageindex_quarkus_mandrel.json': { format: 'cyclonedx', specVersion: '1.6', classification: 'no-ai', models: [], datasets: [], agents: [] },
  // A10a, A10b (negatives)
  'guac__alpine-cyclonedx.json': { format: 'cyclonedx', specVersion: '1.4', classification: 'no-ai', models: [], datasets: [], agents: [] },
  'trustify__TC-1817-1.json': { format: 'spdx2', specVersion: '2.3', classification: 'no-ai', models: [], datasets: [], agents: [] },
};

describe('corpus: every real BOM in ' + corpusDir, () => {
  const files = corpusFiles();

  it('the corpus folder is present and holds BOMs (a missing corpus fails, never tests nothing)', () => {
    expectCorpus(files);
    expect(files.length).to.be.greaterThan(0);
  });

  for (const file of files) {
    const expected = EXPECTED[file];
    describe(file, () => {
      it('reads without throwing into a well-formed result', () => {
        const r = readBom(corpusBytes(file));
        if (r.ok) {
          expect(r.inventory.models).to.be.an('array');
          expect(classifyInventory(r.inventory).classification).to.be.oneOf(['agent', 'model', 'dataset', 'no-ai']);
        } else expect(r.error).to.be.a('string').and.not.equal('');
      });

      if (!expected) return; // a document we have no facts for: the generic check above only

      if (expected.invalidJson) {
        it('is rejected as invalid JSON with a line and column', () => {
          const r = readBom(corpusBytes(file));
          expect(r.ok).to.equal(false);
          if (r.ok) return;
          expect(r.code).to.equal('invalid-json');
          expect(r.line).to.be.a('number');
          expect(r.error).to.match(/^invalid JSON at line \d+, column \d+/);
        });
      }

      it(`has the EXPECTED.md facts and classifies as ${expected.classification}`, () => {
        const text = corpusBytes(file).toString('utf8');
        const r = readBom(expected.invalidJson ? removeTrailingCommas(text) : text);
        expect(r.ok, r.ok ? '' : r.error).to.equal(true);
        if (!r.ok) return;
        const inv = r.inventory;
        expect(inv.format).to.equal(expected.format);
        expect(inv.specVersion).to.equal(expected.specVersion);
        expect(inv.models.map((m) => m.name)).to.deep.equal(expected.models.map((m) => m.name));
        expected.models.forEach((fact, i) => {
          const m = inv.models[i]!;
          for (const key of ['group', 'version', 'purl', 'license'] as const) if (fact[key] !== undefined) expect(m[key], `${fact.name}.${key}`).to.equal(fact[key]);
          expect(m.confidence).to.equal('high');
        });
        expect(inv.datasets.map((d) => d.name)).to.deep.equal(expected.datasets.map((d) => d.name));
        expected.datasets.forEach((fact, i) => {
          const d = inv.datasets[i]!;
          if (fact.version !== undefined) expect(d.version).to.equal(fact.version);
          if (fact.license !== undefined) expect(d.license).to.equal(fact.license);
        });
        expect(inv.agents.map((a) => ({ name: a.name, uses: a.uses }))).to.deep.equal(expected.agents);
        const c = classifyInventory(inv);
        expect(c.classification).to.equal(expected.classification);
        expect(c.reasons.length).to.be.greaterThan(0);
        expected.extra?.(inv);
      });
    });
  }
});
