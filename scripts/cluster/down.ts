// npm run cluster:down — stops exactly the processes that cluster:up recorded in .cluster/pids (pid and
// kernel start time must both match), then removes .cluster/.
import { existsSync, rmSync } from 'node:fs';
import { defaultStateDir } from './cluster.js';
import { isRunning, recordedProcesses, stopRecord } from './processes.js';

const stateDir = process.env.AIBOM_CLUSTER_DIR ?? defaultStateDir;
if (!existsSync(stateDir)) {
  console.log(`cluster: nothing to stop (no ${stateDir})`);
} else {
  const recorded = recordedProcesses(stateDir).reverse();
  let stopped = 0;
  for (const r of recorded) {
    if (isRunning(r)) {
      await stopRecord(r);
      stopped++;
    }
  }
  rmSync(stateDir, { recursive: true, force: true });
  console.log(`cluster: stopped ${stopped} of ${recorded.length} recorded processes; removed ${stateDir}`);
}
