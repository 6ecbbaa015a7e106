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

/**
 * Findings that say part of the BOM was not read because a cap was reached: what was cut may be a
 * model. Always kept (a flood of other findings cannot push them out), and the admission turns them
 * into a `limits` verdict (src/policy/rules.ts limitsRule), since a policy cannot vouch for what it
 * did not see.
 */
export const LIMIT_FINDING_CODES: ReadonlySet<string> = new Set(['too-many-components', 'too-many-elements', 'too-many-models', 'array-truncated', 'json-too-deep']);

export function resolveLimits(partial: Partial<BomLimits> | undefined): BomLimits {
  const out: BomLimits = { ...DEFAULT_BOM_LIMITS };
  if (!partial) return out;
  for (const key of Object.keys(out) as (keyof BomLimits)[]) {
    const v = partial[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = Math.floor(v);
  }
  return out;
}
