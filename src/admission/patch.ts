// RFC 6902 JSON Patch for the owned labels and annotations (RFC 6902, RFC 6901). Deterministic: sorted keys,
// no timestamps; creates maps when absent; never touches keys it does not own.
import { isRecord } from '../contracts/json-guards.js';
import type { DesiredMap, DesiredMetadata } from './annotations.js';

export type PatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** RFC 6901: `~` → `~0` first, then `/` → `~1`. */
export function escapePointer(segment: string): string {
  // Most keys need no escaping: skip the two replacements (and their copies) for them.
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(path: readonly string[]): string {
  return path.map((s) => `/${escapePointer(s)}`).join('');
}

/** Operations that bring `current` (the metadata object at `metadataPath`) to the desired owned keys. */
export function metadataPatch(metadataPath: readonly string[], current: unknown, desired: DesiredMetadata): PatchOp[] {
  if (!isRecord(current)) {
    const value: Record<string, Record<string, string>> = {};
    const labels = presentEntries(desired.labels);
    const annotations = presentEntries(desired.annotations);
    if (Object.keys(labels).length > 0) value.labels = labels;
    if (Object.keys(annotations).length > 0) value.annotations = annotations;
    return Object.keys(value).length > 0 ? [{ op: 'add', path: pointer(metadataPath), value }] : [];
  }
  return [...mapPatch([...metadataPath, 'labels'], current.labels, desired.labels), ...mapPatch([...metadataPath, 'annotations'], current.annotations, desired.annotations)];
}

function mapPatch(path: readonly string[], current: unknown, desired: DesiredMap): PatchOp[] {
  if (!isRecord(current)) {
    const value = presentEntries(desired);
    return Object.keys(value).length > 0 ? [{ op: 'add', path: pointer(path), value }] : [];
  }
  const ops: PatchOp[] = [];
  const base = pointer(path);
  for (const key of Object.keys(desired).sort()) {
    const want = desired[key];
    const has = Object.prototype.hasOwnProperty.call(current, key);
    const keyPath = `${base}/${escapePointer(key)}`;
    if (want === undefined) {
      if (has) ops.push({ op: 'remove', path: keyPath });
    } else if (!has) {
      ops.push({ op: 'add', path: keyPath, value: want });
    } else if (current[key] !== want) {
      ops.push({ op: 'replace', path: keyPath, value: want });
    }
  }
  return ops;
}

function presentEntries(map: DesiredMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) {
    const v = map[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
