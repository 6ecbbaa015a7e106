// What every attachment source shares: the probe context (one subject digest, the lookup's signal
// and byte budget), what a probe reports back, and the two steps every source ends with — fetching
// a layer within the caps, and turning its bytes into a FoundBom (for attestations: only when the
// in-toto statement names the subject, docs/discovery.md "Attachment sources").
import type { BomSource, FoundBom, LookupStatus, ProvenanceRecord } from '../../contracts/lookup.js';
import { predicateKind, type BomLimits } from '../../bom/index.js';
import { parseInThread, type BomParser } from '../bom-parser.js';
import type { Descriptor } from '../../contracts/oci-manifest.js';
import { bomMediaTypeOf } from '../../contracts/media-types.js';
import { lookupStatusOf, type RegistryClient, type RepoRef } from '../../registry/index.js';
import { applyVerdict, envelopeVerdict, misdirectedVerdict, type TrustContext } from './verdicts.js';

/** Shared per lookup: what is left of the byte budget (manifests and blobs together). */
export interface ByteBudget {
  remaining: number;
}

export interface Problem {
  status: LookupStatus;
  detail: string;
}

export interface ProbeLimits {
  /** Cap per BOM blob (limits.maxBomBytes). */
  maxBomBytes: number;
  /** Referrers examined per subject digest (limits.maxReferrers). */
  maxReferrers: number;
  /** Referrer manifests fetched in parallel per subject. */
  concurrency: number;
  /** Parser caps (limits.maxJsonDepth, limits.maxArrayLength). */
  bom?: Partial<BomLimits>;
  /** Read SLSA provenance attestations too (discovery.provenance). */
  provenance?: boolean;
}

export interface ProbeContext {
  client: RegistryClient;
  /** The image's repository. */
  repo: RepoRef;
  /** The manifest digest BOMs must hang off (index or platform manifest). */
  subjectDigest: string;
  /** `os/arch[/variant]` of the subject when it is a platform manifest of an index. */
  platform?: string;
  signal: AbortSignal;
  budget: ByteBudget;
  limits: ProbeLimits;
  /** Where BOM bytes are parsed (src/discovery/bom-parser.ts); default: on this thread. */
  parseBom?: BomParser;
  /** Set when trust is configured: BOMs get `verified` / `invalid` instead of `unsigned` (docs/trust.md). */
  trust?: TrustContext;
}

/** What one probe of one source found. */
export interface ProbeResult {
  boms: FoundBom[];
  /** Failures that decide the status when nothing is found. */
  problems: Problem[];
  /** Things rejected for a security reason (wrong subject): reported in `detail`. */
  rejected: string[];
  /** Log-only remarks (a skipped referrer, a sniffed layer that is not a BOM). */
  notes: string[];
  /** A signature could not be read: the findings are cached only briefly. */
  incomplete?: boolean;
  /** SLSA provenance of the subject (discovery.provenance). */
  provenance?: ProvenanceRecord[];
}

export function emptyResult(): ProbeResult {
  return { boms: [], problems: [], rejected: [], notes: [] };
}

export function mergeInto(target: ProbeResult, from: ProbeResult): void {
  target.boms.push(...from.boms);
  target.problems.push(...from.problems);
  target.rejected.push(...from.rejected);
  target.notes.push(...from.notes);
  if (from.incomplete) target.incomplete = true;
  if (from.provenance) (target.provenance ??= []).push(...from.provenance);
}

export function problemOf(err: unknown, what: string, signal: AbortSignal): Problem {
  return { status: signal.aborted ? 'timeout' : lookupStatusOf(err), detail: `${what}: ${(err as Error).message}` };
}

/** A manifest read within the byte budget (undefined, with a problem, once it is spent). Throws RegistryError. */
export async function fetchManifest(ctx: ProbeContext, repo: RepoRef, reference: string, out: ProbeResult, what: string) {
  if (ctx.budget.remaining <= 0) {
    out.problems.push({ status: 'error:too-large', detail: `lookup byte budget spent before ${what}` });
    return undefined;
  }
  const res = await ctx.client.getManifest(repo, reference, ctx.signal, { maxBytes: ctx.budget.remaining });
  ctx.budget.remaining -= res.bytes.length;
  return res;
}

/** A layer's bytes within the BOM cap and the lookup budget (digest and size verified by the client). */
export async function fetchLayer(ctx: ProbeContext, repo: RepoRef, layer: Descriptor, out: ProbeResult): Promise<Buffer | undefined> {
  const maxBom = ctx.limits.maxBomBytes;
  if (layer.size > maxBom) {
    out.problems.push({ status: 'error:too-large', detail: `BOM ${layer.digest} is ${layer.size} bytes, over the ${maxBom}-byte cap` });
    return undefined;
  }
  const cap = Math.min(maxBom, ctx.budget.remaining);
  if (layer.size > cap) {
    out.problems.push({ status: 'error:too-large', detail: `BOM ${layer.digest} does not fit the lookup byte budget` });
    return undefined;
  }
  try {
    const bytes = await ctx.client.getBlob(repo, layer.digest, cap, ctx.signal, layer.size);
    ctx.budget.remaining -= bytes.length;
    return bytes;
  } catch (err) {
    out.problems.push(problemOf(err, `BOM ${layer.digest}`, ctx.signal));
    return undefined;
  }
}

