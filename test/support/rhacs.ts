// The RHACS policies of deploy/security/rhacs/policies.json, evaluated here on a workload's labels and
// annotations the way RHACS evaluates its label and annotation criteria (`key=regex`, matched whole), so a
// test can say which policies the metadata the webhook writes would violate.
import { readFileSync } from 'node:fs';

export interface RhacsPolicy {
  id: string;
  name: string;
  severity: string;
  lifecycleStages: string[];
  policySections: { sectionName: string; policyGroups: { fieldName: string; booleanOperator: string; negate: boolean; values: { value: string }[] }[] }[];
  [key: string]: unknown;
}

export const RHACS = JSON.parse(readFileSync(new URL('../../deploy/security/rhacs/policies.json', import.meta.url), 'utf8')) as { policies: RhacsPolicy[] };

export interface Meta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** RHACS label/annotation criteria: `key=value`, both regular expressions matched whole (RE2; a leading `(?i)` is the JS `i` flag). */
function matches(pattern: string, text: string): boolean {
  const ci = pattern.startsWith('(?i)');
  return new RegExp(`^(?:${ci ? pattern.slice(4) : pattern})$`, ci ? 'is' : 's').test(text);
}

export function violates(policy: RhacsPolicy, meta: Meta): boolean {
  return policy.policySections.some((section) =>
    section.policyGroups.every((group) => {
      const source = group.fieldName === 'Disallowed Label' ? meta.labels : group.fieldName === 'Disallowed Annotation' ? meta.annotations : undefined;
      if (!source) throw new Error(`criterion ${group.fieldName} is not evaluated here`);
      const hit = group.values.some(({ value }) => {
        const eq = value.indexOf('=');
        const [key, re] = [value.slice(0, eq), value.slice(eq + 1)];
        return Object.entries(source).some(([k, v]) => matches(key.replace(/\./g, '\\.'), k) && matches(re, v));
      });
      return group.negate ? !hit : hit;
    }),
  );
}


export const RHACS_NAMES = { nobom: 'AI workload without an AI BOM', licence: 'AI model under a disallowed licence', unverified: 'AI BOM not verified', source: 'AI model from an unapproved source' } as const;
