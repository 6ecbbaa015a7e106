// Referrers of a manifest (distribution-spec v1.1.1 §Listing Referrers, §Referrers Tag Schema): the API first, the `sha256-<hex>` tag index when the registry has no API
// (remembered per registry origin, as ORAS does), and the judgement of each referrer manifest:
// its own `artifactType`, `config.mediaType` and layer types decide, never the list descriptor alone.
import { readCapped, type RepoRef } from './transport.js';
import { RegistryError } from './errors.js';
import { type RegistryClient } from './client.js';
import { baseMediaType, EMPTY_DIGEST, isIndex, MT, parseManifest, referrersTag, type Descriptor, type Manifest } from '../contracts/oci-manifest.js';

export interface ReferrerList {
  descriptors: Descriptor[];
  via: 'api' | 'tag';
  /** More referrers existed than the cap. */
  truncated: boolean;
  /** Things worth a log line (a Link to another origin, a bad page). */
  notes: string[];
}

export interface ListReferrersOptions {
  /** Ask the registry to filter; filtered again here unless it says it did (`OCI-Filters-Applied`). */
  artifactType?: string;
  maxReferrers?: number;
  maxPages?: number;
}

const API_UNSUPPORTED_STATUSES = new Set([400, 404, 405, 406]);

/** Lists the referrers of `digest` in `repo`. Throws RegistryError for auth, 5xx, egress and timeouts. */
export async function listReferrers(client: RegistryClient, repo: RepoRef, digest: string, signal: AbortSignal, options: ListReferrersOptions = {}): Promise<ReferrerList> {
  const max = options.maxReferrers ?? 50;
  const origin = client.originOf(client.readHost(repo.registry));
  const notes: string[] = [];
  if (client.referrersSupport.get(origin) !== 'unsupported') {
    const viaApi = await listByApi(client, repo, digest, signal, options, notes);
    if (viaApi) {
      client.referrersSupport.set(origin, 'supported');
      return capped(viaApi, max, 'api', notes);
    }
    client.referrersSupport.set(origin, 'unsupported');
  }
  const viaTag = await listByTag(client, repo, digest, signal, notes);
  const filtered = options.artifactType ? viaTag.filter((d) => keepForFilter(d, options.artifactType!)) : viaTag;
  return capped(filtered, max, 'tag', notes);
}

function capped(descriptors: Descriptor[], max: number, via: 'api' | 'tag', notes: string[]): ReferrerList {
  return { descriptors: descriptors.slice(0, max), via, truncated: descriptors.length > max, notes };
}

// A descriptor with no or the empty artifactType cannot be judged by its descriptor: keep it.
function keepForFilter(d: Descriptor, artifactType: string): boolean {
  const t = baseMediaType(d.artifactType);
  return !t || t === MT.ociEmpty || t === baseMediaType(artifactType);
}

/** The API's answer, or undefined when the registry does not serve the API. */
async function listByApi(client: RegistryClient, repo: RepoRef, digest: string, signal: AbortSignal, options: ListReferrersOptions, notes: string[]): Promise<Descriptor[] | undefined> {
  let path = `/v2/${repo.repository}/referrers/${digest}`;
  if (options.artifactType) path += `?artifactType=${encodeURIComponent(options.artifactType)}`;
  const out: Descriptor[] = [];
  const maxPages = options.maxPages ?? 10;
  const max = options.maxReferrers ?? 50;
  for (let page = 0; page < maxPages; page++) {
    const res = await client.send(repo, { method: 'GET', path, headers: { accept: MT.ociIndex }, signal, actions: 'pull', useMirror: true });
    const contentType = baseMediaType(res.headers['content-type'] as string | undefined);
    if (res.statusCode !== 200 || contentType !== MT.ociIndex) {
      const body = await readSmall(res.body);
      if (page === 0 && res.statusCode === 404 && /"NAME_UNKNOWN"/.test(body)) return [];
      if (page === 0 && (API_UNSUPPORTED_STATUSES.has(res.statusCode) || res.statusCode === 200)) return undefined;
      if (res.statusCode === 401 || res.statusCode === 403) throw new RegistryError('auth', `referrers ${digest}: HTTP ${res.statusCode}`, res.statusCode);
      if (res.statusCode >= 500) throw new RegistryError('server', `referrers ${digest}: HTTP ${res.statusCode}`, res.statusCode);
      notes.push(`referrers page ${page + 1}: HTTP ${res.statusCode} ${contentType}; stopped`);
      break;
    }
    const bytes = await readCapped(res, client.maxManifestBytes, undefined);
    let index: Manifest;
    try {
      index = parseManifest(bytes, contentType);
    } catch (err) {
      if (page === 0) return undefined;
      notes.push(`referrers page ${page + 1}: ${(err as Error).message}`);
      break;
    }
    const applied = String(res.headers['oci-filters-applied'] ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase());
    const filtered = applied.includes('artifacttype') || index.annotations['org.opencontainers.referrers.filtersApplied']?.split(',').includes('artifactType');
    for (const d of index.manifests) if (!options.artifactType || filtered || keepForFilter(d, options.artifactType)) out.push(d);
    if (out.length > max) break;
    const next = nextLink(res.headers.link, res.url);
    if (!next) break;
    if (next.origin !== res.url.origin) {
      notes.push(`referrers Link to another origin ${next.origin} not followed`);
      break;
    }
    path = next.pathname + next.search;
  }
  return out;
}

