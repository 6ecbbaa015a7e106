// npm run cluster:up — the local cluster (scripts/cluster/cluster.ts) in .cluster/, left running.
// Idempotent: when everything recorded in .cluster/ is still running and the apiserver answers, it
// says so and changes nothing; anything less is stopped (by pid) and started afresh.
// Then: source .cluster/env && kubectl get pods -A      ·      npm run cluster:down
import { rmSync } from 'node:fs';
import { describeFailure } from '../lib/missing-component.js';
import { defaultStateDir, LocalCluster, readState } from './cluster.js';
import { isRunning, recordedProcesses, stopRecord } from './processes.js';

async function main(): Promise<void> {
  const stateDir = process.env.AIBOM_CLUSTER_DIR ?? defaultStateDir;
  const recorded = recordedProcesses(stateDir);
  const state = readState(stateDir);
  if (state && recorded.length > 0 && recorded.every(isRunning)) {
    const ready = await fetch(`http://127.0.0.1:${state.webhook.adminPort}/readyz`).then((r) => r.ok, () => false);
    if (ready) {
      console.log(`cluster: already up (${recorded.length} processes; apiserver ${state.apiserver}); source ${stateDir}/env`);
      return;
    }
  }
  if (recorded.length > 0) {
    console.log('cluster: a previous cluster is partly down: stopping what is left of it');
    for (const r of recorded.reverse()) await stopRecord(r);
  }
  rmSync(stateDir, { recursive: true, force: true });
  const cluster = new LocalCluster({ stateDir, detached: true, build: true, inventory: true, log: (line) => console.log(`cluster: ${line}`) });
  try {
    const s = await cluster.start();
    console.log(`cluster: up in ${s.startSeconds} s — apiserver ${s.apiserver}, registries ${s.registry} (referrers API) and ${s.fallbackRegistry} (tag fallback), webhook ${s.webhook.url}`);
    console.log(`cluster: source ${stateDir}/env   then: kubectl get --raw /version · kubectl get mutatingwebhookconfigurations · npm run cluster:down`);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(`cluster: ${describeFailure(err)}`);
  process.exitCode = 1;
});
