// CycloneDX 1.5–1.7 JSON (CycloneDX 1.6 JSON reference, https://cyclonedx.org/docs/1.6/json/) → AiInventory. Lenient: unknown keys ignored, wrong types skipped
// with a finding, never a throw. Models and datasets are found anywhere a component may be:
// metadata.component, components[], and nested components[] under either (not metadata.tools, not
// pedigree.variants).
import type { AiInventory } from '../contracts/inventory.js';
import { emptyInventory } from '../contracts/inventory.js';
import type { BomLimits } from './limits.js';
import { isModelFileName } from './model-format.js';
import type { FindingSink, JsonRecord } from './util.js';
import { arr, clip, isRecord, own, str } from './util.js';
import { isDatasetData, noteDataNotDataset, propertyMap, readDataset, readModel } from './cyclonedx-model.js';
import type { UseGraphNode } from './agents.js';
import { analyseAgents } from './agents.js';
import { addModelWithin, detectCycles, reportModelCap } from './merge.js';

export { licenseFromCycloneDx } from './cyclonedx-model.js';

const KNOWN_SPEC_VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);

interface Walked {
  component: JsonRecord;
  path: string;
  isMetadata: boolean;
}

export function readCycloneDx(doc: JsonRecord, limits: BomLimits, sink: FindingSink): AiInventory {
  const specVersion = str(own(doc, 'specVersion'));
  const inv = emptyInventory('cyclonedx', specVersion);
  if (specVersion === undefined) sink.add('missing-spec-version', 'warning', 'CycloneDX BOM has no specVersion; read as 1.6');
  else if (!KNOWN_SPEC_VERSIONS.has(specVersion)) sink.add('unknown-spec-version', 'warning', `CycloneDX specVersion ${JSON.stringify(clip(specVersion, 40))} is not one this reader knows (1.5–1.7); read leniently`);
  else if (Number(specVersion) < 1.5) inv.reasons.push(`CycloneDX ${specVersion} predates ML-BOM (1.5): it cannot list models or datasets`);
  const metadata = own(doc, 'metadata');
  if (metadata !== undefined && !isRecord(metadata)) sink.add('wrong-type', 'warning', 'metadata is not an object', 'metadata');
  const meta = isRecord(metadata) ? metadata : undefined;
  const timestamp = meta ? str(own(meta, 'timestamp')) : undefined;
  if (timestamp) inv.created = clip(timestamp, 64);

  const walked = walkComponents(doc, meta, limits, sink);
  const metaProps = meta ? propertyMap(own(meta, 'properties')) : new Map<string, string[]>();
  const modelCount = walked.filter((w) => own(w.component, 'type') === 'machine-learning-model').length;
  const metaComponent = meta && isRecord(own(meta, 'component')) ? (own(meta, 'component') as JsonRecord) : undefined;
  // Generator convention (Aetheris/OWASP aibom-generator): the model's facts are repeated in
  // metadata.properties; they describe the model when the BOM describes exactly one model.
  const inheritMeta = modelCount === 1;

  const nodes = new Map<string, UseGraphNode>();
  const datasetNamesByRef = new Map<string, string>();
  for (const w of walked) {
    if (own(w.component, 'type') === 'data') {
      const ref = str(own(w.component, 'bom-ref'));
      const name = str(own(w.component, 'name'));
      if (ref && name) datasetNamesByRef.set(ref, name);
    }
  }

  const seenRefs = new Set<string>();
  const datasetKeys = new Set<string>();
  let refusedModels = 0;
  for (const w of walked) {
    const c = w.component;
    const type = own(c, 'type');
    const ref = str(own(c, 'bom-ref'));
    if (ref) {
      if (seenRefs.has(ref)) sink.add('duplicate-bom-ref', 'warning', `bom-ref ${JSON.stringify(clip(ref, 100))} is used by more than one component`, w.path);
      seenRefs.add(ref);
    }
    if (typeof type !== 'string') {
      sink.add('wrong-type', 'warning', 'component without a string type', w.path);
      continue;
    }
    const name = str(own(c, 'name'));
    if (type === 'machine-learning-model') {
      const model = readModel(c, w.path, name, inheritMeta ? metaProps : undefined, datasetNamesByRef, sink);
      const merged = addModelWithin(inv.models, model, sink, limits.maxModels);
      if (!merged) {
        refusedModels++;
        continue;
      }
      if (ref) nodes.set(ref, graphNode(ref, c, 'model', merged.name));
    } else if (type === 'data' && !isDatasetData(c)) {
      noteDataNotDataset(c, name, w.path, sink);
      if (ref) nodes.set(ref, graphNode(ref, c, 'other'));
    } else if (type === 'data') {
      const ds = readDataset(c, name, w.path, sink);
      if (ds) {
        const dsKey = `${ds.purl ?? ''}|${ds.name}|${ds.version ?? ''}`;
        if (!datasetKeys.has(dsKey)) {
          datasetKeys.add(dsKey);
          inv.datasets.push(ds);
        }
        if (ref) nodes.set(ref, graphNode(ref, c, 'dataset'));
      }
    } else {
      if (ref) nodes.set(ref, graphNode(ref, c, type === 'application' ? 'application' : 'other'));
      hintsForOtherComponent(c, type, name, w.path, inv);
    }
  }

  reportModelCap(refusedModels, limits.maxModels, sink);
  const edges = readDependencies(own(doc, 'dependencies'), seenRefs, limits, sink);
  detectCycles(edges, sink);
  const analysis = analyseAgents(nodes, edges, sink);
  inv.agents.push(...analysis.agents);
  inv.reasons.push(...analysis.reasons);

  explainResult(inv, metaComponent, edges, analysis.agents.length);
  return inv;
}

