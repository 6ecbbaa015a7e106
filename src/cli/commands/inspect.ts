// `aibom inspect IMAGE`: resolve an image, find the BOMs attached to it, classify it.
// Exit 0 when the lookup completed (BOMs or not), 3 when it failed, 2 on a bad reference.
import { modelLabel } from '../../contracts/model-identity.js';
import type { Command } from 'commander';
import { imageArgument } from '../input.js';
import { isLookupFailure, type ImageFindings, type ImageLookup } from '../../contracts/lookup.js';
import { classifyImage } from '../../classify/index.js';
import { loadConfig } from '../../config/index.js';
import { withDigest, type ImageReference } from '../../contracts/image-reference.js';
import { isIndex } from '../../contracts/oci-manifest.js';
import { composeLookup, platformName, isAttestationEntry } from '../../discovery/index.js';
import { lookupStatusOf, registryClientFromConfig, type RegistryClient } from '../../registry/index.js';
import { type CliIO, EXIT, type ExitCode } from '../exit.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';
import { addTrustFlags, applyTrustFlags, type TrustFlagValues } from '../trust-flags.js';
import { describeSigner, type Signer } from '../../contracts/trust.js';

interface InspectOptions extends RegistryFlagValues, Partial<TrustFlagValues> {
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
  /** Every BOM with its source; `platform` when it hangs off a platform manifest of an index. */
  boms: { source: string; mediaType: string; digest: string; size?: number; trust: string; signer?: string; signers?: Signer[]; trustReason?: string; subjectDigest?: string; platform?: string; format: string; models: string[] }[];
  models: { name: string; version?: string; purl?: string; bom: string }[];
  /** SLSA provenance (with discovery.provenance: true): builder, source repository, trust. */
  provenance?: { predicateType: string; builder?: string; sourceRepository?: string; sourceDigest?: string; source: string; digest: string; trust: string; signer?: string; trustReason?: string; platform?: string }[];
  /** The image is itself a model artifact (docs/model-artifacts.md): its family, media type and models. */
  artifact?: { kind: string; mediaType: string; configDigest?: string; models: string[]; datasets: string[]; findings: string[] };
}

export function registerInspect(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const cmd = program
    .command('inspect')
    .description('resolve an image and list the AI BOMs attached to it, with the models they name')
    .argument('<image>', 'image reference')
    .option('--json', 'print a JSON report')
    .option('--config <file>', 'configuration file (YAML)');
  addTrustFlags(addRegistryFlags(cmd)).action(async (image: string, options: InspectOptions) => {
    const ref = imageArgument(image);
    const config = applyTrustFlags(applyRegistryFlags(loadConfig({ file: options.config, env: io.env }), options), options);
    // The image is resolved in its registry; its BOMs are looked up through the webhook's chain.
    const composed = composeLookup(config);
    const client = composed.client ?? registryClientFromConfig(config);
    try {
      const report = await inspectImage(client, ref, composed.lookup, config.validate.timeoutSeconds * 1000);
      io.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : humanInspect(report));
      setExit(isLookupFailure(report.status as ImageFindings['status']) ? EXIT.lookupFailed : EXIT.ok);
    } finally {
      await composed.close();
      if (client !== composed.client) await client.close();
    }
  });
}

