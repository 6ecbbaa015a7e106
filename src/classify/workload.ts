// Workload labels from per-image outcomes (docs/labels-and-annotations.md "Labels").
import type { AiBearing, AiKind, Evidence, ImageOutcome, WorkloadClassification } from '../contracts/classification.js';
import type { HeuristicResult } from './heuristics.js';

/**
 * `artifactOnly`: the images' model evidence comes from model artifacts (media types) and from no BOM:
 * evidence is then `artifact` instead of `bom`.
 */
export function classifyWorkload(outcomes: readonly ImageOutcome[], heuristics: HeuristicResult, artifactOnly = false): WorkloadClassification {
  const has = (o: ImageOutcome): boolean => outcomes.includes(o);
  const bomAi = has('model') || has('agent');
  let aiKind: AiKind | undefined;
  if (has('agent')) aiKind = 'agent';
  else if (has('model')) aiKind = 'model';
  else if (has('dataset')) aiKind = 'dataset';
  // Heuristics only count for images without BOM evidence of AI; BOM evidence always wins.
  const heuristicAi = !bomAi && heuristics.aiBearing;
  let aiBearing: AiBearing;
  if (bomAi || heuristicAi) aiBearing = 'true';
  else if (has('error') || has('timeout')) aiBearing = 'unknown';
  else aiBearing = 'false';
  const evidence: Evidence = artifactOnly && (bomAi || aiKind === 'dataset') ? 'artifact' : bomAi || aiKind === 'dataset' ? 'bom' : heuristicAi ? 'heuristic' : 'none';
  const result: WorkloadClassification = { aiBearing, evidence, heuristics: heuristicAi ? [...heuristics.reasons] : [] };
  if (aiKind) result.aiKind = aiKind;
  return result;
}
