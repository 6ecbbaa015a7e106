// `aibom check FILE… [--policy FILE|DIR]… [--bom IMAGE=FILE]… [--json | --sarif]`: what the validating
// webhook would say about each workload in some manifests, before they reach a cluster. Exit codes
// (src/cli/exit.ts): 0 admitted (warnings and failed lookups that deny nothing included, printed),
// 1 something would be denied in Enforce mode, 2 bad input, 3 only failed lookups would deny.
import type { Command } from 'commander';
import { readInputFile } from '../input.js';
import { loadConfig, loadPolicyFiles, admissionSettings } from '../../config/index.js';
import { composeLookup } from '../../discovery/index.js';
import { bomMappingsFor, workloadImages } from '../bom-mappings.js';
import { checkExitCode, checkWorkloads } from '../check-run.js';
import { renderJson, renderSarif, renderTable } from '../check-report.js';
import { type CliIO, collect, type ExitCode, UsageError } from '../exit.js';
import { parseManifests, workloadKindOf, type ManifestObject } from '../manifests.js';
import { packageVersion } from '../version.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';
import { addTrustFlags, applyTrustFlags, type TrustFlagValues } from '../trust-flags.js';

interface CheckOptions extends RegistryFlagValues, Partial<TrustFlagValues> {
  /** `--registry`: look images not mapped by --bom up in their registries (off by default: CI runs offline). */
  registry?: boolean;
  policy: string[];
  bom: string[];
  json?: boolean;
  sarif?: boolean;
  config?: string;
  namespace: string;
}

export function registerCheck(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const cmd = program
    .command('check')
    .description('evaluate AIModelPolicy documents on the workloads in Kubernetes manifests, as the validating webhook would')
    .argument('<manifests...>', 'manifest files (multi-document YAML, List, Helm output), or - for stdin')
    .option('--policy <file|dir>', 'AIModelPolicy file or directory (repeatable; default: policies.dir of the configuration)', collect, [])
    .option('--bom <image=file>', 'use a local BOM file for an image (repeatable)', collect, [])
    .option('--namespace <name>', 'namespace of objects that name none', 'default')
    .option('--config <file>', 'configuration file (YAML)')
    .option('--json', 'print JSON')
    .option('--sarif', 'print SARIF 2.1.0')
    .option('--registry', 'look images not mapped by --bom up in their registries (every attachment source, as the webhook does)');
  addTrustFlags(addRegistryFlags(cmd)).action(async (files: string[], options: CheckOptions) => {
      if (options.json && options.sarif) throw new UsageError('--json and --sarif exclude each other');
      const config = applyTrustFlags(applyRegistryFlags(loadConfig({ file: options.config, env: io.env }), options), options);
      const policyPaths = options.policy.length > 0 ? options.policy : config.policies.dir ? [config.policies.dir] : [];
      const policies = loadPolicyFiles(policyPaths).map((p) => p.policy);
      const objects: ManifestObject[] = [];
      let stdinUsed = false;
      for (const file of files) {
        if (file === '-') {
          if (stdinUsed) throw new UsageError('- (stdin) may be given once');
          stdinUsed = true;
          objects.push(...parseManifests(await (io.readStdin?.() ?? Promise.resolve('')), 'stdin'));
        } else {
          objects.push(...parseManifests(readInputFile(file).toString('utf8'), file));
        }
      }
      const images = objects.flatMap((m) => {
        const kind = workloadKindOf(m.object);
        return kind ? workloadImages(kind, m.object) : [];
      });
      const mappings = bomMappingsFor(options.bom, images);
      // The webhook's lookup chain; registries only with --registry (CI runs offline).
      const composed = composeLookup(config, { bomMappings: mappings, registry: options.registry === true });
      let workloads;
      try {
        // The policies' trustedSigners are verified against too.
        composed.trust.follow(() => policies);
        workloads = await checkWorkloads(objects, {
          policies,
          lookup: composed.lookup,
          settings: admissionSettings(config),
          clock: () => new Date(),
          timeoutMs: config.validate.timeoutSeconds * 1000,
          namespace: options.namespace,
        });
      } finally {
        await composed.close();
      }
      if (workloads.length === 0) io.stderr('aibom: no workload (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob, …) found in the manifests\n');
      if (policies.length === 0) io.stderr('aibom: no AIModelPolicy given (--policy, or policies.dir in the configuration): nothing can be denied\n');
      const code = checkExitCode(workloads);
      if (options.sarif) io.stdout(renderSarif(workloads, packageVersion()));
      else if (options.json) io.stdout(renderJson(workloads, code));
      else io.stdout(renderTable(workloads));
      setExit(code);
    });
}

