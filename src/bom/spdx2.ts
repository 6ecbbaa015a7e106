// SPDX 2.x JSON (SPDX 2.3, https://spdx.github.io/spdx-spec/v2.3/) → AiInventory. SPDX 2 has no AI profile, so AI shows up only as hints:
// - a package with a `pkg:huggingface/…` purl IS counted as a model, at `medium` confidence: that purl type
//   names a Hugging Face Hub repository, which in practice is a model (documented decision);
// - files or packages named like model weights (*.safetensors, *.gguf, *.onnx, …) and ML framework
//   packages (torch, tensorflow, onnxruntime, transformers, vllm, llama-cpp) are reasons and findings only
//   ("AI runtime present / possible model"), never models.
import type { AiInventory, Hash, ModelRecord } from '../contracts/inventory.js';
import { emptyInventory } from '../contracts/inventory.js';
import type { BomLimits } from './limits.js';
import { normalizeLicenseExpression } from './license.js';
import { formatFromFileName, isModelFileName } from './model-format.js';
import type { FindingSink, JsonRecord } from './util.js';
import { arr, clip, isRecord, own, records, str } from './util.js';
import type { UseGraphNode } from './agents.js';
import { analyseAgents } from './agents.js';
import { addModelWithin, detectCycles, reportModelCap } from './merge.js';

const ML_RUNTIMES = /^(torch|pytorch|tensorflow|tensorflow-cpu|tensorflow-gpu|tf-nightly|onnxruntime|onnxruntime-gpu|transformers|vllm|llama-cpp|llama-cpp-python|llama\.cpp|sentence-transformers|diffusers|accelerate|jax|jaxlib|keras|tritonclient|tensorrt|openvino|mlflow|xgboost|lightgbm|catboost|scikit-learn|ollama|langchain|llama-index|openai|anthropic)$/i;

