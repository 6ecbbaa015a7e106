// Per-image outcome (DESIGN.md "Classification"): exactly one of model, agent, dataset, no-ai,
// no-bom, error, timeout, decided from the lookup's findings and the BOMs' inventories.
import type { ImageFindings } from '../admission/lookup.js';
import { isLookupFailure } from '../admission/lookup.js';

export const IMAGE_OUTCOMES = ['agent', 'model', 'dataset', 'no-ai', 'no-bom', 'error', 'timeout'] as const;
export type ImageOutcome = (typeof IMAGE_OUTCOMES)[number];

export function classifyImage(findings: ImageFindings): ImageOutcome {
  const inventories = findings.boms.map((b) => b.inventory);
  if (inventories.some((inv) => inv.agents.length > 0)) return 'agent';
  if (inventories.some((inv) => inv.models.length > 0)) return 'model';
  if (inventories.some((inv) => inv.datasets.length > 0)) return 'dataset';
  if (inventories.length > 0) return 'no-ai';
  if (findings.status === 'timeout') return 'timeout';
  if (isLookupFailure(findings.status)) return 'error';
  return 'no-bom';
}
