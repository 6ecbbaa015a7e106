// The standard "registry state" the admission tests run against: which BOMs hang off which
// fixture image. Built from our BOM fixtures through the real (first) BOM reader.
import type { ImageFindings } from '../../src/contracts/lookup.js';
import { bomFixture, findings, foundBom, inventoryOf, tableLookup, type RecordingLookup } from './fixtures.js';
import { IMAGES } from './images.js';

export const DIGESTS = {
  model: `sha256:${'1'.repeat(64)}`,
  modelNext: `sha256:${'2'.repeat(64)}`,
  agent: `sha256:${'3'.repeat(64)}`,
  dataset: `sha256:${'4'.repeat(64)}`,
  sidecar: `sha256:${'5'.repeat(64)}`,
  modelArtifact: `sha256:${'6'.repeat(64)}`,
} as const;

export function standardTable(): Record<string, ImageFindings> {
  const model = inventoryOf(bomFixture('model.cdx.json'));
  return {
    [IMAGES.model]: findings('found', [foundBom(model, 'a1'.repeat(32))], DIGESTS.model),
    [IMAGES.modelNext]: findings('found', [foundBom(model, 'a2'.repeat(32))], DIGESTS.modelNext),
    [IMAGES.agent]: findings('found', [foundBom(inventoryOf(bomFixture('agent.cdx.json')), 'a3'.repeat(32))], DIGESTS.agent),
    [IMAGES.dataset]: findings('found', [foundBom(inventoryOf(bomFixture('dataset.cdx.json')), 'a4'.repeat(32))], DIGESTS.dataset),
    [IMAGES.sidecar]: findings('found', [foundBom(inventoryOf(bomFixture('no-ai.cdx.json')), 'a5'.repeat(32))], DIGESTS.sidecar),
    [IMAGES.modelArtifact]: findings('found', [foundBom(model, 'a6'.repeat(32))], DIGESTS.modelArtifact),
  };
}

/** Fixture images not in the table (nginx, busybox, the vLLM runtime) complete with `none`. */
export function standardLookup(overrides: Record<string, ImageFindings> = {}): RecordingLookup {
  return tableLookup({ ...standardTable(), ...overrides });
}
