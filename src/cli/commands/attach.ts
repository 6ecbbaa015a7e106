// `aibom attach IMAGE BOMFILE [--artifact-type T]`: push a BOM as an OCI 1.1 artifact referring to
// the image (src/registry/attach.ts). Exit codes (src/cli/exit.ts): 0 attached, 2 bad input, 3 the
// registry refused or failed the push.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { imageArgument, readInputFile } from '../input.js';
import { readBom } from '../../bom/index.js';
import { loadConfig } from '../../config/index.js';
import { artifactTypeForFormat, attachBom, RegistryError, registryClientFromConfig, type AttachResult } from '../../registry/index.js';
import { type CliIO, EXIT, type ExitCode, UsageError } from '../exit.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';

interface AttachCliOptions extends RegistryFlagValues {
  artifactType?: string;
  json?: boolean;
  config?: string;
  force?: boolean;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

export function registerAttach(program: Command, io: CliIO, setExit: (code: ExitCode) => void, now: () => Date = () => new Date()): void {
  const cmd = program
    .command('attach')
    .description('attach a BOM to an image as an OCI 1.1 referrer (referrers API, or the sha256-<hex> tag index)')
    .argument('<image>', 'image reference (tag or digest)')
    .argument('<bomfile>', 'BOM file (CycloneDX or SPDX JSON)')
    .option('--artifact-type <type>', 'artifact type (default: from the BOM format)')
    .option('--force', 'push another referrer even when the same BOM is already attached (default: reuse it)')
    .option('--json', 'print a JSON result')
    .option('--config <file>', 'configuration file (YAML)');
  addRegistryFlags(cmd).action(async (image: string, file: string, options: AttachCliOptions) => {
    const ref = imageArgument(image);
    const config = applyRegistryFlags(loadConfig({ file: options.config, env: io.env }), options);
    const bytes = readInputFile(file);
    if (bytes.length > config.limits.maxBomBytes) throw new UsageError(`${file} is larger than ${config.limits.maxBomBytes} bytes`);
    if (options.artifactType !== undefined && !MEDIA_TYPE.test(options.artifactType)) throw new UsageError(`--artifact-type ${JSON.stringify(options.artifactType)} is not a media type`);
    let artifactType = options.artifactType;
    if (!artifactType) {
      const read = readBom(bytes);
      if (!read.ok) throw new UsageError(`${file}: ${read.error} (pass --artifact-type to attach it anyway)`);
      artifactType = artifactTypeForFormat(read.inventory.format);
      if (!artifactType) throw new UsageError(`${file}: unknown BOM format; pass --artifact-type`);
    }
    const client = registryClientFromConfig(config);
    try {
      const result = await attachBom(client, ref, bytes, { artifactType, fileName: basename(file), created: now().toISOString(), force: options.force === true }, AbortSignal.timeout(Math.max(30_000, config.registries.requestTimeoutMs * 10)));
      if (options.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
      else io.stdout(attachedText(result, `${ref.registry}/${ref.repository}@${result.subject.digest}`));
      setExit(EXIT.ok);
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      io.stderr(`aibom: error: attach failed: the registry refused or failed (${err.kind}): ${err.message}\n`);
      setExit(EXIT.lookupFailed);
    } finally {
      await client.close();
    }
  });
}

/**
 * What was attached, by the ids `aibom inspect` shows: the BOM (the blob digest, inspect's `bom:`)
 * first, then the referrer manifest that carries it (what `oras discover` lists).
 */
export function attachedText(result: AttachResult, subject: string): string {
  const via = result.via === 'api' ? 'the referrers API' : `tag ${result.tag}`;
  const lines = result.reused
    ? [`already attached: bom ${result.bomDigest} (${result.artifactType}) to ${subject}; nothing pushed (--force adds another referrer)`]
    : [`attached bom ${result.bomDigest} (${result.artifactType}) to ${subject} via ${via}`];
  lines.push(`referrer manifest ${result.manifestDigest}`);
  return lines.join('\n') + '\n';
}
