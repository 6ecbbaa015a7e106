// ImageLookup against a real registry: resolve → referrers (API or tag fallback) → referrer
// manifests (subject checked) → BOM layers (size-capped, digest-verified) → readBom → ImageFindings.
// Never throws: every failure is a closed status; free text goes to `detail` only.
import type { FoundBom, ImageFindings, ImageLookup, LookupStatus } from '../admission/lookup.js';
import { readBom } from '../bom/read.js';
import { parseImageReference } from '../oci/reference.js';
import { lookupStatusOf, RegistryError, type RegistryClient, type RepoRef } from '../oci/registry-client.js';
import { judgeReferrer, listReferrers } from '../oci/referrers.js';

export interface RegistryLookupOptions {
  /** Cap per BOM blob (limits.maxBomBytes). */
  maxBomBytes?: number;
  /** Referrers examined per subject digest (limits.maxReferrers). */
  maxReferrers?: number;
  /** Bytes read per lookup, manifests and blobs together (limits.maxLookupBytes). */
  maxLookupBytes?: number;
  /** Referrer manifests fetched in parallel. */
  concurrency?: number;
  /** Log hook for things that are not statuses (a skipped referrer, a garbage layer). */
  onNote?: (image: string, note: string) => void;
}

/** Shared per lookup: what is left of the byte budget. */
export interface ByteBudget {
  remaining: number;
}

export interface Problem {
  status: LookupStatus;
  detail: string;
}

export interface ReferrerBoms {
  boms: FoundBom[];
  problems: Problem[];
  via: 'api' | 'tag';
  notes: string[];
}

/**
 * BOMs attached to one subject digest through the referrers API or its tag fallback. Exported for
 * the lookup service, which runs it for the index digest and each platform manifest digest.
 * Throws RegistryError only when the referrers list itself cannot be read.
 */
export async function findReferrerBoms(client: RegistryClient, repo: RepoRef, subjectDigest: string, signal: AbortSignal, budget: ByteBudget, options: RegistryLookupOptions = {}): Promise<ReferrerBoms> {
  const maxBom = options.maxBomBytes ?? 16 * 1024 * 1024;
  const list = await listReferrers(client, repo, subjectDigest, signal, { maxReferrers: options.maxReferrers ?? 50 });
  const source = list.via === 'api' ? 'referrers' : 'tag-fallback';
  const out: ReferrerBoms = { boms: [], problems: [], via: list.via, notes: [...list.notes] };
  if (list.truncated) out.notes.push(`more than ${options.maxReferrers ?? 50} referrers; the rest were not examined`);
  const seen = new Set<string>();
  const descriptors = list.descriptors.filter((d) => !seen.has(d.digest) && seen.add(d.digest));

  const one = async (digest: string): Promise<void> => {
    if (budget.remaining <= 0) {
      out.problems.push({ status: 'error:too-large', detail: `lookup byte budget spent before referrer ${digest}` });
      return;
    }
    let manifest;
    try {
      const res = await client.getManifest(repo, digest, signal, { maxBytes: budget.remaining });
      budget.remaining -= res.bytes.length;
      manifest = res.manifest;
    } catch (err) {
      out.problems.push({ status: lookupStatusOf(err), detail: `referrer ${digest}: ${(err as Error).message}` });
      return;
    }
    // The security rule: a referrer counts only if it names this image as its subject.
    if (manifest.subject?.digest !== subjectDigest) {
      out.notes.push(`referrer ${digest} has subject ${manifest.subject?.digest ?? 'none'}, not ${subjectDigest}: ignored`);
      return;
    }
    const judgement = judgeReferrer(manifest);
    if (judgement.skip) out.notes.push(`referrer ${digest}: ${judgement.skip}`);
    for (const { layer, declaredType } of judgement.layers) {
      const cap = Math.min(maxBom, budget.remaining);
      if (layer.size > maxBom) {
        out.problems.push({ status: 'error:too-large', detail: `BOM ${layer.digest} is ${layer.size} bytes, over the ${maxBom}-byte cap` });
        continue;
      }
      if (layer.size > cap) {
        out.problems.push({ status: 'error:too-large', detail: `BOM ${layer.digest} does not fit the lookup byte budget` });
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await client.getBlob(repo, layer.digest, cap, signal, layer.size);
        budget.remaining -= bytes.length;
      } catch (err) {
        out.problems.push({ status: lookupStatusOf(err), detail: `BOM ${layer.digest}: ${(err as Error).message}` });
        continue;
      }
      const mediaType = declaredType ?? layer.mediaType;
      const read = readBom(bytes, { mediaType });
      if (!read.ok) {
        // Declared BOM with garbage bytes: a finding. A sniffed generic layer: just not a BOM.
        if (declaredType) out.problems.push({ status: 'error:invalid', detail: `BOM ${layer.digest} (${declaredType}): ${read.error}` });
        else out.notes.push(`layer ${layer.digest} (${layer.mediaType}) is not a BOM: ${read.error}`);
        continue;
      }
      out.boms.push({
        digest: layer.digest,
        mediaType: declaredType ?? mediaTypeOfFormat(read.inventory.format, layer.mediaType),
        source,
        trust: 'unsigned',
        subjectDigest,
        size: bytes.length,
        inventory: read.inventory,
      });
    }
  };

  const queue = [...descriptors.map((d) => d.digest)];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (signal.aborted) return;
      await one(next);
    }
  });
  await Promise.all(workers);
  // Deterministic order whatever the fetch order was.
  out.boms.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  return out;
}

