// Entry point of the BOM readers: bytes or text in, AiInventory out, never a throw.
// First reader: finds CycloneDX `machine-learning-model` components. The full parsers replace it.
import { emptyInventory, type AiInventory, type ModelRecord } from './inventory.js';

export interface ReadBomOptions {
  /** Media type the BOM was found under (parameters allowed). */
  mediaType?: string;
}

export type BomReadResult = { ok: true; inventory: AiInventory } | { ok: false; error: string };

export function readBom(input: string | Uint8Array, _options: ReadBomOptions = {}): BomReadResult {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message}` };
  }
  if (!isRecord(doc)) return { ok: false, error: 'a BOM must be a JSON object' };
  if (doc.bomFormat !== 'CycloneDX') return { ok: false, error: 'unsupported BOM format' };
  const inventory = emptyInventory('cyclonedx', typeof doc.specVersion === 'string' ? doc.specVersion : undefined);
  // Stand-in until the full parser lands: models, data components and agents (an application that
  // depends on a model and is not a wrapper, DESIGN.md "Classification").
  const types = new Map<string, { type: string; name: string; top: boolean }>();
  const visit = (component: unknown, top: boolean): void => {
    if (!isRecord(component)) return;
    const name = typeof component.name === 'string' ? component.name : undefined;
    if (typeof component['bom-ref'] === 'string' && typeof component.type === 'string' && name) {
      types.set(component['bom-ref'], { type: component.type, name, top });
    }
    if (component.type === 'machine-learning-model' && name) {
      const model: ModelRecord = { name, datasets: [], hashes: [], externalReferences: [] };
      if (typeof component.version === 'string') model.version = component.version;
      if (typeof component.purl === 'string') model.purl = component.purl;
      inventory.models.push(model);
    } else if (component.type === 'data' && name) {
      inventory.datasets.push({ name, ...(typeof component.version === 'string' ? { version: component.version } : {}) });
    }
    if (Array.isArray(component.components)) component.components.forEach((c) => visit(c, false));
  };
  if (isRecord(doc.metadata)) visit(doc.metadata.component, true);
  if (Array.isArray(doc.components)) doc.components.forEach((c) => visit(c, false));
  if (Array.isArray(doc.dependencies)) {
    for (const dep of doc.dependencies) {
      if (!isRecord(dep) || typeof dep.ref !== 'string' || !Array.isArray(dep.dependsOn)) continue;
      const app = types.get(dep.ref);
      if (!app || app.type !== 'application') continue;
      const models = dep.dependsOn.map((r) => (typeof r === 'string' ? types.get(r) : undefined)).filter((t) => t?.type === 'machine-learning-model');
      if (models.length === 0) continue;
      const wrapper = app.top && (models.length === 1 || models.some((m) => m!.name.toLowerCase() === app.name.toLowerCase()));
      if (wrapper) continue;
      inventory.agents.push({ name: app.name, uses: models.map((m) => m!.name), reason: 'application depends on a model' });
    }
  }
  return { ok: true, inventory };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
