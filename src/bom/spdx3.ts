// SPDX 3.0.x JSON-LD (SPDX 3.0.1, https://spdx.github.io/spdx-spec/v3.0.1/) → AiInventory. Lenient, as real documents need
// (spdx-examples): `to` as a string or an array, 3.0.0 or 3.0.1 context, properties written without their
// profile prefix (`domain` for `ai_domain`), types written as full IRIs or prefixed names.
import type { AiInventory } from '../contracts/inventory.js';
import { emptyInventory } from '../contracts/inventory.js';
import type { BomLimits } from './limits.js';
import type { FindingSink, JsonRecord } from './util.js';
import { arr, clip, isRecord, own, str, strings } from './util.js';
import type { Rel } from './spdx3-terms.js';
import { prop, spdx3TypeName, vocab } from './spdx3-terms.js';
import { readDataset, readModel } from './spdx3-model.js';
import type { UseGraphNode } from './agents.js';
import { analyseAgents } from './agents.js';
import { addModelWithin, detectCycles, reportModelCap } from './merge.js';

export { spdx3TypeName } from './spdx3-terms.js';

/** Relationship types through which an application uses what it points at (SPDX 3.0.1 Core RelationshipType). */
const USE_RELATIONSHIPS = new Set(['dependsOn', 'contains', 'hasDataFile', 'usesTool', 'hasStaticLink', 'hasDynamicLink', 'hasInput']);
const APPLICATION_PURPOSES = new Set(['application', 'executable']);

export function readSpdx3(doc: JsonRecord, limits: BomLimits, sink: FindingSink): AiInventory {
  const graph = indexGraph(doc, limits, sink);
  const { elements, byId, others, otherTypes, otherIds, created } = graph;
  let { specVersion } = graph;
  const contextVersion = contextSpecVersion(own(doc, '@context'));
  if (!specVersion && contextVersion) specVersion = contextVersion;
  const inv = emptyInventory('spdx3', specVersion ? clip(specVersion, 32) : undefined);
  if (!specVersion) sink.add('missing-spec-version', 'warning', 'SPDX 3 document has no CreationInfo specVersion');
  if (created) inv.created = clip(created, 64);

  // Relationships first: licences, datasets and the use graph need them.
  const outgoing = readRelationships(graph.relationships, byId, limits, sink);

  const nodes = new Map<string, UseGraphNode>();
  const useEdges = new Map<string, string[]>();
  const modelFiles: string[] = [];
  const datasetKeys = new Set<string>();
  let refusedModels = 0;
  for (let i = 0; i < others.length; i++) {
    const e = others[i]!;
    const type = otherTypes[i]!;
    const id = otherIds[i];
    const name = str(own(e, 'name'));
    const purpose = vocab(prop(e, 'software_primaryPurpose'));
    if (type === 'AIPackage' || (type === 'Package' && purpose === 'model')) {
      const model = readModel(e, type, name, id, byId, outgoing, sink);
      const merged = addModelWithin(inv.models, model, sink, limits.maxModels);
      if (!merged) {
        refusedModels++;
        continue;
      }
      if (id) {
        const autonomous = vocab(prop(e, 'ai_autonomyType')) === 'yes';
        const node = graphNode(id, e, type === 'AIPackage' && purpose !== undefined && APPLICATION_PURPOSES.has(purpose) ? 'application' : 'model', merged.name);
        if (autonomous) node.autonomous = true;
        nodes.set(id, node);
      }
    } else if (type === 'DatasetPackage') {
      const ds = readDataset(e, name, id, byId, outgoing);
      const dsKey = `${ds.name}|${ds.version ?? ''}`;
      if (!datasetKeys.has(dsKey)) {
        datasetKeys.add(dsKey);
        inv.datasets.push(ds);
      }
      if (id) nodes.set(id, graphNode(id, e, 'dataset'));
    } else if (type === 'Package' || type === 'File' || type === 'Snippet') {
      if (type === 'File' && purpose === 'model') modelFiles.push(name ?? id ?? '?');
      if (id) nodes.set(id, graphNode(id, e, purpose !== undefined && APPLICATION_PURPOSES.has(purpose) ? 'application' : 'other'));
    }
  }
  reportModelCap(refusedModels, limits.maxModels, sink);
  for (const [from, rels] of outgoing) {
    for (const r of rels) {
      if (!USE_RELATIONSHIPS.has(r.type)) continue;
      let list = useEdges.get(from);
      if (!list) useEdges.set(from, (list = []));
      for (const t of r.to) list.push(t);
    }
  }
  detectCycles(useEdges, sink);
  const analysis = analyseAgents(nodes, useEdges, sink);
  inv.agents.push(...analysis.agents);
  inv.reasons.push(...analysis.reasons);
  // An AI package with an application purpose that uses another model is the agent, not a model.
  if (analysis.modelUsers.length > 0) {
    const users = new Set(analysis.modelUsers.map((id) => nodes.get(id)?.modelName));
    inv.models = inv.models.filter((m) => !users.has(m.name) || inv.models.length === 1);
  }
  for (const m of inv.models) m.confidence ??= 'high';
  if (modelFiles.length > 0) {
    inv.reasons.push(`hint: software_File element(s) with purpose model (${modelFiles.slice(0, 5).map((f) => JSON.stringify(clip(f, 80))).join(', ')}) are model files, not counted as separate models`);
    fileLevelUse(elements, outgoing, inv);
  }
  if (inv.models.length > 0) inv.reasons.push(`${inv.models.length} AI/model package(s): ${inv.models.slice(0, 5).map((m) => m.name).join(', ')}`);
  if (inv.datasets.length > 0) inv.reasons.push(`${inv.datasets.length} dataset package(s): ${inv.datasets.slice(0, 5).map((d) => d.name).join(', ')}`);
  return inv;
}