function mediaTypeOfFormat(format: string, fallback: string): string {
  return bomMediaTypeOf(format) ?? fallback;
}

function bomLimitsOf(ctx: ProbeContext): Partial<BomLimits> {
  return { ...ctx.limits.bom, maxBytes: ctx.limits.maxBomBytes };
}

function found(ctx: ProbeContext, layer: Descriptor, bytes: Buffer, mediaType: string, source: BomSource, inventory: FoundBom['inventory']): FoundBom {
  const bom: FoundBom = {
    digest: layer.digest,
    mediaType,
    source,
    // A claim until its signature is verified (docs/discovery.md "Attachment sources"; src/trust).
    trust: 'unsigned',
    subjectDigest: ctx.subjectDigest,
    size: bytes.length,
    inventory,
  };
  if (ctx.platform) bom.platform = ctx.platform;
  return bom;
}

/**
 * A plain BOM layer. `declaredType`: the layer (or its artifact) says it is a BOM, so unreadable
 * bytes are a finding (`error:invalid`, e.g. CycloneDX XML); otherwise the layer was only sniffed.
 */
export async function plainBom(ctx: ProbeContext, layer: Descriptor, bytes: Buffer, declaredType: string | undefined, source: BomSource, out: ProbeResult): Promise<FoundBom | undefined> {
  const read = await (ctx.parseBom ?? parseInThread)(bytes, { mediaType: declaredType ?? layer.mediaType, limits: bomLimitsOf(ctx) }, ctx.signal);
  if (!read.ok) {
    if (read.code === 'too-large') out.problems.push({ status: 'error:too-large', detail: `BOM ${layer.digest}: ${read.error}` });
    else if (declaredType) out.problems.push({ status: 'error:invalid', detail: `BOM ${layer.digest} (${declaredType}): ${read.error}` });
    else out.notes.push(`layer ${layer.digest} (${layer.mediaType}) is not a BOM: ${read.error}`);
    return undefined;
  }
  const bom = found(ctx, layer, bytes, declaredType ?? mediaTypeOfFormat(read.inventory.format, layer.mediaType), source, read.inventory);
  out.boms.push(bom);
  return bom;
}

/**
 * An attestation layer (Sigstore bundle, DSSE envelope or bare in-toto statement). It counts only
 * when its statement names `subjectDigest` (or `mustCover`, e.g. the platform a BuildKit
 * attestation describes): a statement about another image is rejected, never counted.
 */
export async function attestedBom(ctx: ProbeContext, layer: Descriptor, bytes: Buffer, source: BomSource, out: ProbeResult, mustCover = ctx.subjectDigest): Promise<void> {
  const read = await (ctx.parseBom ?? parseInThread)(bytes, { mediaType: layer.mediaType, limits: bomLimitsOf(ctx) }, ctx.signal);
  if (!read.ok) {
    // A predicate that is not a BOM (provenance, vulnerability scans): not our business.
    if (read.code === 'not-a-bom') out.notes.push(`attestation ${layer.digest}: ${read.error}`);
    else out.problems.push({ status: read.code === 'too-large' ? 'error:too-large' : 'error:invalid', detail: `attestation ${layer.digest}: ${read.error}` });
    return;
  }
  const attestation = read.inventory.attestation;
  if (!attestation) {
    out.problems.push({ status: 'error:invalid', detail: `attestation ${layer.digest} holds a bare BOM, not an in-toto statement` });
    return;
  }
  if (!attestation.subjectDigests.includes(mustCover.toLowerCase())) {
    const named = attestation.subjectDigests.slice(0, 3).join(', ') || 'no digest';
    out.rejected.push(`${source} statement ${layer.digest} is about ${named}, not ${mustCover}: rejected`);
    // With trust on, it is shown as invalid (and never classified), not only noted.
    if (ctx.trust) {
      const bom = found(ctx, layer, bytes, mediaTypeOfFormat(read.inventory.format, layer.mediaType), source, read.inventory);
      applyVerdict(bom, misdirectedVerdict(attestation.subjectDigests, mustCover));
      out.boms.push(bom);
    }
    return;
  }
  const bom = found(ctx, layer, bytes, mediaTypeOfFormat(read.inventory.format, layer.mediaType), source, read.inventory);
  if (ctx.trust) applyVerdict(bom, envelopeVerdict(ctx.trust, layer, bytes, [mustCover.toLowerCase()]));
  out.boms.push(bom);
}

/** A predicate type (annotation) worth downloading: CycloneDX, SPDX 2 or SPDX 3; absent = unknown, download. */
export function predicateMayBeBom(predicateType: string | undefined): boolean {
  return predicateType === undefined || predicateKind(predicateType) !== 'other';
}

/** Runs `fn` on each item with at most `limit` at once, stopping new work once `signal` fires. */
export async function eachLimited<T>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(Math.max(1, limit), queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (signal.aborted) return;
      await fn(next);
    }
  });
  await Promise.all(workers);
}
