// SLSA provenance attestations of the image (docs/trust.md "Provenance"), read when
// `discovery.provenance` is on: the same carriers as BOM attestations (cosign ≥ 3 bundle referrers,
// `.att` DSSE layers, in-toto referrers, BuildKit attestation layers), filtered on the predicate type
// before download. The builder and source repository are recorded with the statement's trust; a
// statement about another image is rejected (or, with trust on, recorded as invalid).
import type { BomSource, ProvenanceRecord } from '../../contracts/lookup.js';
import { readProvenance, unwrapStatement } from '../../bom/index.js';
import type { Descriptor } from '../../contracts/oci-manifest.js';
import type { RepoRef } from '../../registry/index.js';
import { fetchLayer, type ProbeContext, type ProbeResult } from './probe.js';
import { applyVerdict, envelopeVerdict, misdirectedVerdict } from './verdicts.js';

export async function provenanceLayer(ctx: ProbeContext, repo: RepoRef, layer: Descriptor, source: BomSource, out: ProbeResult, mustCover = ctx.subjectDigest): Promise<void> {
  const bytes = await fetchLayer(ctx, repo, layer, out);
  if (!bytes) return;
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    out.notes.push(`provenance ${layer.digest} is not JSON`);
    return;
  }
  const unwrapped = unwrapStatement(doc, JSON.parse, ctx.limits.maxBomBytes);
  if (!unwrapped.ok) {
    out.notes.push(`provenance ${layer.digest}: ${unwrapped.error}`);
    return;
  }
  const statement = unwrapped.statement;
  const read = readProvenance(statement.predicateType, statement.predicate);
  if (!read) {
    out.notes.push(`provenance ${layer.digest}: the predicate is not an object`);
    return;
  }
  const record: ProvenanceRecord = { ...read, digest: layer.digest, source, subjectDigest: mustCover, trust: 'unsigned' };
  if (ctx.platform) record.platform = ctx.platform;
  if (!statement.subjectDigests.includes(mustCover.toLowerCase())) {
    out.rejected.push(`${source} provenance ${layer.digest} is about ${statement.subjectDigests.slice(0, 3).join(', ') || 'no digest'}, not ${mustCover}: rejected`);
    if (!ctx.trust) return;
    applyVerdict(record, misdirectedVerdict(statement.subjectDigests, mustCover));
  } else if (ctx.trust) {
    applyVerdict(record, envelopeVerdict(ctx.trust, layer, bytes, [mustCover.toLowerCase()]));
  }
  (out.provenance ??= []).push(record);
}
