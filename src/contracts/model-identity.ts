// Which model records are the same model, and the name a model is shown by.
import type { ModelRecord } from './inventory.js';
import type { ImageFindings } from './lookup.js';
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

export function modelLabel(m: ModelRecord): string {
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
