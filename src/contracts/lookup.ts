// The admission core's only port to the world: a function that tells what is attached to an image.
// The edges (discovery/) implement it against registries, OCI layouts or local files.
import type { AiInventory, ModelRecord } from './inventory.js';
import type { ModelArtifact } from './model-artifact.js';
import type { ImageUse } from './workload.js';
import type { Signer, TrustState } from './trust.js';

/** Closed set written to `aibom.io/lookup` (DESIGN.md "Annotations"). Free text goes to logs only. */
export const LOOKUP_STATUSES = [
  'found', 'none', 'timeout', 'error:auth', 'error:not-found', 'error:5xx', 'error:digest-mismatch',
  'error:blocked', 'error:too-large', 'error:invalid',
] as const;
export type LookupStatus = (typeof LOOKUP_STATUSES)[number];

/**
 * Where a BOM was found. `file` is our extension of DESIGN.md's set for `--bom IMAGE=FILE` overrides.
 */
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
