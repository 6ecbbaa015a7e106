// Hugging Face Hub licence identifiers (the `license:` key of a model card, as listed in the Hub's
// "Licenses" documentation) mapped to SPDX licence ids. Model BOMs generated from the Hub carry these
// lower-case ids (`apache-2.0`, `cc-by-nc-4.0`, `llama3.1`); policies are written with SPDX ids.
//
// ONE module on purpose: the BOM parser work adds its own mapping in src/bom; when it lands, this module
// is replaced by a re-export of that one and nothing else changes (policy code calls only the two
// functions below).

/**
 * Hub id → SPDX id, for the ids whose SPDX spelling differs by more than letter case, or where the Hub id
 * is an SPDX id deprecated in favour of an `-only` form. Ids equal to an SPDX id up to case are compared
 * case-insensitively anyway and need no entry.
 */
const HF_TO_SPDX: Readonly<Record<string, string>> = {
  'apache-2.0': 'Apache-2.0',
  mit: 'MIT',
  'afl-3.0': 'AFL-3.0',
  'artistic-2.0': 'Artistic-2.0',
  'bsl-1.0': 'BSL-1.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-3-clause-clear': 'BSD-3-Clause-Clear',
  'c-uda': 'C-UDA-1.0',
  'cc0-1.0': 'CC0-1.0',
  'cc-by-2.0': 'CC-BY-2.0',
  'cc-by-2.5': 'CC-BY-2.5',
  'cc-by-3.0': 'CC-BY-3.0',
  'cc-by-4.0': 'CC-BY-4.0',
  'cc-by-sa-3.0': 'CC-BY-SA-3.0',
  'cc-by-sa-4.0': 'CC-BY-SA-4.0',
  'cc-by-nc-2.0': 'CC-BY-NC-2.0',
  'cc-by-nc-3.0': 'CC-BY-NC-3.0',
  'cc-by-nc-4.0': 'CC-BY-NC-4.0',
  'cc-by-nd-4.0': 'CC-BY-ND-4.0',
  'cc-by-nc-nd-3.0': 'CC-BY-NC-ND-3.0',
  'cc-by-nc-nd-4.0': 'CC-BY-NC-ND-4.0',
  'cc-by-nc-sa-2.0': 'CC-BY-NC-SA-2.0',
  'cc-by-nc-sa-3.0': 'CC-BY-NC-SA-3.0',
  'cc-by-nc-sa-4.0': 'CC-BY-NC-SA-4.0',
  'cdla-sharing-1.0': 'CDLA-Sharing-1.0',
  'cdla-permissive-1.0': 'CDLA-Permissive-1.0',
  'cdla-permissive-2.0': 'CDLA-Permissive-2.0',
  wtfpl: 'WTFPL',
  'ecl-2.0': 'ECL-2.0',
  'epl-1.0': 'EPL-1.0',
  'epl-2.0': 'EPL-2.0',
  'etalab-2.0': 'etalab-2.0',
  'eupl-1.1': 'EUPL-1.1',
  'eupl-1.2': 'EUPL-1.2',
  'agpl-3.0': 'AGPL-3.0-only',
  'gpl-2.0': 'GPL-2.0-only',
  'gpl-3.0': 'GPL-3.0-only',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-3.0': 'LGPL-3.0-only',
  'lgpl-lr': 'LGPLLR',
  isc: 'ISC',
  'lppl-1.3c': 'LPPL-1.3c',
  'ms-pl': 'MS-PL',
  'mpl-2.0': 'MPL-2.0',
  'odc-by': 'ODC-By-1.0',
  odbl: 'ODbL-1.0',
  'osl-3.0': 'OSL-3.0',
  postgresql: 'PostgreSQL',
  'ofl-1.1': 'OFL-1.1',
  ncsa: 'NCSA',
  unlicense: 'Unlicense',
  zlib: 'Zlib',
  pddl: 'PDDL-1.0',
};

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
  return HF_TO_SPDX[id.toLowerCase()] ?? id;
}

/** Whether `id` is a Hub licence id that has no SPDX equivalent (`llama3.1`, `openrail`, …). */
export function isHuggingFaceOnlyLicense(id: string): boolean {
  return HF_ONLY.has(id.toLowerCase());
}
