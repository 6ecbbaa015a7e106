// Hugging Face Hub licence identifiers (the `license:` key of a model card) as the policy engine sees
// them. The Hub id → SPDX id mapping itself lives in src/bom/license.ts, shared with the BOM parsers;
// this module adds what only policy needs: which Hub ids have no SPDX equivalent.
import { normalizeLicenseId } from '../../bom/index.js';

/**
 * Hub ids with no SPDX equivalent (model licences such as Llama's, RAIL licences, vendor research
 * licences, and the ambiguous family names `bsd`, `gpl`, …). They are kept as they are; a BOM may also
 * carry them as `LicenseRef-<id>`, which compares equal.
 */
const HF_ONLY: ReadonlySet<string> = new Set([
  'openrail', 'openrail++', 'bigscience-openrail-m', 'creativeml-openrail-m', 'bigscience-bloom-rail-1.0', 'bigcode-openrail-m',
  'llama2', 'llama3', 'llama3.1', 'llama3.2', 'llama3.3', 'llama4', 'gemma', 'deepfloyd-if-license',
  'fair-noncommercial-research-license', 'apple-ascl', 'apple-amlr', 'h-research', 'intel-research', 'openmdw-1.0',
  'bsd', 'cc', 'gpl', 'lgpl', 'gfdl', 'other',
]);

/** The SPDX id for a Hugging Face Hub licence id, or the id unchanged when there is none. */
export function huggingFaceToSpdx(id: string): string {
  // `other`, `unknown`… are "no licence" to the parsers; policy keeps them as ids and decides with `missing`.
  return normalizeLicenseId(id) ?? id;
}

/** Whether `id` is a Hub licence id that has no SPDX equivalent (`llama3.1`, `openrail`, …). */
export function isHuggingFaceOnlyLicense(id: string): boolean {
  return HF_ONLY.has(id.toLowerCase());
}
