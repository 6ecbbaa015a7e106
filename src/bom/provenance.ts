// SLSA provenance of the image itself (in-toto predicate types https://slsa.dev/provenance/v0.2 and
// /v1): who built it and from which source, read from the attestation cosign, BuildKit or a CI
// builder attaches. Pure; the statement is already unwrapped (bom/attestation.ts).
// [slsa.dev/spec/v1.0/provenance: runDetails.builder.id, buildDefinition.{buildType,
// externalParameters, resolvedDependencies}; slsa.dev/provenance/v0.2: builder.id, buildType,
// invocation.configSource.uri, materials[].uri]
import { isRecord, own, str } from './util.js';

export interface Provenance {
  predicateType: string;
  /** The builder's id (a URI), e.g. https://github.com/actions/runner/github-hosted. */
  builder?: string;
  buildType?: string;
  /** Where the source came from: a repository URI (git+https://…@ref, https://github.com/org/repo). */
  sourceRepository?: string;
  /** The source revision, when the provenance names one (a git commit digest). */
  sourceDigest?: string;
}

export function isProvenancePredicate(predicateType: string | undefined): boolean {
  return predicateType !== undefined && predicateType.trim().startsWith('https://slsa.dev/provenance/');
}

const MAX_TEXT = 1024;
const text = (v: unknown): string | undefined => {
  const s = str(v);
  return s === undefined ? undefined : s.slice(0, MAX_TEXT);
};

function firstDependency(list: unknown): { uri?: string; digest?: string } {
  if (!Array.isArray(list)) return {};
  for (const dep of list.slice(0, 100)) {
    if (!isRecord(dep)) continue;
    const uri = text(own(dep, 'uri'));
    if (!uri) continue;
    const digest = own(dep, 'digest');
    const out: { uri?: string; digest?: string } = { uri };
    if (isRecord(digest)) {
      const sha = text(own(digest, 'gitCommit')) ?? text(own(digest, 'sha1')) ?? text(own(digest, 'sha256'));
      if (sha) out.digest = sha;
    }
    return out;
  }
  return {};
}

/** The builder and source of a provenance predicate; undefined when it is not an object. */
export function readProvenance(predicateType: string, predicate: unknown): Provenance | undefined {
  if (!isRecord(predicate)) return undefined;
  const out: Provenance = { predicateType };
  const definition = own(predicate, 'buildDefinition');
  if (isRecord(definition)) {
    // SLSA v1
    const run = own(predicate, 'runDetails');
    const builder = isRecord(run) ? own(run, 'builder') : undefined;
    const id = isRecord(builder) ? text(own(builder, 'id')) : undefined;
    if (id) out.builder = id;
    const buildType = text(own(definition, 'buildType'));
    if (buildType) out.buildType = buildType;
    const external = own(definition, 'externalParameters');
    const workflow = isRecord(external) ? own(external, 'workflow') : undefined;
    const configSource = isRecord(external) ? own(external, 'configSource') : undefined;
    const source =
      (isRecord(workflow) ? text(own(workflow, 'repository')) : undefined) ??
      (isRecord(external) ? text(own(external, 'source')) : undefined) ??
      (isRecord(configSource) ? text(own(configSource, 'uri')) : undefined);
    const dep = firstDependency(own(definition, 'resolvedDependencies'));
    if (source ?? dep.uri) out.sourceRepository = (source ?? dep.uri)!;
    if (dep.digest) out.sourceDigest = dep.digest;
    return out;
  }
  // SLSA v0.2
  const builder = own(predicate, 'builder');
  const id = isRecord(builder) ? text(own(builder, 'id')) : undefined;
  if (id) out.builder = id;
  const buildType = text(own(predicate, 'buildType'));
  if (buildType) out.buildType = buildType;
  const invocation = own(predicate, 'invocation');
  const configSource = isRecord(invocation) ? own(invocation, 'configSource') : undefined;
  const uri = isRecord(configSource) ? text(own(configSource, 'uri')) : undefined;
  const dep = firstDependency(own(predicate, 'materials'));
  if (uri ?? dep.uri) out.sourceRepository = (uri ?? dep.uri)!;
  const digest = isRecord(configSource) ? own(configSource, 'digest') : undefined;
  const sha = isRecord(digest) ? text(own(digest, 'sha1')) ?? text(own(digest, 'gitCommit')) : undefined;
  if (sha ?? dep.digest) out.sourceDigest = (sha ?? dep.digest)!;
  return out;
}
