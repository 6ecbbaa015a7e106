// The registry flags every network command takes (DESIGN.md "Endpoints, CLI, configuration"):
// `--insecure-registry HOST:PORT` (repeatable), `--registry-config FILE` (repeatable, docker config
// JSON / .dockerconfigjson), `--ca-file FILE`. Declared here, apart from the registry client that
// registry-flags.ts builds from them, so that declaring the flags loads no network code.
import type { Command } from 'commander';
import { collect } from './exit.js';

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
