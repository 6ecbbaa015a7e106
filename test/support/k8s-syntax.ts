// Kubernetes label/annotation syntax as the apiserver validates it, written independently of our
// code from apimachinery's rules (Kubernetes "Labels and Selectors" syntax; apimachinery ValidateAnnotationsSize), so tests can check what we write.

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** A qualified name: `[prefix/]name`, prefix a DNS-1123 subdomain ≤ 253, name ≤ 63. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `${key}: more than one "/"`;
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) return `${key}: empty prefix`;
    if (prefix.length > 253) return `${key}: prefix longer than 253`;
    if (!DNS1123_SUBDOMAIN.test(prefix)) return `${key}: prefix is not a DNS-1123 subdomain`;
  }
  if (name.length === 0) return `${key}: empty name`;
  if (name.length > 63) return `${key}: name longer than 63`;
  if (!NAME.test(name)) return `${key}: name has invalid characters`;
  return undefined;
}

export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `label value ${JSON.stringify(value)} is not a string`;
  if (value.length > 63) return `label value ${JSON.stringify(value)} is longer than 63`;
  if (!LABEL_VALUE.test(value)) return `label value ${JSON.stringify(value)} has invalid characters`;
  return undefined;
}

/** Annotation keys are validated like label keys (case-insensitively); values are free text. */
export function annotationKeyProblem(key: string): string | undefined {
  return qualifiedNameProblem(key.toLowerCase());
}

/** Sum of key and value byte lengths, as `ValidateAnnotationsSize` counts. */
export function annotationsSize(annotations: Record<string, unknown>): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) total += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(String(v), 'utf8');
  return total;
}

/** Every problem with the labels and annotations of a metadata object. */
export function metadataProblems(metadata: unknown): string[] {
  const problems: string[] = [];
  if (metadata === null || typeof metadata !== 'object') return problems;
  const m = metadata as { labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    const p = qualifiedNameProblem(k) ?? labelValueProblem(v);
    if (p) problems.push(`label ${p}`);
  }
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    const p = annotationKeyProblem(k);
    if (p) problems.push(`annotation ${p}`);
    if (typeof v !== 'string') problems.push(`annotation ${k} value is not a string`);
  }
  const size = annotationsSize(m.annotations ?? {});
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) problems.push(`annotations total ${size} bytes > ${TOTAL_ANNOTATION_SIZE_LIMIT}`);
  return problems;
}
