// `aibom classify FILE [--json] [--strict]`: read one BOM file and say what AI it describes.
// --strict adds CycloneDX JSON-schema validation (@cyclonedx/cyclonedx-library JsonStrictValidator);
// it is a CLI-only check, never on the admission path (docs/cli.md).
import { modelLabel } from '../../contracts/model-identity.js';
import type { Command } from 'commander';
import { readInputFile, readInputText } from '../input.js';
import { readBom } from '../../bom/index.js';
import type { AiInventory, Finding } from '../../contracts/inventory.js';
import { classifyInventory } from '../../classify/index.js';
import { type BomClassification } from '../../contracts/classification.js';
import { loadConfig } from '../../config/index.js';
import { type CliIO, EXIT, type ExitCode, UsageError } from '../exit.js';

interface ClassifyOptions {
  json?: boolean;
  strict?: boolean;
  mediaType?: string;
  config?: string;
}

export interface ClassifyReport {
  file: string;
  format: AiInventory['format'];
  specVersion: string | null;
  created: string | null;
  classification: BomClassification;
  models: AiInventory['models'];
  datasets: AiInventory['datasets'];
  agents: AiInventory['agents'];
  findings: Finding[];
  reasons: string[];
  attestation?: AiInventory['attestation'];
}

export function registerClassify(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command('classify')
    .description('read a BOM file (CycloneDX, SPDX 3, SPDX 2, or an in-toto attestation) and classify the AI it describes')
    .argument('<file>', 'BOM file, or - for stdin')
    .option('--json', 'print the result as JSON')
    .option('--strict', 'also validate a CycloneDX BOM against its JSON schema (slow; CLI only)')
    .option('--media-type <type>', 'media type the BOM was found under (helps detection)')
    .option('--config <file>', 'configuration file (YAML), for limits.*')
    .action(async (file: string, options: ClassifyOptions) => {
      const bytes = file === '-' ? Buffer.from(await readInputText(file, io), 'utf8') : readInputFile(file);
      const config = loadConfig({ file: options.config, env: io.env });
      const result = readBom(bytes, {
        ...(options.mediaType ? { mediaType: options.mediaType } : {}),
        limits: { maxBytes: config.limits.maxBomBytes, maxDepth: config.limits.maxJsonDepth, maxArrayLength: config.limits.maxArrayLength, maxElements: config.limits.maxArrayLength, maxModels: config.limits.maxModelsPerBom },
      });
      if (!result.ok) throw new UsageError(`${file}: ${result.error}`);
      const inv = result.inventory;
      const findings = [...inv.findings];
      if (options.strict) findings.push(...(await strictFindings(inv, bytes.toString('utf8'))));
      const c = classifyInventory(inv);
      const report: ClassifyReport = {
        file,
        format: inv.format,
        specVersion: inv.specVersion ?? null,
        created: inv.created ?? null,
        classification: c.classification,
        models: inv.models,
        datasets: inv.datasets,
        agents: inv.agents,
        findings,
        reasons: [...c.reasons, ...inv.reasons],
      };
      if (inv.attestation) report.attestation = inv.attestation;
      io.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : humanSummary(report));
      // --strict turns schema errors into bad input (exit 2); without it they cannot occur.
      setExit(findings.some((f) => f.code === 'schema-invalid') ? EXIT.badInput : EXIT.ok);
    });
}


/** Schema validation of CycloneDX JSON with the library's strict validator (ajv + formats). */
async function strictFindings(inv: AiInventory, text: string): Promise<Finding[]> {
  if (inv.format !== 'cyclonedx' || inv.attestation) {
    return [{ code: 'strict-skipped', severity: 'info', message: 'strict schema validation covers plain CycloneDX JSON only' }];
  }
  const version = inv.specVersion ?? '';
  const CDX = await import('@cyclonedx/cyclonedx-library');
  const supported = Object.values(CDX.Spec.Version) as string[];
  if (!supported.includes(version)) return [{ code: 'strict-skipped', severity: 'warning', message: `no CycloneDX schema for specVersion ${JSON.stringify(version)}` }];
  try {
    const validator = new CDX.Validation.JsonStrictValidator(version as (typeof CDX.Spec.Version)[keyof typeof CDX.Spec.Version]);
    const errors = await validator.validate(text);
    if (errors === null) return [{ code: 'schema-valid', severity: 'info', message: `valid against the CycloneDX ${version} JSON schema (strict)` }];
    const list = Array.isArray(errors) ? (errors as { instancePath?: string; message?: string }[]) : [];
    return list.slice(0, 20).map((e) => ({ code: 'schema-invalid', severity: 'error' as const, message: `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`, path: e.instancePath || '/' }));
  } catch (err) {
    return [{ code: 'strict-unavailable', severity: 'warning', message: `schema validation unavailable: ${(err as Error).message}` }];
  }
}

export function humanSummary(r: ClassifyReport): string {
  const lines: string[] = [];
  lines.push(`file:           ${r.file}`);
  lines.push(`format:         ${r.format}${r.specVersion ? ` ${r.specVersion}` : ''}${r.attestation ? ` (in-toto ${r.attestation.predicateType})` : ''}`);
  lines.push(`classification: ${r.classification}`);
  for (const m of r.models) {
    const id = modelLabel(m);
    const facts = [m.purl, m.license && `licence ${m.license}`, m.supplier && `supplier ${m.supplier}`, m.task && `task ${m.task}`, m.format && `format ${m.format}`].filter(Boolean);
    lines.push(`model:          ${id}${facts.length ? `  (${facts.join(', ')})` : ''}`);
  }
  for (const d of r.datasets) lines.push(`dataset:        ${d.version ? `${d.name}@${d.version}` : d.name}${d.license ? `  (licence ${d.license})` : ''}`);
  for (const a of r.agents) lines.push(`agent:          ${a.version ? `${a.name}@${a.version}` : a.name} uses ${a.uses.join(', ') || '(autonomous)'}`);
  for (const reason of r.reasons) lines.push(`reason:         ${reason}`);
  for (const f of r.findings) lines.push(`${f.severity}:${' '.repeat(Math.max(1, 15 - f.severity.length))}${f.code}: ${f.message}`);
  return lines.join('\n') + '\n';
}
