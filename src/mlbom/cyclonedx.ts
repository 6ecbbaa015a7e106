// The CycloneDX 1.6 ML-BOM `aibom scan` writes (CycloneDX 1.6 JSON reference, https://cyclonedx.org/docs/1.6/json/; docs/model-scan.md "Properties written"): one
// `machine-learning-model` component per model with its SHA-256, the format and header metadata as
// `aibom:*` properties, a modelCard where the metadata supports one, findings as properties, datasets
// as `data` components, and `metadata.component` naming the scanned image (with digest) or folder.
// Deterministic for the same inputs and clock.
import { createHash } from 'node:crypto';
import { atLeast, type MetaValue } from '../formats/index.js';
import type { ScannedFile, ScannedModel } from './models.js';
import type { ScanSummary, ScanTarget } from './target.js';
import { PROPERTY } from './properties.js';

export interface BomContext {
  target: ScanTarget;
  models: readonly ScannedModel[];
  lfsPointers: readonly ScannedFile[];
  summary: ScanSummary;
  /** ISO 8601 time of the scan (the caller's clock). */
  timestamp: string;
  toolVersion: string;
}

type Json = Record<string, unknown>;

const SPDX_ID = /^(Apache-2\.0|MIT|BSD-[234]-Clause(-Clear)?|ISC|MPL-2\.0|(A|L)?GPL-[23]\.[01](-only|-or-later)?|LGPL-2\.1(-only|-or-later)?|CC0-1\.0|CC-BY(-NC)?(-SA|-ND)?-[1234]\.0|Unlicense|EPL-[12]\.0|Artistic-2\.0|BSL-1\.0|Zlib|WTFPL|AFL-3\.0|ECL-2\.0|EUPL-1\.[12]|OpenRAIL|CDLA-(Permissive|Sharing)-[12]\.0|PostgreSQL|OFL-1\.1)$/;

export function deterministicUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ['8', '9', 'a', 'b'][parseInt(h[16]!, 16) % 4];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function metaString(v: MetaValue): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

function prop(name: string, value: string | number | undefined): Json[] {
  return value === undefined || value === '' ? [] : [{ name, value: String(value).slice(0, 4096) }];
}

export function licenseEntry(license: string): Json {
  if (/\s(AND|OR|WITH)\s/.test(license)) return { expression: license };
  return SPDX_ID.test(license) ? { license: { id: license } } : { license: { name: license } };
}

export function modelRef(m: ScannedModel): string {
  return `model:${m.id}`;
}

