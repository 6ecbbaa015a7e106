// AI signals in a pod spec, for images that carry no BOM. Pure.
// First version: no signals. The heuristics issue fills this in (serving images, --model args, …).

export interface HeuristicOptions {
  enabled: boolean;
  extraImagePatterns: string[];
}

export interface HeuristicResult {
  aiBearing: boolean;
  /** Human-readable reasons, written to `aibom.io/heuristics`. */
  reasons: string[];
}

export interface HeuristicInput {
  podSpec: Record<string, unknown> | undefined;
  podAnnotations: Record<string, string>;
  objectAnnotations: Record<string, string>;
}

export function detectAiHeuristically(_input: HeuristicInput, _options: HeuristicOptions): HeuristicResult {
  return { aiBearing: false, reasons: [] };
}
