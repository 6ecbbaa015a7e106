// The labels and annotations the webhook owns (docs/labels-and-annotations.md): values, order, size bounds.
import { describeSigner } from '../contracts/trust.js';
import type { BomSource, BomTrust, ImageFindings, ImageResult, LookupStatus } from '../contracts/lookup.js';
import type { WorkloadClassification } from '../contracts/classification.js';
import type { ModelRecord } from '../contracts/inventory.js';
import { modelPairs } from '../contracts/model-identity.js';

/** The apiserver's limit on the total size of an object's annotations (apimachinery objectmeta.go). */
export const TOTAL_ANNOTATION_LIMIT_BYTES = 256 * 1024;
/** Room left for annotations other tools add after us. */
export const ANNOTATION_MARGIN_BYTES = 4096;

export interface OwnedKeys {
  labels: { aiBearing: string; aiKind: string; evidence: string; bypassed: string };
  annotations: { models: string; boms: string; lookup: string; heuristics: string; modelsOmitted: string };
}

export function ownedKeys(prefix: string): OwnedKeys {
  return {
    labels: {
      aiBearing: `${prefix}/ai-bearing`,
      aiKind: `${prefix}/ai-kind`,
      evidence: `${prefix}/evidence`,
      bypassed: `${prefix}/bypassed`,
    },
    annotations: {
      models: `${prefix}/models`,
      boms: `${prefix}/boms`,
      lookup: `${prefix}/lookup`,
      heuristics: `${prefix}/heuristics`,
      modelsOmitted: `${prefix}/models-omitted`,
    },
  };
}

export interface ModelEntry {
  name: string;
  version?: string;
  purl?: string;
  format?: string;
  license?: string;
  task?: string;
  supplier?: string;
  container: string;
  image: string;
  digest: string;
  /** An image volume's model: the containers that mount it. */
  mountedBy?: string[];
  /** A model named by the pod spec (no BOM): `args`, `env`, `storage-initializer`, `modelcar`, `storage-uri`. */
  via?: string;
}

export interface BomEntry {
  container: string;
  image: string;
  digest: string;
  bom: string;
  mediaType: string;
  source: BomSource;
  trust: BomTrust;
  /** Who signed it (verified): `key NAME (sha256:…)`, `ISSUER SUBJECT`, `notary DN`. */
  signer?: string;
}

/** Desired value per owned key; `undefined` means the key must be absent. */
export type DesiredMap = Record<string, string | undefined>;

export interface DesiredMetadata {
  labels: DesiredMap;
  annotations: DesiredMap;
}

export interface AnnotationBudgetInput {
  /** Configured cap on the webhook's own annotations (bytes). */
  maxBytes: number;
  /** Annotations already on the object (ours are ignored: they are recomputed). */
  existing: Record<string, string>;
}

export function modelEntries(results: readonly ImageResult[]): ModelEntry[] {
  const entries: ModelEntry[] = [];
  for (const result of results) {
    for (const pair of modelPairs(result)) {
      const e = toModelEntry(pair.model, pair.container, result.image, result.findings.digest ?? '');
      if (pair.mountedBy) e.mountedBy = [...pair.mountedBy];
      if (pair.via) e.via = pair.via;
      entries.push(e);
    }
  }
  return entries.sort(compareEntries(results));
}

export function bomEntries(results: readonly ImageResult[]): BomEntry[] {
  const entries: BomEntry[] = [];
  for (const result of results) {
    for (const use of result.uses) {
      // Invalid BOMs are listed too (trust: invalid): ignored for classification, and visibly so.
      for (const b of [...result.findings.boms, ...(result.findings.invalidBoms ?? [])]) {
        const entry: BomEntry = { container: use.container, image: result.image, digest: result.findings.digest ?? '', bom: b.digest, mediaType: b.mediaType, source: b.source, trust: b.trust };
        if (b.signers?.[0]) entry.signer = describeSigner(b.signers[0]);
        entries.push(entry);
      }
    }
  }
  const order = containerOrder(results);
  return entries.sort((a, b) => cmp(order(a.container, a.image), order(b.container, b.image)) || cmp(a.image, b.image) || cmp(a.bom, b.bom) || cmp(a.source, b.source));
}

