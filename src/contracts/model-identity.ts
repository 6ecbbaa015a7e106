// Which model records are the same model, and the name a model is shown by.
import type { ModelRecord } from './inventory.js';

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