interface IndexedGraph {
  elements: unknown[];
  byId: Map<string, JsonRecord>;
  relationships: JsonRecord[];
  others: JsonRecord[];
  otherTypes: string[];
  otherIds: (string | undefined)[];
  specVersion: string | undefined;
  created: string | undefined;
}

/** The elements of @graph (capped), indexed in one pass. */
function indexGraph(doc: JsonRecord, limits: BomLimits, sink: FindingSink): IndexedGraph {
  const graphValue = own(doc, '@graph');
  let elements: unknown[];
  if (Array.isArray(graphValue)) elements = graphValue;
  else if (spdx3TypeName(own(doc, 'type') ?? own(doc, '@type'))) elements = [doc];
  else {
    sink.add('wrong-type', 'warning', 'SPDX 3 document without an @graph array', '@graph');
    elements = [];
  }
  if (elements.length > limits.maxElements) {
    sink.add('too-many-elements', 'warning', `more than ${limits.maxElements} SPDX elements; the rest were not read`, '@graph');
    elements = elements.slice(0, limits.maxElements);
  }
  // One pass indexes the graph: each element's short type and id are computed once, relationships and
  // the other elements are kept apart (in document order) so that later passes do not re-scan @graph.
  const byId = new Map<string, JsonRecord>();
  const relationships: JsonRecord[] = [];
  const others: JsonRecord[] = [];
  const otherTypes: string[] = [];
  const otherIds: (string | undefined)[] = [];
  let specVersion: string | undefined;
  let created: string | undefined;
  for (const e of elements) {
    if (!isRecord(e)) continue;
    const type = spdx3TypeName(own(e, 'type') ?? own(e, '@type'));
    const id = str(own(e, 'spdxId')) ?? str(own(e, '@id'));
    if (id && !byId.has(id)) byId.set(id, e);
    if (type === 'CreationInfo') {
      specVersion ??= str(own(e, 'specVersion'));
      created ??= str(own(e, 'created'));
    }
    const ci = own(e, 'creationInfo');
    if (isRecord(ci)) {
      specVersion ??= str(own(ci, 'specVersion'));
      created ??= str(own(ci, 'created'));
    }
    if (!type) continue;
    if (type.endsWith('Relationship')) relationships.push(e);
    else {
      others.push(e);
      otherTypes.push(type);
      otherIds.push(id);
    }
  }
  return { elements, byId, relationships, others, otherTypes, otherIds, specVersion, created };
}

