// Which model records are the same model, and the name a model is shown by.
import type { ModelRecord } from './inventory.js';
import type { ImageFindings, ImageResult } from './lookup.js';
import { mergeArtifactModels } from './model-artifact.js';

/** The same model described twice is one model: by purl, else by name + version. */
export function dedupeModels(models: readonly ModelRecord[]): ModelRecord[] {
  const seen = new Map<string, ModelRecord>();
  for (const m of models) {
    const key = m.purl ? `purl:${m.purl.toLowerCase()}` : `nv:${m.name.toLowerCase()}@${m.version ?? ''}`;
    if (!seen.has(key)) seen.set(key, m);
  }
  return [...seen.values()];
}

/**
 * The one name a model is shown by — audit annotations and audit records, policy verdicts, labels of
 * the CLI: `group/name@version` (the group only when the name does not already start with it).
 */
export function modelLabel(m: Pick<ModelRecord, 'name' | 'group' | 'version'>): string {
  const name = m.group && !m.name.startsWith(`${m.group}/`) ? `${m.group}/${m.name}` : m.name;
  return m.version ? `${name}@${m.version}` : name;
}

/**
 * Every model of one image: its BOMs' models (de-duplicated), with the model artifact's merged in
 * (the BOM wins, contracts/model-artifact.ts). The one list annotations, policy and audit read.
 */
export function imageModels(findings: Pick<ImageFindings, 'boms' | 'artifact'>): ModelRecord[] {
  const fromBoms = dedupeModels(findings.boms.flatMap((b) => b.inventory.models));
  return findings.artifact ? dedupeModels(mergeArtifactModels(fromBoms, findings.artifact.models)) : fromBoms;
}

/** One model as seen in one container of the workload (an image used by two containers gives two). */
export interface ModelPair {
  container: string;
  model: ModelRecord;
  /** For an image volume: the containers that mount it. */
  mountedBy?: string[];
  /** How the pod spec named it, for models without a BOM or artifact (`args`, `env`, …). */
  via?: string;
}

/** Every (container, model) of one image result: BOM and artifact models × uses, then the spec's models. */
export function modelPairs(result: Pick<ImageResult, 'findings' | 'uses' | 'specModels'>): ModelPair[] {
  const out: ModelPair[] = [];
  const models = imageModels(result.findings);
  for (const use of result.uses) {
    for (const model of models) {
      const pair: ModelPair = { container: use.container, model };
      if (use.mountedBy) pair.mountedBy = use.mountedBy;
      out.push(pair);
    }
  }
  for (const s of result.specModels ?? []) out.push({ container: s.container, model: s.model, via: s.via });
  return out;
}
