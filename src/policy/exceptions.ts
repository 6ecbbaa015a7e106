// Policy exceptions (`spec.exceptions[]`): planned, ticketed exemptions from one policy. Pure; the time
// is passed in. An exception that matches a verdict exempts it: the verdict stays (so the use is
// audited), its effect becomes `audit` and it names the exception. Expired exceptions stop applying;
// a verdict an expired exception would have matched says so (`expiredException`), for the audit trail.
// Matching rules (docs/enforcement.md "Exceptions"): every matcher the exception names must match
// (AND); within one matcher any pattern may match (OR).
import { matchesAny } from '../contracts/glob.js';
import type { AIModelPolicy, PolicyException } from './schema.js';
import type { ExceptionRef, ExceptionUse, Verdict } from '../contracts/policy.js';

/** The workload a verdict is about, as exceptions see it. */
export interface ExceptionTarget {
  namespace: string;
  kind: string;
  /** Object name, or `<generateName>*` when the apiserver has not named it yet. */
  name: string;
  /** Normalised references of every image of the workload. */
  images: readonly string[];
}

export function isExpired(exception: PolicyException, now: Date): boolean {
  if (exception.expires === undefined) return false;
  const at = Date.parse(exception.expires);
  return Number.isNaN(at) || now.getTime() >= at;
}

/** The purl without version, qualifiers and subpath. */
function purlBase(purl: string): string {
  const cut = purl.search(/[?#]/);
  const head = cut >= 0 ? purl.slice(0, cut) : purl;
  const at = head.lastIndexOf('@');
  return at > head.indexOf('/') && at >= 0 ? head.slice(0, at) : head;
}

function modelCandidates(v: Verdict): string[] {
  const out: string[] = [];
  if (v.model !== undefined) {
    out.push(v.model);
    const at = v.model.lastIndexOf('@');
    if (at > 0) out.push(v.model.slice(0, at));
  }
  if (v.modelPurl !== undefined) out.push(v.modelPurl, purlBase(v.modelPurl));
  return out;
}

/** Whether the exception's matchers all select this verdict (expiry is not looked at here). */
export function exceptionMatches(exception: PolicyException, verdict: Verdict, target: ExceptionTarget): boolean {
  if (exception.rules && !exception.rules.includes(verdict.rule)) return false;
  if (exception.namespaces && !matchesAny(exception.namespaces, target.namespace)) return false;
  if (exception.workloads && !exception.workloads.some((w) => matchesAny([w.kind], target.kind) && matchesAny([w.name], target.name))) return false;
  if (exception.images) {
    // A finding about the workload as a whole (no image) is exempted only when every image is.
    const images = verdict.image !== undefined ? [verdict.image] : target.images;
    if (images.length === 0 || !images.every((image) => matchesAny(exception.images!, image))) return false;
  }
  if (exception.models) {
    // Findings that are not about a model (digest pinning, lookup failures) are never model exceptions.
    const candidates = modelCandidates(verdict);
    if (!candidates.some((c) => matchesAny(exception.models!, c, { caseInsensitive: true }))) return false;
  }
  return true;
}

export function exceptionRef(policy: AIModelPolicy, index: number): ExceptionRef {
  const e = policy.spec.exceptions[index]!;
  const ref: ExceptionRef = { policy: policy.metadata.name, index, ticket: e.ticket };
  if (e.name !== undefined) ref.name = e.name;
  if (e.expires !== undefined) ref.expires = e.expires;
  return ref;
}

/** The policy's verdicts with its exceptions applied: the first active matching exception wins. */
export function applyExceptions(policy: AIModelPolicy, verdicts: readonly Verdict[], target: ExceptionTarget, now: Date): Verdict[] {
  if (policy.spec.exceptions.length === 0) return [...verdicts];
  return verdicts.map((v) => applyException(policy, v, target, now));
}

/** One verdict of the policy with its exceptions applied (the verdict itself when none matches). */
export function applyException(policy: AIModelPolicy, v: Verdict, target: ExceptionTarget, now: Date): Verdict {
  const exceptions = policy.spec.exceptions;
  let expired: number | undefined;
  for (let i = 0; i < exceptions.length; i++) {
    const e = exceptions[i]!;
    if (!exceptionMatches(e, v, target)) continue;
    if (isExpired(e, now)) {
      expired ??= i;
      continue;
    }
    return { ...v, effect: 'audit', originalEffect: v.effect, exception: exceptionRef(policy, i) };
  }
  return expired === undefined ? v : { ...v, expiredException: exceptionRef(policy, expired) };
}

/** One exception's use in one decision: `applied` exempted verdicts, `expired` would have. */
/** The distinct exceptions a decision used, in a stable order (policy, index, status). */
export function exceptionUses(verdicts: readonly Verdict[]): ExceptionUse[] {
  const counter = new ExceptionUseCounter();
  for (const v of verdicts) counter.add(v);
  return counter.uses();
}

/** exceptionUses, one verdict at a time (the verdicts of a decision are not all kept). */
export class ExceptionUseCounter {
  readonly #uses = new Map<string, ExceptionUse>();

  add(v: Verdict): void {
    if (v.exception) this.#count(v.exception, 'applied');
    if (v.expiredException) this.#count(v.expiredException, 'expired');
  }

  uses(): ExceptionUse[] {
    return [...this.#uses.values()].sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : a.index - b.index || (a.status < b.status ? -1 : 1)));
  }

  #count(ref: ExceptionRef, status: ExceptionUse['status']): void {
    const key = `${status}\u0000${ref.policy}\u0000${ref.index}`;
    const use = this.#uses.get(key);
    if (use) use.verdicts++;
    else this.#uses.set(key, { ...ref, status, verdicts: 1 });
  }
}
