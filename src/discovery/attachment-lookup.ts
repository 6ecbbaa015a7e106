// Every attachment source for one image digest (docs/discovery.md "Attachment sources"):
//   at once: the manifest by digest, and for the digest itself referrers (API or tag fallback: plain
//     BOMs, Sigstore bundles, in-toto referrers), cosign `.sbom` tag, cosign `.att` tag
//   → the manifest decides the other subjects: (for an index) each selected platform manifest, probed
//     the same way, in parallel, plus BuildKit attestation manifests
//   → merge, one entry per BOM digest → ImageFindings.
// All probes share the lookup's signal and byte budget. Never throws: failures are statuses, free text
// goes to `detail` (problems, rejected statements) or to `onNote` (log-only remarks).
import type { BomSource, FoundBom, ImageFindings, LookupStatus } from '../contracts/lookup.js';
import type { ImageReference } from '../contracts/image-reference.js';
import { isIndex, type Manifest } from '../contracts/oci-manifest.js';
import { lookupStatusOf, type ManifestResult, type RegistryClient, type RepoRef } from '../registry/index.js';
import type { BomParser } from './bom-parser.js';
import type { Clock } from './clock.js';
import type { LookupMetrics, ProbeOutcome } from './metrics-port.js';
import { MAX_PLATFORMS, selectPlatforms, type PlatformFilter, type PlatformManifest } from './platforms.js';
import { attestationEntries, probeBuildkit } from './sources/buildkit.js';
import { probeCosignAtt } from './sources/cosign-att.js';
import { probeCosignSbom } from './sources/cosign-sbom.js';
import type { ByteBudget, Problem, ProbeContext, ProbeLimits, ProbeResult } from './sources/probe.js';
import { probeReferrers } from './sources/referrers.js';
import { probeModelArtifact } from './sources/model-artifact.js';
import type { TrustContext } from './sources/verdicts.js';

export interface AttachmentLookupOptions {
  limits: ProbeLimits;
  /** Bytes read per lookup, manifests and blobs together (limits.maxLookupBytes). */
  maxLookupBytes: number;
  /** Platforms of an index to examine (discovery.platforms). */
  platforms: PlatformFilter;
  maxPlatforms?: number;
  /** Where cosign `.sbom`/`.att` tags live (discovery.cosignRepository); default: the image's repository. */
  cosignRepository?: RepoRef;
  /** Probe the legacy cosign `.sbom`/`.att` tags (discovery.cosignTags; default true). */
  cosignTags?: boolean;
  /** Per-source outcomes (`sourceProbed`). */
  metrics?: Pick<LookupMetrics, 'sourceProbed'>;
  clock?: Clock;
  /** Log hook for remarks that are not statuses. */
  onNote?: (image: string, note: string) => void;
  /** Where BOM bytes are parsed (src/discovery/bom-parser.ts); default: on this thread. */
  parseBom?: BomParser;
  /** The trust to verify BOMs against, read once per lookup (policies can change it); undefined: trust off. */
  trust?: () => TrustContext | undefined;
}

const DETAIL_MAX = 2000;

interface Probe {
  /** Order of the subject (0: the image digest itself, then platforms in index order). */
  order: number;
  result: ProbeResult;
}

/**
 * Findings for an image pinned to a digest (`pinned.digest` set). `prefetched`: the manifest of that
 * digest when the caller already holds it (a tag resolved with GET, `build-lookup.ts`), digest-verified
 * by the client; it is then not fetched again, but still counted against the byte budget.
 */
