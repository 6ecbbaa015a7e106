// CycloneDX 1.5–1.7 components → the inventory's model and dataset records: identity, licences,
// supplier, hashes, external references, the model card (modelParameters, quantitativeAnalysis,
// considerations) and the generators' properties (CycloneDX 1.6 JSON reference: components[],
// https://cyclonedx.org/docs/1.6/json/#components_items_modelCard). Called by cyclonedx.ts.
import type { DatasetRecord, ExternalReference, Hash, ModelConsiderations, ModelRecord, SafetyRiskLevel } from '../contracts/inventory.js';
import { combineLicenses, isNoLicense, normalizeLicenseExpression, normalizeLicenseId } from './license.js';
import { formatFromFileName, formatFromHints, normalizeFormat } from './model-format.js';
import type { FindingSink, JsonRecord } from './util.js';
import { arr, clip, isRecord, own, records, str, strings } from './util.js';

const SAFETY_LEVELS = new Set<SafetyRiskLevel>(['low', 'medium', 'high', 'serious']);
const MAX_PROPERTIES = 200;
const MAX_PROPERTY_VALUE = 1024;

/** properties[] → name → values (in order). Non-string values are skipped. */
export function propertyMap(value: unknown): Map<string, string[]> {
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

export function readModel(
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

  const format = modelFormat(model, prop('aibom:model:format'), card ? cardProps : undefined);
  if (format) model.format = clip(format, 64);
  const properties = firstValues(props, cardProps);
  if (properties) model.properties = properties;
  return model;
}

/** Format: taxonomy property, then a file extension, then model-card hints (never inputs[].format). */
function modelFormat(model: ModelRecord, taxonomyFormat: string | undefined, cardProps: Map<string, string[]> | undefined): string | undefined {
  const fileNames = [model.name, ...model.externalReferences.map((r) => r.url), ...(model.downloadLocation ? [model.downloadLocation] : [])];
  const purlFile = model.purl ? /[?&]file_name=([^&#]+)/.exec(model.purl)?.[1] : undefined;
  if (purlFile) fileNames.unshift(decodeSafe(purlFile));
  return taxonomyFormat
    ? normalizeFormat(taxonomyFormat)
    : fileNames.map(formatFromFileName).find((f) => f !== undefined) ??
      formatFromHints([...(cardProps ? [...cardProps.entries()].filter(([k]) => /format|library|tags?$/i.test(k)).flatMap(([, v]) => v) : []), model.modelArchitecture ?? '', model.name]);
}

/** The first value of each property (component first, then model card), capped; undefined when none. */
function firstValues(...maps: Map<string, string[]>[]): Record<string, string> | undefined {
  const properties: Record<string, string> = Object.create(null) as Record<string, string>;
  let n = 0;
  for (const map of maps) {
    for (const [k, v] of map) {
      if (n >= MAX_PROPERTIES) break;
      if (!(k in properties) && v[0] !== undefined) {
        properties[clip(k, 128)] = clip(v[0], MAX_PROPERTY_VALUE);
        n++;
      }
    }
  }
  return n > 0 ? { ...properties } : undefined;
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
export function isDatasetData(c: JsonRecord): boolean {
  return records(own(c, 'data')).some((d) => str(own(d, 'type'))?.toLowerCase() === 'dataset');
}

/**
 * CycloneDX 1.5–1.7 `data[].type`: source-code, configuration, dataset, definition, other. Only
 * `dataset` makes a dataset; configuration, definitions, source code and other data do not.
 */
export function noteDataNotDataset(c: JsonRecord, name: string | undefined, path: string, sink: FindingSink): void {
  const kinds = records(own(c, 'data')).map((d) => str(own(d, 'type'))).filter((t): t is string => t !== undefined);
  sink.add('data-not-dataset', 'info', `data component ${JSON.stringify(clip(name ?? '(unnamed)', 100))} is ${kinds.length > 0 ? kinds.slice(0, 5).join(', ') : 'data with no data[].type'}, not a dataset`, path);
}

export function readDataset(c: JsonRecord, name: string | undefined, path: string, sink: FindingSink): DatasetRecord | undefined {
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
