// "Did you mean …" for a misspelt policy or configuration field (`licences` → `licenses`): the fields the schema knows
// at the path of an unknown key, and the closest of them by edit distance. Pure. A schema is a zod 4
// schema, read through its `_zod.def` (typed here structurally: contracts/ imports no package).

type Schema = unknown;
type Def = { type?: string; shape?: Record<string, Schema>; innerType?: Schema; in?: Schema; element?: Schema; options?: Schema[]; valueType?: Schema; getter?: () => Schema };

function defOf(schema: Schema): Def | undefined {
  return (schema as unknown as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** The object schemas reachable at `path` (unions give several). */
function objectsAt(schema: Schema, path: readonly PropertyKey[], depth = 0): Def[] {
  const def = defOf(schema);
  if (!def || depth > 64) return [];
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return def.innerType ? objectsAt(def.innerType, path, depth + 1) : [];
    case 'pipe':
      return def.in ? objectsAt(def.in, path, depth + 1) : [];
    case 'lazy':
      return def.getter ? objectsAt(def.getter(), path, depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsAt(o, path, depth + 1));
    case 'array':
      return typeof path[0] === 'number' && def.element ? objectsAt(def.element, path.slice(1), depth + 1) : [];
    case 'record':
      return path.length > 0 && def.valueType ? objectsAt(def.valueType, path.slice(1), depth + 1) : [];
    case 'object': {
      if (path.length === 0) return [def];
      const next = def.shape?.[String(path[0])];
      return next ? objectsAt(next, path.slice(1), depth + 1) : [];
    }
    default:
      return [];
  }
}

/** The field names the schema accepts at `path`. */
export function knownFields(schema: Schema, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length]!;
}

/** The closest known field to `word`, when it is close enough to be a typo (at most a third of it). */
export function closestField(word: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { field: string; d: number } | undefined;
  for (const field of known) {
    const d = editDistance(word, field);
    if (d <= limit && (!best || d < best.d)) best = { field, d };
  }
  return best?.field;
}
