// `aibom review REVIEW.json`: run the admission core offline on an AdmissionReview file.
import { modelLabel } from '../../contracts/model-identity.js';
import type { Command } from 'commander';
import { admit, type AdmissionOutcome, parseAdmissionReview, ReviewParseError } from '../../admission/index.js';
import { workloadKindOf } from '../../contracts/workload.js';
import { imageModels } from '../../contracts/model-identity.js';
import { loadConfig, admissionSettings, enforcementSettings, loadPolicyFiles } from '../../config/index.js';
import { composeLookup } from '../../discovery/index.js';
import { bomMappingsFor, workloadImages } from '../bom-mappings.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';
import type { PolicyDecision } from '../../contracts/policy.js';
import { enforcementDependencies, policySet, formatVerdict } from '../../policy/index.js';
import { addTrustFlags, applyTrustFlags, type TrustFlagValues } from '../trust-flags.js';
import { readInputText } from '../input.js';
import { type CliIO, collect, decisionExitCode, type ExitCode, UsageError } from '../exit.js';

interface ReviewOptions extends RegistryFlagValues, Partial<TrustFlagValues> {
  bom: string[];
  /** `--no-registry` sets it to false: only `--bom` mappings are used. */
  registry: boolean;
  validate?: boolean;
  json?: boolean;
  config?: string;
  policy: string[];
}

export function registerReview(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const cmd = program
    .command('review')
    .description('run the admission decision on an AdmissionReview file and print the response')
    .argument('<review>', 'AdmissionReview JSON file (admission.k8s.io/v1), or - for stdin')
    .option('--bom <image=file>', 'use a local BOM file for an image (repeatable)', collect, [])
    .option('--validate', 'review as the validating webhook (policy verdicts) instead of the mutating one')
    .option('--config <file>', 'configuration file (YAML)')
    .option('--policy <file|dir>', 'AIModelPolicy file or directory evaluated on the validating path (repeatable; needs --validate)', collect, [])
    .option('--json', 'print the AdmissionReview response as JSON only')
    .option('--no-registry', 'do not look images up in registries (only --bom mappings)');
  addTrustFlags(addRegistryFlags(cmd)).action(async (file: string, options: ReviewOptions) => {
      if (options.policy.length > 0 && !options.validate) throw new UsageError('--policy needs --validate: policies are evaluated on the validating path only');
      const text = await readInputText(file, io);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`${file}: invalid JSON: ${(err as Error).message}`);
      }
      let review;
      try {
        review = parseAdmissionReview(parsed);
      } catch (err) {
        if (err instanceof ReviewParseError) throw new UsageError(`${file}: ${err.message}`);
        throw err;
      }
      const config = applyTrustFlags(applyRegistryFlags(loadConfig({ file: options.config, env: io.env }), options), options);
      // The webhook's policies: --policy, else the configured policies.dir (as `aibom serve` loads it).
      const policyPaths = options.policy.length > 0 ? options.policy : config.policies.dir ? [config.policies.dir] : [];
      const policies = loadPolicyFiles(policyPaths).map((p) => p.policy);
      // The webhook's lookup chain (--bom files, then discovery.sources); --no-registry leaves the registry out.
      const kind = workloadKindOf(review.request.kind);
      const bomMappings = bomMappingsFor(options.bom, kind ? workloadImages(kind, review.request.object) : []);
      const composed = composeLookup(config, { bomMappings, registry: options.registry });
      // The policies' trustedSigners are verified against too.
      composed.trust.follow(() => policies);
      try {
        // The webhook's own enforcement (break-glass against the review's userInfo, exceptions, waivers).
        const set = policySet(policies);
        const ports = enforcementDependencies({ policies: () => set, settings: enforcementSettings(config), clock: () => new Date() });
        const outcome = await admit(review, options.validate ? 'validate' : 'mutate', {
          lookup: composed.lookup,
          settings: admissionSettings(config),
          signal: AbortSignal.timeout(config.validate.timeoutSeconds * 1000),
          bypass: ports.bypass,
          ...(policies.length > 0 ? { evaluatePolicy: ports.evaluatePolicy } : {}),
        });
        io.stdout(options.json ? JSON.stringify(outcome.review) + '\n' : humanReport(outcome) + verdictReport(outcome.policy));
        setExit(decisionExitCode(outcome.policy));
      } finally {
        await composed.close();
      }
    });
}

export function humanReport(outcome: AdmissionOutcome): string {
  const r = outcome.review.response;
  const lines: string[] = [];
  if (outcome.skipped) {
    lines.push(`skipped: ${outcome.skipped}`, `allowed: ${r.allowed}`);
    return lines.join('\n') + '\n';
  }
  const c = outcome.classification;
  lines.push(`workload:   ${outcome.kind} ${outcome.name}`);
  lines.push(`allowed:    ${r.allowed}${r.status ? ` (${r.status.message})` : ''}`);
  if (c) lines.push(`ai-bearing: ${c.aiBearing}   ai-kind: ${c.aiKind ?? '-'}   evidence: ${c.evidence}`);
  for (const res of outcome.results) {
    const models = imageModels(res.findings).map(modelLabel);
    lines.push(`image:      ${res.image}  [${res.findings.status}]${models.length ? `  models: ${[...new Set(models)].join(', ')}` : ''}`);
  }
  for (const w of r.warnings ?? []) lines.push(`warning:    ${w}`);
  if (outcome.patch.length > 0) {
    lines.push(`patch:      ${outcome.patch.length} operation(s) (--json prints the exact response)`);
    for (const op of outcome.patch) lines.push(`  ${op.op} ${op.path}${'value' in op ? ` ${abbreviate(JSON.stringify(op.value), 100)}` : ''}`);
  } else if (!outcome.skipped) {
    lines.push('patch:      none');
  }
  return lines.join('\n') + '\n';
}

function abbreviate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}… (${text.length} chars)`;
}

/** The policy verdicts behind a validating decision, one line each. */
function verdictReport(decision: PolicyDecision | undefined): string {
  if (!decision) return '';
  if (decision.verdicts.length === 0) return 'policy:     pass\n';
  return decision.verdicts.map((v) => `${`${v.effect}:`.padEnd(12)}${formatVerdict(v)}\n`).join('');
}
