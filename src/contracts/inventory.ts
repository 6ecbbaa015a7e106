// The normalised view of one BOM: what AI it describes. Every parser (CycloneDX, SPDX 3, SPDX 2)
// produces an AiInventory; classification, policy and annotations read only this type.

export type BomFormat = 'cyclonedx' | 'spdx3' | 'spdx2' | 'unknown';

export interface Hash {
  alg: string;
  content: string;
}

export interface ExternalReference {
  type: string;
  url: string;
}

export type SafetyRiskLevel = 'low' | 'medium' | 'high' | 'serious';

export interface ModelRecord {
  name: string;
  version?: string;
  group?: string;
  purl?: string;
  bomRef?: string;
  /** One SPDX licence expression (Hugging Face ids mapped to SPDX ids where one exists). */
  license?: string;
  supplier?: string;
  authors?: string[];
  publisher?: string;
  task?: string;
  architectureFamily?: string;
  modelArchitecture?: string;
  approach?: string;
  /** Model file format: gguf, safetensors, onnx, pytorch, pickle, … */
  format?: string;
  typeOfModel?: string[];
  primaryPurpose?: string;
  domain?: string[];
  /** Dataset names or refs the model was trained/evaluated on. */
  datasets: string[];
  hashes: Hash[];
  externalReferences: ExternalReference[];
  downloadLocation?: string;
  safetyRiskAssessment?: SafetyRiskLevel;
  useSensitivePersonalInformation?: string;
  autonomyType?: string;
  limitation?: string;
  metrics?: { type: string; value: string }[];
  /** Base model or other lineage (`ai.model.relation`, pedigree, descendantOf). */
  relations?: { type: string; target: string }[];
  /** Properties as written (name → first value), for policy and display. */
  properties?: Record<string, string>;
  /**
   * How sure the parser is that this is a model: `high` for a CycloneDX `machine-learning-model` or an
   * SPDX 3 AI package / model package; `medium` for an SPDX 2 package with a `pkg:huggingface` purl.
   */
  confidence?: ModelConfidence;
  description?: string;
  /** The BOM carries a model card (CycloneDX `modelCard`, or SPDX 3 AI fields). */
  hasModelCard?: boolean;
  /** `aibom:model:parameters`, `aibom:model:quantization` (docs/model-scan.md "Properties written"). */
  parameters?: string;
  quantization?: string;
  /** `aibom:security:unsafe-pickle`: the offending globals. */
  unsafePickle?: string;
  /** `aibom:scan:incomplete`: why the scan was incomplete. */
  scanIncomplete?: string;
  considerations?: ModelConsiderations;
  /** Energy figures as written (CycloneDX environmentalConsiderations, SPDX ai_energyConsumption). */
  energy?: { activity: string; value: string; unit?: string }[];
}

export type ModelConfidence = 'high' | 'medium' | 'low';

export interface ModelConsiderations {
  users?: string[];
  useCases?: string[];
  technicalLimitations?: string[];
  performanceTradeoffs?: string[];
  ethicalConsiderations?: string[];
  fairnessAssessments?: number;
}

export interface DatasetRecord {
  name: string;
  version?: string;
  purl?: string;
  bomRef?: string;
  license?: string;
  type?: string;
  description?: string;
  supplier?: string;
  /** SPDX 3 `dataset_datasetType` values. */
  datasetType?: string[];
}

export interface AgentRecord {
  name: string;
  version?: string;
  purl?: string;
  bomRef?: string;
  /** Names of the models it uses. */
  uses: string[];
  reason: string;
}

export type FindingSeverity = 'info' | 'warning' | 'error';

export interface Finding {
  code: string;
  severity: FindingSeverity;
  message: string;
  path?: string;
}

/**
 * Findings that say part of the BOM was not read because a cap was reached: what was cut may be a
 * model. Always kept (a flood of other findings cannot push them out), and the admission turns them
 * into a `limits` verdict (src/policy/rules.ts limitsRule), since a policy cannot vouch for what it
 * did not see.
 */
export const LIMIT_FINDING_CODES: ReadonlySet<string> = new Set(['too-many-components', 'too-many-elements', 'too-many-models', 'array-truncated', 'json-too-deep', 'agent-analysis-truncated']);

export interface AiInventory {
  format: BomFormat;
  specVersion?: string;
  /** When the BOM says it was made (CycloneDX metadata.timestamp, SPDX created), ISO 8601. */
  created?: string;
  models: ModelRecord[];
  datasets: DatasetRecord[];
  agents: AgentRecord[];
  findings: Finding[];
  /** Human-readable reasons for what was (not) found. */
  reasons: string[];
  /** Present when the BOM came wrapped in an in-toto statement (possibly in DSSE / a Sigstore bundle). */
  attestation?: AttestationInfo;
}

export interface AttestationInfo {
  statementType: string;
  predicateType: string;
  /** `alg:hex` of every statement subject, e.g. `sha256:…`; the registry code matches the image digest. */
  subjectDigests: string[];
}

export function emptyInventory(format: BomFormat, specVersion?: string): AiInventory {
  const inv: AiInventory = { format, models: [], datasets: [], agents: [], findings: [], reasons: [] };
  if (specVersion !== undefined) inv.specVersion = specVersion;
  return inv;
}
