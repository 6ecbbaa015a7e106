// Composition of enforcement for the server: the watched policy set (policies.dir), the policy ports of
// both endpoints, one audit line per decision through the server's logger, the enforcement metrics on
// the server's registry, and the `/statusz` detail about policies.
import type { AdmissionOutcome, Endpoint } from '../admission/index.js';
import type { AdmissionRequest } from '../contracts/admission-review.js';
import { auditRecord, isAudited, loggerAuditSink } from '../audit/index.js';
import { PolicyWatcher, type PolicyWatchState, type Config, enforcementSettings } from '../config/index.js';
import { createEnforcementMetrics, type EnforcementMetrics } from '../metrics/index.js';
import { enforcementDependencies, type EnforcementPorts, EMPTY_POLICY_SET, type PolicySet } from '../policy/index.js';
import type { Registry } from 'prom-client';
import { recordLogger, type Logger } from './log.js';

export interface Enforcement {
  ports: EnforcementPorts;
  metrics: EnforcementMetrics;
  current(): PolicySet;
  /** Called once per answered admission request. */
  onDecision(endpoint: Endpoint, request: AdmissionRequest, outcome: AdmissionOutcome, ms: number): void;
  readinessDetail(): { policies: PolicyWatchState | { dir: null; hash: string; policies: string[]; failing: false } };
  stop(): void;
}

/** Throws PolicyError when policies.dir does not load at start (there is no last good set to keep). */
export function createEnforcement(options: { config: Config; log: Logger; registry: Registry; clock?: () => Date }): Enforcement {
  const { config, log, registry } = options;
  const clock = options.clock ?? (() => new Date());
  const metrics = createEnforcementMetrics(registry);
  const settings = enforcementSettings(config);
  let watcher: PolicyWatcher | undefined;
  if (config.policies.dir) {
    watcher = new PolicyWatcher({ dir: config.policies.dir, pollMs: config.policies.pollSeconds * 1000, log, listener: metrics, clock });
    watcher.start();
  } else {
    metrics.policySet(EMPTY_POLICY_SET.hash, 0, clock());
    log.info('no policies.dir configured: the validating webhook admits everything (and still records)');
  }
  const current = (): PolicySet => watcher?.current() ?? EMPTY_POLICY_SET;
  // The audit record bounds its own fields (src/audit/record.ts); the line limit still holds.
  const sink = loggerAuditSink(recordLogger(log));
  return {
    ports: enforcementDependencies({ policies: current, settings, clock }),
    metrics,
    current,
    onDecision(endpoint, request, outcome, ms) {
      if (!isAudited(endpoint, outcome)) return;
      const record = auditRecord({ webhook: endpoint, request, outcome, durationMs: ms, now: clock(), policySet: current().hash });
      sink(record);
      metrics.decision(record);
    },
    readinessDetail: () => ({ policies: watcher?.state() ?? { dir: null, hash: EMPTY_POLICY_SET.hash, policies: [], failing: false } }),
    stop: () => watcher?.stop(),
  };
}
