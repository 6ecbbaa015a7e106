// A cheap estimate of how many bytes a cached value keeps alive, for the caches' byte bounds.
// It walks the value once (no JSON string is built); the constants approximate V8's object and
// string overheads. Only parsed inventories are cached, never raw BOM bytes.

const OBJECT_OVERHEAD = 32;
const SLOT = 8;
const STRING_OVERHEAD = 16;

/** Approximate retained size of a JSON-like value (cycles are counted once). */
export function estimateBytes(value: unknown): number {
  let total = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      total += STRING_OVERHEAD + v.length;
    } else if (v === null || typeof v !== 'object') {
      total += SLOT;
    } else if (!seen.has(v)) {
      seen.add(v);
      if (Array.isArray(v)) {
        total += OBJECT_OVERHEAD + SLOT * v.length;
        for (const item of v) stack.push(item);
      } else {
        for (const [k, item] of Object.entries(v)) {
          total += SLOT + k.length;
          stack.push(item);
        }
        total += OBJECT_OVERHEAD;
      }
    }
  }
  return total;
}