// eslint-disable-next-line max-lines-per-function -- one lookup's steps share its byte budget, abort signal and findings; the steps themselves are helpers of sources/
export async function lookupAttachments(client: RegistryClient, pinned: ImageReference, signal: AbortSignal, options: AttachmentLookupOptions, prefetched?: ManifestResult): Promise<ImageFindings> {
  const digest = pinned.digest;
  if (!digest) return { status: 'error:invalid', boms: [], detail: 'internal: the lookup needs a digest reference' };
  if (prefetched && prefetched.digest !== digest) return { status: 'error:invalid', digest, boms: [], detail: `internal: prefetched manifest ${prefetched.digest} is not ${digest}` };
  const budget: ByteBudget = { remaining: options.maxLookupBytes };
  const clock = options.clock ?? { now: () => performance.now() };
  const repo: RepoRef = { registry: pinned.registry, repository: pinned.repository };
  const notes: string[] = [];
  const trust = options.trust?.();

  const context = (subjectDigest: string, probeSignal: AbortSignal, platform?: string): ProbeContext => {
    const ctx: ProbeContext = { client, repo, subjectDigest, signal: probeSignal, budget, limits: options.limits };
    if (options.parseBom) ctx.parseBom = options.parseBom;
    if (platform) ctx.platform = platform;
    if (trust) ctx.trust = trust;
    return ctx;
  };

  // Set when the image manifest failed while the digest's own probes were already running: they are
  // cancelled, their results dropped and their outcomes not reported (the lookup failed as a whole).
  // Outcomes of probes that finish before the manifest is known wait in `heldOutcomes` until it is.
  const cancel = new AbortController();
  let heldOutcomes: (() => void)[] | undefined = prefetched ? undefined : [];
  const timed = async (order: number, label: (r: ProbeResult) => BomSource, run: () => Promise<ProbeResult>): Promise<Probe> => {
    const started = clock.now();
    let result: ProbeResult;
    try {
      result = await run();
    } catch (err) {
      // Defensive: probes record their failures; nothing should reach here.
      result = { boms: [], problems: [{ status: signal.aborted ? 'timeout' : lookupStatusOf(err), detail: `probe: ${(err as Error).message}` }], rejected: [], notes: [] };
    }
    const seconds = Math.max(0, clock.now() - started) / 1000;
    const report = (): void => options.metrics?.sourceProbed(label(result), outcomeOf(result, signal), seconds);
    if (heldOutcomes) heldOutcomes.push(report);
    else if (!cancel.signal.aborted) report();
    return { order, result };
  };
  // The referrers list and the cosign tags of one subject: none depends on another, nor on the
  // subject's manifest.
  const subjectProbes = (order: number, ctx: ProbeContext): Promise<Probe>[] => {
    const list = [timed(order, (r) => ((r as { via?: string }).via === 'tag' ? 'tag-fallback' : 'referrers'), () => probeReferrers(ctx))];
    if (options.cosignTags !== false) {
      list.push(
        timed(order, () => 'cosign-sbom', () => probeCosignSbom(ctx, options.cosignRepository)),
        timed(order, () => 'cosign-att', () => probeCosignAtt(ctx, options.cosignRepository)),
      );
    }
    return list;
  };

  // Independent probes run at once; the client's connection pool bounds what reaches a registry.
  // The digest's own probes start together with its manifest GET (one round trip less on the
  // critical path): the manifest only decides whether platform manifests are probed too.
  const probes: Promise<Probe>[] = [];
  let manifest: Manifest;
  if (prefetched) {
    if (prefetched.bytes.length > budget.remaining) return { status: 'error:too-large', digest, boms: [], detail: `manifest ${digest} (${prefetched.bytes.length} bytes) does not fit the lookup byte budget` };
    budget.remaining -= prefetched.bytes.length;
    manifest = prefetched.manifest;
    probes.push(...subjectProbes(0, context(digest, signal)));
  } else {
    probes.push(...subjectProbes(0, context(digest, AbortSignal.any([signal, cancel.signal]))));
    try {
      const res = await client.getManifest(repo, digest, signal, { maxBytes: budget.remaining });
      budget.remaining -= res.bytes.length;
      manifest = res.manifest;
      const held = heldOutcomes ?? [];
      heldOutcomes = undefined;
      for (const report of held) report();
    } catch (err) {
      const status: LookupStatus = signal.aborted ? 'timeout' : lookupStatusOf(err);
      cancel.abort();
      // Settle them (aborted requests end at once) so no work outlives the lookup.
      await Promise.all(probes);
      return { status, digest, boms: [], detail: `manifest ${digest}: ${(err as Error).message}`.slice(0, DETAIL_MAX) };
    }
  }

  // Which manifests BOMs may hang off: the digest asked for, and each selected platform manifest.
  let platforms: PlatformManifest[] = [];
  if (isIndex(manifest)) {
    const selected = selectPlatforms(manifest, options.platforms, options.maxPlatforms ?? MAX_PLATFORMS);
    platforms = selected.platforms;
    notes.push(...selected.notes);
  }
  const subjects = [{ digest, platform: undefined as string | undefined }, ...platforms.map((p) => ({ digest: p.digest, platform: p.platform }))];
  const platformOf = new Map(platforms.map((p) => [p.digest, p.platform]));

  platforms.forEach((p, i) => probes.push(...subjectProbes(i + 1, context(p.digest, signal, p.platform))));
  if (platforms.length > 0) {
    const entries = attestationEntries(manifest, new Set(platformOf.keys()));
    if (entries.length > 0) {
      probes.push(timed(1, () => 'buildkit', () => probeBuildkit(entries, (d) => context(d, signal, platformOf.get(d)), options.limits.concurrency)));
    }
  }
  // The image itself may be a model artifact: its config is read alongside the attachment probes.
  const artifactProbe = isIndex(manifest) ? Promise.resolve(undefined) : probeModelArtifact(context(digest, signal), manifest);
  const done = await Promise.all(probes);
  const artifact = await artifactProbe;

  const merged = mergeBoms(done, subjects.map((s) => s.digest));
  const boms = merged.filter((b) => b.trust !== 'invalid');
  const invalid = merged.filter((b) => b.trust === 'invalid');
  const problems = done.flatMap((p) => p.result.problems);
  const rejected = done.flatMap((p) => p.result.rejected);
  notes.push(...done.flatMap((p) => p.result.notes));
  for (const note of notes) options.onNote?.(pinned.normalized, note);

  const recognised = artifact !== undefined && (artifact.models.length > 0 || artifact.datasets.length > 0);
  const findings: ImageFindings = { status: merged.length > 0 || recognised ? 'found' : 'none', digest, boms };
  if (artifact) findings.artifact = artifact;
  if (invalid.length > 0) findings.invalidBoms = invalid;
  if (done.some((p) => p.result.incomplete)) findings.incomplete = true;
  const provenance = done.flatMap((p) => p.result.provenance ?? []);
  if (provenance.length > 0) findings.provenance = provenance;
  if (merged.length === 0 && !recognised) {
    const worst = worstStatus(problems);
    if (signal.aborted && (worst || problems.length === 0)) findings.status = 'timeout';
    else if (worst) findings.status = worst.status;
  }
  const details = [...rejected, ...problems.map((p) => p.detail)];
  if (details.length > 0) findings.detail = details.join('; ').slice(0, DETAIL_MAX);
  return findings;
}

