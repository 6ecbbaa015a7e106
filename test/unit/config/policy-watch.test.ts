import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { PolicyWatcher, type WatchLogger } from '../../../src/config/policy-watch.js';
import { createEnforcementMetrics } from '../../../src/metrics/enforcement-metrics.js';
import { PolicyError } from '../../../src/policy/parse.js';
import { ConfigMapDir } from '../../support/configmap-dir.js';
import { tempDir } from '../../support/server.js';

const policy = (name: string, mode: string, comment = ''): string => `# ${comment}
apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: ${name}}
spec:
  mode: ${mode}
  rules: {requireHashes: true}
`;

function recordingLog(): WatchLogger & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = [];
  return { lines, info: (obj, msg) => lines.push({ level: 'info', msg, obj }), error: (obj, msg) => lines.push({ level: 'error', msg, obj }) };
}

async function metric(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(name));
}

describe('config/policy-watch (kubelet ConfigMap layout)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let cm: ConfigMapDir;
  beforeEach(() => {
    tmp = tempDir('policy-watch');
    cm = new ConfigMapDir(join(tmp.dir, 'policies'));
  });
  afterEach(() => tmp.remove());

  it('builds the real layout: keys are symlinks through ..data', () => {
    cm.write({ 'a.yaml': policy('a', 'Enforce') });
    expect(lstatSync(join(cm.dir, 'a.yaml')).isSymbolicLink()).to.equal(true);
    expect(readlinkSync(join(cm.dir, 'a.yaml'))).to.equal('..data/a.yaml');
    expect(readlinkSync(join(cm.dir, '..data'))).to.match(/^\.\.2026_/);
  });

  it('applies a good edit, keeps the last good set on a broken one, recovers on the next good one', async () => {
    const registry = new Registry();
    const metrics = createEnforcementMetrics(registry);
    const log = recordingLog();
    cm.write({ 'a.yaml': policy('a', 'Enforce') });
    const w = new PolicyWatcher({ dir: cm.dir, pollMs: 60_000, log, listener: metrics });
    const first = w.current().hash;
    expect(w.current().policies.map((p) => p.metadata.name)).to.deep.equal(['a']);
    expect(w.check()).to.equal('same');

    cm.write({ 'a.yaml': policy('a', 'Warn'), 'b.yaml': policy('b', 'Audit') });
    expect(w.check()).to.equal('ok');
    const second = w.current().hash;
    expect(second).not.to.equal(first);
    expect(w.current().policies.map((p) => [p.metadata.name, p.spec.mode])).to.deep.equal([['a', 'Warn'], ['b', 'Audit']]);

    cm.write({ 'a.yaml': policy('a', 'Sometimes'), 'b.yaml': policy('b', 'Audit') });
    expect(w.check()).to.equal('error');
    expect(w.current().hash).to.equal(second);
    const state = w.state();
    expect(state.failing).to.equal(true);
    expect(state.hash).to.equal(second);
    expect(state.lastError?.message).to.match(/a\.yaml.*spec\.mode/);
    expect(state.lastError?.message).to.contain(join(cm.dir, 'a.yaml'));
    // The same bad content is reported once, not at every poll.
    expect(w.check()).to.equal('error');
    expect(log.lines.filter((l) => l.level === 'error')).to.have.length(1);
    expect(await metric(registry, 'aibom_policy_reloads_total')).to.include.members(['aibom_policy_reloads_total{result="ok"} 2', 'aibom_policy_reloads_total{result="error"} 1']);
    expect(await metric(registry, 'aibom_policy_load_failing')).to.include('aibom_policy_load_failing 1');
    expect(await metric(registry, 'aibom_policy_set_info')).to.include(`aibom_policy_set_info{hash="${second}"} 1`);

    cm.write({ 'b.yaml': policy('b', 'Enforce') });
    expect(w.check()).to.equal('ok');
    expect(w.state().failing).to.equal(false);
    expect(await metric(registry, 'aibom_policy_load_failing')).to.include('aibom_policy_load_failing 0');
    const info = await metric(registry, 'aibom_policy_set_info{');
    expect(info).to.deep.equal([`aibom_policy_set_info{hash="${w.current().hash}"} 1`]);
  });

  it('a comment-only edit is new content but the same policy set', () => {
    cm.write({ 'a.yaml': policy('a', 'Enforce') });
    const w = new PolicyWatcher({ dir: cm.dir, pollMs: 60_000, log: recordingLog() });
    const hash = w.current().hash;
    cm.write({ 'a.yaml': policy('a', 'Enforce', 'reviewed by sec-team') });
    expect(w.check()).to.equal('unchanged');
    expect(w.current().hash).to.equal(hash);
  });

  it('the same policies give the same hash whatever the file names', () => {
    cm.write({ 'a.yaml': policy('a', 'Enforce'), 'b.yaml': policy('b', 'Warn') });
    const one = new PolicyWatcher({ dir: cm.dir, pollMs: 60_000, log: recordingLog() }).current().hash;
    cm.write({ 'all.yaml': `${policy('b', 'Warn')}---\n${policy('a', 'Enforce')}` });
    expect(new PolicyWatcher({ dir: cm.dir, pollMs: 60_000, log: recordingLog() }).current().hash).to.equal(one);
  });

  it('refuses to start on a directory that does not load (no last good set)', () => {
    cm.write({ 'a.yaml': policy('a', 'Sometimes') });
    expect(() => new PolicyWatcher({ dir: cm.dir, pollMs: 60_000, log: recordingLog() })).to.throw(PolicyError, /spec\.mode/);
    expect(() => new PolicyWatcher({ dir: join(tmp.dir, 'missing'), pollMs: 60_000, log: recordingLog() })).to.throw(PolicyError, /ENOENT/);
  });

  it('once started, picks up a swap by itself (watch or poll)', async () => {
    cm.write({ 'a.yaml': policy('a', 'Enforce') });
    const w = new PolicyWatcher({ dir: cm.dir, pollMs: 200, log: recordingLog(), debounceMs: 20 });
    w.start();
    try {
      cm.write({ 'a.yaml': policy('a', 'Audit') });
      const deadline = Date.now() + 5000;
      while (w.current().policies[0]!.spec.mode !== 'Audit' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(w.current().policies[0]!.spec.mode).to.equal('Audit');
    } finally {
      w.stop();
    }
  });
});
