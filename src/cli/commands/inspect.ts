// `aibom inspect IMAGE`: resolve an image, find the BOMs attached to it, classify it.
// Exit 0 when the lookup completed (BOMs or not), 3 when it failed, 2 on a bad reference.
import type { Command } from 'commander';
import { isLookupFailure, type ImageFindings } from '../../admission/lookup.js';
import { classifyImage } from '../../classify/image.js';
import { loadConfig } from '../../config/load.js';
import { parseImageReference, ReferenceError, withDigest, type ImageReference } from '../../oci/reference.js';
import { isIndex } from '../../oci/manifest.js';
import { lookupStatusOf, type RegistryClient } from '../../oci/registry-client.js';
import { EXIT_LOOKUP_FAILED, EXIT_OK, UsageError, type CliIO } from '../exit.js';
import { addRegistryFlags, applyRegistryFlags, buildRegistryClient, buildRegistryLookup, type RegistryFlagValues } from '../registry-flags.js';

interface InspectOptions extends RegistryFlagValues {
  json?: boolean;
  config?: string;
}

export interface InspectReport {
  image: string;
  digest?: string;
  mediaType?: string;
  platforms: { platform: string; digest: string }[];
  status: string;
  detail?: string;
  outcome: string;
  boms: { source: string; mediaType: string; digest: string; size?: number; trust: string; subjectDigest?: string; format: string; models: string[] }[];
  models: { name: string; version?: string; purl?: string; bom: string }[];
}

export function registerInspect(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('inspect')
    .description('resolve an image and list the AI BOMs attached to it, with the models they name')
    .argument('<image>', 'image reference')
    .option('--json', 'print a JSON report')
    .option('--config <file>', 'configuration file (YAML)');
  addRegistryFlags(cmd).action(async (image: string, options: InspectOptions) => {
    let ref: ImageReference;
    try {
      ref = parseImageReference(image);
    } catch (err) {
      if (err instanceof ReferenceError) throw new UsageError(`${JSON.stringify(image)}: ${err.message}`);
      throw err;
    }
    const config = applyRegistryFlags(loadConfig({ file: options.config, env: io.env }), options);
    const client = buildRegistryClient(config);
    try {
      const report = await inspectImage(client, ref, buildRegistryLookup(config, client), config.validate.timeoutSeconds * 1000);
      io.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : humanInspect(report));
      setExit(isLookupFailure(report.status as ImageFindings['status']) ? EXIT_LOOKUP_FAILED : EXIT_OK);
    } finally {
      await client.close();
    }
  });
}

export async function inspectImage(client: RegistryClient, ref: ImageReference, lookup: ReturnType<typeof buildRegistryLookup>, timeoutMs: number): Promise<InspectReport> {
  const signal = AbortSignal.timeout(timeoutMs);
  const report: InspectReport = { image: ref.normalized, platforms: [], status: 'none', outcome: 'no-bom', boms: [], models: [] };
  let pinned = ref;
  try {
    const resolved = await client.resolve(ref, signal);
    report.digest = resolved.digest;
    report.mediaType = resolved.mediaType;
    if (isIndex(resolved.manifest)) {
      for (const m of resolved.manifest.manifests) {
        const p = m.platform;
        report.platforms.push({ platform: p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : 'unknown', digest: m.digest });
      }
    }
    pinned = withDigest(ref, resolved.digest);
  } catch (err) {
    report.status = signal.aborted ? 'timeout' : lookupStatusOf(err);
    report.detail = (err as Error).message;
    report.outcome = report.status === 'timeout' ? 'timeout' : 'error';
    return report;
  }
  const findings = await lookup(pinned.normalized, { signal, purpose: 'cli' });
  report.status = findings.status;
  if (findings.detail) report.detail = findings.detail;
  report.outcome = classifyImage(findings);
  for (const bom of findings.boms) {
    const entry: InspectReport['boms'][number] = {
      source: bom.source,
      mediaType: bom.mediaType,
      digest: bom.digest,
      trust: bom.trust,
      format: bom.inventory.format,
      models: bom.inventory.models.map((m) => (m.version ? `${m.name}@${m.version}` : m.name)),
    };
    if (bom.size !== undefined) entry.size = bom.size;
    if (bom.subjectDigest) entry.subjectDigest = bom.subjectDigest;
    report.boms.push(entry);
    for (const m of bom.inventory.models) {
      const model: InspectReport['models'][number] = { name: m.name, bom: bom.digest };
      if (m.version) model.version = m.version;
      if (m.purl) model.purl = m.purl;
      report.models.push(model);
    }
  }
  return report;
}

function humanInspect(r: InspectReport): string {
  const lines = [`image:    ${r.image}`];
  if (r.digest) lines.push(`digest:   ${r.digest}${r.mediaType ? `  (${r.mediaType})` : ''}`);
  for (const p of r.platforms) lines.push(`platform: ${p.platform}  ${p.digest}`);
  lines.push(`lookup:   ${r.status}   outcome: ${r.outcome}`);
  if (r.detail) lines.push(`detail:   ${r.detail}`);
  for (const b of r.boms) lines.push(`bom:      ${b.digest}  ${b.mediaType}  ${b.size ?? '?'} B  source=${b.source}  trust=${b.trust}${b.models.length ? `  models: ${b.models.join(', ')}` : ''}`);
  if (r.boms.length === 0 && !r.detail) lines.push('bom:      none attached');
  return lines.join('\n') + '\n';
}
