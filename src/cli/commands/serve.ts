// `aibom serve`: runs the webhook (HTTPS) and the admin server (HTTP) until SIGTERM or SIGINT, then
// shuts down gracefully (src/server/service.ts) and exits 0. Without a certificate it makes a
// development CA and serving certificate with openssl and says where they are.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type DeepPartial, type Config } from '../../config/index.js';
import { composeLookup, createBomWorkerPool, parseBomMapping } from '../../discovery/index.js';
import { defaultServingNames, generateDevCertificates, createLogger, startService } from '../../server/index.js';
import { CliError, type CliIO, collect, EXIT, type ExitCode, UsageError } from '../exit.js';
import { Registry } from 'prom-client';
import { createLookupMetrics } from '../../metrics/index.js';
import { addRegistryFlags, applyRegistryFlags, type RegistryFlagValues } from '../registry-flags.js';
import { addTrustFlags, applyTrustFlags, type TrustFlagValues } from '../trust-flags.js';
import { processSignals } from '../signals.js';

interface ServeOptions extends RegistryFlagValues, Partial<TrustFlagValues> {
  tlsCert?: string;
  tlsKey?: string;
  port?: number;
  adminPort?: number;
  config?: string;
  bom: string[];
  layout?: string;
  policy?: string;
}

export interface ServeWiring {
  /** Calls `handler` on a shutdown request; defaults to SIGTERM and SIGINT. Returns an unsubscribe. */
  onShutdownSignal?: (handler: (signal: string) => void) => () => void;
}

export const SERVICE_NAME = 'aibom-webhook';
/** BOMs smaller than this are parsed on the main thread: a worker round trip costs more (docs/limits.md). */
export const PARSE_IN_THREAD_BELOW_BYTES = 64 * 1024;
/** Heap of a BOM parser worker: a BOM that needs more is `error:too-large`, the webhook lives on. */
export const PARSER_HEAP_MB = 192;

function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`invalid port ${JSON.stringify(value)}`);
  return n;
}

export function registerServe(program: Command, io: CliIO, setExit: (code: ExitCode) => void, wiring: ServeWiring = {}): void {
  const cmd = program
    .command('serve')
    .description('run the admission webhook (HTTPS: POST /mutate, /validate) and the admin server (HTTP: /metrics, /healthz, /readyz, /statusz)')
    .option('--tls-cert <file>', 'serving certificate (PEM); reloaded when the file changes')
    .option('--tls-key <file>', 'private key of the serving certificate (PEM)')
    .option('--port <port>', 'webhook HTTPS port (default 8443)', portNumber)
    .option('--admin-port <port>', 'admin HTTP port (default 9090)', portNumber)
    .option('--config <file>', 'configuration file (YAML)')
    .option('--bom <image=file>', 'use a local BOM file for an image (repeatable)', collect, [])
    .option('--layout <dir>', 'look BOMs up in this OCI image layout (sets discovery.sources to [layout])')
    .option('--policy <dir>', 'directory of AIModelPolicy files, watched for changes (sets policies.dir; a mounted ConfigMap in a cluster)');
  addTrustFlags(addRegistryFlags(cmd)).action(async (options: ServeOptions) => {
      if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
      const flags: DeepPartial<Config> = { server: {} };
      if (options.port !== undefined) flags.server!.port = options.port;
      if (options.adminPort !== undefined) flags.server!.adminPort = options.adminPort;
      if (options.tlsCert) flags.server!.tlsCert = options.tlsCert;
      if (options.tlsKey) flags.server!.tlsKey = options.tlsKey;
      if (options.layout) flags.discovery = { sources: ['layout'], layoutDir: options.layout };
      if (options.policy !== undefined) flags.policies = { dir: policyDirectory(options.policy) };
      const config = applyTrustFlags(applyRegistryFlags(loadConfig({ file: options.config, env: io.env, flags }), options), options);
      const log = createLogger({ level: config.log.level });
      // One prom-client registry for the webhook's and the lookup's metrics (served on /metrics).
      const promRegistry = new Registry();
      // Big BOMs are parsed on worker threads: the event loop stays free for /healthz and deadlines.
      const parser = config.discovery.parserWorkers > 0 ? createBomWorkerPool({ workers: config.discovery.parserWorkers, inThreadBelowBytes: PARSE_IN_THREAD_BELOW_BYTES, maxHeapMb: PARSER_HEAP_MB }) : undefined;
      const composed = composeLookup(config, {
        bomMappings: options.bom.map(parseBomMapping),
        // The lookup metrics exist where a registry is looked up.
        ...(config.discovery.sources.includes('registry') ? { metrics: createLookupMetrics(promRegistry) } : {}),
        onNote: (image, note) => log.debug({ image, note }, 'lookup note'),
        ...(parser ? { parseBom: parser.parse } : {}),
      });
      const lookup = composed.lookup;

      let certFile = config.server.tlsCert;
      let keyFile = config.server.tlsKey;
      if (!certFile || !keyFile) {
        const names = defaultServingNames(SERVICE_NAME, config.namespaces.self);
        let dev;
        try {
          dev = await generateDevCertificates(config.server.devCertDir, names, { reuse: true });
        } catch (err) {
          throw new UsageError(`no --tls-cert given and a development certificate could not be made in ${config.server.devCertDir}: ${(err as Error).message}`);
        }
        certFile = dev.serving.cert;
        keyFile = dev.serving.key;
        io.stderr(`aibom: no --tls-cert given: using a development certificate ${certFile} (key ${keyFile}), signed by the CA ${dev.ca.cert}; trust that CA to call the webhook\n`);
      }

      let service;
      try {
        service = await startService({ config, tlsCertFile: certFile, tlsKeyFile: keyFile, lookup, log, registry: promRegistry, onPolicies: (current) => composed.trust.follow(current) });
      } catch (err) {
        await composed.close();
        await parser?.close();
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || (err as NodeJS.ErrnoException).code === 'EACCES') {
          throw new CliError(`cannot listen: ${(err as Error).message}`, EXIT.cannotServe);
        }
        throw err;
      }
      io.stdout(`aibom: webhook https://${hostText(service.webhook.address)}:${service.webhook.port} (POST /mutate, /validate); admin http://${hostText(service.admin.address)}:${service.admin.port} (/metrics, /healthz, /readyz${config.server.adminStatus ? ', /statusz' : ''})\n`);

      await new Promise<void>((resolve) => {
        const unsubscribe = (wiring.onShutdownSignal ?? processSignals)((signal) => {
          unsubscribe();
          io.stdout(`aibom: ${signal}: shutting down (not ready now, serving for ${config.server.shutdownDelaySeconds}s more)\n`);
          service.shutdown(signal).then(resolve, (err: unknown) => {
            log.error({ err: (err as Error).message }, 'shutdown failed');
            resolve();
          });
        });
      });
      await composed.close();
      await parser?.close();
      io.stdout('aibom: stopped\n');
      setExit(EXIT.ok);
    });
}

/** `serve` watches a directory (the kubelet's ConfigMap layout, or a plain one): a file is a usage error. */
function policyDirectory(path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw new UsageError(`--policy ${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--policy ${path}: serve watches a directory of policy files; put ${basename(path)} in a directory and pass that`);
  return path;
}

function hostText(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
