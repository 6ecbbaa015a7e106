// Flags shared by every network command (DESIGN.md "Endpoints, CLI, configuration"):
// `--insecure-registry HOST:PORT` (repeatable), `--registry-config FILE` (repeatable, docker config
// JSON / .dockerconfigjson), `--ca-file FILE`; and the registry client built from the configuration.
import { readInputFile } from './input.js';
import type { Config } from '../config/schema.js';
import { CredentialFileError, CredentialStore } from '../oci/credentials.js';
import { RegistryClient } from '../oci/registry-client.js';
import { buildImageLookup, type BuildLookupDeps } from '../discovery/build-lookup.js';
import type { LookupService } from '../discovery/lookup-service.js';
import { PlatformFilterError } from '../discovery/platforms.js';
import { ReferenceError } from '../oci/reference.js';
import { UsageError } from './exit.js';
import type { RegistryFlagValues } from './registry-options.js';

export { addRegistryFlags, type RegistryFlagValues } from './registry-options.js';

/** The configuration with the flags applied on top (lists are extended, the CA file replaced). */
export function applyRegistryFlags(config: Config, flags: Partial<RegistryFlagValues>): Config {
  for (const host of flags.insecureRegistry ?? []) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d+)?$/.test(host)) throw new UsageError(`--insecure-registry expects HOST[:PORT], got ${JSON.stringify(host)}`);
  }
  return {
    ...config,
    registries: {
      ...config.registries,
      insecure: [...config.registries.insecure, ...(flags.insecureRegistry ?? [])],
      configFiles: [...config.registries.configFiles, ...(flags.registryConfig ?? [])],
      caFile: flags.caFile ?? config.registries.caFile,
    },
  };
}

/** A registry client for the configuration. The caller closes it. */
export function buildRegistryClient(config: Config): RegistryClient {
  const r = config.registries;
  const credentials = new CredentialStore();
  try {
    for (const file of r.configFiles) credentials.addFile(file);
  } catch (err) {
    if (err instanceof CredentialFileError) throw new UsageError(err.message);
    throw err;
  }
  const ca = r.caFile ? readInputFile(r.caFile, '--ca-file') : undefined;
  return new RegistryClient({
    egress: { allow: r.allow, deny: r.deny, insecure: r.insecure },
    insecure: r.insecure,
    mirrors: r.mirrors,
    credentials,
    ...(ca ? { ca } : {}),
    requestTimeoutMs: r.requestTimeoutMs,
    maxRetries: r.maxRetries,
  });
}

/**
 * The composed image lookup (every attachment source under the lookup service) for a configuration:
 * the one used by `aibom serve`, `review`, `inspect` and `check`. Bad `discovery.*` values are usage errors.
 */
export function buildConfiguredLookup(config: Config, deps: BuildLookupDeps): LookupService {
  try {
    return buildImageLookup(config, deps);
  } catch (err) {
    if (err instanceof PlatformFilterError) throw new UsageError(err.message);
    if (err instanceof ReferenceError) throw new UsageError(`discovery.cosignRepository: ${err.message}`);
    throw err;
  }
}

/** The CLI commands' lookup (their callers pass `purpose: 'cli'`). */
export function buildCliLookup(config: Config, client: RegistryClient): LookupService {
  return buildConfiguredLookup(config, { client });
}
