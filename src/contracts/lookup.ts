// The admission core's only port to the world: a function that tells what is attached to an image.
// The edges (discovery/) implement it against registries, OCI layouts or local files.
import type { AiInventory, ModelRecord } from './inventory.js';
import type { ModelArtifact } from './model-artifact.js';
import type { ImageUse } from './workload.js';
import type { Signer, TrustState } from './trust.js';

/**
 * Closed set written to `aibom.io/lookup` (docs/labels-and-annotations.md). Free text goes to logs only.
 * `error:5xx`: the registry answered with a server error (or 429 after the retries); `error:network`:
 * it could not be reached or the connection broke (refused, reset, DNS, TLS handshake, a body cut short).
 */
export const LOOKUP_STATUSES = [
  'found', 'none', 'timeout', 'error:auth', 'error:not-found', 'error:5xx', 'error:network', 'error:digest-mismatch',
  'error:blocked', 'error:too-large', 'error:invalid',
] as const;
export type LookupStatus = (typeof LOOKUP_STATUSES)[number];

export function isLookupStatus(value: unknown): value is LookupStatus {
  return typeof value === 'string' && (LOOKUP_STATUSES as readonly string[]).includes(value);
}

/** Node and undici error codes of a connection that could not be made or broke (→ `error:network`). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
]);

/**
 * The one mapping of an error to its lookup status. Looks through `cause` (undici wraps connect errors):
 * an error that names its status (`lookupStatus`, or a `status` from the closed set) keeps it; the
 * egress guard's refusal is `error:blocked`; aborts and timeouts are `timeout`; a network error code is
 * `error:network`; anything else is `fallback` — `error:5xx` where the registry is the likely cause, or
 * `error:invalid` where our reading of an answer failed.
 */
export function lookupStatusOfError(err: unknown, fallback: LookupStatus = 'error:5xx'): LookupStatus {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { lookupStatus, status, name, code } = e as { lookupStatus?: unknown; status?: unknown; name?: unknown; code?: unknown };
    for (const s of [lookupStatus, status]) if (isLookupStatus(s)) return s;
    if (code === 'EAIBOM_EGRESS_BLOCKED') return 'error:blocked';
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'error:network';
  }
  return fallback;
}

/** Where a BOM was found (docs/discovery.md "Attachment sources"); `file` is a `--bom IMAGE=FILE` override. */
export const BOM_SOURCES = ['referrers', 'tag-fallback', 'cosign-sbom', 'cosign-att', 'buildkit', 'sigstore-bundle', 'layout', 'file'] as const;
export type BomSource = (typeof BOM_SOURCES)[number];

/** `unsigned | verified | invalid` (contracts/trust.ts; docs/trust.md). */
export type BomTrust = TrustState;

export interface FoundBom {
  /** Digest of the BOM blob (or of the file's bytes for `file`). */
  digest: string;
  mediaType: string;
  source: BomSource;
  trust: BomTrust;
  /** The manifest digest the BOM hangs off (index or platform manifest). */
  subjectDigest?: string;
  /** `os/arch[/variant]` when `subjectDigest` is a platform manifest of an image index. */
  platform?: string;
  /** Size of the BOM blob in bytes, when known. */
  size?: number;
  inventory: AiInventory;
  /** Who signed it (trust `verified`), in the order found. */
  signers?: Signer[];
  /** Why it is `invalid`, or why its signatures could not be judged (short; logs, warnings, policy messages). */
  trustReason?: string;
}

/** SLSA provenance of the image (docs/trust.md "Provenance"), with the attestation's trust. */
export interface ProvenanceRecord {
  predicateType: string;
  builder?: string;
  buildType?: string;
  sourceRepository?: string;
  sourceDigest?: string;
  /** Digest of the attestation layer. */
  digest: string;
  source: BomSource;
  /** The manifest the statement names (index or platform manifest). */
  subjectDigest: string;
  platform?: string;
  trust: BomTrust;
  signers?: Signer[];
  trustReason?: string;
}

export interface ImageFindings {
  status: LookupStatus;
  /** The resolved image digest, when known. */
  digest?: string;
  /** The BOMs that count (trust `verified` or `unsigned`). */
  boms: FoundBom[];
  /**
   * BOMs whose signature is invalid (docs/trust.md): shown in `aibom.io/boms`, the audit log and the
   * CLI, refused by requireSignedBOM, and never classified — their models do not count.
   */
  invalidBoms?: FoundBom[];
  /** Free-text detail for logs (never written to the object). */
  detail?: string;
  /** Something (a signature) could not be read: cache these findings only briefly. */
  incomplete?: boolean;
  /** SLSA provenance attestations (read with `discovery.provenance: true`). */
  provenance?: ProvenanceRecord[];
  /**
   * The image itself is a model artifact (ModelPack, ModelKit, Docker AI, Ollama), recognised by its
   * manifest's media types and read from its config (docs/model-artifacts.md). BOMs still win.
   */
  artifact?: ModelArtifact;
}

export interface LookupOptions {
  signal: AbortSignal;
  /** `mutate` gives up on its deadline; `validate` may wait on an in-flight lookup. */
  purpose?: 'mutate' | 'validate' | 'cli';
  /** Namespace of the workload, for pull-secret resolution at the edge. */
  namespace?: string;
  /** Names of image pull secrets in the pod spec. */
  pullSecrets?: string[];
}

/** `image` is a normalised reference (see contracts/image-reference.ts). Must not throw; errors are statuses. */
export type ImageLookup = (image: string, options: LookupOptions) => Promise<ImageFindings>;

export function isLookupFailure(status: LookupStatus): boolean {
  return status === 'timeout' || status.startsWith('error:');
}

/** One image of the workload with what its lookup found. */
export interface ImageResult {
  /** Normalised reference, or the raw string when it does not parse. */
  image: string;
  uses: ImageUse[];
  findings: ImageFindings;
  /**
   * Models the pod spec names for a container running this image (model ids in args or env, the
   * KServe storage-initializer source URI, a modelcar image without a BOM): classify/spec-models.ts.
   */
  specModels?: SpecModel[];
  /**
   * Not an image: a model source a serving CR names (`hf://…`, `s3://…`, a KAITO preset), listed so its
   * model reaches annotations and policy. Never looked up; absent from `aibom.io/lookup`.
   */
  sourceOnly?: boolean;
}

/** A model named by the pod spec itself, for one container. */
export interface SpecModel {
  container: string;
  /** `args`, `env`, `storage-initializer`, `modelcar`, `storage-uri` (a serving platform's CR). */
  via: string;
  model: ModelRecord;
}
