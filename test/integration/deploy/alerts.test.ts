// deploy/monitoring/alerts.rules.yaml with the real promtool: the rules parse (`promtool check rules`),
// every alert fires on the synthetic series of tests/alerts.test.yaml and stays quiet on the look-alikes
// (`promtool test rules`), a loosened threshold fails those tests, and the PrometheusRule carries the
// same groups.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { runGoTool } from '../../support/go-tool.js';
import { tempDir } from '../../support/server.js';

const DIR = 'deploy/monitoring';
const RULES = `${DIR}/alerts.rules.yaml`;
const TESTS = `${DIR}/tests/alerts.test.yaml`;

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Groups {
  groups: { name: string; rules: Rule[] }[];
}

function alertRules(): Rule[] {
  return (parseYaml(readFileSync(RULES, 'utf8')) as Groups).groups.flatMap((g) => g.rules);
}

describe('deploy/monitoring: alerts (promtool)', function () {
  this.timeout(20 * 60_000); // a cold machine builds promtool first
  const tmp = tempDir('alerts');
  after(() => tmp.remove());

  it('promtool check rules: the plain file and the PrometheusRule spec', () => {
    const plain = runGoTool('promtool', ['check', 'rules', RULES]);
    expect(plain.code, plain.stdout + plain.stderr).to.equal(0);
    expect(plain.stdout).to.contain(`SUCCESS: ${alertRules().length} rules found`);
    const spec = (parseYaml(readFileSync(`${DIR}/prometheusrule.yaml`, 'utf8')) as { spec: Groups }).spec;
    const file = join(tmp.dir, 'from-prometheusrule.yaml');
    writeFileSync(file, JSON.stringify(spec));
    expect(runGoTool('promtool', ['check', 'rules', file]).code).to.equal(0);
  });

  it('the PrometheusRule (and the chart\'s copy of the rules) has exactly the groups of the plain rules file', () => {
    expect(readFileSync('charts/aibom-webhook/files/alerts.rules.yaml', 'utf8')).to.equal(readFileSync(RULES, 'utf8'));
    const pr = parseYaml(readFileSync(`${DIR}/prometheusrule.yaml`, 'utf8')) as { apiVersion: string; kind: string; spec: Groups };
    expect([pr.apiVersion, pr.kind]).to.deep.equal(['monitoring.coreos.com/v1', 'PrometheusRule']);
    expect(pr.spec).to.deep.equal(parseYaml(readFileSync(RULES, 'utf8')));
  });

  it('every alert has a severity, a summary, a description and a runbook section in docs/monitoring.md', () => {
    const doc = readFileSync('docs/monitoring.md', 'utf8').toLowerCase();
    for (const r of alertRules()) {
      expect(r.labels?.severity, r.alert).to.be.oneOf(['critical', 'warning', 'info']);
      expect(r.annotations?.summary, r.alert).to.be.a('string');
      expect(r.annotations?.description, r.alert).to.be.a('string');
      const anchor = /^docs\/monitoring\.md#([a-z]+)$/.exec(r.annotations?.runbook ?? '')?.[1];
      expect(anchor, r.alert).to.be.a('string');
      expect(doc, `docs/monitoring.md has a "### ${anchor}" heading`).to.match(new RegExp(`^### ${anchor}$`, 'm'));
    }
  });

  it('promtool test rules: each alert fires on its synthetic series, and not on the look-alikes', () => {
    const run = runGoTool('promtool', ['test', 'rules', TESTS]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.contain('SUCCESS');
    // Every alert is exercised by at least one test.
    const tested = new Set([...readFileSync(TESTS, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    expect(alertRules().map((r) => r.alert).filter((a) => !tested.has(a))).to.deep.equal([]);
  });

  it('the tests can fail: a loosened threshold or a dropped dry_run filter is caught', () => {
    const cases: [string, string][] = [
      ['> 0.01', '> 0.5'], // webhook errors: 5% no longer pages
      ['result="denied",dry_run="false"}[10m])) >= 10', 'result="denied"}[10m])) >= 10'], // dry runs counted
      ['< 14 * 86400', '< 7 * 86400'],
    ];
    for (const [from, to] of cases) {
      const dir = join(tmp.dir, `mutant-${cases.findIndex((c) => c[0] === from)}`);
      mkdirSync(join(dir, 'tests'), { recursive: true });
      const text = readFileSync(RULES, 'utf8');
      expect(text, from).to.contain(from);
      writeFileSync(join(dir, 'alerts.rules.yaml'), text.replaceAll(from, to));
      copyFileSync(TESTS, join(dir, 'tests/alerts.test.yaml'));
      const run = runGoTool('promtool', ['test', 'rules', join(dir, 'tests/alerts.test.yaml')]);
      expect(run.code, `${from} → ${to}: ${run.stdout}`).to.not.equal(0);
    }
  });
});
