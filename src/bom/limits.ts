// Caps that keep hostile BOMs bounded in time and memory. Defaults match `limits.*` in the config
// schema where a key exists there (maxBomBytes, maxJsonDepth, maxArrayLength); the rest are ours.

export interface BomLimits {
  /** Bytes of BOM text accepted at all (config `limits.maxBomBytes`). */
  maxBytes: number;
  /** Nesting depth of the JSON value; deeper values are cut (config `limits.maxJsonDepth`). */
  maxDepth: number;
  /** Elements kept per array; longer arrays are truncated (config `limits.maxArrayLength`). */
  maxArrayLength: number;
  /** Characters kept per string; longer strings are truncated. */
  maxStringLength: number;
  /** Components / SPDX elements / packages examined in one BOM. */
  maxElements: number;
  /** Dependency or relationship edges examined in one BOM. */
  maxEdges: number;
  /** Models listed per BOM (config `limits.maxModelsPerBom`); further ones are not read. */
  maxModels: number;
  /** Findings kept; the rest are counted in one last finding (limit findings are always kept). */
  maxFindings: number;
}

export const DEFAULT_BOM_LIMITS: Readonly<BomLimits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 256,
  maxArrayLength: 100_000,
  maxStringLength: 1024 * 1024,
  maxElements: 100_000,
  maxEdges: 1_000_000,
  maxModels: 1000,
  maxFindings: 100,
});

export function resolveLimits(partial: Partial<BomLimits> | undefined): BomLimits {
  const out: BomLimits = { ...DEFAULT_BOM_LIMITS };
  if (!partial) return out;
  for (const key of Object.keys(out) as (keyof BomLimits)[]) {
    const v = partial[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = Math.floor(v);
  }
  return out;
}
