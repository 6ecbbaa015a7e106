import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createEnforcementMetrics, MAX_POLICY_LABELS } from '../../../src/metrics/enforcement-metrics.js';
import type { AuditRecord } from '../../../src/audit/record.js';

function record(over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    audit: 1, time: '2026-06-01T00:00:00.000Z', webhook: 'validate', uid: 'u', dryRun: false,
    user: { username: 'bob', groups: [] }, object: { kind: 'Deployment', namespace: 'ml', name: 'chat', operation: 'CREATE' },
    verdict: 'denied', images: [], models: [], verdicts: [], durationMs: 1, ...over,
  };
}

describe('metrics/enforcement-metrics', () => {
  it('docs/enforcement.md lists every metric, and none is a summary', async () => {
    const registry = new Registry();
    createEnforcementMetrics(registry);
    const docs = readFileSync('docs/enforcement.md', 'utf8');
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.length).to.be.greaterThan(5);
    for (const m of metrics) {
      expect(m.name).to.match(/^aibom_/);
      expect(String(m.type)).not.to.equal('summary');
      expect(docs, m.name).to.contain(`| \`${m.name}\` |`);
    }
  });

  it('dry runs count only as dry-run decisions', async () => {
    const registry = new Registry();
    const m = createEnforcementMetrics(registry);
    m.decision(record({ dryRun: true, verdicts: [{ policy: 'p', rule: 'licenses', effect: 'deny', reason: 'x' }], breakGlass: { ticket: 't', result: 'refused: no' } }));
    const text = await registry.metrics();
    expect(text).to.contain('aibom_policy_decisions_total{result="denied",dry_run="true"} 1');
    expect(text).not.to.contain('aibom_policy_verdicts_total{');
    expect(text).to.contain('aibom_break_glass_total{result="refused"} 0');
  });

  it('caps the policy label', async () => {
    const registry = new Registry();
    const m = createEnforcementMetrics(registry);
    for (let i = 0; i < MAX_POLICY_LABELS + 5; i++) m.decision(record({ verdicts: [{ policy: `p${i}`, rule: 'licenses', effect: 'deny', reason: 'x' }] }));
    const text = await registry.metrics();
    expect(text.split('\n').filter((l) => l.startsWith('aibom_policy_verdicts_total{'))).to.have.length(MAX_POLICY_LABELS + 1);
    expect(text).to.contain('aibom_policy_verdicts_total{policy="other",rule="licenses",effect="deny"} 5');
  });
});
