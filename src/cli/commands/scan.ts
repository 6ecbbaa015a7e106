// `aibom scan PATH|IMAGE [-o FILE] [--format cyclonedx-json|cyclonedx-xml|spdx-json] [--attach]`:
// generate an ML-BOM from model files (src/scan, src/formats, src/mlbom). Exit 0 when no finding
// reaches --fail-on (default high), 1 when one does (unsafe model files), 2 on bad input, 3 when the
// registry fails. Progress on stderr for long scans, a --json summary on stdout.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT_DENIED, EXIT_LOOKUP_FAILED, EXIT_OK, UsageError, type CliIO } from '../exit.js';
import { addRegistryFlags, type RegistryFlagValues } from '../registry-options.js';
import { packageVersion } from '../version.js';
import { renderBom, runScan, ScanTargetError, worstFindings, type OutputFormat } from '../../scan/run-scan.js';
import { PlatformError } from '../../scan/platform.js';
import { DEFAULT_FORMAT_LIMITS, SEVERITY_ORDER, type Severity } from '../../formats/types.js';
import { metaString } from '../../mlbom/cyclonedx.js';
import type { Config } from '../../config/schema.js';
import type { RegistryClient } from '../../oci/registry-client.js';

/**
 * The registry side of a scan (configuration, client, attach, image streaming), loaded only when an
 * image is scanned or attached to: a scan of local files loads no network code (docs/model-scan.md
 * "Throughput").
 */
async function registryEdge() {
  const [load, flags, client, attach, image, input] = await Promise.all([
    import('../../config/load.js'),
    import('../registry-flags.js'),
    import('../../oci/registry-client.js'),
    import('../../oci/attach.js'),
    import('../../scan/registry-image.js'),
    import('../input.js'),
  ]);
  return { loadConfig: load.loadConfig, applyRegistryFlags: flags.applyRegistryFlags, buildRegistryClient: flags.buildRegistryClient, RegistryError: client.RegistryError, lookupStatusOf: client.lookupStatusOf, attachBom: attach.attachBom, scanRegistryImage: image.scanRegistryImage, imageArgument: input.imageArgument };
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

export function registerScan(program: Command, io: CliIO, setExit: (code: number) => void, now: () => Date = () => new Date()): void {
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
  addRegistryFlags(cmd).action(async (targetArg: string, options: ScanCliOptions) => {
    if (!FORMATS.includes(options.format as OutputFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const format = options.format as OutputFormat;
    if (options.failOn !== 'never' && !SEVERITY_ORDER.includes(options.failOn as Severity)) throw new UsageError(`--fail-on must be one of ${SEVERITY_ORDER.join(', ')}, never`);
    const maxBytes = Number(options.maxBytes);
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new UsageError('--max-bytes must be a positive integer');
    if (options.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(options.platform)) throw new UsageError(`--platform expects os/arch[/variant], got ${JSON.stringify(options.platform)}`);
    let edge: Awaited<ReturnType<typeof registryEdge>> | undefined;
    let config: Config | undefined;
    let client: RegistryClient | undefined;
    let signal: AbortSignal | undefined;
    const configured = async () => {
      edge ??= await registryEdge();
      config ??= edge.applyRegistryFlags(edge.loadConfig({ file: options.config, env: io.env }), options);
      return { edge, config };
    };
    const registry = async () => {
      const r = await configured();
      client ??= r.edge.buildRegistryClient(r.config);
      signal ??= AbortSignal.timeout(Math.max(600_000, r.config.registries.requestTimeoutMs * 100));
      return { ...r, client, signal };
    };
    // An explicit --config is checked even when no registry is needed.
    if (options.config) await configured();
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
          const r = await registry();
          r.edge.imageArgument(ref);
          return r.edge.scanRegistryImage(r.client, ref, layerOptions, r.signal);
        },
      });
      if (options.attach && result.target.kind !== 'image') throw new UsageError('--attach needs an image reference as the target');
      const bom = renderBom(result, format);
      if (options.output) writeFileSync(options.output, bom);
      else if (!options.json) io.stdout(bom);
      let attached: Awaited<ReturnType<Awaited<ReturnType<typeof registryEdge>>['attachBom']>> | undefined;
      if (options.attach) {
        const r = await registry();
        attached = await r.edge.attachBom(r.client, r.edge.imageArgument(result.target.digest ? `${result.target.repository}@${result.target.digest}` : targetArg), Buffer.from(bom), { artifactType: MEDIA[format], fileName: `aibom-scan.${format.endsWith('xml') ? 'cdx.xml' : format === 'spdx-json' ? 'spdx.json' : 'cdx.json'}`, created: now().toISOString() }, r.signal);
      }
      const findings = options.failOn === 'never' ? [] : worstFindings(result.models, options.failOn as Severity);
      if (options.json) {
        io.stdout(JSON.stringify({
          target: result.target,
          models: result.models.map((m) => ({ name: m.name, format: m.format, confidence: m.confidence, path: m.path, files: m.files.length, parameters: m.card.parameters, sha256: m.files.length === 1 ? m.files[0]!.sha256 : undefined, findings: m.findings.filter((f) => f.severity !== 'info').map((f) => ({ severity: f.severity, code: f.code, file: f.file, message: f.message, ...(f.offset !== undefined ? { offset: f.offset } : {}) })) })),
          lfsPointers: result.lfsPointers.map((l) => ({ path: l.path, oid: l.detection ? metaString(l.detection.metadata['lfs.oid'] ?? '') : undefined })),
          summary: result.context.summary,
          ...(attached ? { attached } : {}),
          failed: findings.length > 0,
        }, null, 2) + '\n');
      }
      if (options.progress) io.stderr(`aibom scan: ${result.models.length} model(s) in ${result.context.summary.files} file(s)${findings.length ? `; ${findings.length} finding(s) at ${options.failOn} or worse` : ''}${attached ? `; attached ${attached.manifestDigest}` : ''}\n`);
      for (const f of findings.slice(0, 20)) io.stderr(`aibom scan: ${f.severity}: ${f.file}: ${f.message}\n`);
      setExit(findings.length > 0 ? EXIT_DENIED : EXIT_OK);
    } catch (err) {
      if (err instanceof ScanTargetError || err instanceof PlatformError) throw new UsageError(err.message);
      if (edge && err instanceof edge.RegistryError) {
        io.stderr(`aibom: scan failed (${edge.lookupStatusOf(err)}): ${err.message}\n`);
        setExit(EXIT_LOOKUP_FAILED);
        return;
      }
      throw err;
    } finally {
      await client?.close();
    }
  });
}
