// deploy/ proven valid by the real apiserver: `kubectl apply --dry-run=server -k deploy/` (and with the
// fail-closed component) is accepted with no warning (Pod Security `restricted` included), and the
// webhook's service account has no right beyond what docs/rbac.md lists.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../scripts/cluster/cluster.js';
import { kubectl, kubectlRaw, useE2E, type E2E } from './support/e2e.js';

const SA = 'system:serviceaccount:aibom-system:aibom-webhook';
/** A service account nobody bound anything to: what every service account of the namespace may do. */
const NOBODY = 'system:serviceaccount:aibom-system:e2e-nobody';

/** `kubectl auth can-i --list` rows as `resource|nonResourceURLs|resourceNames|verb` strings, one per verb. */
export function canIRows(table: string): string[] {
  const rows: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const m = /^(\S*)\s+(\[[^\]]*\])\s+(\[[^\]]*\])\s+\[([^\]]*)\]\s*$/.exec(line.trim());
    if (!m) continue;
    for (const verb of m[4]!.split(/\s+/).filter(Boolean)) rows.push(`${m[1]}|${m[2]}|${m[3]}|${verb}`);
  }
  return rows.sort();
}

/** docs/rbac.md's list: `- <namespace>: <resource> <verb,…>` between the rbac markers. */
function documentedRights(): Map<string, string[]> {
  const doc = readFileSync(join(repoRoot, 'docs/rbac.md'), 'utf8');
  const block = doc.slice(doc.indexOf('<!-- rbac:begin'), doc.indexOf('<!-- rbac:end'));
  const rights = new Map<string, string[]>();
  for (const line of block.split('\n')) {
    const m = /^- (\S+): (\S+) (\S+)$/.exec(line.trim());
    if (!m) continue;
    for (const verb of m[3]!.split(',')) rights.set(m[1]!, [...(rights.get(m[1]!) ?? []), `${m[2]}|[]|[]|${verb}`]);
  }
  return rights;
}

describe('e2e: deploy/ against the real apiserver', function () {
  this.timeout(120_000);
  const cluster = useE2E();
  let e: E2E;

  before(() => {
    e = cluster();
  });

  async function serverDryRun(dir: string): Promise<string> {
    const out = await kubectlRaw(e, ['apply', '--dry-run=server', '-k', dir]);
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stderr, 'no warning (Pod Security restricted, deprecated APIs, unknown fields)').to.not.match(/Warning/i);
    return out.stdout;
  }

  it('kubectl apply --dry-run=server -k deploy/ is accepted, every resource, with no warning', async () => {
    const stdout = await serverDryRun(join(repoRoot, 'deploy'));
    const rendered = parseAllDocuments(await kubectl(e, ['kustomize', join(repoRoot, 'deploy')])).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(rendered.length).to.be.greaterThan(8);
    for (const r of rendered) expect(stdout, `${r.kind}/${r.metadata.name}`).to.match(new RegExp(`/${r.metadata.name} (created|configured|unchanged) \\(server dry run\\)`));
  });

  it('deploy/ with the fail-closed component is accepted, with failurePolicy Fail on the validating webhook', async () => {
    const dir = join(e.state.stateDir, 'deploy-dry-fail-closed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kustomization.yaml'), `resources: [${relative(dir, join(repoRoot, 'deploy'))}]\ncomponents: [${relative(dir, join(repoRoot, 'deploy/components/fail-closed'))}]\n`);
    await serverDryRun(dir);
    const out = JSON.parse(await kubectl(e, ['apply', '--dry-run=server', '-k', dir, '-o', 'json'])) as { items: Array<{ kind: string; webhooks?: Array<{ failurePolicy: string }> }> };
    expect(out.items.find((i) => i.kind === 'ValidatingWebhookConfiguration')?.webhooks?.[0]?.failurePolicy).to.equal('Fail');
    expect(out.items.find((i) => i.kind === 'MutatingWebhookConfiguration')?.webhooks?.[0]?.failurePolicy).to.equal('Ignore');
  });

  it('the service account may do nothing beyond what docs/rbac.md lists (kubectl auth can-i --list)', async () => {
    const documented = documentedRights();
    for (const ns of ['aibom-system', 'default']) {
      const mine = canIRows(await kubectl(e, ['auth', 'can-i', '--list', `--as=${SA}`, '-n', ns]));
      const baseline = canIRows(await kubectl(e, ['auth', 'can-i', '--list', `--as=${NOBODY}`, '-n', ns]));
      expect(baseline.length, 'the baseline lists the rights of every authenticated user').to.be.greaterThan(0);
      const extra = mine.filter((r) => !baseline.includes(r));
      const allowed = [...(documented.get(ns) ?? []), ...(documented.get('*') ?? [])];
      expect(extra.filter((r) => !allowed.includes(r)), `rights of ${SA} in ${ns} beyond docs/rbac.md`).to.deep.equal([]);
    }
    // The check can fail: a right granted for the test shows up as an extra row.
    await kubectl(e, ['create', 'rolebinding', 'e2e-probe', '-n', 'default', '--clusterrole=view', `--serviceaccount=aibom-system:aibom-webhook`]);
    try {
      const mine = canIRows(await kubectl(e, ['auth', 'can-i', '--list', `--as=${SA}`, '-n', 'default']));
      expect(mine).to.include('pods|[]|[]|get');
    } finally {
      await kubectl(e, ['delete', 'rolebinding', 'e2e-probe', '-n', 'default']);
    }
  });
});
