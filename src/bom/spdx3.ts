// SPDX 3.0.x JSON-LD (SPECS.md §4.1–4.5) → AiInventory. Lenient, as real documents need
// (spdx-examples): `to` as a string or an array, 3.0.0 or 3.0.1 context, properties written without their
// profile prefix (`domain` for `ai_domain`), types written as full IRIs or prefixed names.
import type { AiInventory, DatasetRecord, Hash, ModelRecord, SafetyRiskLevel } from '../contracts/inventory.js';
import { emptyInventory } from '../contracts/inventory.js';
import type { BomLimits } from './limits.js';
import { combineLicenses, isNoLicense, normalizeLicenseExpression, normalizeLicenseId } from './license.js';
import { formatFromFileName, formatFromHints } from './model-format.js';
import type { FindingSink, JsonRecord } from './util.js';
import { arr, clip, isRecord, own, records, str, strings } from './util.js';
import type { UseGraphNode } from './agents.js';
import { analyseAgents } from './agents.js';
import { addModelWithin, detectCycles, reportModelCap } from './merge.js';

const SAFETY_LEVELS = new Set<SafetyRiskLevel>(['low', 'medium', 'high', 'serious']);
/** Relationship types through which an application uses what it points at (SPECS.md §4.4–4.5). */
const USE_RELATIONSHIPS = new Set(['dependsOn', 'contains', 'hasDataFile', 'usesTool', 'hasStaticLink', 'hasDynamicLink', 'hasInput']);
const APPLICATION_PURPOSES = new Set(['application', 'executable']);
/** Relationship types that relate a model to another model (SPECS.md §4.4). */
const MODEL_RELATIONS = new Set(['descendantOf', 'ancestorOf', 'hasVariant', 'variantOf', 'generatedFrom']);
/** Profile prefixes of SPDX 3 class names (`ai_`, `software:`…), compared case-insensitively. */
const PROFILE_PREFIXES = new Set(['ai', 'dataset', 'software', 'simplelicensing', 'expandedlicensing', 'build', 'security', 'lite', 'core', 'extension']);

type Rel = { type: string; to: string[]; scope?: string };

/** The text after the last `/` or `#` (the whole string when it has neither): the local name of an IRI. */
function localName(s: string): string {
  // A char loop: runs for every element and relationship, and is several times cheaper than two
  // lastIndexOf calls or a split on short strings.
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 47 /* / */ || c === 35 /* # */) return s.slice(i + 1);
  }
  return s;
}

/** Short class name: `ai_AIPackage`, `AIPackage`, `https://spdx.org/rdf/3.0.1/terms/AI/AIPackage` → `AIPackage`. */
export function spdx3TypeName(value: unknown): string | undefined {
  const t = str(value);
  if (!t) return undefined;
  const last = localName(t);
  // Strip one known profile prefix followed by `_` or `:`. The prefixes contain neither character, so
  // the separator is the first `_` or `:` of the name (no regex: this runs once per element).
  let sep = last.indexOf('_');
  const colon = last.indexOf(':');
  if (sep < 0 || (colon >= 0 && colon < sep)) sep = colon;
  if (sep <= 0) return last;
  return PROFILE_PREFIXES.has(last.slice(0, sep).toLowerCase()) ? last.slice(sep + 1) : last;
}

/**
 * Bare names of the prefixed property names this module asks for (`software_packageUrl` → `packageUrl`).
 * Keyed by names written in this file only, never by document keys, so it stays small.
 */
const bareNames = new Map<string, string>();

/** A property under its JSON-LD name or, leniently, without the profile prefix. */
function prop(e: JsonRecord, prefixed: string): unknown {
  const v = own(e, prefixed);
  if (v !== undefined) return v;
  let bare = bareNames.get(prefixed);
  if (bare === undefined) {
    bare = prefixed.replace(/^[a-z]+_/, '');
    bareNames.set(prefixed, bare);
  }
  return own(e, bare);
}

function vocab(value: unknown): string | undefined {
  const s = str(value);
  return s ? localName(s) : undefined;
}