export function readSpdx2(doc: JsonRecord, limits: BomLimits, sink: FindingSink): AiInventory {
  const spdxVersion = str(own(doc, 'spdxVersion'));
  const inv = emptyInventory('spdx2', spdxVersion ? clip(spdxVersion.replace(/^SPDX-/i, ''), 32) : undefined);
  if (!spdxVersion) sink.add('missing-spec-version', 'warning', 'SPDX 2 document has no spdxVersion');
  const ci = own(doc, 'creationInfo');
  const created = isRecord(ci) ? str(own(ci, 'created')) : undefined;
  if (created) inv.created = clip(created, 64);

  let packages = arr(own(doc, 'packages'));
  if (own(doc, 'packages') !== undefined && !Array.isArray(own(doc, 'packages'))) sink.add('wrong-type', 'warning', 'packages is not an array', 'packages');
  if (packages.length > limits.maxElements) {
    sink.add('too-many-elements', 'warning', `more than ${limits.maxElements} packages; the rest were not read`, 'packages');
    packages = packages.slice(0, limits.maxElements);
  }
  const nodes = new Map<string, UseGraphNode>();
  const runtimes = new Set<string>();
  const modelFiles: string[] = [];
  let refusedModels = 0;
  for (const [i, p] of packages.entries()) {
    if (!isRecord(p)) {
      sink.add('wrong-type', 'info', `packages[${i}] is not an object`, `packages[${i}]`);
      continue;
    }
    const name = str(own(p, 'name'));
    const id = str(own(p, 'SPDXID'));
    const purpose = str(own(p, 'primaryPackagePurpose'))?.toUpperCase().replace(/_/g, '-');
    const purls = records(own(p, 'externalRefs'))
      .filter((r) => str(own(r, 'referenceType'))?.toLowerCase() === 'purl')
      .map((r) => str(own(r, 'referenceLocator')))
      .filter((r): r is string => r !== undefined);
    const hfPurl = purls.find((u) => /^pkg:huggingface\//i.test(u));
    if (hfPurl) {
      const model = readHfPackage(p, name ?? hfPurl, hfPurl, id);
      const merged = addModelWithin(inv.models, model, sink, limits.maxModels);
      if (!merged) {
        refusedModels++;
        continue;
      }
      sink.add('spdx2-model-hint', 'info', `package ${JSON.stringify(clip(merged.name, 100))} has a pkg:huggingface purl: counted as a model at medium confidence (SPDX 2 has no AI profile)`, `packages[${i}]`);
      if (id) nodes.set(id, { id, name: merged.name, role: 'model', modelName: merged.name, ...(merged.version ? { version: merged.version } : {}) });
      continue;
    }
    if (name && ML_RUNTIMES.test(name)) runtimes.add(name.toLowerCase());
    if (name && isModelFileName(name)) modelFiles.push(name);
    if (id) nodes.set(id, { id, name: name ?? id, role: purpose === 'APPLICATION' ? 'application' : 'other' });
  }
  reportModelCap(refusedModels, limits.maxModels, sink);
  for (const f of records(own(doc, 'files')).slice(0, limits.maxElements)) {
    const fname = str(own(f, 'fileName'));
    if (fname && isModelFileName(fname)) modelFiles.push(fname);
  }
  if (runtimes.size > 0) {
    const list = [...runtimes].slice(0, 10).join(', ');
    sink.add('ml-runtime', 'info', `ML runtime packages present (${list}): AI runtime present, a model may be loaded at run time`);
    inv.reasons.push(`hint: ML runtime packages present (${list}); not a model by themselves`);
  }
  if (modelFiles.length > 0) {
    const list = modelFiles.slice(0, 5).map((f) => JSON.stringify(clip(f, 80))).join(', ');
    sink.add('spdx2-model-file', 'info', `file(s) named like model weights (${list}); SPDX 2 cannot say more, not counted as models`);
    inv.reasons.push(`hint: file(s) named like model weights (${list}), lower confidence: not counted as models`);
  }

  const edges = readRelationships(own(doc, 'relationships'), limits);
  detectCycles(edges, sink);
  const analysis = analyseAgents(nodes, edges, sink);
  inv.agents.push(...analysis.agents);
  inv.reasons.push(...analysis.reasons);
  const purposes = new Set(packages.filter(isRecord).map((p) => str(own(p, 'primaryPackagePurpose'))).filter((p): p is string => p !== undefined));
  inv.reasons.push(`SPDX 2 has no AI profile: ${packages.length} package(s)${purposes.size > 0 ? ` (purposes: ${[...purposes].slice(0, 10).join(', ')})` : ''}, ${inv.models.length} with a pkg:huggingface purl`);
  return inv;
}

/** DEPENDS_ON / CONTAINS (and their inverses) → use edges, capped at limits.maxEdges. */
function readRelationships(value: unknown, limits: BomLimits): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  let count = 0;
  for (const r of arr(value)) {
    if (!isRecord(r) || count >= limits.maxEdges) continue;
    const a = str(own(r, 'spdxElementId'));
    const b = str(own(r, 'relatedSpdxElement'));
    const t = str(own(r, 'relationshipType'))?.toUpperCase();
    if (!a || !b || !t) continue;
    count++;
    const add = (from: string, to: string): void => {
      const list = edges.get(from);
      if (list) list.push(to);
      else edges.set(from, [to]);
    };
    if (t === 'DEPENDS_ON' || t === 'CONTAINS') add(a, b);
    else if (t === 'DEPENDENCY_OF' || t === 'CONTAINED_BY') add(b, a);
  }
  return edges;
}

function readHfPackage(p: JsonRecord, name: string, purl: string, id: string | undefined): ModelRecord {
  const model: ModelRecord = { name: clip(name, 512), datasets: [], hashes: [], externalReferences: [], confidence: 'medium', purl: clip(purl, 1024) };
  const version = str(own(p, 'versionInfo'));
  if (version) model.version = clip(version, 256);
  if (id) model.bomRef = clip(id, 1024);
  for (const key of ['licenseConcluded', 'licenseDeclared']) {
    const l = str(own(p, key));
    const e = l ? normalizeLicenseExpression(l) : undefined;
    if (e) {
      model.license = clip(e, 512);
      break;
    }
  }
  const supplier = str(own(p, 'supplier'));
  if (supplier && !/^NOASSERTION$/i.test(supplier)) model.supplier = clip(supplier.replace(/^(Organization|Person|Tool):\s*/i, ''), 256);
  const originator = str(own(p, 'originator'));
  if (originator && !/^NOASSERTION$/i.test(originator)) model.authors = [clip(originator.replace(/^(Organization|Person|Tool):\s*/i, ''), 256)];
  const download = str(own(p, 'downloadLocation'));
  if (download && !/^(NOASSERTION|NONE)$/i.test(download)) model.downloadLocation = clip(download, 1024);
  const hashes: Hash[] = [];
  for (const c of records(own(p, 'checksums')).slice(0, 50)) {
    const alg = str(own(c, 'algorithm'));
    const value = str(own(c, 'checksumValue'));
    if (alg && value && value.length <= 256) hashes.push({ alg, content: value.toLowerCase() });
  }
  model.hashes = hashes;
  const format = formatFromFileName(str(own(p, 'packageFileName')) ?? name);
  if (format) model.format = format;
  return model;
}