/** RFC 8288 `Link: <url>; rel="next"`, resolved against the request URL. */
export function nextLink(header: string | string[] | undefined, base: URL): URL | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>\s*(.*)$/.exec(part);
      if (!m) continue;
      if (!/(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2]!)) continue;
      try {
        return new URL(m[1]!, base);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

async function listByTag(client: RegistryClient, repo: RepoRef, digest: string, signal: AbortSignal, notes: string[]): Promise<Descriptor[]> {
  try {
    const res = await client.getManifest(repo, referrersTag(digest), signal, { accept: MT.ociIndex });
    if (!isIndex(res.manifest)) {
      notes.push(`referrers tag ${referrersTag(digest)} is not an index`);
      return [];
    }
    return res.manifest.manifests;
  } catch (err) {
    if (err instanceof RegistryError && err.kind === 'not-found') return [];
    if (err instanceof RegistryError && err.kind === 'invalid' && err.status === undefined) {
      notes.push(`referrers tag ${referrersTag(digest)}: ${err.message}`);
      return [];
    }
    throw err;
  }
}

async function readSmall(body: AsyncIterable<unknown> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      n += b.length;
      if (n > 64 * 1024) {
        body.destroy();
        break;
      }
      chunks.push(b);
    }
  } catch {
    // discarded answer
  }
  return Buffer.concat(chunks).toString('utf8');
}

// ---------------------------------------------------------------- judging a referrer

/** Media types of BOMs we read (CycloneDX and SPDX media types, docs/discovery.md "Attachment sources"). */
export const BOM_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.cyclonedx+json',
  'application/vnd.cyclonedx+xml',
  'application/spdx+json',
  'application/spdx3+json',
  'text/spdx+json',
  'text/spdx',
  'application/vnd.dev.cosign.artifact.sbom.v1+json',
]);

/** Types other sources handle (signatures, attestations, bundles) or that are never a BOM. */
export const NON_BOM_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.cncf.notary.signature',
  'application/vnd.dev.cosign.simplesigning.v1+json',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json',
  'application/vnd.in-toto+json',
  'application/vnd.dsse.envelope.v1+json',
  MT.ociConfig,
  'application/vnd.docker.container.image.v1+json',
]);

/** Types that say nothing about the content: look at the bytes. */
export const GENERIC_MEDIA_TYPES: ReadonlySet<string> = new Set([
  '',
  MT.ociEmpty,
  MT.ociLayerTar,
  'application/octet-stream',
  'application/json',
  'text/plain',
  'application/vnd.unknown.artifact.v1',
  'application/vnd.unknown.config.v1+json',
]);

export function isBomMediaType(mediaType: string | undefined): boolean {
  const t = baseMediaType(mediaType);
  return BOM_MEDIA_TYPES.has(t) || /cyclonedx|spdx|aibom|ai-bom|mlbom/.test(t);
}

export interface BomLayer {
  layer: Descriptor;
  /** Declared BOM type (a read failure is then a finding), or undefined when the layer is sniffed. */
  declaredType?: string;
}

export interface ReferrerJudgement {
  /** Layers worth reading, with whether they are declared BOMs or only sniffed. */
  layers: BomLayer[];
  /** Why nothing is read, when `layers` is empty. */
  skip?: string;
}

/**
 * Decides which layers of a referrer manifest may hold a BOM. The manifest's own types decide, in
 * order: `artifactType`, then `config.mediaType` (older ORAS and cosign), then each layer's type;
 * generic types are sniffed (oras attach: users leave layers at `…layer.v1.tar`).
 */
export function judgeReferrer(manifest: Manifest): ReferrerJudgement {
  if (isIndex(manifest)) return { layers: [], skip: 'referrer is an index' };
  const artifactType = baseMediaType(manifest.artifactType);
  const configType = baseMediaType(manifest.config?.mediaType);
  const declared = [artifactType, configType].find((t) => t && !GENERIC_MEDIA_TYPES.has(t) && t !== MT.ociConfig);
  if (declared && NON_BOM_MEDIA_TYPES.has(declared)) return { layers: [], skip: `artifact type ${declared} is not a BOM` };
  const artifactIsBom = declared !== undefined && isBomMediaType(declared);
  const layers: BomLayer[] = [];
  for (const layer of manifest.layers) {
    const t = baseMediaType(layer.mediaType);
    if (layer.digest === EMPTY_DIGEST || t === MT.ociEmpty) continue;
    if (NON_BOM_MEDIA_TYPES.has(t)) continue;
    if (isBomMediaType(t)) layers.push({ layer, declaredType: t });
    else if (artifactIsBom) layers.push({ layer, declaredType: declared });
    else layers.push({ layer }); // generic or unknown custom type under an unknown artifact: sniff
  }
  if (layers.length === 0) return { layers, skip: 'no layer may hold a BOM' };
  return { layers };
}