function mediaTypeOfFormat(format: string, fallback: string): string {
  if (format === 'cyclonedx') return 'application/vnd.cyclonedx+json';
  if (format === 'spdx3') return 'application/spdx3+json';
  if (format === 'spdx2') return 'application/spdx+json';
  return fallback;
}

// When nothing was found, the most telling problem decides the status.
const SEVERITY: LookupStatus[] = ['error:blocked', 'error:digest-mismatch', 'error:auth', 'error:too-large', 'error:invalid', 'error:5xx', 'error:not-found', 'timeout'];

export function worstStatus(problems: readonly Problem[]): Problem | undefined {
  let worst: Problem | undefined;
  for (const p of problems) if (!worst || SEVERITY.indexOf(p.status) < SEVERITY.indexOf(worst.status)) worst = p;
  return worst;
}

/** The registry-backed ImageLookup. */
export function registryLookup(client: RegistryClient, options: RegistryLookupOptions = {}): ImageLookup {
  return async (image, { signal }) => {
    let ref;
    try {
      ref = parseImageReference(image);
    } catch (err) {
      return { status: 'error:invalid', boms: [], detail: (err as Error).message };
    }
    const budget: ByteBudget = { remaining: options.maxLookupBytes ?? 64 * 1024 * 1024 };
    let digest: string;
    try {
      const resolved = await client.resolve(ref, signal);
      digest = resolved.digest;
      budget.remaining -= resolved.bytes.length;
    } catch (err) {
      return failure(err, signal, `resolve ${ref.normalized}`);
    }
    try {
      const found = await findReferrerBoms(client, ref, digest, signal, budget, options);
      for (const note of found.notes) options.onNote?.(ref.normalized, note);
      if (signal.aborted && found.boms.length === 0) return { status: 'timeout', digest, boms: [], detail: 'aborted' };
      const findings: ImageFindings = { status: found.boms.length > 0 ? 'found' : 'none', digest, boms: found.boms };
      const worst = worstStatus(found.problems);
      if (worst && found.boms.length === 0) findings.status = signal.aborted ? 'timeout' : worst.status;
      const details = [...found.problems.map((p) => p.detail)];
      if (details.length > 0) findings.detail = details.join('; ').slice(0, 2000);
      return findings;
    } catch (err) {
      return { ...failure(err, signal, `referrers of ${digest}`), digest };
    }
  };
}

function failure(err: unknown, signal: AbortSignal, what: string): ImageFindings {
  const status: LookupStatus = signal.aborted ? 'timeout' : lookupStatusOf(err);
  const detail = err instanceof RegistryError || err instanceof Error ? `${what}: ${err.message}` : `${what}: ${String(err)}`;
  return { status, boms: [], detail };
}
