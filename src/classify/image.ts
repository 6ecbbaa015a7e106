// Per-image outcome (docs/classification.md): exactly one of model, agent, dataset, no-ai,
// no-bom, error, timeout, decided from the lookup's findings and the BOMs' inventories.
// Each BOM is classified by classifyInventory (agents only for real agents: wrappers are models);
// the image takes the highest outcome over its BOMs (agent > model > dataset > no-ai). An image that
// is itself a model artifact (ModelPack, ModelKit, Docker AI, Ollama; docs/model-artifacts.md) is at
// least a `model`, with evidence `artifact` unless a BOM says so too.
import type { ImageFindings } from '../contracts/lookup.js';
import { isLookupFailure } from '../contracts/lookup.js';
import type { BomClassification, ImageOutcome } from '../contracts/classification.js';
import { classifyInventory } from './inventory.js';

const RANK: Record<BomClassification, number> = { agent: 3, model: 2, dataset: 1, 'no-ai': 0 };

function bestOfBoms(findings: ImageFindings): BomClassification | undefined {
  let best: BomClassification | undefined;
  for (const bom of findings.boms) {
    const c = classifyInventory(bom.inventory).classification;
    if (best === undefined || RANK[c] > RANK[best]) best = c;
  }
  return best;
}

function isModelArtifact(findings: ImageFindings): boolean {
  return (findings.artifact?.models.length ?? 0) > 0;
}

/** A ModelKit (or ModelPack artifact) that packs only datasets. */
function isDataArtifact(findings: ImageFindings): boolean {
  return findings.artifact !== undefined && findings.artifact.models.length === 0 && findings.artifact.datasets.length > 0;
}

export function classifyImage(findings: ImageFindings): ImageOutcome {
  const best = bestOfBoms(findings);
  if (isModelArtifact(findings) && (best === undefined || RANK[best] < RANK.model)) return 'model';
  if (isDataArtifact(findings) && (best === undefined || best === 'no-ai')) return 'dataset';
  if (best !== undefined) return best;
  if (findings.status === 'timeout') return 'timeout';
  if (isLookupFailure(findings.status)) return 'error';
  return 'no-bom';
}

/**
 * What the image's AI rests on: `bom` when a BOM lists a model or agent (or only data), `artifact`
 * when only the artifact's media types say model, undefined when neither.
 */
export function imageEvidence(findings: ImageFindings): 'bom' | 'artifact' | undefined {
  const best = bestOfBoms(findings);
  if (best === 'agent' || best === 'model') return 'bom';
  if (isModelArtifact(findings)) return 'artifact';
  if (best === 'dataset') return 'bom';
  return isDataArtifact(findings) ? 'artifact' : undefined;
}
