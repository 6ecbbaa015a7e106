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
  const visit = (component: unknown): void => {
    if (!isRecord(component)) return;
    if (component.type === 'machine-learning-model' && typeof component.name === 'string') {
      const model: ModelRecord = { name: component.name, datasets: [], hashes: [], externalReferences: [] };
      if (typeof component.version === 'string') model.version = component.version;
      if (typeof component.purl === 'string') model.purl = component.purl;
      inventory.models.push(model);
    }
    if (Array.isArray(component.components)) component.components.forEach(visit);
  };
  if (isRecord(doc.metadata)) visit(doc.metadata.component);
  if (Array.isArray(doc.components)) doc.components.forEach(visit);
  return { ok: true, inventory };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
