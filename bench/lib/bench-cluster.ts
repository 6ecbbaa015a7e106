// What every benchmark against the local control plane shares: a LocalCluster in a temporary state
// directory, a kubectl that throws with its stderr, a stop that always runs, and one failure line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster, type ClusterState } from '../../scripts/cluster/cluster.js';
import { describeFailure } from '../../scripts/lib/missing-component.js';

export interface BenchCluster {
  stateDir: string;
  cluster: LocalCluster;
  state: ClusterState;
  kubectl(args: string[], input?: string): Promise<string>;
}

/** Starts the control plane, runs `body`, and stops it and removes its state whatever happens. */
export async function withBenchCluster(name: string, body: (b: BenchCluster) => Promise<void>): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), `aibom-bench-${name}-`));
  const cluster = new LocalCluster({ stateDir, detached: false, log: (l) => console.log(`bench: ${l}`) });
  process.once('exit', () => cluster.group.killAllNow());
  try {
    const state = await cluster.start();
    const kubectl = async (a: string[], input?: string): Promise<string> => {
      const out = await cluster.kubectl(a, input);
      if (out.code !== 0) throw new Error(`kubectl ${a.join(' ')}: ${out.stderr}`);
      return out.stdout;
    };
    await body({ stateDir, cluster, state, kubectl });
  } finally {
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Runs a benchmark's main: a failure is one line (a missing component says which), exit code 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(`bench: ${describeFailure(err)}`);
    process.exitCode = 1;
  });
}
