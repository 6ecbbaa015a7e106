// CycloneDX 1.5–1.7 JSON (SPECS.md §3) → AiInventory. Lenient: unknown keys ignored, wrong types skipped
// with a finding, never a throw. Models and datasets are found anywhere a component may be:
// metadata.component, components[], and nested components[] under either (not metadata.tools, not
// pedigree.variants).
import type { AiInventory, DatasetRecord, ExternalReference, Hash, ModelConsiderations, ModelRecord, SafetyRiskLevel } from '../contracts/inventory.js';
import { emptyInventory } from '../contracts/inventory.js';
import type { BomLimits } from './limits.js';
import { combineLicenses, isNoLicense, normalizeLicenseExpression, normalizeLicenseId } from './license.js';
import { formatFromFileName, formatFromHints, isModelFileName, normalizeFormat } from './model-format.js';
import type { FindingSink, JsonRecord } from './util.js';
import { arr, clip, isRecord, own, records, str, strings } from './util.js';
import type { UseGraphNode } from './agents.js';
import { analyseAgents } from './agents.js';
import { addModelWithin, detectCycles, reportModelCap } from './merge.js';

const KNOWN_SPEC_VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);
const SAFETY_LEVELS = new Set<SafetyRiskLevel>(['low', 'medium', 'high', 'serious']);
const MAX_PROPERTIES = 200;
const MAX_PROPERTY_VALUE = 1024;

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
      // CycloneDX 1.5–1.7 `data[].type`: source-code, configuration, dataset, definition, other. Only
      // `dataset` makes a dataset; configuration, definitions, source code and other data do not.
      const kinds = records(own(c, 'data')).map((d) => str(own(d, 'type'))).filter((t): t is string => t !== undefined);
      sink.add('data-not-dataset', 'info', `data component ${JSON.stringify(clip(name ?? '(unnamed)', 100))} is ${kinds.length > 0 ? kinds.slice(0, 5).join(', ') : 'data with no data[].type'}, not a dataset`, w.path);
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

  // Implicit only: an application metadata.component beside models with no dependency edge.
  if (metaComponent && own(metaComponent, 'type') === 'application' && inv.models.length > 0) {
    const ref = str(own(metaComponent, 'bom-ref'));
    const hasEdges = ref !== undefined && (edges.get(ref)?.length ?? 0) > 0;
    if (!hasEdges && analysis.agents.length === 0) {
      inv.reasons.push(`the BOM describes application ${JSON.stringify(clip(str(own(metaComponent, 'name')) ?? '?', 100))} beside its model(s) without a dependency edge: implicit only, not counted as an agent`);
    }
  }
  for (const m of inv.models) {
    if (m.confidence === undefined) m.confidence = 'high';
  }
  if (inv.models.length > 0) inv.reasons.push(`${inv.models.length} machine-learning-model component(s): ${inv.models.slice(0, 5).map((m) => m.name).join(', ')}`);
  if (inv.datasets.length > 0) inv.reasons.push(`${inv.datasets.length} data component(s): ${inv.datasets.slice(0, 5).map((d) => d.name).join(', ')}`);
  return inv;
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

/** properties[] → name → values (in order). Non-string values are skipped. */
function propertyMap(value: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let n = 0;
  for (const p of records(value)) {
    if (n++ >= MAX_PROPERTIES) break;
    const name = str(own(p, 'name'));
    const v = own(p, 'value');
    if (!name || typeof v !== 'string') continue;
    const list = map.get(name);
    if (list) list.push(v);
    else map.set(name, [v]);
  }
  return map;
}

function first(map: Map<string, string[]>, ...names: string[]): string | undefined {
  for (const n of names) {
    for (const v of map.get(n) ?? []) {
      const s = str(v);
      if (s) return s;
    }
  }
  return undefined;
}

/** The component's own licences[] → one expression (or undefined when only "unknown"-like values). */
export function licenseFromCycloneDx(value: unknown, path: string, sink: FindingSink): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    sink.add('wrong-type', 'warning', 'licenses is not an array', path);
    return undefined;
  }
  const parts: string[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const expression = str(own(entry, 'expression'));
    if (expression) {
      const e = normalizeLicenseExpression(expression);
      if (e) parts.push(e);
      continue;
    }
    const lic = own(entry, 'license');
    if (!isRecord(lic)) continue;
    const id = str(own(lic, 'id'));
    const name = str(own(lic, 'name'));
    const chosen = !isNoLicense(id) ? id : !isNoLicense(name) ? name : undefined;
    const normalized = chosen ? normalizeLicenseId(chosen) : undefined;
    if (normalized) parts.push(normalized);
  }
  return combineLicenses(parts);
}