export async function inspectImage(client: RegistryClient, ref: ImageReference, lookup: ImageLookup, timeoutMs: number): Promise<InspectReport> {
  const signal = AbortSignal.timeout(timeoutMs);
  const report: InspectReport = { image: ref.normalized, platforms: [], status: 'none', outcome: 'no-bom', boms: [], models: [] };
  let pinned = ref;
  try {
    const resolved = await client.resolve(ref, signal);
    report.digest = resolved.digest;
    report.mediaType = resolved.mediaType;
    if (isIndex(resolved.manifest)) {
      // BuildKit attestation entries (unknown/unknown) are not platforms: their BOMs show under the platform they describe.
      for (const m of resolved.manifest.manifests) if (!isAttestationEntry(m)) report.platforms.push({ platform: platformName(m.platform), digest: m.digest });
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
  for (const bom of [...findings.boms, ...(findings.invalidBoms ?? [])]) {
    const entry: InspectReport['boms'][number] = {
      source: bom.source,
      mediaType: bom.mediaType,
      digest: bom.digest,
      trust: bom.trust,
      format: bom.inventory.format,
      models: bom.inventory.models.map(modelLabel),
    };
    if (bom.size !== undefined) entry.size = bom.size;
    if (bom.signers?.length) {
      entry.signer = describeSigner(bom.signers[0]!);
      entry.signers = bom.signers;
    }
    if (bom.trustReason) entry.trustReason = bom.trustReason;
    if (bom.subjectDigest) entry.subjectDigest = bom.subjectDigest;
    if (bom.platform) entry.platform = bom.platform;
    report.boms.push(entry);
    // An invalid BOM is listed, but its models do not count (docs/trust.md).
    if (bom.trust === 'invalid') continue;
    for (const m of bom.inventory.models) {
      const model: InspectReport['models'][number] = { name: m.name, bom: bom.digest };
      if (m.version) model.version = m.version;
      if (m.purl) model.purl = m.purl;
      report.models.push(model);
    }
  }
  if (findings.artifact) {
    const a = findings.artifact;
    report.artifact = { kind: a.kind, mediaType: a.mediaType, models: a.models.map((m) => (m.version ? `${m.name}@${m.version}` : m.name)), datasets: a.datasets.map((d) => d.name), findings: a.findings.map((f) => f.message) };
    if (a.configDigest) report.artifact.configDigest = a.configDigest;
  }
  for (const p of findings.provenance ?? []) {
    const entry: NonNullable<InspectReport['provenance']>[number] = { predicateType: p.predicateType, source: p.source, digest: p.digest, trust: p.trust };
    if (p.builder) entry.builder = p.builder;
    if (p.sourceRepository) entry.sourceRepository = p.sourceRepository;
    if (p.sourceDigest) entry.sourceDigest = p.sourceDigest;
    if (p.signers?.[0]) entry.signer = describeSigner(p.signers[0]);
    if (p.trustReason) entry.trustReason = p.trustReason;
    if (p.platform) entry.platform = p.platform;
    (report.provenance ??= []).push(entry);
  }
  return report;
}

function humanInspect(r: InspectReport): string {
  const lines = [`image:    ${r.image}`];
  if (r.digest) lines.push(`digest:   ${r.digest}${r.mediaType ? `  (${r.mediaType})` : ''}`);
  lines.push(`lookup:   ${r.status}   outcome: ${r.outcome}`);
  if (r.detail) lines.push(`detail:   ${r.detail}`);
  const bomLine = (b: InspectReport['boms'][number], indent: string): string =>
    `${indent}bom:      ${b.digest}  ${b.mediaType}  ${b.size ?? '?'} B  source=${b.source}  trust=${b.trust}${b.signer ? `  signer: ${b.signer}` : ''}${b.models.length ? `  models: ${b.models.join(', ')}${b.trust === 'invalid' ? ' (ignored)' : ''}` : ''}${b.trustReason ? `\n${indent}          ${b.trust === 'invalid' ? 'invalid' : 'note'}: ${b.trustReason}` : ''}`;
  if (r.platforms.length === 0) {
    for (const b of r.boms) lines.push(bomLine(b, ''));
  } else {
    // Multi-arch: the BOMs of the index, then each platform's.
    lines.push(`index:    ${r.boms.some((b) => !b.platform) ? '' : 'no BOM attached to the index itself'}`.trimEnd());
    for (const b of r.boms.filter((x) => !x.platform)) lines.push(bomLine(b, '  '));
    for (const p of r.platforms) {
      lines.push(`platform: ${p.platform}  ${p.digest}`);
      for (const b of r.boms.filter((x) => x.platform !== undefined && x.subjectDigest === p.digest)) lines.push(bomLine(b, '  '));
    }
  }
  if (r.boms.length === 0 && !r.detail) lines.push('bom:      none attached');
  if (r.artifact) {
    const a = r.artifact;
    lines.push(`artifact: ${a.kind}  ${a.mediaType}${a.configDigest ? `  config ${a.configDigest}` : ''}${a.models.length ? `  models: ${a.models.join(', ')}` : ''}${a.datasets.length ? `  datasets: ${a.datasets.join(', ')}` : ''}`);
    for (const f of a.findings) lines.push(`          note: ${f}`);
  }
  for (const p of r.provenance ?? []) lines.push(`provenance: builder ${p.builder ?? '?'}  source ${p.sourceRepository ?? '?'}${p.platform ? `  platform ${p.platform}` : ''}  trust=${p.trust}${p.signer ? `  signer: ${p.signer}` : ''}`);
  return lines.join('\n') + '\n';
}