export function lookupMap(results: readonly ImageResult[]): Record<string, LookupStatus> {
  const map: Record<string, LookupStatus> = {};
  for (const r of [...results].sort((a, b) => cmp(a.image, b.image))) if (!r.sourceOnly) map[r.image] = r.findings.status;
  return map;
}

function toModelEntry(m: ModelRecord, container: string, image: string, digest: string): ModelEntry {
  // Key order is fixed here so the JSON is byte-stable.
  const e: ModelEntry = { name: m.name } as ModelEntry;
  if (m.version) e.version = m.version;
  if (m.purl) e.purl = m.purl;
  if (m.format) e.format = m.format;
  if (m.license) e.license = m.license;
  if (m.task) e.task = m.task;
  if (m.supplier) e.supplier = m.supplier;
  e.container = container;
  e.image = image;
  e.digest = digest;
  return e;
}

function containerOrder(results: readonly ImageResult[]): (container: string, image: string) => number {
  const index = new Map<string, number>();
  for (const r of results) for (const u of r.uses) index.set(`${u.container}\u0000${r.image}`, u.index);
  return (container, image) => index.get(`${container}\u0000${image}`) ?? Number.MAX_SAFE_INTEGER;
}

function compareEntries(results: readonly ImageResult[]): (a: ModelEntry, b: ModelEntry) => number {
  const order = containerOrder(results);
  return (a, b) =>
    cmp(order(a.container, a.image), order(b.container, b.image)) ||
    cmp(a.image, b.image) ||
    cmp(a.name, b.name) ||
    cmp(a.version ?? '', b.version ?? '') ||
    cmp(a.purl ?? '', b.purl ?? '');
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Labels and annotations for one workload. Annotations fit a byte budget:
 * min(configured, 256 KiB − the object's other annotations − a margin). Entries that do not fit are
 * dropped from the end (boms before models) and counted in `models-omitted`.
 */
export function desiredMetadata(
  prefix: string,
  classification: WorkloadClassification,
  results: readonly ImageResult[],
  budget: AnnotationBudgetInput,
  bypassed: boolean,
): DesiredMetadata {
  const { keys, owned } = keysOf(prefix);
  const labels: DesiredMap = {
    [keys.labels.aiBearing]: classification.aiBearing,
    [keys.labels.aiKind]: classification.aiKind,
    [keys.labels.evidence]: classification.evidence,
    [keys.labels.bypassed]: bypassed ? 'true' : undefined,
  };

  let others = 0;
  for (const [k, v] of Object.entries(budget.existing)) if (!owned.has(k)) others += utf8Length(k) + utf8Length(v);
  const bytes = Math.min(budget.maxBytes, TOTAL_ANNOTATION_LIMIT_BYTES - others - ANNOTATION_MARGIN_BYTES);
  const key = memoKey(prefix, bytes, classification, results);
  let annotations = annotationMemo.get(key);
  if (annotations === undefined) {
    annotations = ownedAnnotations(keys, bytes, classification, results);
    rememberAnnotations(key, annotations);
  }
  // A copy: the caller owns what it gets, as when it was computed for it.
  return { labels, annotations: { ...annotations } };
}

/** The owned keys of the last prefix asked for (one per deployment), with the annotation keys as a set. */
let lastKeys: { prefix: string; keys: Readonly<OwnedKeys>; owned: ReadonlySet<string> } | undefined;

function keysOf(prefix: string): { keys: Readonly<OwnedKeys>; owned: ReadonlySet<string> } {
  if (lastKeys?.prefix !== prefix) {
    const keys = ownedKeys(prefix);
    lastKeys = { prefix, keys, owned: new Set(Object.values(keys.annotations)) };
  }
  return lastKeys;
}

/**
 * Memo of the owned annotations. Every Pod of a Deployment (and every admission of the same Pod
 * spec) gets the same annotations from the same cached findings, and building them (sorting the
 * entries, serialising models and BOMs, fitting them into the budget) was the largest part of an
 * admission after JSON parsing. Pure memoisation: the key holds everything the annotations depend
 * on: the prefix, the byte budget, the evidence and heuristics, and per image its name, its uses
 * (index, container, mounting containers), the models its pod spec names and the identity of its findings. Findings are immutable values (the
 * lookup cache already hands the same object to every request), so identity stands for content.
 * Bounded by entries and by size; the oldest entry goes first.
 */
const MEMO_ENTRIES = 64;
const MEMO_MAX_BYTES = 16 * 1024;
const annotationMemo = new Map<string, Readonly<DesiredMap>>();
const findingsIds = new WeakMap<ImageFindings, number>();
let nextFindingsId = 0;

function findingsId(findings: ImageFindings): number {
  let id = findingsIds.get(findings);
  if (id === undefined) {
    id = nextFindingsId++;
    findingsIds.set(findings, id);
  }
  return id;
}

function memoKey(prefix: string, bytes: number, classification: WorkloadClassification, results: readonly ImageResult[]): string {
  // JSON: unambiguous whatever the image and container names contain.
  return JSON.stringify([prefix, bytes, classification.evidence, classification.heuristics, results.map((r) => [r.image, findingsId(r.findings), r.uses.map((u) => [u.index, u.container, u.mountedBy ?? null]), (r.specModels ?? []).map((m) => [m.container, m.via, m.model])])]);
}

function rememberAnnotations(key: string, annotations: DesiredMap): void {
  let size = key.length;
  for (const v of Object.values(annotations)) size += v?.length ?? 0;
  if (size > MEMO_MAX_BYTES) return;
  if (annotationMemo.size >= MEMO_ENTRIES) annotationMemo.delete(annotationMemo.keys().next().value as string);
  annotationMemo.set(key, { ...annotations });
}

function ownedAnnotations(keys: OwnedKeys, bytes: number, classification: WorkloadClassification, results: readonly ImageResult[]): DesiredMap {
  const room = new ByteBudget(bytes);
  const annotations: DesiredMap = {
    [keys.annotations.models]: undefined,
    [keys.annotations.boms]: undefined,
    [keys.annotations.lookup]: undefined,
    [keys.annotations.heuristics]: undefined,
    [keys.annotations.modelsOmitted]: undefined,
  };
  const put = (key: string, value: string): void => {
    if (room.take(utf8Length(key) + utf8Length(value))) annotations[key] = value;
  };

  // Room for the omitted counter is set aside first so it always fits when needed (when even
  // that does not fit, nothing of ours is written beyond what fits).
  const omittedReserve = utf8Length(keys.annotations.modelsOmitted) + 16;
  const reserved = room.take(omittedReserve);
  if (results.some((r) => !r.sourceOnly)) put(keys.annotations.lookup, JSON.stringify(lookupMap(results)));
  if (classification.evidence === 'heuristic' && classification.heuristics.length > 0) {
    put(keys.annotations.heuristics, JSON.stringify([...classification.heuristics].sort()));
  }
  let omitted = 0;
  for (const [key, items] of [[keys.annotations.models, modelEntries(results)], [keys.annotations.boms, bomEntries(results)]] as const) {
    if (items.length === 0) continue;
    const { json, kept } = longestFittingArray(key, items, room.remaining);
    if (kept > 0) put(key, json);
    omitted += items.length - kept;
  }
  if (reserved) room.give(omittedReserve);
  if (omitted > 0) put(keys.annotations.modelsOmitted, String(omitted));
  return annotations;
}

class ByteBudget {
  constructor(public remaining: number) {
    this.remaining = Math.max(0, remaining);
  }
  take(bytes: number): boolean {
    if (bytes > this.remaining) return false;
    this.remaining -= bytes;
    return true;
  }
  give(bytes: number): void {
    this.remaining += bytes;
  }
}

/** The JSON array of the longest prefix of `items` whose `key` + value fits in `bytes`. */
function longestFittingArray(key: string, items: readonly object[], bytes: number): { json: string; kept: number } {
  let size = utf8Length(key) + 2; // key + "[]"
  const parts: string[] = [];
  for (const item of items) {
    const part = JSON.stringify(item);
    const extra = utf8Length(part) + (parts.length > 0 ? 1 : 0);
    if (size + extra > bytes) break;
    size += extra;
    parts.push(part);
  }
  return { json: `[${parts.join(',')}]`, kept: parts.length };
}