export function readSpdx3(doc: JsonRecord, limits: BomLimits, sink: FindingSink): AiInventory {
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
  const contextVersion = contextSpecVersion(own(doc, '@context'));
  if (!specVersion && contextVersion) specVersion = contextVersion;
  const inv = emptyInventory('spdx3', specVersion ? clip(specVersion, 32) : undefined);
  if (!specVersion) sink.add('missing-spec-version', 'warning', 'SPDX 3 document has no CreationInfo specVersion');
  if (created) inv.created = clip(created, 64);

  // Relationships first: licences, datasets and the use graph need them.
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

/** The licence of `id`: concluded unless it is NOASSERTION/absent, else declared. */
function licenseOf(id: string | undefined, byId: Map<string, JsonRecord>, outgoing: Map<string, Rel[]>): string | undefined {
  if (!id) return undefined;
  const rels = outgoing.get(id) ?? [];
  const resolve = (type: string): string | undefined => {
    const parts: string[] = [];
    for (const r of rels) {
      if (r.type !== type) continue;
      for (const target of r.to) {
        const l = licenseTarget(target, byId);
        if (l) parts.push(l);
      }
    }
    return combineLicenses(parts);
  };
  return resolve('hasConcludedLicense') ?? resolve('hasDeclaredLicense');
}

function licenseTarget(target: string, byId: Map<string, JsonRecord>): string | undefined {
  const e = byId.get(target);
  if (e) {
    const expr = str(prop(e, 'simplelicensing_licenseExpression'));
    if (expr) return normalizeLicenseExpression(expr);
    const type = spdx3TypeName(own(e, 'type') ?? own(e, '@type'));
    const licenseId = str(prop(e, 'expandedlicensing_licenseId')) ?? str(own(e, 'licenseId'));
    if (licenseId) return normalizeLicenseId(licenseId);
    const name = str(own(e, 'name'));
    if (type === 'CustomLicense') {
      const base = (name ?? localName(target)).replace(/[^A-Za-z0-9.-]+/g, '-');
      return base.startsWith('LicenseRef-') ? base : `LicenseRef-${base}`;
    }
    if (type === 'ListedLicense' && target.startsWith('https://spdx.org/licenses/')) return normalizeLicenseId(target);
    if (name) return normalizeLicenseId(name);
  }
  if (target.startsWith('https://spdx.org/licenses/')) return normalizeLicenseId(target.slice('https://spdx.org/licenses/'.length));
  if (isNoLicense(target) || /NoAssertion|NoneLicense/i.test(target)) return undefined;
  const tail = localName(target);
  return tail && /^LicenseRef-/.test(tail) ? tail : undefined;
}

function agentName(id: unknown, byId: Map<string, JsonRecord>): string | undefined {
  const ref = str(id);
  if (!ref) return isRecord(id) ? str(own(id, 'name')) : undefined;
  const e = byId.get(ref);
  return (e ? str(own(e, 'name')) : undefined) ?? ref;
}

function readHashes(e: JsonRecord): Hash[] {
  const out: Hash[] = [];
  for (const h of records(own(e, 'verifiedUsing')).slice(0, 50)) {
    const alg = vocab(own(h, 'algorithm'));
    const value = str(own(h, 'hashValue'));
    if (alg && value && value.length <= 256) out.push({ alg: clip(alg, 32), content: value.toLowerCase() });
  }
  return out;
}

function purlOf(e: JsonRecord): string | undefined {
  const direct = str(prop(e, 'software_packageUrl'));
  if (direct) return direct;
  for (const x of records(own(e, 'externalIdentifier'))) {
    if (vocab(own(x, 'externalIdentifierType')) === 'packageUrl') {
      const id = str(own(x, 'identifier'));
      if (id) return id;
    }
  }
  return undefined;
}

/** Whether the element has any `ai_` property (an AI package that carries model-card fields). */
function hasAiProperty(e: JsonRecord): boolean {
  for (const k in e) if (k.startsWith('ai_')) return true;
  return false;
}

function readModel(
  e: JsonRecord,
  type: string,
  name: string | undefined,
  id: string | undefined,
  byId: Map<string, JsonRecord>,
  outgoing: Map<string, Rel[]>,
  sink: FindingSink,
): ModelRecord {
  if (!name) sink.add('missing-name', 'warning', `${type} element without a name`, id);
  const model: ModelRecord = { name: clip(name ?? id ?? '(unnamed model)', 512), datasets: [], hashes: readHashes(e), externalReferences: [] };
  const version = str(prop(e, 'software_packageVersion'));
  if (version) model.version = clip(version, 256);
  const purl = purlOf(e);
  if (purl) model.purl = clip(purl, 1024);
  if (id) model.bomRef = clip(id, 1024);
  const description = str(own(e, 'description')) ?? str(own(e, 'summary'));
  if (description) model.description = clip(description, 1024);
  const license = licenseOf(id, byId, outgoing);
  if (license) model.license = clip(license, 512);
  const supplier = agentName(own(e, 'suppliedBy'), byId);
  if (supplier) model.supplier = clip(supplier, 256);
  const authors = arr(own(e, 'originatedBy')).map((a) => agentName(a, byId)).filter((a): a is string => a !== undefined);
  if (authors.length > 0) model.authors = authors.slice(0, 50).map((a) => clip(a, 256));
  const purpose = vocab(prop(e, 'software_primaryPurpose'));
  if (purpose) model.primaryPurpose = purpose;
  const download = str(prop(e, 'software_downloadLocation'));
  if (download) model.downloadLocation = clip(download, 1024);
  const homepage = str(prop(e, 'software_homePage'));
  if (homepage) model.externalReferences.push({ type: 'website', url: clip(homepage, 2048) });
  for (const r of records(own(e, 'externalRef')).slice(0, 100)) {
    const url = strings(own(r, 'locator'))[0];
    const rtype = vocab(own(r, 'externalRefType')) ?? 'other';
    if (url) model.externalReferences.push({ type: clip(rtype, 64), url: clip(url, 2048) });
  }
  const typeOfModel = strings(prop(e, 'ai_typeOfModel'));
  if (typeOfModel.length > 0) model.typeOfModel = typeOfModel.slice(0, 20).map((t) => clip(t, 256));
  const domain = strings(prop(e, 'ai_domain'));
  if (domain.length > 0) model.domain = domain.slice(0, 20).map((d) => clip(d, 256));
  const autonomy = vocab(prop(e, 'ai_autonomyType'));
  if (autonomy) model.autonomyType = clip(autonomy, 32);
  const safety = vocab(prop(e, 'ai_safetyRiskAssessment'))?.toLowerCase();
  if (safety && SAFETY_LEVELS.has(safety as SafetyRiskLevel)) model.safetyRiskAssessment = safety as SafetyRiskLevel;
  const sensitive = vocab(prop(e, 'ai_useSensitivePersonalInformation'));
  if (sensitive) model.useSensitivePersonalInformation = clip(sensitive, 32);
  const limitation = str(prop(e, 'ai_limitation'));
  if (limitation) model.limitation = clip(limitation, 1024);
  const metrics = records(prop(e, 'ai_metric'))
    .map((m) => ({ type: str(own(m, 'key')), value: str(own(m, 'value')) }))
    .filter((m): m is { type: string; value: string } => m.type !== undefined && m.value !== undefined)
    .slice(0, 100)
    .map((m) => ({ type: clip(m.type, 128), value: clip(m.value, 128) }));
  if (metrics.length > 0) model.metrics = metrics;
  const energy = prop(e, 'ai_energyConsumption');
  if (isRecord(energy)) {
    const list: { activity: string; value: string; unit?: string }[] = [];
    for (const [key, activity] of [['ai_trainingEnergyConsumption', 'training'], ['ai_finetuningEnergyConsumption', 'fine-tuning'], ['ai_inferenceEnergyConsumption', 'inference']] as const) {
      for (const d of records(prop(energy, key)).slice(0, 20)) {
        const q = own(d, 'ai_energyQuantity') ?? own(d, 'energyQuantity');
        if (typeof q !== 'string' && typeof q !== 'number') continue;
        const entry: { activity: string; value: string; unit?: string } = { activity, value: clip(String(q), 64) };
        const unit = vocab(prop(d, 'ai_energyUnit'));
        if (unit) entry.unit = clip(unit, 32);
        list.push(entry);
      }
    }
    if (list.length > 0) model.energy = list;
  }
  const properties: Record<string, string> = {};
  for (const key of ['ai_informationAboutApplication', 'ai_informationAboutTraining', 'ai_standardCompliance', 'ai_modelExplainability', 'ai_modelDataPreprocessing']) {
    const v = strings(prop(e, key));
    if (v.length > 0) properties[key] = clip(v.join('; '), 1024);
  }
  const hyper = records(prop(e, 'ai_hyperparameter')).slice(0, 50);
  for (const h of hyper) {
    const k = str(own(h, 'key'));
    const v = str(own(h, 'value'));
    if (k && v) properties[`ai_hyperparameter:${clip(k, 100)}`] = clip(v, 256);
  }
  if (Object.keys(properties).length > 0) model.properties = properties;
  model.hasModelCard = type === 'AIPackage' && hasAiProperty(e);

  for (const r of (id ? outgoing.get(id) : undefined) ?? []) {
    if (r.type === 'trainedOn' || r.type === 'testedOn') {
      for (const t of r.to) model.datasets.push(clip(str(own(byId.get(t) ?? {}, 'name')) ?? t, 512));
    } else if (MODEL_RELATIONS.has(r.type)) {
      model.relations ??= [];
      for (const t of r.to.slice(0, 20)) model.relations.push({ type: r.type, target: clip(str(own(byId.get(t) ?? {}, 'name')) ?? t, 512) });
    }
  }
  model.datasets = [...new Set(model.datasets)].slice(0, 200);
  const format = [model.name, download ?? '', ...model.externalReferences.map((x) => x.url)].map(formatFromFileName).find((f) => f !== undefined) ?? formatFromHints([...(model.typeOfModel ?? []), model.name]);
  if (format) model.format = format;
  return model;
}

function readDataset(e: JsonRecord, name: string | undefined, id: string | undefined, byId: Map<string, JsonRecord>, outgoing: Map<string, Rel[]>): DatasetRecord {
  const ds: DatasetRecord = { name: clip(name ?? id ?? '(unnamed dataset)', 512), type: 'dataset' };
  const version = str(prop(e, 'software_packageVersion'));
  if (version) ds.version = clip(version, 256);
  const purl = purlOf(e);
  if (purl) ds.purl = clip(purl, 1024);
  if (id) ds.bomRef = clip(id, 1024);
  const license = licenseOf(id, byId, outgoing);
  if (license) ds.license = clip(license, 512);
  const dtype = strings(prop(e, 'dataset_datasetType')).map(localName);
  if (dtype.length > 0) ds.datasetType = dtype.slice(0, 20);
  const description = str(own(e, 'description'));
  if (description) ds.description = clip(description, 1024);
  const supplier = agentName(own(e, 'suppliedBy'), byId);
  if (supplier) ds.supplier = clip(supplier, 256);
  return ds;
}
