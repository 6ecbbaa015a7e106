// `aibom inventory-controller`: the inventory controller (docs/inventory.md) as a process of its own,
// deployed by deploy/inventory. The same configuration, lookup composition (one lookup service: its
// cache and single flight shared by every workload) and policy directory as `aibom serve`; the
// Kubernetes API through src/k8s (credentials read by @kubernetes/client-node, loaded here only).
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { admissionSettings, loadConfig, PolicyWatcher, type Config } from '../../config/index.js';
import { composeLookup } from '../../discovery/index.js';
import { InventoryController, workloadEvaluator } from '../../inventory/index.js';
import { abortableSleep, connectKube, runWithLeaderElection, type KubeApi } from '../../k8s/index.js';
import { EMPTY_POLICY_SET } from '../../policy/index.js';
import { createLogger } from '../../server/index.js';
import { type CliIO, EXIT, type ExitCode, UsageError } from '../exit.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';
import { processSignals } from '../signals.js';

interface ControllerFlags extends RegistryFlagValues {
  config?: string;
  kubeconfig?: string;
  context?: string;
  resyncSeconds: number;
  concurrency: number;
  summarySeconds: number;
  leaderElection: boolean;
  leaseNamespace?: string;
  leaseName: string;
  identity?: string;
}

export interface InventoryControllerWiring {
  onShutdownSignal?: (handler: (signal: string) => void) => () => void;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`not a positive number: ${JSON.stringify(value)}`);
  return n;
}

export function registerInventoryController(program: Command, io: CliIO, setExit: (code: ExitCode) => void, wiring: InventoryControllerWiring = {}): void {
  const cmd = program
    .command('inventory-controller')
    .description('keep an AIWorkloadReport per workload of the cluster and the AIInventorySummary (docs/inventory.md)')
    .option('--config <file>', 'configuration file (YAML), as for serve')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, ~/.kube/config, or the pod\'s service account)')
    .option('--context <name>', 'kubeconfig context')
    .option('--resync-seconds <s>', 're-evaluate every workload this often', positive, 300)
    .option('--concurrency <n>', 'workloads evaluated at once', positive, 4)
    .option('--summary-seconds <s>', 'rewrite the summary at most this often (only when a count changed)', positive, 10)
    .option('--no-leader-election', 'run without the Lease (one replica only)')
    .option('--lease-namespace <ns>', 'namespace of the Lease (default: namespaces.self of the configuration)')
    .option('--lease-name <name>', 'name of the Lease', 'aibom-inventory')
    .option('--identity <id>', 'this replica\'s identity in the Lease (default: $POD_NAME, else host name and pid)');
  addRegistryFlags(cmd).action(async (flags: ControllerFlags) => {
    const config: Config = applyRegistryFlags(loadConfig({ file: flags.config, env: io.env, flags: {} }), flags);
    const log = createLogger({ level: config.log.level });
    const kubeconfig = flags.kubeconfig ?? io.env.KUBECONFIG?.split(':')[0];
    const inCluster = !kubeconfig && Boolean(io.env.KUBERNETES_SERVICE_HOST);
    const api: KubeApi = await connectKube({ ...(kubeconfig ? { kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}), inCluster });
    const composed = composeLookup(config, { onNote: (image, note) => log.debug({ image, note }, 'lookup note') });
    const clock = (): Date => new Date();
    const watcher = config.policies.dir ? new PolicyWatcher({ dir: config.policies.dir, pollMs: config.policies.pollSeconds * 1000, log, clock }) : undefined;
    watcher?.start();
    const policies = () => watcher?.current() ?? EMPTY_POLICY_SET;
    composed.trust.follow(() => policies().policies);
    const evaluate = workloadEvaluator({
      lookup: composed.lookup,
      settings: admissionSettings(config),
      policies,
      clock,
      timeoutMs: config.validate.timeoutSeconds * 1000,
      maxVerdicts: config.limits.maxVerdicts,
    });
    const identity = flags.identity ?? io.env.POD_NAME ?? `${hostname()}-${process.pid}`;
    const stop = new AbortController();
    const unsubscribe = (wiring.onShutdownSignal ?? processSignals)((signal) => {
      io.stdout(`aibom: ${signal}: stopping the inventory controller\n`);
      stop.abort();
    });
    let controller: InventoryController | undefined;
    const lead = async (leading: AbortSignal): Promise<void> => {
      // A fresh controller per term: its caches are rebuilt from the apiserver (a list per kind).
      controller = new InventoryController({
        api, evaluate, report: { prefix: config.prefix }, log, clock, sleep: abortableSleep,
        resyncMs: flags.resyncSeconds * 1000, concurrency: flags.concurrency, summaryIntervalMs: flags.summarySeconds * 1000,
      });
      await controller.run(leading);
    };
    io.stdout(`aibom: inventory controller for ${api.server} as ${identity}${flags.leaderElection ? ` (lease ${flags.leaseNamespace ?? config.namespaces.self}/${flags.leaseName})` : ' (no leader election)'}\n`);
    try {
      if (flags.leaderElection) {
        await runWithLeaderElection({ api, namespace: flags.leaseNamespace ?? config.namespaces.self, name: flags.leaseName, identity, clock, sleep: abortableSleep, log }, stop.signal, lead);
      } else {
        await lead(stop.signal);
      }
    } finally {
      unsubscribe();
      watcher?.stop();
      await composed.close();
      api.close();
    }
    io.stdout(`aibom: inventory controller stopped ${JSON.stringify({ stats: controller?.stats ?? null, requests: api.requests })}\n`);
    setExit(EXIT.ok);
  });
}
