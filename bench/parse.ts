// Benchmark (not a test): parse + classify generated CycloneDX ML-BOMs of about 1 MB and 10 MB, and an
// SPDX 3 document of about 1 MB. Prints milliseconds per MB; the target is ≤ 20 ms per MB.
// Run: node --import tsx bench/parse.ts
import { performance } from 'node:perf_hooks';
import { readBom } from '../src/bom/read.js';
import { classifyInventory } from '../src/classify/inventory.js';

function cyclonedx(targetBytes: number): string {
  const components: unknown[] = [];
  const dependencies: { ref: string; dependsOn: string[] }[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    let c: Record<string, unknown>;
    if (i % 20 === 0) {
      c = {
        type: 'machine-learning-model', 'bom-ref': `model-${i}`, name: `model-${i}`, group: 'org', version: '1.0', purl: `pkg:huggingface/org/model-${i}@abc${i}`,
        licenses: [{ license: { id: 'unknown' } }], hashes: [{ alg: 'SHA-256', content: 'ab'.repeat(32) }],
        modelCard: {
          modelParameters: { task: 'text-generation', architectureFamily: 'transformer', modelArchitecture: 'LlamaForCausalLM', datasets: [{ ref: `data-${i + 1}` }], inputs: [{ format: 'text' }] },
          quantitativeAnalysis: { performanceMetrics: [{ type: 'accuracy', value: '0.9' }] },
          considerations: { technicalLimitations: ['English only'], ethicalConsiderations: [{ name: 'bias', mitigationStrategy: 'review' }] },
          properties: [{ name: 'licenses', value: 'apache-2.0' }, { name: 'primaryPurpose', value: 'text-generation' }, { name: 'aibom:model:format', value: 'safetensors' }],
        },
      };
    } else if (i % 20 === 1) {
      c = { type: 'data', 'bom-ref': `data-${i}`, name: `data-${i}`, version: '2026', data: [{ type: 'dataset', name: `d${i}` }], licenses: [{ license: { id: 'CC-BY-4.0' } }] };
    } else {
      c = { type: 'library', 'bom-ref': `lib-${i}`, name: `lib-${i}`, version: `1.${i}.0`, purl: `pkg:pypi/lib-${i}@1.${i}.0`, licenses: [{ license: { id: 'MIT' } }], hashes: [{ alg: 'SHA-256', content: 'cd'.repeat(32) }], properties: [{ name: 'syft:location:0:path', value: `/usr/lib/python3/site-packages/lib_${i}/__init__.py` }] };
    }
    components.push(c);
    dependencies.push({ ref: c['bom-ref'] as string, dependsOn: i > 0 ? [`lib-${i - 1}`] : [] });
    size += JSON.stringify(c).length + 60;
  }
  dependencies.unshift({ ref: 'app', dependsOn: components.filter((_, i) => i % 20 === 0).map((c) => (c as { 'bom-ref': string })['bom-ref']) });
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { timestamp: '2026-01-01T00:00:00Z', component: { type: 'application', 'bom-ref': 'app', name: 'service' } }, components, dependencies });
}

function spdx3(targetBytes: number): string {
  const graph: unknown[] = [{ type: 'CreationInfo', '@id': '_:ci', specVersion: '3.0.1', created: '2026-01-01T00:00:00Z' }];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const e = i % 10 === 0
      ? { type: 'ai_AIPackage', spdxId: `urn:m${i}`, creationInfo: '_:ci', name: `model-${i}`, software_packageVersion: '1', software_primaryPurpose: 'model', ai_typeOfModel: ['transformer'], ai_domain: ['nlp'], ai_safetyRiskAssessment: 'low' }
      : { type: 'software_Package', spdxId: `urn:p${i}`, creationInfo: '_:ci', name: `pkg-${i}`, software_packageVersion: '1', software_primaryPurpose: 'library' };
    graph.push(e, { type: 'Relationship', spdxId: `urn:r${i}`, creationInfo: '_:ci', from: 'urn:app', relationshipType: 'dependsOn', to: [(e as { spdxId: string }).spdxId] });
    size += JSON.stringify(e).length + 140;
  }
  graph.push({ type: 'software_Package', spdxId: 'urn:app', creationInfo: '_:ci', name: 'app', software_primaryPurpose: 'application' });
  return JSON.stringify({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': graph });
}

function measure(label: string, text: string, rounds: number): number {
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  for (let i = 0; i < 2; i++) readBom(text); // warm-up
  const baseline: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    JSON.parse(text);
    baseline.push(performance.now() - t0);
  }
  baseline.sort((a, b) => a - b);
  const base = baseline[Math.floor(baseline.length / 2)]!;
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const r = readBom(text);
    if (!r.ok) throw new Error(r.error);
    const c = classifyInventory(r.inventory);
    times.push(performance.now() - t0);
    summary = `${c.classification}, ${r.inventory.models.length} models, ${r.inventory.datasets.length} datasets, ${r.inventory.agents.length} agents`;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const perMb = median / mb;
  console.log(`${label.padEnd(16)} ${mb.toFixed(2).padStart(6)} MB  median ${median.toFixed(1).padStart(7)} ms = ${perMb.toFixed(1).padStart(5)} ms/MB  (bare JSON.parse ${(base / mb).toFixed(1)} ms/MB, ratio ${(median / base).toFixed(2)})  [${summary}]`);
  return perMb;
}

const results = [
  measure('CycloneDX 1 MB', cyclonedx(1024 * 1024), 15),
  measure('CycloneDX 10 MB', cyclonedx(10 * 1024 * 1024), 5),
  measure('SPDX 3 1 MB', spdx3(1024 * 1024), 15),
];
const worst = Math.max(...results);
console.log(`worst ${worst.toFixed(1)} ms/MB; target <= 20 ms/MB: ${worst <= 20 ? 'met' : 'NOT met'}`);
