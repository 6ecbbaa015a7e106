// The active set of policies and its identity: `sha256:<hex>` of the policies' canonical JSON (keys
// sorted, defaults filled in, policies sorted by name), so the same policies give the same hash
// whatever the file names, order, comments or YAML style. Shown in `/statusz`, the
// `aibom_policy_set_info` metric, the `policy-set` audit annotation and every audit record.
import { createHash } from 'node:crypto';
import type { AIModelPolicy } from './schema.js';

export interface PolicySet {
  policies: readonly AIModelPolicy[];
  hash: string;
}

/** JSON with object keys sorted at every level (arrays keep their order: it means something). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function policySetHash(policies: readonly AIModelPolicy[]): string {
  const docs = policies.map(canonicalJson).sort();
  const h = createHash('sha256');
  for (const doc of docs) h.update(doc).update('\n');
  return `sha256:${h.digest('hex')}`;
}

export function policySet(policies: readonly AIModelPolicy[]): PolicySet {
  const sorted = [...policies].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return { policies: sorted, hash: policySetHash(sorted) };
}

export const EMPTY_POLICY_SET: PolicySet = policySet([]);