function readModel(
  c: JsonRecord,
  path: string,
  name: string | undefined,
  metaProps: Map<string, string[]> | undefined,
  datasetNamesByRef: Map<string, string>,
  sink: FindingSink,
): ModelRecord {
  if (!name) sink.add('missing-name', 'warning', 'machine-learning-model component without a name', path);
  const model: ModelRecord = { name: clip(name ?? str(own(c, 'bom-ref')) ?? '(unnamed model)', 512), datasets: [], hashes: [], externalReferences: [] };
  const version = str(own(c, 'version'));
  if (version) model.version = clip(version, 256);
  const group = str(own(c, 'group'));
  if (group) model.group = clip(group, 256);
  const purl = str(own(c, 'purl'));
  if (purl) model.purl = clip(purl, 1024);
  const ref = str(own(c, 'bom-ref'));
  if (ref) model.bomRef = clip(ref, 1024);
  const description = str(own(c, 'description'));
  if (description) model.description = clip(description, 1024);

  const card = isRecord(own(c, 'modelCard')) ? (own(c, 'modelCard') as JsonRecord) : undefined;
  if (own(c, 'modelCard') !== undefined && !card) sink.add('wrong-type', 'warning', 'modelCard is not an object', path);
  const props = propertyMap(own(c, 'properties'));
  const cardProps = card ? propertyMap(own(card, 'properties')) : new Map<string, string[]>();
  const prop = (...names: string[]): string | undefined => first(props, ...names) ?? first(cardProps, ...names) ?? (metaProps ? first(metaProps, ...names) : undefined);

  // Licence: the component's own licences, else the generator's `licenses` property (used when the id is "unknown").
  const license = licenseFromCycloneDx(own(c, 'licenses'), `${path}.licenses`, sink) ?? licenseFromProperty(prop('licenses', 'license'));
  if (license) model.license = license;

  const supplier = own(c, 'supplier');
  const manufacturer = own(c, 'manufacturer');
  const supplierName = (isRecord(supplier) ? str(own(supplier, 'name')) : undefined) ?? (isRecord(manufacturer) ? str(own(manufacturer, 'name')) : undefined) ?? prop('suppliedBy');
  if (supplierName) model.supplier = clip(supplierName, 256);
  const authors = records(own(c, 'authors')).map((a) => str(own(a, 'name'))).filter((a): a is string => a !== undefined);
  const author = str(own(c, 'author'));
  if (author) authors.push(author);
  if (authors.length > 0) model.authors = [...new Set(authors.map((a) => clip(a, 256)))].slice(0, 50);
  const publisher = str(own(c, 'publisher'));
  if (publisher) model.publisher = clip(publisher, 256);

  model.hashes = readHashes(own(c, 'hashes'));
  model.externalReferences = readExternalReferences(own(c, 'externalReferences'));

  if (card) readModelCard(card, model, datasetNamesByRef, path, sink);

  const primaryPurpose = prop('primaryPurpose');
  if (primaryPurpose) model.primaryPurpose = clip(primaryPurpose, 256);
  const typeOfModel = [...(props.get('typeOfModel') ?? []), ...(cardProps.get('typeOfModel') ?? []), ...(metaProps?.get('typeOfModel') ?? [])];
  if (typeOfModel.length > 0) model.typeOfModel = [...new Set(typeOfModel.map((t) => clip(t.trim(), 256)).filter(Boolean))].slice(0, 20);
  const limitation = prop('limitation');
  if (limitation) model.limitation = clip(limitation, 1024);
  else if (model.considerations?.technicalLimitations?.length) model.limitation = clip(model.considerations.technicalLimitations.join('; '), 1024);
  const safety = prop('safetyRiskAssessment');
  if (safety && SAFETY_LEVELS.has(safety.toLowerCase() as SafetyRiskLevel)) model.safetyRiskAssessment = safety.toLowerCase() as SafetyRiskLevel;
  const download = prop('downloadLocation') ?? model.externalReferences.find((r) => r.type === 'distribution')?.url;
  if (download) model.downloadLocation = clip(download, 1024);
  const domain = [...(props.get('domain') ?? []), ...(cardProps.get('domain') ?? [])];
  if (domain.length > 0) model.domain = domain.slice(0, 20).map((d) => clip(d, 256));

  const relations: { type: string; target: string }[] = [];
  for (const v of [...(props.get('ai.model.relation') ?? []), ...(cardProps.get('ai.model.relation') ?? [])]) relations.push(relationFromProperty(v));
  const pedigree = own(c, 'pedigree');
  if (isRecord(pedigree)) {
    for (const a of records(own(pedigree, 'ancestors')).slice(0, 50)) {
      const target = str(own(a, 'purl')) ?? str(own(a, 'name'));
      if (target) relations.push({ type: 'descendantOf', target: clip(target, 512) });
    }
  }
  if (relations.length > 0) model.relations = relations.slice(0, 50);

  const parameters = prop('aibom:model:parameters');
  if (parameters) model.parameters = clip(parameters, 128);
  const quantization = prop('aibom:model:quantization');
  if (quantization) model.quantization = clip(quantization, 128);
  const unsafePickle = prop('aibom:security:unsafe-pickle');
  if (unsafePickle) model.unsafePickle = clip(unsafePickle, 1024);
  const incomplete = prop('aibom:scan:incomplete');
  if (incomplete) model.scanIncomplete = clip(incomplete, 1024);

  // Format: taxonomy property, then a file extension, then model-card hints (never inputs[].format).
  const taxonomyFormat = prop('aibom:model:format');
  const fileNames = [model.name, ...model.externalReferences.map((r) => r.url), ...(model.downloadLocation ? [model.downloadLocation] : [])];
  const purlFile = model.purl ? /[?&]file_name=([^&#]+)/.exec(model.purl)?.[1] : undefined;
  if (purlFile) fileNames.unshift(decodeSafe(purlFile));
  const format = taxonomyFormat
    ? normalizeFormat(taxonomyFormat)
    : fileNames.map(formatFromFileName).find((f) => f !== undefined) ??
      formatFromHints([...(card ? [...cardProps.entries()].filter(([k]) => /format|library|tags?$/i.test(k)).flatMap(([, v]) => v) : []), model.modelArchitecture ?? '', model.name]);
  if (format) model.format = clip(format, 64);

  const properties: Record<string, string> = Object.create(null) as Record<string, string>;
  let n = 0;
  for (const map of [props, cardProps]) {
    for (const [k, v] of map) {
      if (n >= MAX_PROPERTIES) break;
      if (!(k in properties) && v[0] !== undefined) {
        properties[clip(k, 128)] = clip(v[0], MAX_PROPERTY_VALUE);
        n++;
      }
    }
  }
  if (n > 0) model.properties = { ...properties };
  return model;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function licenseFromProperty(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // Generators write a Hugging Face id ("cc-by-4.0"), sometimes a list ("apache-2.0, mit") or a JSON array.
  let parts: string[] = [];
  const t = value.trim();
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      parts = strings(parsed);
    } catch {
      parts = [t];
    }
  } else if (/\s(AND|OR|WITH)\s/i.test(t) || t.includes('(')) {
    const e = normalizeLicenseExpression(t);
    return e ? clip(e, 512) : undefined;
  } else parts = t.split(/\s*,\s*/);
  const ids = parts.map(normalizeLicenseId).filter((p): p is string => p !== undefined);
  const combined = combineLicenses(ids);
  return combined ? clip(combined, 512) : undefined;
}

function relationFromProperty(value: string): { type: string; target: string } {
  // e.g. "fine-tuned-from:pkg:huggingface/…" or just a target; keep the verb when one is given.
  const m = /^([a-z][a-z_-]{1,40}):\s*(.+)$/i.exec(value.trim());
  if (m?.[1] && m[2] && !/^(pkg|https?)$/i.test(m[1])) return { type: m[1], target: clip(m[2], 512) };
  return { type: 'ai.model.relation', target: clip(value.trim(), 512) };
}

function readHashes(value: unknown): Hash[] {
  const out: Hash[] = [];
  for (const h of records(value).slice(0, 50)) {
    const alg = str(own(h, 'alg'));
    const content = str(own(h, 'content'));
    if (alg && content && content.length <= 256) out.push({ alg: clip(alg, 32), content: content.toLowerCase() });
  }
  return out;
}

function readExternalReferences(value: unknown): ExternalReference[] {
  const out: ExternalReference[] = [];
  for (const r of records(value).slice(0, 100)) {
    const type = str(own(r, 'type'));
    const url = str(own(r, 'url'));
    if (type && url) out.push({ type: clip(type, 64), url: clip(url, 2048) });
  }
  return out;
}

function readModelCard(card: JsonRecord, model: ModelRecord, datasetNamesByRef: Map<string, string>, path: string, sink: FindingSink): void {
  model.hasModelCard = true;
  const params = own(card, 'modelParameters');
  if (isRecord(params)) {
    const task = str(own(params, 'task'));
    if (task) model.task = clip(task, 256);
    const family = str(own(params, 'architectureFamily'));
    if (family) model.architectureFamily = clip(family, 256);
    const arch = str(own(params, 'modelArchitecture'));
    if (arch) model.modelArchitecture = clip(arch, 256);
    const approach = own(params, 'approach');
    const approachType = isRecord(approach) ? str(own(approach, 'type')) : undefined;
    if (approachType) model.approach = clip(approachType, 64);
    for (const d of arr(own(params, 'datasets')).slice(0, 200)) {
      if (!isRecord(d)) continue;
      const ref = str(own(d, 'ref'));
      if (ref) {
        const resolved = datasetNamesByRef.get(ref);
        if (!resolved && !ref.startsWith('urn:cdx:')) sink.add('dangling-ref', 'info', `model card dataset ref ${JSON.stringify(clip(ref, 100))} names no data component in this BOM`, `${path}.modelCard.modelParameters.datasets`);
        model.datasets.push(clip(resolved ?? ref, 512));
      } else {
        const name = str(own(d, 'name')) ?? str(own(d, 'bom-ref'));
        if (name) model.datasets.push(clip(name, 512));
      }
    }
  } else if (params !== undefined) sink.add('wrong-type', 'warning', 'modelCard.modelParameters is not an object', path);
  const qa = own(card, 'quantitativeAnalysis');
  if (isRecord(qa)) {
    const metrics = records(own(qa, 'performanceMetrics'))
      .slice(0, 100)
      .map((m) => ({ type: str(own(m, 'type')), value: str(own(m, 'value')) }))
      .filter((m): m is { type: string; value: string } => m.type !== undefined && m.value !== undefined)
      .map((m) => ({ type: clip(m.type, 128), value: clip(m.value, 128) }));
    if (metrics.length > 0) model.metrics = metrics;
  }
  const cons = own(card, 'considerations');
  if (isRecord(cons)) {
    const c: ModelConsiderations = {};
    const list = (key: keyof ModelConsiderations & string): string[] => strings(own(cons, key)).slice(0, 50).map((s) => clip(s, 512));
    for (const key of ['users', 'useCases', 'technicalLimitations', 'performanceTradeoffs'] as const) {
      const v = list(key);
      if (v.length > 0) c[key] = v;
    }
    const ethical = records(own(cons, 'ethicalConsiderations')).map((e) => str(own(e, 'name'))).filter((e): e is string => e !== undefined);
    if (ethical.length > 0) c.ethicalConsiderations = ethical.slice(0, 50).map((s) => clip(s, 256));
    const fairness = records(own(cons, 'fairnessAssessments')).length;
    if (fairness > 0) c.fairnessAssessments = fairness;
    if (Object.keys(c).length > 0) model.considerations = c;
    const env = own(cons, 'environmentalConsiderations');
    if (isRecord(env)) {
      const energy: { activity: string; value: string; unit?: string }[] = [];
      for (const e of records(own(env, 'energyConsumptions')).slice(0, 50)) {
        const activity = str(own(e, 'activity')) ?? 'other';
        const cost = own(e, 'activityEnergyCost');
        if (isRecord(cost) && (typeof own(cost, 'value') === 'number' || typeof own(cost, 'value') === 'string')) {
          const entry: { activity: string; value: string; unit?: string } = { activity: clip(activity, 64), value: clip(String(own(cost, 'value')), 64) };
          const unit = str(own(cost, 'unit'));
          if (unit) entry.unit = clip(unit, 32);
          energy.push(entry);
        }
      }
      if (energy.length > 0) model.energy = energy;
    }
  }
}

/** A `data` component is a dataset only when one of its `data[]` entries says `dataset`. */
function isDatasetData(c: JsonRecord): boolean {
  return records(own(c, 'data')).some((d) => str(own(d, 'type'))?.toLowerCase() === 'dataset');
}

function readDataset(c: JsonRecord, name: string | undefined, path: string, sink: FindingSink): DatasetRecord | undefined {
  if (!name) {
    sink.add('missing-name', 'warning', 'data component without a name', path);
  }
  const ds: DatasetRecord = { name: clip(name ?? str(own(c, 'bom-ref')) ?? '(unnamed dataset)', 512) };
  const version = str(own(c, 'version'));
  if (version) ds.version = clip(version, 256);
  const purl = str(own(c, 'purl'));
  if (purl) ds.purl = clip(purl, 1024);
  const ref = str(own(c, 'bom-ref'));
  if (ref) ds.bomRef = clip(ref, 1024);
  const license = licenseFromCycloneDx(own(c, 'licenses'), `${path}.licenses`, sink);
  if (license) ds.license = license;
  ds.type = 'dataset';
  const description = str(own(c, 'description'));
  if (description) ds.description = clip(description, 1024);
  const supplier = own(c, 'supplier');
  const sname = isRecord(supplier) ? str(own(supplier, 'name')) : undefined;
  if (sname) ds.supplier = clip(sname, 256);
  return ds;
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
