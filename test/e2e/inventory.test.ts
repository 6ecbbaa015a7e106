// The inventory through the real apiserver (#16): deploy/crds and deploy/inventory accepted by a server
// dry run; the controller's service account may do exactly what it needs (kubectl auth can-i); the
// controller (`aibom inventory-controller`, run from the checkout with that service account's identity
// as a client certificate) reports workloads created before it started, writes each report once and
// nothing on a restart (counted in the apiserver's audit log), and the real garbage collector deletes a
// report with its workload.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../scripts/cluster/cluster.js';
import { issue, writeKubeconfig } from '../../scripts/cluster/pki.js';
import { auditEvents, eventually, kubectl, kubectlRaw, runOk, type E2E } from './support/e2e.js';
import { CDX, useSuite } from './support/images.js';
import { pushTinyImage } from '../support/local-registry.js';

const SA = 'system:serviceaccount:aibom-system:aibom-inventory';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Controller {
  child: ChildProcess;
  stdout: () => string;
  stop(): Promise<string>;
}

function startController(e: E2E, kubeconfig: string, identity: string, extra: { args?: string[]; env?: Record<string, string> } = {}): Controller {
  const args = [
    join(repoRoot, 'bin/aibom.js'), 'inventory-controller', '--kubeconfig', kubeconfig, '--config', e.state.webhook.configFile,
    '--insecure-registry', e.state.registry, '--insecure-registry', e.state.fallbackRegistry,
    '--identity', identity, '--lease-namespace', 'aibom-system', '--summary-seconds', '1', ...(extra.args ?? ['--resync-seconds', '3600']),
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, AIBOM_LOG_LEVEL: 'info', ...(extra.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stdout: () => `${out}\n--- stderr ---\n${err}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      return out;
    },
  };
}

async function reports(e: E2E, ns: string): Promise<Json[]> {
  return (JSON.parse(await kubectl(e, ['get', 'aiworkloadreports', '-n', ns, '-o', 'json'])) as { items: Json[] }).items;
}

describe('e2e: the inventory (AIWorkloadReports) through the real apiserver', function () {
  this.timeout(240_000);
  const t = useSuite('e2e-inventory');
  let kubeconfig: string;
  let controller: Controller | undefined;

  before(async () => {
    const e = t.e;
    await kubectl(e, ['apply', '-k', join(repoRoot, 'deploy/crds')]);
    await kubectl(e, ['apply', '-f', join(repoRoot, 'deploy/inventory/rbac.yaml')]);
    await kubectl(e, ['wait', '--for=condition=established', '--timeout=60s', 'crd/aiworkloadreports.aibom.io', 'crd/aiinventorysummaries.aibom.io']);
    // The service account's identity as a client certificate: RBAC matches the user name.
    const dir = join(e.state.stateDir, 'inventory');
    mkdirSync(dir, { recursive: true });
    const cert = issue(e.state.pki.ca, dir, 'inventory', { cn: SA, groups: ['system:serviceaccounts', 'system:serviceaccounts:aibom-system'] });
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, e.state.apiserver, e.state.pki.ca.cert, cert, SA);
  });

  after(async () => {
    await controller?.stop();
  });

  it('deploy/inventory and deploy/ with the inventory Component pass a server dry run with no warning', async () => {
    const e = t.e;
    const direct = await kubectlRaw(e, ['apply', '--dry-run=server', '-k', join(repoRoot, 'deploy/inventory')]);
    expect(direct.code, direct.stderr).to.equal(0);
    expect(direct.stderr).to.not.match(/Warning/i);
    expect(direct.stdout).to.match(/deployment.apps\/aibom-inventory (created|configured|unchanged) \(server dry run\)/);
    const dir = join(e.state.stateDir, 'deploy-with-inventory');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kustomization.yaml'), `resources: [${relative(dir, join(repoRoot, 'deploy'))}]\ncomponents: [${relative(dir, join(repoRoot, 'deploy/components/inventory'))}]\n`);
    const composed = await kubectlRaw(e, ['apply', '--dry-run=server', '-k', dir]);
    expect(composed.code, composed.stderr).to.equal(0);
    expect(composed.stderr).to.not.match(/Warning/i);
    expect(composed.stdout).to.match(/clusterrole.rbac.authorization.k8s.io\/aibom-inventory/);
  });

  it('the service account may read workloads and keep reports, its Lease and the summary, and nothing more', async () => {
    const e = t.e;
    const can = async (...args: string[]): Promise<boolean> => (await kubectlRaw(e, ['auth', 'can-i', `--as=${SA}`, ...args])).stdout.trim() === 'yes';
    for (const r of ['pods', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch']) {
      expect(await can('list', r, '-A'), `list ${r}`).to.equal(true);
      expect(await can('watch', r, '-A'), `watch ${r}`).to.equal(true);
      expect(await can('update', r, '-n', t.ns), `update ${r}`).to.equal(false);
      expect(await can('patch', r, '-n', t.ns), `patch ${r}`).to.equal(false);
    }
    expect(await can('create', 'pods', '-n', t.ns)).to.equal(false);
    expect(await can('get', 'secrets', '-n', t.ns)).to.equal(false);
    expect(await can('list', 'secrets', '-A')).to.equal(false);
    expect(await can('create', 'aiworkloadreports.aibom.io', '-n', t.ns)).to.equal(true);
    expect(await can('update', 'aiworkloadreports.aibom.io/status', '-n', t.ns, '--subresource=status')).to.equal(true);
    expect(await can('update', 'leases.coordination.k8s.io/aibom-inventory', '-n', 'aibom-system')).to.equal(true);
    expect(await can('update', 'leases.coordination.k8s.io/kube-controller-manager', '-n', 'kube-system')).to.equal(false);
    expect(await can('update', 'leases.coordination.k8s.io/other', '-n', 'aibom-system')).to.equal(false);
    expect(await can('update', 'aiinventorysummaries.aibom.io/cluster')).to.equal(true);
    expect(await can('update', 'aiinventorysummaries.aibom.io/other')).to.equal(false);
  });

  it('workloads created before the controller starts get a report each, written once; a restart writes nothing; deleting the workload deletes its report', async () => {
    const e = t.e;
    const ns = t.ns;
    await kubectl(e, ['create', 'deployment', 'granite', '-n', ns, `--image=${t.img.orasReferrers}`]);
    await kubectl(e, ['create', 'cronjob', 'triage', '-n', ns, `--image=${t.img.cosignBundle}`, '--schedule=0 0 1 1 *']);
    await kubectl(e, ['run', 'plain', '-n', ns, `--image=${t.img.plain}`, '--restart=Never']);
    // The ReplicaSet controller makes the Deployment's ReplicaSet and Pod: they get no report of their own.
    await eventually('the ReplicaSet', async () => ((await kubectl(e, ['get', 'rs', '-n', ns, '-o', 'name'])).trim() || undefined));

    controller = startController(e, kubeconfig, 'e2e-a');
    const stored = await eventually('three reports with a status', async () => {
      const items = await reports(e, ns);
      return items.length === 3 && items.every((r) => r.status?.statusHash) ? items : undefined;
    }, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${controller!.stdout()}`);
    });
    const byName = Object.fromEntries(stored.map((r) => [r.metadata.name, r]));
    expect(Object.keys(byName).sort()).to.deep.equal(['cronjob-triage', 'deployment-granite', 'pod-plain']);
    const granite = byName['deployment-granite']!;
    const deployment = JSON.parse(await kubectl(e, ['get', 'deployment', 'granite', '-n', ns, '-o', 'json'])) as Json;
    expect(granite.metadata.ownerReferences).to.deep.equal([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'granite', uid: deployment.metadata.uid, controller: true }]);
    expect(granite.status).to.deep.include({ aiBearing: 'true', aiKind: 'model', evidence: 'bom' });
    expect(granite.status.images[0].digest).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(granite.status.models.length).to.be.greaterThan(0);
    expect(granite.status.models[0].boms[0].source).to.equal('referrers');
    expect(byName['cronjob-triage']!.status.aiKind).to.equal('agent');
    expect(byName['pod-plain']!.status.aiBearing).to.equal('false');

    // kubectl's view: printer columns and a field selector on the status.
    const table = await kubectl(e, ['get', 'aiworkloadreports', '-n', ns]);
    expect(table.split('\n')[0]).to.match(/^NAME\s+KIND\s+WORKLOAD\s+AI-BEARING\s+MODELS\s+POLICY\s+FAIL\s+AGE$/);
    expect(table).to.match(/deployment-granite\s+Deployment\s+granite\s+true\s+[1-9]\d*\s+pass\s+0\s+/);
    const ai = await kubectl(e, ['get', 'aiworkloadreports', '-n', ns, '--field-selector', 'status.aiBearing=true', '-o', 'name']);
    expect(ai.trim().split('\n').sort()).to.deep.equal(['aiworkloadreport.aibom.io/cronjob-triage', 'aiworkloadreport.aibom.io/deployment-granite']);
    const summary = await eventually('the summary', async () => {
      const s = JSON.parse(await kubectl(e, ['get', 'aiinventorysummary', 'cluster', '-o', 'json'])) as Json;
      return s.status?.aiBearing?.true >= 2 ? s : undefined;
    });
    expect(summary.status.workloads).to.be.at.least(3);

    // Writes seen by the apiserver: a create and a status update per report, nothing else.
    const writesIn = async (): Promise<string[]> => (await auditEvents(e, (ev) => ev.user.username === SA && ev.stage === 'ResponseComplete' && (ev as Json).objectRef?.resource === 'aiworkloadreports' && (ev as Json).objectRef?.namespace === ns))
      .map((ev) => `${ev.verb} ${(ev as Json).objectRef.name}${(ev as Json).objectRef.subresource ? `/${(ev as Json).objectRef.subresource}` : ''}`);
    const first = (await writesIn()).sort();
    expect(first).to.deep.equal(['create cronjob-triage', 'create deployment-granite', 'create pod-plain', 'update cronjob-triage/status', 'update deployment-granite/status', 'update pod-plain/status']);

    // A restart: the new controller lists the reports, compares, and writes nothing.
    const out = await controller.stop();
    expect(out).to.match(/inventory controller stopped/);
    controller = startController(e, kubeconfig, 'e2e-b');
    await eventually('the second controller leads and compares', async () => (/lease acquired/.test(controller!.stdout()) && /caches synced/.test(controller!.stdout()) ? true : undefined), 60_000);
    await new Promise((r) => setTimeout(r, 3000));
    const stats = JSON.parse(/inventory controller stopped (.*)$/m.exec(await controller.stop())![1]!) as Json;
    expect(stats.stats).to.deep.include({ created: 0, statusWrites: 0 });
    expect(stats.stats.unchanged).to.be.at.least(3);
    expect((await writesIn()).sort(), 'no write after the restart').to.deep.equal(first);
    const after = Object.fromEntries((await reports(e, ns)).map((r) => [r.metadata.name, r.metadata.resourceVersion]));
    expect(after).to.deep.equal(Object.fromEntries(stored.map((r) => [r.metadata.name, r.metadata.resourceVersion])));

    // The real garbage collector removes the report with its workload (the controller is not running).
    await kubectl(e, ['delete', 'deployment', 'granite', '-n', ns, '--wait=true']);
    await eventually('the report is garbage-collected', async () => ((await reports(e, ns)).some((r) => r.metadata.name === 'deployment-granite') ? undefined : true), 60_000);
    controller = undefined;
  });

  it('a BOM attached later to an image already reported appears at the next resync (one status write); the controller survives an apiserver restart', async () => {
    const e = t.e;
    const ns = t.ns;
    const pushed = await pushTinyImage(`http://${e.state.registry}`, 'e2e/inventory-late', '1.0', `late ${Date.now()}`);
    const image = `${e.state.registry}/e2e/inventory-late:1.0`;
    await kubectl(e, ['create', 'deployment', 'late', '-n', ns, `--image=${image}`]);
    controller = startController(e, kubeconfig, 'e2e-c', { args: ['--resync-seconds', '2'], env: { AIBOM_CACHE_NEGATIVE_TTL_SECONDS: '1', AIBOM_CACHE_TAG_TTL_SECONDS: '1' } });
    const late = async (): Promise<Json | undefined> => (await reports(e, ns)).find((r) => r.metadata.name === 'deployment-late');
    const before = await eventually('the report without a BOM', async () => ((await late())?.status?.aiBearing === 'false' ? late() : undefined), 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${controller!.stdout()}`);
    });
    expect(before!.status.images[0]).to.deep.include({ lookup: 'none', outcome: 'no-bom', digest: pushed.digest });
    const statusWrites = async (): Promise<number> => (await auditEvents(e, (ev) => ev.user.username === SA && (ev as Json).objectRef?.name === 'deployment-late' && (ev as Json).objectRef?.subresource === 'status' && ev.stage === 'ResponseComplete')).length;
    expect(await statusWrites()).to.equal(1);
    // Several resyncs with nothing new: no write.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await statusWrites(), 'resyncs that change nothing write nothing').to.equal(1);

    const bomDir = join(e.state.stateDir, 'inventory');
    writeFileSync(join(bomDir, 'late.cdx.json'), readFileSync(join(repoRoot, 'examples/boms/model.cdx.json')));
    await runOk(e, 'oras', ['attach', '--plain-http', '--artifact-type', CDX, `${e.state.registry}/e2e/inventory-late@${pushed.digest}`, `late.cdx.json:${CDX}`], { cwd: bomDir });
    const after = await eventually('the report with the model', async () => ((await late())?.status?.aiBearing === 'true' ? late() : undefined), 60_000);
    expect(after!.status.models.length).to.be.greaterThan(0);
    expect(after!.status.boms[0].source).to.equal('referrers');
    expect(await statusWrites(), 'the new BOM: one status write').to.equal(2);

    // The apiserver goes away for a few seconds and comes back: watches end, requests are refused.
    await e.cluster.restartApiserver(3000);
    await kubectl(e, ['run', 'after-restart', '-n', ns, `--image=${t.img.orasReferrers}`, '--restart=Never']);
    await eventually('a report for a Pod created after the restart', async () => ((await reports(e, ns)).find((r) => r.metadata.name === 'pod-after-restart' && r.status?.aiBearing === 'true') ? true : undefined), 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${controller!.stdout()}`);
    });
    expect(controller.child.exitCode, 'the controller still runs').to.equal(null);
    const out = await controller.stop();
    controller = undefined;
    const stats = JSON.parse(/inventory controller stopped (.*)$/m.exec(out)![1]!) as Json;
    expect(stats.requests.watch, 'watches were started again').to.be.greaterThan(9);
  });
});
