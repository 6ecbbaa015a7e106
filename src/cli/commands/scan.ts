// `aibom scan PATH|IMAGE [-o FILE] [--format cyclonedx-json|cyclonedx-xml|spdx-json] [--attach]`:
// generate an ML-BOM from model files (src/scan, src/formats, src/mlbom). Exit codes (src/cli/exit.ts):
// 0 when no finding reaches --fail-on (default high), 1 when one does (unsafe model files), 2 on bad
// input, 3 when the registry fails. Progress on stderr for long scans, a --json summary on stdout.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { imageArgument } from '../input.js';
import { EXIT, UsageError, type CliIO, type ExitCode } from '../exit.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';
import { packageVersion } from '../version.js';
import { renderBom, runScan, ScanTargetError, worstFindings, type OutputFormat, scanRegistryImage, PlatformError } from '../../scan/index.js';
import { DEFAULT_FORMAT_LIMITS, SEVERITY_ORDER, type Severity } from '../../formats/index.js';
import { metaString } from '../../mlbom/index.js';

/**
 * The registry side of a scan (configuration, client, attach), loaded only for an image target,
 * --attach or an explicit --config: a scan of local files loads no network code and no config
 * schema (docs/model-scan.md "Throughput").
 */
async function registryEdge() {
  const [config, registry] = await Promise.all([import('../../config/index.js'), import('../../registry/index.js')]);
  return { loadConfig: config.loadConfig, RegistryError: registry.RegistryError, registryClientFromConfig: registry.registryClientFromConfig, attachBom: registry.attachBom };
}

interface ScanCliOptions extends RegistryFlagValues {
  output?: string;
  format: string;
  attach?: boolean;
  json?: boolean;
  hash: boolean;
  platform?: string;
  maxBytes: string;
  failOn: string;
  progress: boolean;
  config?: string;
}

const FORMATS: readonly OutputFormat[] = ['cyclonedx-json', 'cyclonedx-xml', 'spdx-json'];
const MEDIA: Record<OutputFormat, string> = { 'cyclonedx-json': 'application/vnd.cyclonedx+json', 'cyclonedx-xml': 'application/vnd.cyclonedx+xml', 'spdx-json': 'application/spdx3+json' };

export function registerScan(program: Command, io: CliIO, setExit: (code: ExitCode) => void, now: () => Date = () => new Date()): void {
  const cmd = program
    .command('scan')
    .description('generate an ML-BOM from model files: a file, a directory, an OCI layout, or an image streamed from its registry')
    .argument('<target>', 'file, directory, OCI layout directory, or image reference')
    .option('-o, --output <file>', 'write the BOM here (default: stdout, unless --json)')
    .option('--format <format>', `BOM format: ${FORMATS.join(', ')}`, 'cyclonedx-json')
    .option('--attach', 'push the BOM to the image as an OCI referrer (image targets only)')
    .option('--json', 'print a JSON summary on stdout (models, findings, attach result)')
    .option('--no-hash', 'header-only: do not hash model files')
    .option('--platform <os/arch>', 'platform to scan when the image is an index')
    .option('--max-bytes <n>', 'stop after this many bytes (file bytes, or decompressed layer bytes)', String(1024 ** 4))
    .option('--fail-on <severity>', `exit 1 when a finding is at least this severe (${SEVERITY_ORDER.join(', ')}, or never)`, 'high')
    .option('--no-progress', 'no progress lines on stderr')
    .option('--config <file>', 'configuration file (YAML): registry settings for image targets');
  addRegistryFlags(cmd).action((targetArg: string, options: ScanCliOptions) => scanCommand(targetArg, options, io, setExit, now));
}

