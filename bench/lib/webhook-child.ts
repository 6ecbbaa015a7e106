// The real webhook for the benchmark: startService (HTTPS webhook + admin server) over the real
// composition root (server/compose.ts) with the admission-grade registry lookup, configured for the
// local registry (and the counting proxy in front of it). Logs at the default level (info: one JSON
// line per admission) go to stderr, which the benchmark points at /dev/null.
import { Registry } from 'prom-client';
import { deepMerge, validateConfig } from '../../src/config/load.js';
import { buildLookup } from '../../src/server/compose.js';
import { createLogger } from '../../src/server/log.js';
import { startService } from '../../src/server/service.js';
import { registryLookupService } from '../../test/support/registry-lookup-service.js';
import { processStats, serveStats, type ChildMessage } from './ipc.js';

const [certFile, keyFile, insecureList, logLevel] = process.argv.slice(2) as [string, string, string, string];

async function main(): Promise<void> {
  const config = validateConfig(deepMerge({
    server: { port: 0, adminPort: 0, host: '127.0.0.1', adminHost: '127.0.0.1', shutdownDelaySeconds: 0 },
    discovery: { sources: ['registry'] },
    registries: { insecure: insecureList.split(',').filter(Boolean) },
    log: { level: logLevel },
  }, {}));
  const promRegistry = new Registry();
  const stack = registryLookupService(config, { metricsRegistry: promRegistry });
  const lookup = buildLookup(config, { registry: () => stack.lookup });
  const log = createLogger({ level: config.log.level });
  const service = await startService({ config, tlsCertFile: certFile, tlsKeyFile: keyFile, lookup, log, registry: promRegistry });
  const misses = async (): Promise<number> => {
    const metric = promRegistry.getSingleMetric('aibom_admission_deadline_misses_total');
    if (!metric) return 0;
    return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
  };
  serveStats(async () => processStats(await misses()), async () => {
    await service.shutdown('benchmark over', 0);
    await stack.close();
  });
  process.send?.({ type: 'ready', port: service.webhook.port } satisfies ChildMessage);
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies ChildMessage);
  process.exit(1);
});
