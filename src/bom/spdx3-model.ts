// SPDX 3.0 AI and Dataset profile elements → the inventory's model and dataset records: identity,
// licences through hasConcludedLicense / hasDeclaredLicense, supplier and originators, the ai_*
// properties, energy, trainedOn / testedOn datasets and model relations (SPDX 3.0.1 AI profile,
// https://spdx.github.io/spdx-spec/v3.0.1/model/AI/Classes/AIPackage/). Called by spdx3.ts.
import type { DatasetRecord, Hash, ModelRecord, SafetyRiskLevel } from '../contracts/inventory.js';
import { combineLicenses, isNoLicense, normalizeLicenseExpression, normalizeLicenseId } from './license.js';
import { formatFromFileName, formatFromHints } from './model-format.js';
import type { FindingSink, JsonRecord } from './util.js';
import { arr, clip, isRecord, own, records, str, strings } from './util.js';
import type { Rel } from './spdx3-terms.js';
import { localName, prop, spdx3TypeName, vocab } from './spdx3-terms.js';

const SAFETY_LEVELS = new Set<SafetyRiskLevel>(['low', 'medium', 'high', 'serious']);
/** Relationship types that relate a model to another model (SPDX 3.0.1 Core RelationshipType). */
const MODEL_RELATIONS = new Set(['descendantOf', 'ancestorOf', 'hasVariant', 'variantOf', 'generatedFrom']);

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

export function readModel(
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
  const energy = readEnergy(prop(e, 'ai_energyConsumption'));
  if (energy) model.energy = energy;
  const properties = readAiProperties(e);
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

/** `ai_energyConsumption` → energy entries per activity (training, fine-tuning, inference); undefined when none. */
function readEnergy(energy: unknown): { activity: string; value: string; unit?: string }[] | undefined {
  if (!isRecord(energy)) return undefined;
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
  return list.length > 0 ? list : undefined;
}

/** The free-text AI properties and the hyperparameters, kept as model properties. */
function readAiProperties(e: JsonRecord): Record<string, string> {
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
  return properties;
}

export function readDataset(e: JsonRecord, name: string | undefined, id: string | undefined, byId: Map<string, JsonRecord>, outgoing: Map<string, Rel[]>): DatasetRecord {
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
