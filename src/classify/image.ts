// Per-image outcome (DESIGN.md "Classification"): exactly one of model, agent, dataset, no-ai,
// no-bom, error, timeout, decided from the lookup's findings and the BOMs' inventories.
// Each BOM is classified by classifyInventory (agents only for real agents: wrappers are models);
// the image takes the highest outcome over its BOMs (agent > model > dataset > no-ai).
import type { ImageFindings } from '../contracts/lookup.js';
import { isLookupFailure } from '../contracts/lookup.js';
import type { BomClassification, ImageOutcome } from '../contracts/classification.js';
import { classifyInventory } from './inventory.js';

const RANK: Record<BomClassification, number> = { agent: 3, model: 2, dataset: 1, 'no-ai': 0 };

export function classifyImage(findings: ImageFindings): ImageOutcome {
  let best: BomClassification | undefined;
  for (const bom of findings.boms) {
    const c = classifyInventory(bom.inventory).classification;
    if (best === undefined || RANK[c] > RANK[best]) best = c;
  }
  if (best !== undefined) return best;
  if (findings.status === 'timeout') return 'timeout';
  if (isLookupFailure(findings.status)) return 'error';
  return 'no-bom';
}
