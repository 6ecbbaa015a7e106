// Puts the models the pod spec names (classify/spec-models.ts) on the image result of the container
// that names them. A modelcar's image model counts only when its lookup found no model (a BOM or the
// artifact itself says more); the others always count (the model the server loads is not the image).
import type { ModelRecord } from '../contracts/inventory.js';
import type { ImageResult, SpecModel } from '../contracts/lookup.js';
import { modelFromUri, parseModelUri } from '../contracts/model-uri.js';
import type { ServingSource } from '../contracts/serving.js';
import { imageModels } from '../contracts/model-identity.js';

export function attachSpecModels(results: ImageResult[], models: readonly SpecModel[]): void {
  for (const s of models) {
    const r = results.find((x) => x.uses.some((u) => u.slot !== 'volume' && u.container === s.container));
    if (!r) continue;
    if (s.via === 'modelcar' && imageModels(r.findings).length > 0) continue;
    (r.specModels ??= []).push(s);
  }
}

/** One result per serving source that is not an image, carrying its model (never looked up). */
export function sourceResults(sources: readonly ServingSource[], firstIndex: number): ImageResult[] {
  return sources.map((s, i) => {
    const uri = s.via === 'kaito-preset' ? undefined : parseModelUri(s.uri);
    const image = uri ? uri.redacted : `kaito-preset:${s.uri}`;
    const model = uri ? modelFromUri(uri) : presetModel(s.uri);
    return {
      image,
      uses: [{ index: firstIndex + i, slot: 'container', container: s.container, image }],
      findings: { status: 'none', boms: [] },
      specModels: [{ container: s.container, via: s.via, model }],
      sourceOnly: true,
    };
  });
}

/** A KAITO preset names a model (`phi-3-mini-4k-instruct`, `llama-3.1-8b-instruct`). */
function presetModel(name: string): ModelRecord {
  return { name, datasets: [], hashes: [], externalReferences: [], confidence: 'low', properties: { 'aibom:model:source': `kaito-preset:${name}`, 'aibom:model:source-scheme': 'kaito-preset' } };
}