// When nothing was found, the most telling problem decides the status (first = most telling).
const SEVERITY: readonly LookupStatus[] = ['error:blocked', 'error:digest-mismatch', 'error:auth', 'error:too-large', 'error:invalid', 'error:5xx', 'error:network', 'error:not-found', 'timeout'];

function worstStatus(problems: readonly Problem[]): Problem | undefined {
  let worst: Problem | undefined;
  for (const p of problems) if (!worst || SEVERITY.indexOf(p.status) < SEVERITY.indexOf(worst.status)) worst = p;
  return worst;
}

function outcomeOf(result: ProbeResult, signal: AbortSignal): ProbeOutcome {
  if (result.boms.length > 0) return 'found';
  if (result.problems.some((p) => p.status === 'timeout') || (signal.aborted && result.problems.length > 0)) return 'timeout';
  if (result.problems.length > 0) return 'error';
  return 'none';
}

const SOURCE_ORDER: readonly BomSource[] = ['referrers', 'tag-fallback', 'sigstore-bundle', 'cosign-att', 'cosign-sbom', 'buildkit', 'layout', 'file'];

/**
 * One entry per BOM digest (the same blob attached twice, or to the index and a platform, counts
 * once), in a deterministic order: subject (index first), source, digest. Models are de-duplicated
 * later by the admission core, across all BOMs of the image.
 */
function mergeBoms(probes: readonly Probe[], subjectOrder: readonly string[]): FoundBom[] {
  const all = probes.flatMap((p) => p.result.boms);
  const rank = (b: FoundBom): number => {
    const i = subjectOrder.indexOf(b.subjectDigest ?? '');
    return i < 0 ? subjectOrder.length : i;
  };
  all.sort((a, b) => rank(a) - rank(b) || SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  // Kept where first met; but a verified copy of the same bytes vouches for them (verified > unsigned > invalid).
  const kept = new Map<string, number>();
  const out: FoundBom[] = [];
  for (const b of all) {
    const at = kept.get(b.digest);
    if (at === undefined) {
      kept.set(b.digest, out.push(b) - 1);
    } else if (TRUST_RANK[b.trust] > TRUST_RANK[out[at]!.trust]) {
      out[at] = b;
    }
  }
  return out;
}

const TRUST_RANK: Record<FoundBom['trust'], number> = { invalid: 0, unsigned: 1, verified: 2 };
