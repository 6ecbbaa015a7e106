// Fetching the signatures of what carries a BOM, for src/trust to judge (docs/trust.md; the verdict of
// what carries its own signature is in verdicts.ts):
// - an attestation carries its own signature: the DSSE envelope (`.att` tag, in-toto referrer) or the
//   Sigstore bundle (cosign ≥ 3 referrer) — judged from the layer's bytes (`envelopeVerdict`);
// - a plain BOM artifact (oras attach, cosign attach sbom, the `.sbom` tag) is signed by signing its
//   manifest digest M: cosign's `sha256-<M>.sig` tag (simple signing, in COSIGN_REPOSITORY when set),
//   cosign signature referrers of M (Sigstore bundles whose statement names M; or simple-signing
//   referrers in `--registry-referrers-mode=oci-1-1`), and Notary Project signature referrers of M
//   (`carrierVerdict`).
// Reads share the lookup's signal and byte budget. A signature that cannot be read (timeout, 5xx)
// leaves the BOM `unsigned` with the reason, and marks the findings incomplete (short cache TTL).
import { baseMediaType, isIndex, type Descriptor } from '../../contracts/oci-manifest.js';
import { listReferrers, RegistryError, type RepoRef } from '../../registry/index.js';
import { COSIGN_CERTIFICATE_ANNOTATION, COSIGN_SIGNATURE_ANNOTATION, judge, NOTARY_SIGNATURE_ARTIFACT, verifyNotarySignature, verifySigstoreBundle, verifySimpleSigning, type SignatureCheck, type TrustVerdict } from '../../trust/index.js';
import { fetchLayer, fetchManifest, problemOf, type ProbeContext, type ProbeResult } from './probe.js';
import { SIGSTORE_BUNDLE, timed, type TrustContext } from './verdicts.js';

/** cosign `sign --registry-referrers-mode=oci-1-1` in the legacy format (cosign internal/pkg/oci/remote `ArtifactType("sig")`). */
export const COSIGN_SIG_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** Signatures examined per artifact (beyond that, noted): a hostile registry cannot make us verify forever. */
const MAX_SIGNATURES = 8;

export interface Carrier {
  /** The artifact manifest that carries the BOM (its digest is what gets signed). */
  digest: string;
  size: number;
  /** Its repository (the image's, or COSIGN_REPOSITORY for `.sbom`). */
  repo: RepoRef;
}

/**
 * The verdict on a BOM carried by an artifact manifest: every signature of that manifest found in
 * the three conventions, judged together. `out` receives read problems (and notes).
 */
export async function carrierVerdict(ctx: ProbeContext, trust: TrustContext, carrier: Carrier, out: ProbeResult, cosignRepo?: RepoRef): Promise<TrustVerdict> {
  const started = trust.clock?.now() ?? 0;
  const checks: SignatureCheck[] = [];
  const unreadable: string[] = [];
  const sigCtx: ProbeContext = { ...ctx, subjectDigest: carrier.digest };
  await Promise.all([
    referrerSignatures(sigCtx, trust, carrier, checks, unreadable, out),
    sigTagSignatures(sigCtx, trust, carrier, cosignRepo ?? carrier.repo, checks, unreadable, out),
  ]);
  const verdict = judge(checks);
  if (verdict.trust !== 'verified' && unreadable.length > 0) {
    out.incomplete = true;
    // A signature we could not read might be the one that verifies: not invalid, not verified.
    return timed(trust, { trust: 'unsigned', signers: [], reason: `signatures could not be read: ${unreadable.join('; ')}` }, started);
  }
  return timed(trust, verdict, started);
}

async function referrerSignatures(ctx: ProbeContext, trust: TrustContext, carrier: Carrier, checks: SignatureCheck[], unreadable: string[], out: ProbeResult): Promise<void> {
  let list;
  try {
    list = await listReferrers(ctx.client, carrier.repo, carrier.digest, ctx.signal, { maxReferrers: ctx.limits.maxReferrers });
  } catch (err) {
    unreadable.push(problemOf(err, `referrers of ${carrier.digest}`, ctx.signal).detail);
    return;
  }
  const signatures = list.descriptors.filter((d) => {
    const t = baseMediaType(d.artifactType);
    return t === NOTARY_SIGNATURE_ARTIFACT || t === COSIGN_SIG_ARTIFACT || t.startsWith(SIGSTORE_BUNDLE);
  });
  if (signatures.length > MAX_SIGNATURES) out.notes.push(`${signatures.length} signatures of ${carrier.digest}; the first ${MAX_SIGNATURES} were examined`);
  for (const d of signatures.slice(0, MAX_SIGNATURES)) {
    if (ctx.signal.aborted) return;
    await oneSignatureReferrer(ctx, trust, carrier, d, checks, unreadable, out);
  }
}

