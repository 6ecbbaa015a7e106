// Shared steps of the readers: one model per identity, and cycle detection in a "uses" graph.
import type { ModelRecord } from '../contracts/inventory.js';
import type { FindingSink } from './util.js';
import { clip } from './util.js';

/** Identity of a model: its purl (lower-cased, qualifiers kept), else name + version (case-insensitive). */
export function modelKey(m: Pick<ModelRecord, 'name' | 'version' | 'purl'>): string {
  if (m.purl) return `purl:${m.purl.toLowerCase()}`;
  return `name:${m.name.toLowerCase()}@${(m.version ?? '').toLowerCase()}`;
}

/**
 * Adds `model` unless the same model is already listed (same purl, else same name + version); then the
 * missing fields of the listed one are filled from the new description. Returns the listed record.
 */
export function addModel(models: ModelRecord[], model: ModelRecord, sink: FindingSink, index: ModelIndex = indexFor(models)): ModelRecord {
  const key = modelKey(model);
  const nameKey = modelKey({ name: model.name, version: model.version });
  const existing = listedAs(index, model, key, nameKey);
  if (!existing) {
    models.push(model);
    index.set(key, model);
    if (!index.has(nameKey)) index.set(nameKey, model);
    return model;
  }
  sink.add('duplicate-model', 'info', `model ${JSON.stringify(clip(model.name, 100))} is described more than once; merged into one`);
  const target = existing as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(model)) {
    if (v === undefined) continue;
    const cur = target[k];
    if (Array.isArray(cur) && Array.isArray(v)) {
      if (cur.length === 0) target[k] = v;
    } else if (cur === undefined) target[k] = v;
  }
  return existing;
}

/** Same purl, or (when this description has no purl) same name + version as a listed model. */
function listedAs(index: ModelIndex, model: ModelRecord, key = modelKey(model), nameKey = modelKey({ name: model.name, version: model.version })): ModelRecord | undefined {
  return index.get(key) ?? (model.purl === undefined ? index.get(nameKey) : undefined);
}

/**
 * addModel within a cap (`limits.maxModelsPerBom`): a model not listed yet is refused once `max`
 * models are listed (undefined; the caller counts it for its `too-many-models` finding). A further
 * description of a listed model is merged as usual.
 */
export function addModelWithin(models: ModelRecord[], model: ModelRecord, sink: FindingSink, max: number): ModelRecord | undefined {
  const index = indexFor(models);
  if (models.length >= max && !listedAs(index, model)) return undefined;
  return addModel(models, model, sink, index);
}

/** The finding of a reader that refused `refused` models over the cap. */
export function reportModelCap(refused: number, max: number, sink: FindingSink): void {
  if (refused > 0) sink.add('too-many-models', 'warning', `the BOM lists more than ${max} models (limits.maxModelsPerBom): ${refused} more were not read`);
}

export type ModelIndex = Map<string, ModelRecord>;

const indexes = new WeakMap<ModelRecord[], ModelIndex>();

/** The lookup index of a model list (kept beside the list, so de-duplication is O(1) per model). */
export function indexFor(models: ModelRecord[]): ModelIndex {
  let index = indexes.get(models);
  if (!index) {
    index = new Map();
    for (const m of models) {
      index.set(modelKey(m), m);
      const nameKey = modelKey({ name: m.name, version: m.version });
      if (!index.has(nameKey)) index.set(nameKey, m);
    }
    indexes.set(models, index);
  }
  return index;
}

/**
 * Reports (once) whether the graph has a cycle. Iterative three-colour DFS, O(V + E). The DFS stack is
 * three parallel arrays (node, its edge list, the next edge to follow) rather than one object per frame:
 * dependency chains in real BOMs run to tens of thousands of nodes.
 */
export function detectCycles(edges: ReadonlyMap<string, readonly string[]>, sink: FindingSink): boolean {
  const colour = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const ids: string[] = [];
  const lists: (readonly string[] | undefined)[] = [];
  const positions: number[] = [];
  for (const start of edges.keys()) {
    if (colour.has(start)) continue;
    colour.set(start, 1);
    ids.push(start);
    lists.push(edges.get(start));
    positions.push(0);
    while (ids.length > 0) {
      const top = ids.length - 1;
      const i = positions[top]!;
      const next = lists[top]?.[i];
      if (next === undefined) {
        colour.set(ids[top]!, 2);
        ids.pop();
        lists.pop();
        positions.pop();
        continue;
      }
      positions[top] = i + 1;
      const c = colour.get(next);
      if (c === 1) {
        sink.add('dependency-cycle', 'info', `the dependency graph has a cycle through ${JSON.stringify(clip(next, 100))}`);
        return true;
      }
      if (c === undefined) {
        // A node without edges cannot be on a cycle: not coloured, not pushed (most nodes are leaves).
        const list = edges.get(next);
        if (list === undefined || list.length === 0) continue;
        colour.set(next, 1);
        ids.push(next);
        lists.push(list);
        positions.push(0);
      }
    }
  }
  return false;
}
