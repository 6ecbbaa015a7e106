// Licence normalisation shared by the BOM parsers and the policy engine: every model ends up with ONE
// licence expression string.
//
// Rules (documented in docs/classification.md "Model facts"):
// 1. "Not a licence" values — unknown, NOASSERTION, NONE, other, empty — count as absent, so a fallback
//    (e.g. the generator's `licenses` property) can be used instead.
// 2. Hugging Face licence ids (the `license:` key of a model card) map to the SPDX id when SPDX has one
//    (apache-2.0 → Apache-2.0, cc-by-nc-4.0 → CC-BY-NC-4.0, gpl-3.0 → GPL-3.0-only, …).
// 3. A known SPDX id written in another case is re-cased (mit → MIT).
// 4. Hugging Face ids with no SPDX equivalent (openrail, creativeml-openrail-m, llama3.1, gemma, …) and
//    any other name are kept VERBATIM (trimmed): policies match them by the name users know, and we do
//    not invent LicenseRef- ids that no other tool would produce. `LicenseRef-…` values pass unchanged.
// 5. Several licences on one component are joined with AND (conservative: a policy sees all of them);
//    compound parts are parenthesised.

/** Hugging Face licence id (lower case) → SPDX id. Only ids with a real SPDX equivalent. */
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
  pddl: 'PDDL-1.0',
  'osl-3.0': 'OSL-3.0',
  'ofl-1.1': 'OFL-1.1',
  'ncsa': 'NCSA',
  unlicense: 'Unlicense',
  zlib: 'Zlib',
  'postgresql': 'PostgreSQL',
};

/** Common SPDX ids, keyed by lower case, to re-case ids written in another case. */
const SPDX_IDS: ReadonlyMap<string, string> = new Map(
  [
    ...Object.values(HF_TO_SPDX),
    'Apache-1.1', 'BSD-4-Clause', 'BSD-1-Clause', '0BSD', 'CC-BY-1.0', 'CC-BY-SA-2.0', 'CC-BY-SA-2.5', 'CC-BY-SA-1.0',
    'CC-BY-NC-1.0', 'CC-BY-NC-2.5', 'CC-BY-ND-3.0', 'CC-BY-NC-ND-2.5', 'CC-BY-NC-SA-2.5', 'CC-PDDC', 'GFDL-1.3', 'GFDL-1.3-only',
    'GFDL-1.2', 'GPL-2.0', 'GPL-3.0', 'GPL-2.0-or-later', 'GPL-3.0-or-later', 'LGPL-2.1', 'LGPL-3.0', 'LGPL-2.1-or-later',
    'LGPL-3.0-or-later', 'AGPL-3.0', 'AGPL-3.0-or-later', 'MPL-1.1', 'EPL-1.0', 'Python-2.0', 'PSF-2.0', 'OpenSSL', 'BlueOak-1.0.0',
    'MIT-0', 'Unicode-DFS-2016', 'CDDL-1.0', 'CDDL-1.1', 'OFL-1.0', 'HPND', 'X11', 'curl',
  ].map((id) => [id.toLowerCase(), id]),
);

const NOT_A_LICENSE = new Set(['unknown', 'noassertion', 'none', 'other', 'n/a', 'na', 'null', 'undefined', '']);

/** True when the value says nothing about the licence (unknown, NOASSERTION, …). */
export function isNoLicense(value: string | undefined): boolean {
  return value === undefined || NOT_A_LICENSE.has(value.trim().toLowerCase());
}

/** One licence id or name → the SPDX id where one exists, else the value verbatim. */
export function normalizeLicenseId(raw: string): string | undefined {
  const value = raw.trim();
  if (isNoLicense(value)) return undefined;
  if (/^(LicenseRef|DocumentRef)-/i.test(value)) return value;
  const lower = value.toLowerCase();
  const spdxUrl = /^https?:\/\/spdx\.org\/licenses\/([A-Za-z0-9.+-]+?)(?:\.html|\.json)?$/.exec(value);
  if (spdxUrl?.[1]) return normalizeLicenseId(spdxUrl[1]);
  return HF_TO_SPDX[lower] ?? SPDX_IDS.get(lower) ?? value;
}

const OPERATORS = new Set(['AND', 'OR', 'WITH']);

/**
 * An SPDX expression as written, with each simple id normalised (HF → SPDX, re-cased) and operators
 * upper-cased. Anything that is not expression syntax is kept verbatim.
 */
export function normalizeLicenseExpression(raw: string): string | undefined {
  const value = raw.trim();
  if (isNoLicense(value)) return undefined;
  if (!/\s(and|or|with)\s|[()]/i.test(value)) return normalizeLicenseId(value);
  const tokens = value.split(/(\s+|\(|\))/).filter((t) => t.length > 0 && t.trim().length > 0);
  const out = tokens.map((t) => {
    if (t === '(' || t === ')') return t;
    if (OPERATORS.has(t.toUpperCase())) return t.toUpperCase();
    return normalizeLicenseId(t) ?? t;
  });
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** Joins several licences into one expression (AND; compound parts parenthesised). Duplicates dropped. */
export function combineLicenses(parts: readonly string[]): string | undefined {
  const uniq = [...new Set(parts.filter((p) => p.length > 0))];
  if (uniq.length === 0) return undefined;
  if (uniq.length === 1) return uniq[0];
  return uniq.map((p) => (/\s(AND|OR|WITH)\s/.test(p) ? `(${p})` : p)).join(' AND ');
}
