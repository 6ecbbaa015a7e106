// Licence strings found in model files (GGUF `general.license`, model-card front matter, Core ML
// metadata) → one SPDX expression, with the same rules as the BOM parsers (src/bom/license.ts).
import { isNoLicense, normalizeLicenseExpression, normalizeLicenseId } from '../bom/index.js';

export function spdxLicense(raw: string): string | undefined {
  const t = raw.trim();
  if (!t || isNoLicense(t)) return undefined;
  if (/\s(AND|OR|WITH)\s/i.test(t) || t.includes('(')) return normalizeLicenseExpression(t);
  return normalizeLicenseId(t);
}
