// Benchmark (not a test): parse + classify generated CycloneDX ML-BOMs and SPDX 3 JSON-LD documents of
// about 1 MB and 10 MB. Prints milliseconds per MB; the target (issue 4) is ≤ 20 ms per MB.
//
// A shared, loaded machine makes single timings lie, so every size runs several rounds. Each round times
// bare JSON.parse and readBom + classifyInventory back to back on the same text, and the report gives the
// median and the best of both, and their ratio (the ratio moves far less with load than the absolute
// figures). The target verdict uses the median; the best shows what an idle core does.
//
// Run: node --import tsx bench/parse.ts [filter]   (filter: a substring of the case labels, e.g. "SPDX")
//      BENCH_ROUNDS=N overrides the number of rounds per case.
import { loadavg } from 'node:os';
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

interface Case {
  label: string;
  text: string;
  rounds: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function measure({ label, text, rounds }: Case): { median: number; best: number } {
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  for (let i = 0; i < 3; i++) readBom(text); // warm-up (JIT)
  const parse: number[] = [];
  const full: number[] = [];
  let summary = '';
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    JSON.parse(text);
    parse.push(performance.now() - t0);
    t0 = performance.now();
    const r = readBom(text);
    if (!r.ok) throw new Error(r.error);
    const c = classifyInventory(r.inventory);
    full.push(performance.now() - t0);
    summary = `${c.classification}, ${r.inventory.models.length} models, ${r.inventory.datasets.length} datasets, ${r.inventory.agents.length} agents`;
  }
  const med = median(full) / mb;
  const best = Math.min(...full) / mb;
  const parseMed = median(parse) / mb;
  const parseBest = Math.min(...parse) / mb;
  const f = (n: number, w = 5): string => n.toFixed(1).padStart(w);
  console.log(
    `${label.padEnd(16)} ${mb.toFixed(2).padStart(5)} MB x${String(rounds).padStart(2)}  ` +
      `median ${f(med)} ms/MB  best ${f(best)} ms/MB  | JSON.parse median ${f(parseMed, 4)} best ${f(parseBest, 4)} ms/MB  ` +
      `| ratio median ${(med / parseMed).toFixed(2)} best ${(best / parseBest).toFixed(2)}  [${summary}]`,
  );
  return { median: med, best };
}

const MB = 1024 * 1024;
const roundsOverride = Number(process.env.BENCH_ROUNDS);
const rounds = (n: number): number => (Number.isInteger(roundsOverride) && roundsOverride > 0 ? roundsOverride : n);
const filter = process.argv[2]?.toLowerCase();
const cases: { label: string; make: () => string; rounds: number }[] = [
  { label: 'CycloneDX 1 MB', make: () => cyclonedx(MB), rounds: rounds(31) },
  { label: 'CycloneDX 10 MB', make: () => cyclonedx(10 * MB), rounds: rounds(9) },
  { label: 'SPDX 3 1 MB', make: () => spdx3(MB), rounds: rounds(31) },
  { label: 'SPDX 3 10 MB', make: () => spdx3(10 * MB), rounds: rounds(9) },
].filter((c) => !filter || c.label.toLowerCase().includes(filter));

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`node ${process.version}; load average before: ${load()}`);
const results = cases.map((c) => measure({ label: c.label, text: c.make(), rounds: c.rounds }));
const worst = Math.max(...results.map((r) => r.median));
const worstBest = Math.max(...results.map((r) => r.best));
console.log(`load average after: ${load()}`);
console.log(`worst median ${worst.toFixed(1)} ms/MB (worst best ${worstBest.toFixed(1)}); target <= 20 ms/MB: ${worst <= 20 ? 'met' : 'NOT met'}`);
