// Guards for values parsed from untrusted JSON, and the two ways a display string is cut short. One
// home for each: every room imports them from here.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Cuts a display string (reasons, findings, heuristics) after `max` characters and marks the cut with
 * `…`: so that one hostile value cannot bloat output. The result may be `max + 1` characters.
 */
export function clip(value: string, max = 200): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/**
 * Cuts a string to at most `max` characters, the last three `...` when cut: for values with a hard
 * length bound (audit annotations, admission warnings, audit record fields).
 */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
