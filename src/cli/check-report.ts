// Output of `aibom check`: a table for people, JSON for scripts, SARIF 2.1.0 for code-scanning UIs
// (OASIS SARIF v2.1.0: sarifLog → runs[].tool.driver.rules[] and runs[].results[] with ruleId, level,
// message, locations[].physicalLocation {artifactLocation.uri, region.startLine}).
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { isLookupFailure } from '../contracts/lookup.js';
import { RULE_NAMES, type RuleName, type Verdict } from '../contracts/policy.js';
import type { CheckedWorkload } from './check-run.js';
import { imagePath } from './manifests.js';

export function workloadLabel(w: CheckedWorkload): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

/** What the webhook concludes about AI in the workload: `true (model)`, `true (heuristic)`, `false`, `unknown`. */
function aiCell(w: CheckedWorkload): string {
  const c = w.classification;
  if (!c) return '-';
  if (c.aiBearing !== 'true') return c.aiBearing;
  return `true (${c.evidence === 'heuristic' ? 'heuristic' : (c.aiKind ?? c.evidence)})`;
}

/** The images of a workload whose BOM lookup failed (their AI content is unknown). */
function failedLookups(w: CheckedWorkload): CheckedWorkload['images'] {
  return w.skipped ? [] : w.images.filter((i) => isLookupFailure(i.status));
}

function lookupNote(i: CheckedWorkload['images'][number]): string {
  return `image ${i.image} (${i.containers.join(', ') || '-'}): BOM lookup ${i.status}${i.detail ? ` (${i.detail})` : ''}; AI status unknown`;
}

function verdictWord(v: Verdict): string {
  return v.effect === 'deny' ? 'DENY' : v.effect === 'warn' ? 'WARN' : 'AUDIT';
}

