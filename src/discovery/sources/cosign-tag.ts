// Reading a cosign legacy tag `<alg>-<hex>.<suffix>` (sigstore/cosign
// pkg/oci/remote/remote.go `normalize`), in the image's repository or in COSIGN_REPOSITORY
// (`discovery.cosignRepository`). A missing tag means nothing is attached: not a problem.
import { parseImageReference, ReferenceError } from '../../contracts/image-reference.js';
import { isIndex, referrersTag, type Manifest } from '../../contracts/oci-manifest.js';
import { RegistryError, type RepoRef } from '../../registry/index.js';
import { fetchManifest, problemOf, type ProbeContext, type ProbeResult } from './probe.js';

export type CosignSuffix = 'sbom' | 'att';

/** `sha256:<hex>` → `sha256-<hex>.sbom`. */
export function cosignTag(digest: string, suffix: CosignSuffix): string {
  return `${referrersTag(digest)}.${suffix}`;
}

/**
 * `discovery.cosignRepository` (`registry/path`, as COSIGN_REPOSITORY) → a repository, or undefined
 * when unset. Throws ReferenceError for a value that is not a repository name.
 */
export function parseCosignRepository(value: string | null | undefined): RepoRef | undefined {
  if (!value) return undefined;
  const ref = parseImageReference(value);
  if (ref.digest || (ref.tag && ref.tag !== 'latest') || value.endsWith(':latest')) throw new ReferenceError(`cosign repository ${JSON.stringify(value)} must not carry a tag or digest`);
  return { registry: ref.registry, repository: ref.repository };
}

/** The manifest under the cosign tag for the subject, or undefined (none attached, or a problem recorded). */
export async function cosignTagManifest(ctx: ProbeContext, repo: RepoRef, suffix: CosignSuffix, out: ProbeResult): Promise<Manifest | undefined> {
  return (await cosignTagResult(ctx, repo, suffix, out))?.manifest;
}

/** The same, with the manifest's digest and size (what a signature of the attachment names). */
export async function cosignTagResult(ctx: ProbeContext, repo: RepoRef, suffix: CosignSuffix, out: ProbeResult): Promise<{ manifest: Manifest; digest: string; size: number } | undefined> {
  const tag = cosignTag(ctx.subjectDigest, suffix);
  try {
    const res = await fetchManifest(ctx, repo, tag, out, `${repo.repository}:${tag}`);
    if (!res) return undefined;
    if (isIndex(res.manifest)) {
      out.notes.push(`${repo.repository}:${tag} is an index, not a cosign image`);
      return undefined;
    }
    return { manifest: res.manifest, digest: res.digest, size: res.bytes.length };
  } catch (err) {
    // 404 (MANIFEST_UNKNOWN or NAME_UNKNOWN): nothing attached this way.
    if (err instanceof RegistryError && err.kind === 'not-found') return undefined;
    out.problems.push(problemOf(err, `${repo.repository}:${tag}`, ctx.signal));
    return undefined;
  }
}
