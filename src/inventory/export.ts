// `aibom inventory` output from reports (docs/inventory.md "aibom inventory"): a table, CSV, and one
// CycloneDX 1.6 document for the cluster — each workload an `application` component with its images
// (`container`) inside, each model and dataset once at the top level with hashes and licences, and the
// workload → image → model links as `dependencies`. Deterministic for the same reports and clock.
import { createHash } from 'node:crypto';
import type { AIWorkloadReport } from '../contracts/workload-report.js';

export interface InventoryRow {
  namespace: string;
  workload: string;
  kind: string;
  aiBearing: string;
  images: string[];
  models: string[];
  licenses: string[];
  sources: string[];
  policy: string;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const uniq = (xs: readonly string[]): string[] => [...new Set(xs)].sort(cmp);

function sortReports(reports: readonly AIWorkloadReport[]): AIWorkloadReport[] {
  return [...reports].sort((a, b) => cmp(a.spec.workload.namespace, b.spec.workload.namespace) || cmp(a.spec.workload.kind, b.spec.workload.kind) || cmp(a.spec.workload.name, b.spec.workload.name));
}

export function inventoryRows(reports: readonly AIWorkloadReport[]): InventoryRow[] {
  return sortReports(reports).map((r) => {
    const s = r.status;
    const w = r.spec.workload;
    const policy = s ? (s.policy.summary.fail > 0 || s.policy.summary.warn > 0 ? `${s.policy.outcome} (${s.policy.summary.fail} fail, ${s.policy.summary.warn} warn)` : s.policy.outcome) : 'not evaluated';
    return {
      namespace: w.namespace,
      workload: w.name,
      kind: w.kind,
      aiBearing: s ? `${s.aiBearing}${s.aiKind ? ` (${s.aiKind})` : ''}` : '?',
      images: (s?.images ?? []).map((i) => i.image),
      models: (s?.models ?? []).map((m) => (m.version ? `${m.name}@${m.version}` : m.name)),
      licenses: uniq((s?.models ?? []).map((m) => m.license ?? 'NOASSERTION')),
      sources: uniq((s?.models ?? []).map((m) => m.source.supplier ?? m.source.purl?.replace(/^pkg:([^/]+)\/.*/, '$1') ?? m.source.downloadLocation ?? '-')),
      policy,
    };
  });
}

const COLUMNS: readonly [keyof InventoryRow, string][] = [
  ['namespace', 'NAMESPACE'], ['workload', 'WORKLOAD'], ['kind', 'KIND'], ['aiBearing', 'AI'], ['images', 'IMAGES'],
  ['models', 'MODELS'], ['licenses', 'LICENSES'], ['sources', 'SOURCES'], ['policy', 'POLICY'],
];

function cell(v: string | string[], max: number): string {
  const text = Array.isArray(v) ? (v.length === 0 ? '-' : v.join(',')) : v;
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** Aligned columns; lists comma-joined and shortened (the JSON and CSV outputs are complete). */
export function renderTable(rows: readonly InventoryRow[]): string {
  const cells = rows.map((r) => COLUMNS.map(([k]) => cell(k === 'images' ? String(r.images.length) : r[k], 60)));
  const header = COLUMNS.map(([, h]) => h);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180; lists joined with spaces. */
export function renderCsv(rows: readonly InventoryRow[]): string {
  const header = COLUMNS.map(([k]) => k).join(',');
  const body = rows.map((r) => COLUMNS.map(([k]) => csvField(Array.isArray(r[k]) ? (r[k] as string[]).join(' ') : (r[k] as string))).join(','));
  return [header, ...body].join('\r\n') + '\r\n';
}

type Json = Record<string, unknown>;

function modelKey(m: { purl?: string; name: string; version?: string }): string {
  return m.purl ? `purl:${m.purl.toLowerCase()}` : `nv:${m.name.toLowerCase()}@${m.version ?? ''}`;
}

function refHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function uuidOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ['8', '9', 'a', 'b'][parseInt(h[16]!, 16) % 4];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One CycloneDX 1.6 JSON document for the whole inventory. */
export function inventoryCycloneDx(reports: readonly AIWorkloadReport[], options: { now: Date; cluster: string; toolVersion: string }): Json {
  const components: Json[] = [];
  const dependencies = new Map<string, Set<string>>();
  const models = new Map<string, Json>();
  const depend = (from: string, to: string): void => {
    if (!dependencies.has(from)) dependencies.set(from, new Set());
    dependencies.get(from)!.add(to);
  };
  const workloads: Json[] = [];
  for (const r of sortReports(reports)) {
    const w = r.spec.workload;
    const ref = `workload:${w.kind}/${w.namespace}/${w.name}`;
    const s = r.status;
    const images: Json[] = [];
    for (const img of s?.images ?? []) {
      const imgRef = `${ref}#image:${img.image}`;
      const c: Json = { type: 'container', 'bom-ref': imgRef, name: img.image };
      if (img.digest) c['hashes'] = [{ alg: 'SHA-256', content: img.digest.replace(/^sha256:/, '') }].filter((h) => /^[0-9a-f]{64}$/.test(h.content));
      c['properties'] = [{ name: 'aibom:lookup', value: img.lookup }, { name: 'aibom:outcome', value: img.outcome }, ...img.containers.map((n) => ({ name: 'aibom:container', value: n }))];
      images.push(c);
      depend(ref, imgRef);
    }
    for (const m of s?.models ?? []) {
      const key = modelKey(m);
      const mref = `model:${refHash(key)}`;
      if (!models.has(key)) {
        const c: Json = { type: 'machine-learning-model', 'bom-ref': mref, name: m.name };
        if (m.version) c['version'] = m.version;
        if (m.purl) c['purl'] = m.purl;
        if (m.license) c['licenses'] = [{ expression: m.license }];
        if (m.source.supplier) c['supplier'] = { name: m.source.supplier };
        const hashes = (m.hashes ?? []).filter((h) => /^SHA-(1|256|384|512)$|^SHA3-(256|384|512)$|^MD5$|^BLAKE2b-(256|384|512)$|^BLAKE3$/.test(h.alg) && /^[0-9a-fA-F]{32,128}$/.test(h.content));
        if (hashes.length > 0) c['hashes'] = hashes;
        if (m.source.downloadLocation && /^[a-z][a-z0-9+.-]*:/i.test(m.source.downloadLocation)) c['externalReferences'] = [{ type: 'distribution', url: m.source.downloadLocation }];
        const props = [...(m.format ? [{ name: 'aibom:model:format', value: m.format }] : []), ...m.boms.map((b) => ({ name: 'aibom:bom', value: `${b.digest} ${b.source} ${b.trust}` }))];
        if (props.length > 0) c['properties'] = props;
        models.set(key, c);
      }
      for (const image of m.images) depend(`${ref}#image:${image}`, mref);
    }
    const c: Json = { type: 'application', 'bom-ref': ref, name: w.name, group: w.namespace, description: `${w.kind} ${w.namespace}/${w.name}` };
    c['properties'] = [
      { name: 'aibom:workload:kind', value: w.kind },
      { name: 'aibom:workload:uid', value: w.uid },
      ...(s ? [{ name: 'aibom:ai-bearing', value: s.aiBearing }, { name: 'aibom:policy', value: s.policy.outcome }, { name: 'aibom:last-checked', value: s.lastChecked }] : []),
    ];
    if (images.length > 0) c['components'] = images;
    workloads.push(c);
  }
  components.push(...workloads, ...[...models.values()].sort((a, b) => cmp(String(a['bom-ref']), String(b['bom-ref']))));
  const seed = JSON.stringify([options.cluster, options.now.toISOString(), components.map((c) => c['bom-ref'])]);
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidOf(seed)}`,
    version: 1,
    metadata: {
      timestamp: options.now.toISOString(),
      tools: { components: [{ type: 'application', name: 'aibom', version: options.toolVersion }] },
      component: { type: 'platform', 'bom-ref': 'cluster', name: options.cluster },
    },
    components,
    dependencies: [...dependencies.entries()].sort(([a], [b]) => cmp(a, b)).map(([ref, on]) => ({ ref, dependsOn: [...on].sort(cmp) })),
  };
}
