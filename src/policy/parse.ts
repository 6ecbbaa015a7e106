// Policy documents from YAML/JSON text: multi-document files, each AIModelPolicy validated by the strict
// schema, errors naming the source, the document and the field. Pure (the edges read the files).
//
// Which documents count: `kind: AIModelPolicy` must be valid; any other document whose apiVersion is in
// the aibom.io group is refused (a misspelt kind would otherwise vanish silently); documents of other
// API groups (a ConfigMap wrapper, a Namespace) are ignored, so a policy can live beside them.
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { POLICY_KIND, policySchema, type AIModelPolicy } from './schema.js';
import { closestField, knownFields } from '../contracts/suggest.js';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export interface LoadedPolicy {
  policy: AIModelPolicy;
  /** File (or other source name) and 1-based document index, for messages. */
  source: string;
  document: number;
}

/** Bounds on hostile YAML (alias expansion, size). */
const MAX_POLICY_TEXT = 1024 * 1024;
const MAX_ALIAS_COUNT = 100;

/** All AIModelPolicy documents in one text; throws PolicyError naming `source` and the field. */
export function parsePolicyText(text: string, source: string): LoadedPolicy[] {
  if (text.length > MAX_POLICY_TEXT) throw new PolicyError(`${source}: policy file is larger than ${MAX_POLICY_TEXT} bytes`);
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(docs)) return []; // an empty stream
  const out: LoadedPolicy[] = [];
  docs.forEach((doc, i) => {
    const where = `${source} (document ${i + 1})`;
    const yamlError = doc.errors[0];
    if (yamlError) throw new PolicyError(`${where}: invalid YAML: ${firstLine(yamlError.message)}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      throw new PolicyError(`${where}: invalid YAML: ${firstLine((err as Error).message)}`);
    }
    if (value === null || value === undefined) return;
    const policy = policyFromValue(value, where);
    if (policy) out.push({ policy, source, document: i + 1 });
  });
  return out;
}

/** One parsed document → a policy, undefined when it is not ours, PolicyError when it is ours but wrong. */
export function policyFromValue(value: unknown, where: string): AIModelPolicy | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PolicyError(`${where}: a policy document must be a mapping`);
  const { apiVersion, kind } = value as Record<string, unknown>;
  const ours = typeof apiVersion === 'string' && (apiVersion === 'aibom.io' || apiVersion.startsWith('aibom.io/'));
  if (kind !== POLICY_KIND) {
    if (ours) throw new PolicyError(`${where}: kind: unknown kind ${JSON.stringify(kind)} in ${apiVersion} (expected ${POLICY_KIND})`);
    return undefined;
  }
  const named = nameOf(value);
  const label = named ? `${where}, ${POLICY_KIND} ${JSON.stringify(named)}` : where;
  const parsed = policySchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new PolicyError(`${label}: ${describeIssues(parsed.error.issues, policySchema)}`);
  return parsed.data;
}

/** Checks a set of policies from many files: names must be unique (verdicts are keyed by them). */
export function checkPolicySet(policies: readonly LoadedPolicy[]): void {
  const seen = new Map<string, LoadedPolicy>();
  for (const p of policies) {
    const name = p.policy.metadata.name;
    const first = seen.get(name);
    if (first) throw new PolicyError(`${p.source} (document ${p.document}): metadata.name: policy ${JSON.stringify(name)} is already defined in ${first.source} (document ${first.document})`);
    seen.set(name, p);
  }
}

function nameOf(value: object): string | undefined {
  const meta = (value as Record<string, unknown>).metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const name = (meta as Record<string, unknown>).name;
  return typeof name === 'string' ? name : undefined;
}

/** `spec.mode: expected one of Enforce|Warn|Audit, got "Sometimes"`; several issues joined by `; `. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): string {
  const parts = issues.slice(0, 5).map((issue) => describeIssue(issue, schema));
  if (issues.length > 5) parts.push(`and ${issues.length - 5} more`);
  return parts.join('; ');
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schema ? knownFields(schema, issue.path) : [];
      return issue.keys
        .map((k) => {
          const near = closestField(k, known);
          return `${joinPath(path, k)}: unknown field${near ? ` (did you mean ${joinPath(path, near)}?)` : ''}`;
        })
        .join('; ');
    }
    case 'invalid_value':
      if (issue.input === undefined) return `${path}: required (one of ${issue.values.map(String).join(' | ')})`;
      return `${path || '(document)'}: expected ${issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' | ')}, got ${shown(issue.input)}`;
    case 'invalid_type':
      return issue.input === undefined ? `${path}: required` : `${path}: expected ${issue.expected}, got ${shown(issue.input)}`;
    default:
      return `${path || '(document)'}: ${issue.message}`;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out = typeof key === 'number' ? `${out}[${key}]` : joinPath(out, String(key));
  return out;
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