/** The flags that need checking beyond commander's: format, severity, byte budget, platform. */
function checkedOptions(options: ScanCliOptions): { format: OutputFormat; maxBytes: number } {
  if (!FORMATS.includes(options.format as OutputFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (options.failOn !== 'never' && !SEVERITY_ORDER.includes(options.failOn as Severity)) throw new UsageError(`--fail-on must be one of ${SEVERITY_ORDER.join(', ')}, never`);
  const maxBytes = Number(options.maxBytes);
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new UsageError('--max-bytes must be a positive integer');
  if (options.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(options.platform)) throw new UsageError(`--platform expects os/arch[/variant], got ${JSON.stringify(options.platform)}`);
  return { format: options.format as OutputFormat, maxBytes };
}

async function scanCommand(targetArg: string, options: ScanCliOptions, io: CliIO, setExit: (code: ExitCode) => void, now: () => Date): Promise<void> {
  const { format, maxBytes } = checkedOptions(options);
  let edge: Awaited<ReturnType<typeof registryEdge>> | undefined;
  let config: Config | undefined;
  let client: RegistryClient | undefined;
  let signal: AbortSignal | undefined;
  const configured = async () => {
    edge ??= await registryEdge();
    config ??= applyRegistryFlags(edge.loadConfig({ file: options.config, env: io.env }), options);
    return { edge, config };
  };
  const registry = async () => {
    const r = await configured();
    client ??= r.edge.registryClientFromConfig(r.config);
    signal ??= AbortSignal.timeout(Math.max(600_000, r.config.registries.requestTimeoutMs * 100));
    return { ...r, client, signal };
  };
  let lastProgress = 0;
  const progress = options.progress
    ? (e: { file: string; done: number; bytes: number }): void => {
        const t = Date.now();
        if (t - lastProgress < 1000 || e.bytes < 64 * 1024 * 1024) return;
        lastProgress = t;
        io.stderr(`aibom scan: ${e.file} ${Math.floor((e.done / Math.max(1, e.bytes)) * 100)}% of ${Math.round(e.bytes / 1024 / 1024)} MiB\n`);
      }
    : undefined;
  try {
    // An explicit --config is checked even when no registry is needed.
    if (options.config) await configured();
    const result = await runScan({
      target: targetArg,
      hash: options.hash,
      maxBytes,
      limits: DEFAULT_FORMAT_LIMITS,
      ...(options.platform ? { platform: options.platform } : {}),
      clock: now,
      toolVersion: packageVersion(),
      ...(progress ? { onProgress: progress } : {}),
      scanImage: async (ref, layerOptions) => {
        imageArgument(ref);
        const r = await registry();
        return scanRegistryImage(r.client, ref, layerOptions, r.signal);
      },
    });
    if (options.attach && result.target.kind !== 'image') throw new UsageError('--attach needs an image reference as the target');
    // With --json alone the BOM is not printed: not rendering it saves a fifth of a header-only scan.
    const bom = options.output || !options.json || options.attach ? renderBom(result, format) : '';
    if (options.output) writeFileSync(options.output, bom);
    else if (!options.json) io.stdout(bom);
    let attached: Awaited<ReturnType<Awaited<ReturnType<typeof registryEdge>>['attachBom']>> | undefined;
    if (options.attach) {
      const r = await registry();
      attached = await r.edge.attachBom(r.client, imageArgument(result.target.digest ? `${result.target.repository}@${result.target.digest}` : targetArg), Buffer.from(bom), { artifactType: MEDIA[format], fileName: `aibom-scan.${format.endsWith('xml') ? 'cdx.xml' : format === 'spdx-json' ? 'spdx.json' : 'cdx.json'}`, created: now().toISOString() }, r.signal);
    }
    const findings = options.failOn === 'never' ? [] : worstFindings(result.models, options.failOn as Severity);
    if (options.json) io.stdout(jsonSummary(result, attached, findings.length > 0));
    if (options.progress) io.stderr(`aibom scan: ${result.models.length} model(s) in ${result.context.summary.files} file(s)${findings.length ? `; ${findings.length} finding(s) at ${options.failOn} or worse` : ''}${attached ? `; attached ${attached.manifestDigest}` : ''}\n`);
    for (const f of findings.slice(0, 20)) io.stderr(`aibom scan: ${f.severity}: ${f.file}: ${f.message}\n`);
    setExit(findings.length > 0 ? EXIT.denied : EXIT.ok);
  } catch (err) {
    if (err instanceof ScanTargetError || err instanceof PlatformError) throw new UsageError(err.message);
    if (edge && err instanceof edge.RegistryError) {
      io.stderr(`aibom: error: scan failed: the registry refused or failed (${err.kind}): ${err.message}\n`);
      setExit(EXIT.lookupFailed);
      return;
    }
    throw err;
  } finally {
    await client?.close();
  }
}

/** `--json`: the models, their findings, Git LFS pointers, the summary and the attach result. */
function jsonSummary(result: Awaited<ReturnType<typeof runScan>>, attached: unknown, failed: boolean): string {
  return JSON.stringify({
    target: result.target,
    models: result.models.map((m) => ({ name: m.name, format: m.format, confidence: m.confidence, path: m.path, files: m.files.length, parameters: m.card.parameters, sha256: m.files.length === 1 ? m.files[0]!.sha256 : undefined, findings: m.findings.filter((f) => f.severity !== 'info').map((f) => ({ severity: f.severity, code: f.code, file: f.file, message: f.message, ...(f.offset !== undefined ? { offset: f.offset } : {}) })) })),
    lfsPointers: result.lfsPointers.map((l) => ({ path: l.path, oid: l.detection ? metaString(l.detection.metadata['lfs.oid'] ?? '') : undefined })),
    summary: result.context.summary,
    ...(attached ? { attached } : {}),
    failed,
  }, null, 2) + '\n';
}
