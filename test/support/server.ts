// Shared helpers for the server tests: temp dirs, real certificates made with openssl, a config on
// loopback with OS-chosen ports.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge, validateConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { defaultServingNames, generateDevCertificates, type CertificatePaths, type DevCertificates } from '../../src/server/dev-certs.js';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `aibom-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function testCertificates(dir: string): Promise<DevCertificates & { caBytes: Buffer }> {
  const certs = await generateDevCertificates(dir, defaultServingNames('aibom-webhook', 'aibom-system'));
  return { ...certs, caBytes: readFileSync(certs.ca.cert) };
}

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const base = { server: { port: 0, adminPort: 0, host: '127.0.0.1', adminHost: '127.0.0.1', shutdownDelaySeconds: 0 }, log: { level: 'silent' } };
  return validateConfig(deepMerge(base, overrides));
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/server/${name}`, import.meta.url), 'utf8');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** As the kubelet rotates a Secret volume: the pair in a new `..<name>` directory, `..data` swapped to it atomically. */
export function kubeletSwap(volume: string, name: string, pair: CertificatePaths): void {
  const dir = join(volume, `..${name}`);
  mkdirSync(dir);
  copyFileSync(pair.cert, join(dir, 'tls.crt'));
  copyFileSync(pair.key, join(dir, 'tls.key'));
  symlinkSync(`..${name}`, join(volume, '..data_tmp'));
  renameSync(join(volume, '..data_tmp'), join(volume, '..data'));
}