/** The human table: one row per verdict, one `pass`/`skipped` row for a workload without any. */
export function renderTable(workloads: readonly CheckedWorkload[]): string {
  const header = ['WORKLOAD', 'AI', 'CONTAINER', 'MODEL', 'POLICY', 'RULE', 'VERDICT'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const w of workloads) {
    if (w.skipped) {
      rows.push([workloadLabel(w), '-', '-', '-', '-', '-', 'skipped']);
      notes.push(`skipped  ${workloadLabel(w)}: ${w.skipped}`);
      continue;
    }
    for (const i of failedLookups(w)) notes.push(`lookup   ${workloadLabel(w)}: ${lookupNote(i)}`);
    if (w.verdicts.length === 0) {
      const models = w.images.flatMap((i) => i.models);
      rows.push([workloadLabel(w), aiCell(w), '-', models.length ? [...new Set(models)].join(',') : '-', '-', '-', 'pass']);
      continue;
    }
    for (const v of w.verdicts) {
      rows.push([workloadLabel(w), aiCell(w), v.container ?? '-', v.model ?? '-', v.policy, v.rule, verdictWord(v)]);
      const label = v.effect === 'deny' ? 'denied ' : v.effect === 'warn' ? 'warning' : 'audit  ';
      notes.push(`${label}  ${workloadLabel(w)}: [${v.policy}/${v.rule}] ${subject(v)}${v.message}. Fix: ${v.fix}`);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(header), ...rows.map(line)];
  if (notes.length > 0) out.push('', ...notes);
  out.push('', summaryLine(workloads));
  return `${out.join('\n')}\n`;
}

function subject(v: Verdict): string {
  const parts: string[] = [];
  if (v.container !== undefined) parts.push(`container "${v.container}"`);
  if (v.model !== undefined) parts.push(`model ${v.model}`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

export function summaryLine(workloads: readonly CheckedWorkload[]): string {
  const count = (o: CheckedWorkload['outcome']): number => workloads.filter((w) => w.outcome === o).length;
  const parts = [`${count('deny')} denied`, `${count('warn')} with warnings`, `${count('audit')} audit-only findings`, `${count('pass')} passed`];
  if (count('skipped')) parts.push(`${count('skipped')} skipped`);
  const failed = workloads.reduce((n, w) => n + failedLookups(w).length, 0);
  const lookups = failed > 0 ? `; ${failed} image lookup${failed === 1 ? '' : 's'} failed (AI status unknown)` : '';
  return `${workloads.length} workload${workloads.length === 1 ? '' : 's'} checked: ${parts.join(', ')}${lookups}`;
}

/** JSON for scripts: one entry per workload with its verdicts, and the exit code. */
export function renderJson(workloads: readonly CheckedWorkload[], exitCode: number): string {
  const doc = {
    workloads: workloads.map((w) => {
      const entry: Record<string, unknown> = {
        file: w.manifest.source,
        document: w.manifest.document,
        line: w.manifest.line,
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        allowed: w.allowed,
        outcome: w.outcome,
      };
      if (w.manifest.helmSource) entry.helmSource = w.manifest.helmSource;
      if (w.skipped) entry.skipped = w.skipped;
      if (w.classification) entry.classification = w.classification;
      entry.images = w.images;
      entry.verdicts = w.verdicts;
      if (w.response.warnings) entry.warnings = w.response.warnings;
      if (w.response.status) entry.message = w.response.status.message;
      return entry;
    }),
    summary: {
      workloads: workloads.length,
      denied: workloads.filter((w) => w.outcome === 'deny').length,
      warned: workloads.filter((w) => w.outcome === 'warn').length,
      lookupsFailed: workloads.reduce((n, w) => n + failedLookups(w).length, 0),
      exitCode,
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const RULE_TEXT: Record<RuleName, string> = {
  limits: 'The workload must fit the webhook limits (limits.*) to be checked whole',
  requireBOM: 'Workloads that look like AI must carry an AI BOM',
  licenses: 'Model licences must be allowed (SPDX expression semantics)',
  sources: 'Models must come from approved sources (purl, supplier, download host)',
  formats: 'Model file formats must be allowed',
  modelCard: 'Model cards must fill in the required fields',
  maxSafetyRisk: 'Model safety risk must not exceed the admitted level',
  requireHashes: 'Models must list hashes',
  requireDigest: 'Images must be pinned by digest',
  maxBomAgeDays: 'BOMs must be recent enough',
  onLookupFailure: 'BOM lookups must succeed',
  requireSignedBOM: 'Images must carry BOMs verified by a trusted signer',
  trustedSigners: 'Signed BOMs must be signed by a trusted signer of the policy',
  requireProvenance: 'Images must carry SLSA provenance from approved builders and sources',
};

/** Not a policy rule: a failed BOM lookup that no `onLookupFailure` verdict reports already. */
const LOOKUP_RULE: ReportingDescriptor = {
  id: 'lookupFailed',
  name: 'lookupFailed',
  shortDescription: { text: 'The BOM lookup of an image failed: its AI content is unknown' },
  help: { text: 'The BOM lookup of an image failed, so nothing is known about the AI it carries. Map the image with --bom, run with --registry, or fix registry access. See docs/cli.md "aibom check".' },
};

/** An artifact URI for a file name as given: relative paths stay relative, absolute ones become file: URLs. */
function artifactUri(source: string): string {
  if (source === 'stdin') return 'stdin';
  if (isAbsolute(source)) return pathToFileURL(source).href;
  return source.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0: one result per verdict, located at the container's `image:` line when known. */
export function renderSarif(workloads: readonly CheckedWorkload[], version: string): string {
  const rules: ReportingDescriptor[] = RULE_NAMES.map((id) => ({
    id,
    name: id,
    shortDescription: { text: RULE_TEXT[id] },
    help: { text: `${RULE_TEXT[id]}. See docs/policy.md "Rules", rule ${id}.` },
  }));
  const results: Result[] = [];
  for (const w of workloads) {
    const reported = new Set(w.verdicts.filter((v) => v.rule === 'onLookupFailure').map((v) => v.image));
    for (const i of failedLookups(w)) {
      if (reported.has(i.image)) continue;
      const container = i.containers[0];
      const rel = container !== undefined ? imagePath(w.kind, w.manifest.object, container) : undefined;
      const logical = `${w.kind}/${w.namespace}/${w.name}${container !== undefined ? `/${container}` : ''}`;
      results.push({
        ruleId: LOOKUP_RULE.id,
        ruleIndex: RULE_NAMES.length,
        level: 'warning',
        message: { text: `${workloadLabel(w)}: ${lookupNote(i)}` },
        locations: [{
          physicalLocation: { artifactLocation: { uri: artifactUri(w.manifest.source) }, region: { startLine: (rel && w.manifest.lineOf(rel)) ?? w.manifest.line } },
          logicalLocations: [{ name: container ?? w.name, fullyQualifiedName: logical, kind: 'object' }],
        }],
        partialFingerprints: { 'aibomLookup/v1': createHash('sha256').update([logical, i.image, i.status].join('\u0000')).digest('hex') },
        properties: { image: i.image, status: i.status, containers: i.containers },
      });
    }
    for (const v of w.verdicts) {
      const rel = v.container !== undefined ? imagePath(w.kind, w.manifest.object, v.container) : undefined;
      const line = (rel && w.manifest.lineOf(rel)) ?? w.manifest.line;
      const logical = `${w.kind}/${w.namespace}/${w.name}${v.container !== undefined ? `/${v.container}` : ''}`;
      const properties: Record<string, unknown> = { policy: v.policy, mode: v.mode, effect: v.effect, reason: v.reason };
      for (const key of ['container', 'image', 'model', 'modelPurl'] as const) if (v[key] !== undefined) properties[key] = v[key];
      if (w.manifest.helmSource) properties.helmSource = w.manifest.helmSource;
      results.push({
        ruleId: v.rule,
        ruleIndex: RULE_NAMES.indexOf(v.rule),
        level: v.effect === 'deny' ? 'error' : v.effect === 'warn' ? 'warning' : 'note',
        message: { text: `${workloadLabel(w)}: [${v.policy}/${v.rule}] ${subject(v)}${v.message}. Fix: ${v.fix}` },
        locations: [{
          physicalLocation: { artifactLocation: { uri: artifactUri(w.manifest.source) }, region: { startLine: line } },
          logicalLocations: [{ name: v.container ?? w.name, fullyQualifiedName: logical, kind: 'object' }],
        }],
        partialFingerprints: {
          'aibomVerdict/v1': createHash('sha256').update([v.policy, v.rule, v.reason, logical, v.model ?? '', v.image ?? ''].join('\u0000')).digest('hex'),
        },
        properties,
      });
    }
  }
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'aibom', version, rules: [...rules, LOOKUP_RULE] } },
      results,
      columnKind: 'utf16CodeUnits',
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