/** The reasons a reader sees: an application beside models without an edge, the counts; models read here are `high` confidence. */
function explainResult(inv: AiInventory, metaComponent: JsonRecord | undefined, edges: Map<string, string[]>, agents: number): void {
  // Implicit only: an application metadata.component beside models with no dependency edge.
  if (metaComponent && own(metaComponent, 'type') === 'application' && inv.models.length > 0) {
    const ref = str(own(metaComponent, 'bom-ref'));
    const hasEdges = ref !== undefined && (edges.get(ref)?.length ?? 0) > 0;
    if (!hasEdges && agents === 0) {
      inv.reasons.push(`the BOM describes application ${JSON.stringify(clip(str(own(metaComponent, 'name')) ?? '?', 100))} beside its model(s) without a dependency edge: implicit only, not counted as an agent`);
    }
  }
  for (const m of inv.models) {
    if (m.confidence === undefined) m.confidence = 'high';
  }
  if (inv.models.length > 0) inv.reasons.push(`${inv.models.length} machine-learning-model component(s): ${inv.models.slice(0, 5).map((m) => m.name).join(', ')}`);
  if (inv.datasets.length > 0) inv.reasons.push(`${inv.datasets.length} data component(s): ${inv.datasets.slice(0, 5).map((d) => d.name).join(', ')}`);
}

function walkComponents(doc: JsonRecord, meta: JsonRecord | undefined, limits: BomLimits, sink: FindingSink): Walked[] {
  const out: Walked[] = [];
  const stack: { value: unknown; path: string; isMetadata: boolean }[] = [];
  const pushList = (list: unknown, path: string): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      sink.add('wrong-type', 'warning', `${path} is not an array`, path);
      return;
    }
    for (let i = list.length - 1; i >= 0; i--) stack.push({ value: list[i], path: `${path}[${i}]`, isMetadata: false });
  };
  pushList(own(doc, 'components'), 'components');
  if (meta && own(meta, 'component') !== undefined) stack.push({ value: own(meta, 'component'), path: 'metadata.component', isMetadata: true });
  let capped = false;
  while (stack.length > 0) {
    const { value, path, isMetadata } = stack.pop()!;
    if (!isRecord(value)) {
      sink.add('wrong-type', 'warning', `${path} is not an object`, path);
      continue;
    }
    if (out.length >= limits.maxElements) {
      capped = true;
      break;
    }
    out.push({ component: value, path, isMetadata });
    pushList(own(value, 'components'), `${path}.components`);
  }
  if (capped) sink.add('too-many-components', 'warning', `more than ${limits.maxElements} components; the rest were not read`);
  return out;
}

function graphNode(ref: string, c: JsonRecord, role: UseGraphNode['role'], modelName?: string): UseGraphNode {
  const n: UseGraphNode = { id: ref, name: str(own(c, 'name')) ?? ref, role };
  const version = str(own(c, 'version'));
  if (version) n.version = version;
  const purl = str(own(c, 'purl'));
  if (purl) n.purl = purl;
  const group = str(own(c, 'group'));
  if (group) n.group = group;
  if (modelName) n.modelName = modelName;
  return n;
}

function hintsForOtherComponent(c: JsonRecord, type: string, name: string | undefined, path: string, inv: AiInventory): void {
  const purl = str(own(c, 'purl'));
  if (purl && /^pkg:huggingface\//i.test(purl)) {
    inv.reasons.push(`hint: ${type} component ${JSON.stringify(clip(name ?? purl, 100))} has a pkg:huggingface purl but is not typed machine-learning-model (not counted)`);
  }
  if (type === 'file' && name && isModelFileName(name)) {
    inv.reasons.push(`hint: file component ${JSON.stringify(clip(name, 100))} looks like model weights (not counted: not typed machine-learning-model)`);
  }
  void path;
}

function readDependencies(value: unknown, known: Set<string>, limits: BomLimits, sink: FindingSink): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  if (value === undefined) return edges;
  if (!Array.isArray(value)) {
    sink.add('wrong-type', 'warning', 'dependencies is not an array', 'dependencies');
    return edges;
  }
  let count = 0;
  const dangling = new Set<string>();
  for (const d of value) {
    if (!isRecord(d)) continue;
    const ref = str(own(d, 'ref'));
    if (!ref) continue;
    if (!known.has(ref)) dangling.add(ref);
    let list = edges.get(ref);
    if (!list) {
      list = [];
      edges.set(ref, list);
    }
    for (const target of arr(own(d, 'dependsOn'))) {
      if (count >= limits.maxEdges) break;
      const t = str(target);
      if (!t) continue;
      if (!known.has(t)) dangling.add(t);
      list.push(t);
      count++;
    }
  }
  if (count >= limits.maxEdges) sink.add('too-many-edges', 'warning', `more than ${limits.maxEdges} dependency edges; the rest were not read`, 'dependencies');
  if (dangling.size > 0) {
    const shown = [...dangling].slice(0, 3).map((d) => JSON.stringify(clip(d, 80))).join(', ');
    sink.add('dangling-ref', 'info', `${dangling.size} dependency ref(s) name no component in this BOM (${shown}${dangling.size > 3 ? ', …' : ''})`, 'dependencies');
  }
  return edges;
}
