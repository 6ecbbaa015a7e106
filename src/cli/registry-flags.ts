// Flags shared by every network command (docs/cli.md): `--insecure-registry HOST:PORT` (repeatable),
// `--registry-config FILE` (repeatable, docker config JSON / .dockerconfigjson), `--ca-file FILE`,
// applied on top of the configuration's `registries.*`.
import type { Command } from 'commander';
import type { Config } from '../config/index.js';
import { collect, UsageError } from './exit.js';

export interface RegistryFlagValues {
  insecureRegistry: string[];
  registryConfig: string[];
  caFile?: string;
}

export function addRegistryFlags(command: Command): Command {
  return command
    .option('--insecure-registry <host:port>', 'reach this registry over plain HTTP, and allow it past the egress policy (repeatable)', collect, [])
    .option('--registry-config <file>', 'docker config JSON with registry credentials (repeatable)', collect, [])
    .option('--ca-file <file>', 'extra CA certificates (PEM) trusted for registries');
}

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
