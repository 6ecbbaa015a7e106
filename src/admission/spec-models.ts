// Puts the models the pod spec names (classify/spec-models.ts) on the image result of the container
// that names them. A modelcar's image model counts only when its lookup found no model (a BOM or the
// artifact itself says more); the others always count (the model the server loads is not the image).
import type { ImageResult, SpecModel } from '../contracts/lookup.js';
import { imageModels } from '../contracts/model-identity.js';

export function attachSpecModels(results: ImageResult[], models: readonly SpecModel[]): void {
  for (const s of models) {
    const r = results.find((x) => x.uses.some((u) => u.slot !== 'volume' && u.container === s.container));
    if (!r) continue;
    if (s.via === 'modelcar' && imageModels(r.findings).length > 0) continue;
    (r.specModels ??= []).push(s);
  }
}