export function buildCycloneDx(ctx: BomContext): Json {
  const rootRef = ctx.target.kind === 'image' ? `image:${ctx.target.repository ?? ctx.target.name}` : `target:${ctx.target.name}`;
  const seed = [ctx.target.name, ctx.target.digest ?? '', ctx.timestamp, ...ctx.models.map((m) => `${m.id}:${m.files.map((f) => f.sha256 ?? f.size).join(',')}`)].join('|');
  const components: Json[] = [];
  const dependencies: Json[] = [];
  const datasetRefs = new Map<string, string>();
  for (const m of ctx.models) {
    const ref = modelRef(m);
    const c: Json = { type: 'machine-learning-model', 'bom-ref': ref, name: m.name };
    if (m.version) c['version'] = m.version;
    if (m.card.description) c['description'] = m.card.description.slice(0, 1024);
    if (m.card.author) c['authors'] = [{ name: m.card.author }];
    if (m.purl) c['purl'] = m.purl;
    if (m.files.length === 1 && m.files[0]!.sha256) c['hashes'] = [{ alg: 'SHA-256', content: m.files[0]!.sha256 }];
    if (m.card.license) c['licenses'] = [licenseEntry(m.card.license)];
    const properties: Json[] = [
      ...prop(PROPERTY.format, m.format),
      ...prop(PROPERTY.variant, m.variant),
      ...prop(PROPERTY.confidence, m.confidence),
      ...prop(PROPERTY.path, m.path),
      ...prop(PROPERTY.parameters, m.card.parameters),
      ...prop(PROPERTY.quantization, m.card.quantization),
      ...prop(PROPERTY.contextLength, m.card.contextLength),
      ...prop(PROPERTY.producer, m.card.producer),
      ...m.evidence.slice(0, 8).flatMap((e) => prop(PROPERTY.evidence, e)),
    ];
    const unsafe = m.findings.filter((f) => f.global && atLeast(f.severity, 'high'));
    if (unsafe.length > 0) properties.push(...prop(PROPERTY.unsafePickle, [...new Set(unsafe.map((f) => f.global))].join(', ')));
    for (const f of m.findings.filter((x) => atLeast(x.severity, 'medium')).slice(0, 50)) {
      properties.push(...prop(PROPERTY.finding, `${f.severity} ${f.code} ${f.file}${f.member ? `!${f.member}` : ''}${f.offset !== undefined ? `@${f.offset}` : ''}: ${f.message}`));
    }
    if (m.incomplete.length > 0) properties.push(...prop(PROPERTY.incomplete, m.incomplete.slice(0, 10).join('; ')));
    for (const [k, v] of Object.entries(m.metadata).slice(0, 150)) properties.push(...prop(`${PROPERTY.metaPrefix}${k}`, metaString(v)));
    c['properties'] = properties;
    const card = modelCard(m, datasetRefs, components);
    if (card) c['modelCard'] = card;
    if (m.files.length > 1) {
      c['components'] = m.files.map((f) => {
        const fc: Json = { type: 'file', 'bom-ref': `file:${m.id}:${f.path}`, name: f.path };
        if (f.sha256) fc['hashes'] = [{ alg: 'SHA-256', content: f.sha256 }];
        fc['properties'] = [...prop(PROPERTY.size, f.size), ...prop(PROPERTY.format, f.detection?.format)];
        return fc;
      });
    }
    components.push(c);
    const ds = (m.card.datasets ?? []).map((n) => datasetRefs.get(n)).filter((r): r is string => r !== undefined);
    dependencies.push({ ref: ref, dependsOn: [...new Set(ds)] });
  }
  for (const l of ctx.lfsPointers) {
    const fc: Json = { type: 'file', 'bom-ref': `lfs:${l.path}`, name: l.path, properties: [...prop(PROPERTY.lfsPointer, metaString(l.detection?.metadata['lfs.oid'] ?? '')), ...prop(PROPERTY.size, metaString(l.detection?.metadata['lfs.size'] ?? ''))] };
    components.push(fc);
  }
  const root: Json = { type: ctx.target.kind === 'image' || ctx.target.kind === 'oci-layout' ? 'container' : 'file', 'bom-ref': rootRef, name: ctx.target.repository ?? ctx.target.name };
  if (ctx.target.digest) root['version'] = ctx.target.digest;
  if (ctx.target.purl) root['purl'] = ctx.target.purl;
  if (ctx.target.digest) root['hashes'] = [{ alg: 'SHA-256', content: ctx.target.digest.replace(/^sha256:/, '') }];
  root['properties'] = [...prop(PROPERTY.targetKind, ctx.target.kind), ...prop(PROPERTY.platform, ctx.target.platform), ...prop('aibom:scan:tag', ctx.target.tag)];
  dependencies.unshift({ ref: rootRef, dependsOn: ctx.models.map(modelRef) });
  const metadataProps: Json[] = [
    ...prop(PROPERTY.filesSeen, ctx.summary.files),
    ...prop(PROPERTY.filesInspected, ctx.summary.inspected),
    ...prop(PROPERTY.bytesSeen, ctx.summary.bytes),
    ...(ctx.summary.incomplete.length > 0 ? prop(PROPERTY.incomplete, ctx.summary.incomplete.slice(0, 20).join('; ')) : []),
  ];
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${deterministicUuid(seed)}`,
    version: 1,
    metadata: {
      timestamp: ctx.timestamp,
      tools: { components: [{ type: 'application', name: 'aibom', version: ctx.toolVersion, description: 'aibom scan' }] },
      component: root,
      properties: metadataProps,
    },
    components,
    dependencies,
  };
}

function modelCard(m: ScannedModel, datasetRefs: Map<string, string>, components: Json[]): Json | undefined {
  const params: Json = {};
  if (m.card.task) params['task'] = m.card.task;
  if (m.card.architectureFamily) params['architectureFamily'] = m.card.architectureFamily;
  if (m.card.architecture) params['modelArchitecture'] = m.card.architecture;
  const datasets = m.card.datasets ?? [];
  if (datasets.length > 0) {
    params['datasets'] = datasets.slice(0, 50).map((name) => {
      let ref = datasetRefs.get(name);
      if (!ref) {
        ref = `dataset:${name}`;
        datasetRefs.set(name, ref);
        components.push({ type: 'data', 'bom-ref': ref, name, data: [{ type: 'dataset', name }] });
      }
      return { ref };
    });
  }
  const cardProps: Json[] = [
    ...prop(PROPERTY.parameters, m.card.parameters),
    ...prop(PROPERTY.quantization, m.card.quantization),
    ...(m.card.baseModels ?? []).slice(0, 10).flatMap((b) => prop('ai.model.relation', `fine-tuned-from:${b}`)),
  ];
  if (Object.keys(params).length === 0 && cardProps.length === 0) return undefined;
  const card: Json = {};
  if (Object.keys(params).length > 0) card['modelParameters'] = params;
  if (cardProps.length > 0) card['properties'] = cardProps;
  return card;
}
