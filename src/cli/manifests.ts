// Kubernetes manifests as `kubectl apply -f` takes them: multi-document YAML (or JSON), `kind: List`
// (and `*List`) with `items`, Helm-rendered output (`---` separators, `# Source: chart/templates/x.yaml`
// comments). Each object keeps where it came from (file, document, Helm template, line) so reports can
// point at the line of a container's `image:`.
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { UsageError } from './exit.js';
import { isRecord } from '../contracts/json-guards.js';
import { type KubeObject } from '../contracts/admission-review.js';
import { isWorkloadKind, podTemplatePath, type WorkloadKind } from '../contracts/workload.js';

export interface ManifestObject {
  /** File name as given (`-` is shown as `stdin`). */
  source: string;
  /** 1-based document index in the file. */
  document: number;
  /** Helm's `# Source:` template path, when the document has one. */
  helmSource?: string;
  /** Path from the document root to the object (`['items', 2]` inside a List). */
  path: (string | number)[];
  object: KubeObject;
  /** 1-based line of the object's first line. */
  line: number;
  /** 1-based line of a node below the object, when present. */
  lineOf: (path: readonly (string | number)[]) => number | undefined;
}

const MAX_MANIFEST_TEXT = 32 * 1024 * 1024;
const MAX_ALIAS_COUNT = 1000;

/** Every object in one manifest text; UsageError (exit 2) on YAML that does not parse. */
export function parseManifests(text: string, source: string): ManifestObject[] {
  if (text.length > MAX_MANIFEST_TEXT) throw new UsageError(`${source}: manifest is larger than ${MAX_MANIFEST_TEXT} bytes`);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  const out: ManifestObject[] = [];
  docs.forEach((doc, i) => {
    const where = `${source} (document ${i + 1})`;
    const err = doc.errors[0];
    if (err) throw new UsageError(`${where}: invalid YAML: ${err.message.split('\n')[0]}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw new UsageError(`${where}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (value === null || value === undefined) return;
    if (!isRecord(value)) throw new UsageError(`${where}: a Kubernetes object must be a mapping`);
    const helmSource = helmSourceOf(doc);
    const lineAt = (path: readonly (string | number)[]): number | undefined => {
      const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    };
    const push = (object: KubeObject, path: (string | number)[]): void => {
      const entry: ManifestObject = {
        source, document: i + 1, path, object, line: lineAt(path) ?? 1,
        lineOf: (rel) => lineAt([...path, ...rel]),
      };
      if (helmSource) entry.helmSource = helmSource;
      out.push(entry);
    };
    const kind = value.kind;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item, j) => {
        if (!isRecord(item)) throw new UsageError(`${where}: items[${j}] must be a mapping`);
        push(item, ['items', j]);
      });
    } else {
      push(value, []);
    }
  });
  return out;
}

function helmSourceOf(doc: Document.Parsed): string | undefined {
  const comments = [doc.commentBefore, (doc.contents as { commentBefore?: string | null } | null)?.commentBefore];
  for (const c of comments) {
    const m = c ? /(?:^|\n)\s*Source:\s*(\S+)/.exec(c) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** The workload kind of an object, when it is one we review (any apiVersion). */
export function workloadKindOf(object: KubeObject): WorkloadKind | undefined {
  const kind = object.kind;
  return typeof kind === 'string' && isWorkloadKind(kind) ? kind : undefined;
}

const CONTAINER_FIELDS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Path (below the object) to the `image:` of a container or the `reference` of an image volume. */
export function imagePath(kind: WorkloadKind, object: KubeObject, container: string): (string | number)[] | undefined {
  const specPath = [...podTemplatePath(kind), 'spec'];
  let spec: unknown = object;
  for (const key of specPath) spec = isRecord(spec) ? spec[key] : undefined;
  if (!isRecord(spec)) return undefined;
  for (const field of CONTAINER_FIELDS) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    const i = list.findIndex((c) => isRecord(c) && c.name === container);
    if (i >= 0) return [...specPath, field, i, 'image'];
  }
  const volumes = spec.volumes;
  if (Array.isArray(volumes)) {
    const i = volumes.findIndex((v) => isRecord(v) && v.name === container && isRecord(v.image));
    if (i >= 0) return [...specPath, 'volumes', i, 'image', 'reference'];
  }
  return undefined;
}