async function oneSignatureReferrer(ctx: ProbeContext, trust: TrustContext, carrier: Carrier, d: Descriptor, checks: SignatureCheck[], unreadable: string[], out: ProbeResult): Promise<void> {
  let manifest;
  try {
    manifest = (await fetchManifest(ctx, carrier.repo, d.digest, out, `signature ${d.digest}`))?.manifest;
  } catch (err) {
    unreadable.push(problemOf(err, `signature ${d.digest}`, ctx.signal).detail);
    return;
  }
  if (!manifest || isIndex(manifest)) return;
  // A signature referrer counts only for the artifact it names as its subject.
  if (manifest.subject?.digest !== carrier.digest) {
    out.notes.push(`signature ${d.digest} has subject ${manifest.subject?.digest ?? 'none'}, not ${carrier.digest}: ignored`);
    return;
  }
  const type = baseMediaType(manifest.artifactType || manifest.config?.mediaType);
  for (const layer of manifest.layers.slice(0, MAX_SIGNATURES)) {
    const bytes = await fetchLayer(ctx, carrier.repo, layer, out);
    if (!bytes) {
      unreadable.push(`signature layer ${layer.digest}`);
      continue;
    }
    let check: SignatureCheck | undefined;
    try {
      check = judgeSignatureLayer(type, layer, bytes, carrier, trust);
    } catch (err) {
      // Defensive: the verifiers return failures; a throw is a malformed signature too.
      check = { ok: false, format: type === NOTARY_SIGNATURE_ARTIFACT ? 'notary' : 'sigstore-bundle', reason: `signature ${layer.digest} could not be checked: ${(err as Error).message}` };
    }
    if (check) checks.push(check);
  }
}

function judgeSignatureLayer(type: string, layer: Descriptor, bytes: Buffer, carrier: Carrier, trust: TrustContext): SignatureCheck | undefined {
  {
    let check: SignatureCheck | undefined;
    if (type === NOTARY_SIGNATURE_ARTIFACT) {
      check = verifyNotarySignature(bytes, baseMediaType(layer.mediaType), trust.set.notary, { digest: carrier.digest, size: carrier.size, scope: `${carrier.repo.registry}/${carrier.repo.repository}`, now: trust.now() });
    } else if (type.startsWith(SIGSTORE_BUNDLE)) {
      let doc: unknown;
      try {
        doc = JSON.parse(bytes.toString('utf8'));
      } catch {
        check = { ok: false, format: 'sigstore-bundle', reason: 'signature bundle is not JSON' };
      }
      check ??= verifySigstoreBundle(doc, trust.set, { subjects: [carrier.digest] });
    } else if (baseMediaType(layer.mediaType) === SIMPLE_SIGNING) {
      check = simpleSigningCheck(layer, bytes, carrier.digest, trust);
    }
    return check;
  }
}

function simpleSigningCheck(layer: Descriptor, bytes: Buffer, digest: string, trust: TrustContext): SignatureCheck | undefined {
  const input: Parameters<typeof verifySimpleSigning>[0] = { payload: bytes, signature: layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION] };
  if (layer.annotations?.[COSIGN_CERTIFICATE_ANNOTATION]) input.hasCertificate = true;
  return verifySimpleSigning(input, digest, trust.set);
}

async function sigTagSignatures(ctx: ProbeContext, trust: TrustContext, carrier: Carrier, repo: RepoRef, checks: SignatureCheck[], unreadable: string[], out: ProbeResult): Promise<void> {
  const tag = `${carrier.digest.replace(':', '-')}.sig`;
  let manifest;
  try {
    manifest = (await fetchManifest(ctx, repo, tag, out, `${repo.repository}:${tag}`))?.manifest;
  } catch (err) {
    if (err instanceof RegistryError && err.kind === 'not-found') return;
    unreadable.push(problemOf(err, `${repo.repository}:${tag}`, ctx.signal).detail);
    return;
  }
  if (!manifest || isIndex(manifest)) return;
  for (const layer of manifest.layers.slice(0, MAX_SIGNATURES)) {
    if (baseMediaType(layer.mediaType) !== SIMPLE_SIGNING) continue;
    const bytes = await fetchLayer(ctx, repo, layer, out);
    if (!bytes) {
      unreadable.push(`signature layer ${layer.digest}`);
      continue;
    }
    const check = simpleSigningCheck(layer, bytes, carrier.digest, trust);
    if (check) checks.push(check);
  }
}
