// The registry client a configuration describes (`registries.*`): egress rules, plain-HTTP hosts,
// mirrors, credentials from docker config files, an extra CA bundle, timeouts and retries. The
// caller closes it.
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../config/index.js';
import type { ExchangeObserver } from './transport.js';
import { RegistryClient } from './client.js';
import { CredentialStore } from './credentials.js';

/** Throws CredentialFileError for a bad credentials file and ConfigError for an unreadable CA file. */
export function registryClientFromConfig(config: Config, observe: { onExchange?: ExchangeObserver } = {}): RegistryClient {
  const r = config.registries;
  const credentials = new CredentialStore();
  for (const file of r.configFiles) credentials.addFile(file);
  let ca: Buffer | undefined;
  if (r.caFile) {
    try {
      ca = readFileSync(r.caFile);
    } catch (err) {
      throw new ConfigError(`cannot read --ca-file ${r.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return new RegistryClient({
    egress: { allow: r.allow, deny: r.deny, insecure: r.insecure },
    insecure: r.insecure,
    mirrors: r.mirrors,
    credentials,
    ...(ca ? { ca } : {}),
    requestTimeoutMs: r.requestTimeoutMs,
    maxRetries: r.maxRetries,
    ...(observe.onExchange ? { onExchange: observe.onExchange } : {}),
  });
}
