// prom-client recorders for enforcement (docs/enforcement.md "Metrics"), on the Registry passed in.
// Counters and gauges (no summaries: they do not aggregate across replicas); label values come from closed sets, except
// the policy name (bounded by the policy set, capped below), the namespace of admitted AI workloads
// (bounded by the cluster's namespaces) and the policy-set hash (one series at a time: reset on change).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuditRecord } from '../audit/index.js';
import { isWorkloadKind } from '../contracts/workload.js';

/** Distinct policy names kept as label values; the rest count as `other`. */
export const MAX_POLICY_LABELS = 100;
const MAX_NAMESPACE_LABELS = 1000;

export interface EnforcementMetrics {
  /** One admission decision (from its audit record). Dry runs count only as `dry_run="true"` decisions. */
  decision(record: AuditRecord): void;
  /** A policy directory (re)load: `ok` (a new set is active), `unchanged`, or `error` (the last good set stays). */
  policyReload(result: 'ok' | 'unchanged' | 'error'): void;
  /** The active policy set. */
  policySet(hash: string, policies: number, loadedAt: Date): void;
  /** Whether the last load attempt failed (1) or not (0). */
  policyLoadFailing(failing: boolean): void;
}

// eslint-disable-next-line max-lines-per-function -- a flat list of metric definitions and their one-line recorders
export function createEnforcementMetrics(registry: Registry): EnforcementMetrics {
  const registers = [registry];
  const decisions = new Counter({
    name: 'aibom_policy_decisions_total',
    help: 'Validating decisions by result (allowed, denied, warned, audited, bypassed) and whether it was a dry run.',
    labelNames: ['result', 'dry_run'] as const,
    registers,
  });
  const verdicts = new Counter({
    name: 'aibom_policy_verdicts_total',
    help: 'Policy verdicts in real (not dry-run) validating decisions, by policy, rule and effect (deny, warn, audit).',
    labelNames: ['policy', 'rule', 'effect'] as const,
    registers,
  });
  const breakGlass = new Counter({
    name: 'aibom_break_glass_total',
    help: 'Break-glass annotations evaluated in real admissions, by result (honoured: a denial was bypassed; unused; refused; inherited: a bypass label kept or copied).',
    labelNames: ['result'] as const,
    registers,
  });
  const exceptions = new Counter({
    name: 'aibom_policy_exception_uses_total',
    help: 'Policy exceptions used in real admissions, by policy and status (applied, expired: matched but no longer applies).',
    labelNames: ['policy', 'status'] as const,
    registers,
  });
  const admitted = new Counter({
    name: 'aibom_ai_workloads_admitted_total',
    help: 'AI-bearing workloads admitted by the validating webhook (real admissions), by namespace, kind and AI kind.',
    labelNames: ['namespace', 'kind', 'ai_kind'] as const,
    registers,
  });
  const reloads = new Counter({
    name: 'aibom_policy_reloads_total',
    help: 'Policy directory loads, by result (ok: a new set is active; unchanged; error: the last good set stays).',
    labelNames: ['result'] as const,
    registers,
  });
  const info = new Gauge({ name: 'aibom_policy_set_info', help: 'The active policy set (value 1), by its hash.', labelNames: ['hash'] as const, registers });
  const count = new Gauge({ name: 'aibom_policy_set_policies', help: 'Policies in the active set.', registers });
  const loaded = new Gauge({ name: 'aibom_policy_set_loaded_timestamp_seconds', help: 'When the active policy set was loaded (Unix seconds).', registers });
  const failing = new Gauge({ name: 'aibom_policy_load_failing', help: '1 while the policy directory holds an edit that does not load (the last good set is active).', registers });
  for (const result of ['ok', 'unchanged', 'error'] as const) reloads.labels({ result }).inc(0);
  for (const result of ['honoured', 'refused'] as const) breakGlass.labels({ result }).inc(0);
  failing.set(0);

  const policies = new Set<string>();
  const policyLabel = (name: string): string => {
    if (policies.has(name)) return name;
    if (policies.size >= MAX_POLICY_LABELS) return 'other';
    policies.add(name);
    return name;
  };
  const namespaces = new Set<string>();
  const namespaceLabel = (ns: string): string => {
    if (namespaces.has(ns)) return ns;
    if (namespaces.size >= MAX_NAMESPACE_LABELS) return 'other';
    namespaces.add(ns);
    return ns;
  };

  return {
    decision(record) {
      if (record.webhook === 'validate' && record.verdict !== 'skipped' && record.verdict !== 'labelled') {
        decisions.inc({ result: record.verdict, dry_run: String(record.dryRun) });
      }
      if (record.dryRun) return;
      if (record.webhook === 'validate') {
        for (const v of record.verdicts) verdicts.inc({ policy: policyLabel(v.policy), rule: v.rule, effect: v.effect });
        for (const e of record.exceptions ?? []) exceptions.inc({ policy: policyLabel(e.policy), status: e.status });
        if (record.breakGlass) {
          const result = record.breakGlass.result;
          breakGlass.inc({ result: result === 'honoured' ? 'honoured' : result === 'honoured-unused' ? 'unused' : result.startsWith('refused') ? 'refused' : 'not-needed' });
        }
        const allowed = record.verdict !== 'denied';
        if (allowed && record.aiBearing === 'true' && record.object.operation === 'CREATE') {
          const kind = isWorkloadKind(record.object.kind) ? record.object.kind : 'other';
          admitted.inc({ namespace: namespaceLabel(record.object.namespace), kind, ai_kind: record.aiKind ?? 'unknown' });
        }
      } else if (record.verdict === 'bypassed' && record.breakGlass?.result === 'inherited') {
        breakGlass.inc({ result: 'inherited' });
      }
    },
    policyReload(result) {
      reloads.inc({ result });
    },
    policySet(hash, n, at) {
      info.reset();
      info.set({ hash }, 1);
      count.set(n);
      loaded.set(at.getTime() / 1000);
    },
    policyLoadFailing(isFailing) {
      failing.set(isFailing ? 1 : 0);
    },
  };
}
