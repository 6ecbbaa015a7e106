// Per-request deadlines. The apiserver appends `?timeout=<Go duration>` to the webhook URL (the
// configuration's timeoutSeconds, 1–30 s; admissionregistration.k8s.io/v1 timeoutSeconds; docs/lookup.md "Deadlines"); without it we use our own config.
// Two instants matter, both measured from when the request arrived:
//   lookupMs   — the signal passed into admit() aborts: pending lookups count as `timeout`;
//   answerMs   — the safety net: if the core has still not answered, a fallback response goes out,
//                so the apiserver never waits for its own timeout.
import type { Endpoint } from '../admission/index.js';
import type { Config } from '../config/index.js';

export interface RequestDeadline {
  /** The apiserver's timeout for this call. */
  timeoutMs: number;
  lookupMs: number;
  answerMs: number;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };

/** Parses a Go duration (`10s`, `1m0s`, `2.5s`, `500ms`); undefined when absent or malformed. */
export function parseGoDuration(text: string | null | undefined): number | undefined {
  if (!text || text.length > 32) return undefined;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  return total > 0 && Number.isFinite(total) ? total : undefined;
}

export function requestDeadline(endpoint: Endpoint, timeoutParam: string | null, config: Config): RequestDeadline {
  const configured = (endpoint === 'mutate' ? config.mutate.timeoutSeconds : config.validate.timeoutSeconds) * 1000;
  // The apiserver caps timeoutSeconds at 30 s; never trust a larger value from the query string.
  const timeoutMs = Math.min(parseGoDuration(timeoutParam) ?? configured, 30_000);
  const margin = Math.min(config.validate.marginMs, timeoutMs / 2);
  const answerMs = Math.max(1, timeoutMs - margin / 2);
  // Validate waits on lookups until its deadline minus the margin; mutate gives up at its lookup budget.
  const untilMargin = Math.max(1, timeoutMs - margin);
  const lookupMs = endpoint === 'mutate' ? Math.min(config.mutate.lookupBudgetMs, untilMargin) : untilMargin;
  return { timeoutMs, lookupMs, answerMs };
}
