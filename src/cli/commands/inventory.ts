// `aibom inventory`: the cluster's AI inventory against any kubeconfig (docs/inventory.md). By default
// it reads the AIWorkloadReports the controller keeps; `--live` evaluates every top-level workload
// now, through the same evaluation as the controller (and so as admission), with `--policy` FILEs to
// ask "what would these policies say?". Output: a table, JSON, CSV, or one CycloneDX 1.6 document.
import type { Command } from 'commander';
import { admissionSettings, loadConfig, loadPolicyFiles } from '../../config/index.js';
import type { AIWorkloadReport } from '../../contracts/workload-report.js';
import { handledController, POD_WORKLOAD_KINDS } from '../../contracts/workload.js';
import { composeLookup } from '../../discovery/index.js';
import { BadWorkloadError, buildReport, inventoryCycloneDx, inventoryRows, renderCsv, renderTable, summarizeReports, workloadEvaluator } from '../../inventory/index.js';
import { connectKube, listCollection, listReports, workloadCollection } from '../../k8s/index.js';
import { policySet } from '../../policy/index.js';
import { collect, type CliIO, EXIT, type ExitCode, UsageError } from '../exit.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';
import { packageVersion } from '../version.js';

const OUTPUTS = ['table', 'json', 'csv', 'cyclonedx'] as const;
type Output = (typeof OUTPUTS)[number];

interface InventoryFlags extends RegistryFlagValues {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output: string;
  aiOnly?: boolean;
  live?: boolean;
  policy: string[];
  config?: string;
}

export function registerInventory(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const cmd = program
    .command('inventory')
    .description('the cluster\'s AI inventory: workloads, images, models, licences, policy results (docs/inventory.md)')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <ns>', 'one namespace only (default: all)')
    .option('-o, --output <format>', `output: ${OUTPUTS.join(', ')}`, 'table')
    .option('--ai-only', 'only AI-bearing workloads')
    .option('--live', 'evaluate the workloads now instead of reading the AIWorkloadReports')
    .option('--policy <file|dir>', 'with --live: AIModelPolicy file or directory (repeatable; default: policies.dir of the configuration)', collect, [])
    .option('--config <file>', 'configuration file (YAML), as for serve');
  addRegistryFlags(cmd).action(async (flags: InventoryFlags) => {
    if (!(OUTPUTS as readonly string[]).includes(flags.output)) throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')}, got ${JSON.stringify(flags.output)}`);
    if (flags.policy.length > 0 && !flags.live) throw new UsageError('--policy needs --live (the reports carry the policies the controller evaluated)');
    const kubeconfig = flags.kubeconfig ?? io.env.KUBECONFIG?.split(':')[0];
    const api = await connectKube({ ...(kubeconfig ? { kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}) });
    const now = new Date();
    let reports: AIWorkloadReport[];
    if (flags.live) {
      const config = applyRegistryFlags(loadConfig({ file: flags.config, env: io.env, flags: {} }), flags);
      const paths = flags.policy.length > 0 ? flags.policy : config.policies.dir ? [config.policies.dir] : [];
      const set = policySet(loadPolicyFiles(paths).map((p) => p.policy));
      const composed = composeLookup(config);
      try {
        const evaluate = workloadEvaluator({ lookup: composed.lookup, settings: admissionSettings(config), policies: () => set, clock: () => now, timeoutMs: config.validate.timeoutSeconds * 1000, maxVerdicts: config.limits.maxVerdicts });
        reports = [];
        let done = 0;
        for (const kind of POD_WORKLOAD_KINDS) {
          const objects = (await listCollection(api, workloadCollection(kind), flags.namespace)).filter((o) => !handledController(o));
          for (const object of objects) {
            try {
              const report = buildReport(await evaluate(kind, object), { prefix: config.prefix });
              if (report) reports.push(report);
            } catch (err) {
              if (!(err instanceof BadWorkloadError)) throw err;
              io.stderr(`aibom: skipped a ${kind}: ${err.message}\n`);
            }
            if (++done % 100 === 0) io.stderr(`aibom: ${done} workloads evaluated\n`);
          }
        }
      } finally {
        await composed.close();
      }
    } else {
      reports = await listReports(api, flags.namespace);
    }
    if (flags.aiOnly) reports = reports.filter((r) => r.status?.aiBearing === 'true');
    const output = flags.output as Output;
    if (output === 'json') io.stdout(`${JSON.stringify({ summary: summarizeReports(reports, now), workloads: reports }, null, 2)}\n`);
    else if (output === 'csv') io.stdout(renderCsv(inventoryRows(reports)));
    else if (output === 'cyclonedx') io.stdout(`${JSON.stringify(inventoryCycloneDx(reports, { now, cluster: api.server, toolVersion: packageVersion() }), null, 2)}\n`);
    else {
      io.stdout(renderTable(inventoryRows(reports)));
      const s = summarizeReports(reports, now);
      io.stdout(`\n${s.workloads} workloads, ${s.aiBearing.true} AI-bearing, ${s.aiBearing.unknown} unknown; ${s.models} distinct models; ${s.workloadsFailing} failing a policy\n`);
    }
    setExit(EXIT.ok);
  });
}
