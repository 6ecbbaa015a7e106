// Licence allow/deny on the SPDX expression tree (docs/policy.md "Licences"; Ratify issue #1207, github.com/ratify-project/ratify:
// a substring match is wrong for `MIT OR GPL-3.0-only`).
//   - leaf: `deny` beats `allow`; a non-empty `allow` refuses every id not in it; `unknown`, `NOASSERTION`
//     and `NONE` are "missing";
//   - OR passes when any branch passes, AND only when every branch does; a tree that neither passes nor
//     fails outright is "missing" and the policy's `missing` setting decides.
// Ids are compared case-insensitively after mapping Hugging Face ids to SPDX ids, with `X-only` ≡ `X`
// and `X-or-later` ≡ `X+` (the SPDX 3 spellings of the deprecated GNU ids).
import { formatLicenseExpression, LicenseExpressionError, parseLicenseExpression, type LicenseExpression, type LicenseLeaf } from './expression.js';
import { huggingFaceToSpdx, isHuggingFaceOnlyLicense } from './huggingface-ids.js';

export interface LicenseLists {
  allow: readonly string[];
  deny: readonly string[];
}

export type LicenseStatus = 'pass' | 'fail' | 'missing';

export interface LicenseEvaluation {
  status: LicenseStatus;
  /** Why it failed, one line per offending leaf (empty on pass). */
  reasons: string[];
  /** Set when the expression does not parse. */
  parseError?: string;
  /** The expression as understood (canonical form), when it parsed. */
  canonical?: string;
}

/** Values that say "no licence information": a model carrying them is treated like one without a licence. */
const MISSING_IDS = new Set(['unknown', 'noassertion', 'none']);

/** The comparison key of a licence id: lower case, Hub ids mapped, `-only`/`-or-later` folded. */
export function licenseKey(id: string): string {
  let key = huggingFaceToSpdx(id).toLowerCase();
  if (key.startsWith('licenseref-') && isHuggingFaceOnlyLicense(key.slice('licenseref-'.length))) key = key.slice('licenseref-'.length);
  if (key.endsWith('-or-later')) return `${key.slice(0, -'-or-later'.length)}+`;
  if (key.endsWith('-only')) return key.slice(0, -'-only'.length);
  return key;
}

interface CompiledList {
  /** Plain ids and `X+` ids. */
  ids: Set<string>;
  /** `X WITH E` entries, as `x with e` keys. */
  withs: Set<string>;
}

function compileList(entries: readonly string[]): CompiledList {
  const ids = new Set<string>();
  const withs = new Set<string>();
  for (const entry of entries) {
    const parts = entry.trim().split(/\s+with\s+/i);
    if (parts.length === 2) withs.add(`${keyOfWritten(parts[0]!)} with ${parts[1]!.toLowerCase()}`);
    else ids.add(keyOfWritten(entry.trim()));
  }
  return { ids, withs };
}

/** Key of an id as written in a list, where a trailing `+` means "or later". */
function keyOfWritten(text: string): string {
  if (text.endsWith('+') && !isHuggingFaceOnlyLicense(text)) return `${licenseKey(text.slice(0, -1)).replace(/\+$/, '')}+`;
  return licenseKey(text);
}

/**
 * A model's licence value to a tree. Hub-only ids are taken whole first (`openrail++` is not SPDX syntax);
 * throws LicenseExpressionError for anything else that does not parse.
 */
export function parseModelLicense(text: string): LicenseExpression {
  const trimmed = text.trim();
  if (isHuggingFaceOnlyLicense(trimmed)) return { kind: 'license', id: trimmed, orLater: false };
  return parseLicenseExpression(trimmed);
}

/** Evaluates one licence value (absent, empty or `unknown` → missing) against allow/deny lists. */
export function evaluateLicense(value: string | undefined, lists: LicenseLists): LicenseEvaluation {
  if (value === undefined || value.trim() === '') return { status: 'missing', reasons: ['no licence given'] };
  let tree: LicenseExpression;
  try {
    tree = parseModelLicense(value);
  } catch (err) {
    if (err instanceof LicenseExpressionError) return { status: 'missing', reasons: [`licence expression does not parse: ${err.message}`], parseError: err.message };
    throw err;
  }
  const allow = compileList(lists.allow);
  const deny = compileList(lists.deny);
  const result = evaluateTree(tree, allow, deny, lists.allow.length > 0);
  return { status: result.status, reasons: result.status === 'pass' ? [] : dedupe(result.reasons), canonical: formatLicenseExpression(tree) };
}

interface TreeResult {
  status: LicenseStatus;
  reasons: string[];
}

function evaluateTree(expr: LicenseExpression, allow: CompiledList, deny: CompiledList, allowListed: boolean): TreeResult {
  if (expr.kind === 'license') return evaluateLeaf(expr, allow, deny, allowListed);
  const results = expr.terms.map((t) => evaluateTree(t, allow, deny, allowListed));
  const has = (s: LicenseStatus): boolean => results.some((r) => r.status === s);
  let status: LicenseStatus;
  if (expr.kind === 'or') status = has('pass') ? 'pass' : has('missing') ? 'missing' : 'fail';
  else status = has('fail') ? 'fail' : has('missing') ? 'missing' : 'pass';
  // Report the reasons that decided the outcome: for a failed AND only the failing branches.
  const relevant = status === 'pass' ? [] : results.filter((r) => r.status === status || (expr.kind === 'or' && r.status !== 'pass'));
  return { status, reasons: relevant.flatMap((r) => r.reasons) };
}

function evaluateLeaf(leaf: LicenseLeaf, allow: CompiledList, deny: CompiledList, allowListed: boolean): TreeResult {
  const shown = formatLicenseExpression(leaf);
  const key = licenseKey(leaf.id);
  if (MISSING_IDS.has(key)) return { status: 'missing', reasons: [`licence is "${leaf.id}"`] };
  // `GPL-2.0-or-later` and `GPL-2.0+` are one thing: base `gpl-2.0`, full `gpl-2.0+`.
  const orLater = leaf.orLater || key.endsWith('+');
  const base = key.replace(/\+$/, '');
  const full = orLater ? `${base}+` : base;
  const exception = leaf.exception?.toLowerCase();
  // deny beats allow, and is read widely: denying X also denies "X or later" and "X WITH anything".
  if (deny.ids.has(base) || deny.ids.has(full) || (exception !== undefined && (deny.ids.has(exception) || deny.withs.has(`${full} with ${exception}`)))) {
    return { status: 'fail', reasons: [`${shown} is denied`] };
  }
  if (!allowListed) return { status: 'pass', reasons: [] };
  // "X or later" lets the licensee choose X; an exception only adds permissions.
  if (allow.ids.has(base) || allow.ids.has(`${base}+`) || (exception !== undefined && allow.withs.has(`${full} with ${exception}`))) {
    return { status: 'pass', reasons: [] };
  }
  return { status: 'fail', reasons: [`${shown} is not in the allow list`] };
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}
