// A model that travels as an OCI artifact: the manifest's media types say "model" (CNCF ModelPack,
// KitOps ModelKit, Docker Model Runner, Ollama), and its config carries the metadata. Recognised at
// the edge from the manifest and config alone (layers are never downloaded); parsed in bom/artifacts.
import type { DatasetRecord, Finding, ModelRecord } from './inventory.js';

export const MODEL_ARTIFACT_KINDS = ['modelpack', 'modelkit', 'docker-ai', 'ollama'] as const;
export type ModelArtifactKind = (typeof MODEL_ARTIFACT_KINDS)[number];

export interface ModelArtifact {
  kind: ModelArtifactKind;
  /** The media type that said so: the manifest's artifactType, the config's, or a layer's. */
  mediaType: string;
  /** The manifest that is the artifact (the image digest, or a platform manifest of an index). */
  subjectDigest: string;
  /** The config blob read, when it was. */
  configDigest?: string;
  models: ModelRecord[];
  datasets: DatasetRecord[];
  /** Problems reading the config (too large, not JSON, cut by a cap). */
  findings: Finding[];
}

/** The same model as seen by a BOM and by the artifact it is in: by purl, else by name (case-insensitive). */
function sameModel(a: ModelRecord, b: ModelRecord): boolean {
  if (a.purl && b.purl) return a.purl.toLowerCase() === b.purl.toLowerCase();
  const name = (m: ModelRecord): string => (m.group && !m.name.startsWith(`${m.group}/`) ? `${m.group}/${m.name}` : m.name).toLowerCase();
  return name(a) === name(b) || a.name.toLowerCase() === b.name.toLowerCase();
}

/**
 * The BOM's models with the artifact's merged in. The BOM wins: an artifact model that is one of the
 * BOM's models (or the only one, when the BOM lists exactly one) only fills the fields the BOM left
 * empty; other artifact models are added after the BOM's.
 */
export function mergeArtifactModels(bomModels: readonly ModelRecord[], artifactModels: readonly ModelRecord[]): ModelRecord[] {
  if (artifactModels.length === 0) return [...bomModels];
  const out = bomModels.map((m) => ({ ...m }));
  for (const am of artifactModels) {
    const at = out.findIndex((m) => sameModel(m, am));
    const target = at >= 0 ? out[at] : bomModels.length === 1 && artifactModels.length === 1 ? out[0] : undefined;
    if (!target) {
      out.push(am);
      continue;
    }
    for (const key of FILLED as readonly (keyof ModelRecord)[]) {
      if (target[key] === undefined && am[key] !== undefined) (target as unknown as Record<string, unknown>)[key] = am[key];
    }
  }
  return out;
}

const FILLED = ['version', 'purl', 'license', 'supplier', 'authors', 'format', 'modelArchitecture', 'architectureFamily', 'parameters', 'quantization', 'downloadLocation', 'description'] as const;
