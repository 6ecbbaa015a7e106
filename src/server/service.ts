// The running webhook: HTTPS webhook server, admin server, certificate watcher, readiness, and the
// graceful rollout. On shutdown: `/readyz` turns 503 at once (endpoints controllers and the
// apiservers take a while to notice), every response from then on says `Connection: close` (so the
// apiservers' keep-alive connections move to other replicas), and the server keeps serving for
// `server.shutdownDelaySeconds`; then it stops accepting, lets in-flight requests finish, and closes.
// The Deployment's preStop sleep matches the delay (deploy/deployment.yaml).
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { AdmitDependencies } from '../admission/index.js';
import type { ImageLookup } from '../contracts/lookup.js';
import { type Config, admissionSettings } from '../config/index.js';
import { createWebhookMetrics, type WebhookMetrics } from '../metrics/index.js';
import type { AIModelPolicy } from '../policy/index.js';
import { createAdminServer, type Readiness } from './admin-server.js';
import { CertificateWatcher, loadTlsMaterial } from './certificates.js';
import type { Logger } from './log.js';
import { createWebhookServer } from './webhook-server.js';
import { createEnforcement, type Enforcement } from './enforcement.js';

export interface ServiceOptions {
  config: Config;
  tlsCertFile: string;
  tlsKeyFile: string;
  lookup: ImageLookup;
  log: Logger;
  registry?: Registry;
  /** Overrides the policy engine (tests); default: the policies of `policies.dir` (src/server/enforcement.ts). */
  evaluatePolicy?: AdmitDependencies['evaluatePolicy'];
  bypass?: AdmitDependencies['bypass'];
  clock?: () => Date;
  /** Extra `/statusz` detail (e.g. the active policy set's hash). */
  readinessDetail?: () => Record<string, unknown>;
  /** Told how to read the active policy set (the trust source follows its trustedSigners). */
  onPolicies?: (current: () => readonly AIModelPolicy[]) => void;
}

export interface RunningService {
  webhook: AddressInfo;
  admin: AddressInfo;
  metrics: WebhookMetrics;
  enforcement: Enforcement;
  certificates: CertificateWatcher;
  readiness(): Readiness;
  /** TCP connections open on the webhook port (handshaking or not). */
  openSockets(): number;
  /** Graceful: not ready → delay → stop accepting → finish in-flight → closed. Idempotent. */
  shutdown(reason: string, delayMs?: number): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config, log } = options;
  const registry = options.registry ?? new Registry();
  const metrics = createWebhookMetrics(registry);
  const tls = await loadTlsMaterial(options.tlsCertFile, options.tlsKeyFile);
  const enforcement = createEnforcement({ config, log, registry, ...(options.clock ? { clock: options.clock } : {}) });
  options.onPolicies?.(() => enforcement.current().policies);
  const webhook = createWebhookServer({
    config, tls, lookup: options.lookup, settings: admissionSettings(config), log, metrics,
    evaluatePolicy: options.evaluatePolicy ?? ((ctx, slice) => (slice ? enforcement.ports.evaluatePolicyInSlices(ctx, slice) : enforcement.ports.evaluatePolicy(ctx))),
    bypass: options.bypass ?? ((ctx, slice) => (slice ? enforcement.ports.bypassInSlices(ctx, slice) : enforcement.ports.bypass(ctx))),
    onDecision: enforcement.onDecision,
  });
  const certificates = new CertificateWatcher(tls, {
    certFile: options.tlsCertFile,
    keyFile: options.tlsKeyFile,
    pollMs: config.server.certPollSeconds * 1000,
    log,
    install: (material) => webhook.setCertificate(material),
    onReload: (result) => {
      metrics.certificateReload(result);
      if (result === 'ok') metrics.certificateInUse(Date.parse(certificates.current.validTo) / 1000);
    },
  });
  metrics.certificateInUse(Date.parse(tls.validTo) / 1000);
  let stopping: string | undefined;
  const readiness = (): Readiness => ({
    ready: stopping === undefined,
    ...(stopping !== undefined ? { reason: stopping } : {}),
    detail: {
      discovery: config.discovery.sources,
      certificate: { serialNumber: certificates.current.serialNumber, validTo: certificates.current.validTo },
      inFlight: webhook.inFlight(),
      ...enforcement.readinessDetail(),
      ...(options.readinessDetail?.() ?? {}),
    },
  });
  const admin = createAdminServer({ registry, readiness, log, status: config.server.adminStatus });

  const webhookAddress = await webhook.listen(config.server.port, config.server.host);
  let adminAddress: AddressInfo;
  try {
    adminAddress = await admin.listen(config.server.adminPort, config.server.adminHost);
  } catch (err) {
    enforcement.stop();
    await webhook.close(0);
    throw err;
  }
  certificates.start();
  log.info({ webhookPort: webhookAddress.port, adminPort: adminAddress.port, discovery: config.discovery.sources }, 'aibom webhook serving');

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string, delayMs = config.server.shutdownDelaySeconds * 1000): Promise<void> => {
    shuttingDown ??= (async () => {
      stopping = reason;
      webhook.drain();
      log.info({ reason, delayMs }, 'shutting down: not ready, still serving until the delay is over');
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      // In-flight requests may take up to the longest webhook timeout.
      const graceMs = Math.max(config.mutate.timeoutSeconds, config.validate.timeoutSeconds) * 1000 + 1000;
      log.info({ inFlight: webhook.inFlight() }, 'shutting down: no longer accepting connections');
      await webhook.close(graceMs);
      certificates.stop();
      enforcement.stop();
      await admin.close();
      log.info('shut down');
    })();
    return shuttingDown;
  };
  return { webhook: webhookAddress, admin: adminAddress, metrics, enforcement, certificates, readiness, openSockets: () => webhook.openSockets(), shutdown };
}