/** Relationships → outgoing edges per element (capped); dangling ends reported once. */
function readRelationships(relationships: JsonRecord[], byId: Map<string, JsonRecord>, limits: BomLimits, sink: FindingSink): Map<string, Rel[]> {
  const outgoing = new Map<string, Rel[]>();
  let edgeCount = 0;
  const dangling = new Set<string>();
  for (const e of relationships) {
    const from = str(own(e, 'from'));
    const rtype = vocab(own(e, 'relationshipType'));
    if (!from || !rtype) {
      sink.add('wrong-type', 'info', 'relationship without from or relationshipType', str(own(e, 'spdxId')));
      continue;
    }
    const to = strings(own(e, 'to'));
    if (edgeCount + to.length > limits.maxEdges) {
      sink.add('too-many-edges', 'warning', `more than ${limits.maxEdges} relationship targets; the rest were not read`);
      break;
    }
    edgeCount += to.length;
    if (!byId.has(from) && !isWellKnownIri(from)) dangling.add(from);
    for (const id of to) if (!byId.has(id) && !isWellKnownIri(id)) dangling.add(id);
    let list = outgoing.get(from);
    if (!list) outgoing.set(from, (list = []));
    const rel: Rel = { type: rtype, to };
    const scope = str(own(e, 'scope'));
    if (scope) rel.scope = scope;
    list.push(rel);
  }
  if (dangling.size > 0) {
    sink.add('dangling-ref', 'info', `${dangling.size} relationship end(s) name no element in this document (${[...dangling].slice(0, 3).map((d) => JSON.stringify(clip(d, 80))).join(', ')}${dangling.size > 3 ? ', …' : ''})`);
  }
  return outgoing;
}

/** Reports file-level uses of model files (e.g. predict.py hasDataFile model.bin) as reasons only. */
function fileLevelUse(elements: unknown[], outgoing: Map<string, Rel[]>, inv: AiInventory): void {
  const names = new Map<string, { name: string; purpose?: string }>();
  for (const e of elements) {
    if (!isRecord(e)) continue;
    const id = str(own(e, 'spdxId')) ?? str(own(e, '@id'));
    if (!id) continue;
    const entry: { name: string; purpose?: string } = { name: str(own(e, 'name')) ?? id };
    const purpose = vocab(prop(e, 'software_primaryPurpose'));
    if (purpose) entry.purpose = purpose;
    names.set(id, entry);
  }
  let n = 0;
  for (const [from, rels] of outgoing) {
    const src = names.get(from);
    if (!src || !src.purpose || !APPLICATION_PURPOSES.has(src.purpose)) continue;
    for (const r of rels) {
      for (const to of r.to) {
        const dst = names.get(to);
        if (dst?.purpose === 'model' && n++ < 5) inv.reasons.push(`file-level use: ${JSON.stringify(clip(src.name, 80))} ${r.type} model file ${JSON.stringify(clip(dst.name, 80))} (not a package-level agent)`);
      }
    }
  }
}

function isWellKnownIri(id: string): boolean {
  return id.startsWith('https://spdx.org/licenses/') || id.startsWith('https://spdx.org/rdf/') || id === 'NoAssertion' || id === 'NoneElement' || id.endsWith('/NoAssertionElement') || id.endsWith('/NoneElement');
}

function contextSpecVersion(context: unknown): string | undefined {
  for (const c of typeof context === 'string' ? [context] : arr(context)) {
    const m = typeof c === 'string' ? /spdx\.org\/rdf\/(3\.\d+(?:\.\d+)?)\//.exec(c) : null;
    if (m?.[1]) return m[1];
  }
  return undefined;
}

function graphNode(id: string, e: JsonRecord, role: UseGraphNode['role'], modelName?: string): UseGraphNode {
  const n: UseGraphNode = { id, name: str(own(e, 'name')) ?? id, role };
  const version = str(prop(e, 'software_packageVersion'));
  if (version) n.version = version;
  const purl = str(prop(e, 'software_packageUrl'));
  if (purl) n.purl = purl;
  if (modelName) n.modelName = modelName;
  return n;
}
