// What classification concludes (docs/classification.md): per BOM, per image, per workload. The
// values are written to labels and annotations (docs/labels-and-annotations.md); the rules that
// produce them live in classify/.

export type BomClassification = 'agent' | 'model' | 'dataset' | 'no-ai';

export interface InventoryClassification {
  classification: BomClassification;
  reasons: string[];
}

export const IMAGE_OUTCOMES = ['agent', 'model', 'dataset', 'no-ai', 'no-bom', 'error', 'timeout'] as const;
export type ImageOutcome = (typeof IMAGE_OUTCOMES)[number];

export type AiBearing = 'true' | 'false' | 'unknown';
export type AiKind = 'agent' | 'model' | 'dataset';
export type Evidence = 'bom' | 'artifact' | 'heuristic' | 'none';

export interface WorkloadClassification {
  aiBearing: AiBearing;
  aiKind?: AiKind;
  evidence: Evidence;
  heuristics: string[];
}
