// The serving certificate and key, read together and reloaded together when their files change.
// In a pod both come from a Secret volume: the kubelet writes a new timestamped directory and swaps
// the `..data` symlink atomically, so the files' own inodes never change and a watcher on the file
// alone misses the swap. We watch the directories (cheap, immediate) and also poll a hash (the
// watcher can miss events on some filesystems). A new pair is installed only when it parses, the key
// matches the certificate, and Node builds a secure context from it; otherwise the old one stays.
// `server.setSecureContext` affects new handshakes only: no connection is dropped.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from './log.js';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** sha256 of cert and key bytes: tells whether anything changed. */
  fingerprint: string;
  /** Of the certificate: for logs and `/statusz`. */
  serialNumber: string;
  validTo: string;
}

export class CertificateError extends Error {
  override name = 'CertificateError';
}

/** TLS settings of the webhook: TLS 1.2 or newer, HTTP/1.1 only (no h2: rapid-reset class of bugs). */
export function secureContextOptions(material: Pick<TlsMaterial, 'cert' | 'key'>): SecureContextOptions {
  return { cert: material.cert, key: material.key, minVersion: 'TLSv1.2' };
}

/** Reads and checks a certificate/key pair; throws CertificateError saying what is wrong. */
export async function loadTlsMaterial(certFile: string, keyFile: string): Promise<TlsMaterial> {
  let cert: Buffer;
  let key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  } catch (err) {
    throw new CertificateError(`cannot read TLS certificate or key: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new CertificateError(`${certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new CertificateError(`${keyFile} is not a PEM private key: ${(err as Error).message}`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new CertificateError(`${keyFile} does not belong to the certificate in ${certFile}`);
  try {
    createSecureContext(secureContextOptions({ cert, key }));
  } catch (err) {
    throw new CertificateError(`TLS refuses the certificate/key pair: ${(err as Error).message}`);
  }
  const fingerprint = createHash('sha256').update(cert).update('\0').update(key).digest('hex');
  return { cert, key, fingerprint, serialNumber: x509.serialNumber, validTo: x509.validTo };
}

export interface CertificateWatcherOptions {
  certFile: string;
  keyFile: string;
  pollMs: number;
  log: Logger;
  /** Installs a checked pair (e.g. `server.setSecureContext`). */
  install: (material: TlsMaterial) => void;
  /** Told about every reload attempt. */
  onReload?: (result: 'ok' | 'rejected') => void;
}

/** Keeps the installed certificate in step with the files. `current` is the pair in use. */
export class CertificateWatcher {
  current: TlsMaterial;
  private readonly watchers: FSWatcher[] = [];
  private poll: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private again = false;
  private lastRejected: string | undefined;

  constructor(initial: TlsMaterial, private readonly options: CertificateWatcherOptions) {
    this.current = initial;
  }

  start(): void {
    const dirs = new Set([dirname(this.options.certFile), dirname(this.options.keyFile)]);
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, () => this.soon());
        w.on('error', (err) => this.options.log.warn({ err: err.message, dir }, 'certificate directory watch failed; polling only'));
        this.watchers.push(w);
      } catch (err) {
        this.options.log.warn({ err: (err as Error).message, dir }, 'cannot watch certificate directory; polling only');
      }
    }
    this.poll = setInterval(() => void this.check(), this.options.pollMs);
    this.poll.unref();
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.poll = undefined;
    this.debounce = undefined;
  }

  /** Reads the files and installs them if they changed and are good. Concurrent calls coalesce. */
  check(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = this.checkOnce().finally(() => {
      this.checking = undefined;
      if (this.again) {
        this.again = false;
        void this.check();
      }
    });
    return this.checking;
  }

  // A symlink swap fires several events in a row; one read after they settle is enough.
  private soon(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.check(), 50);
    this.debounce.unref();
  }

  private async checkOnce(): Promise<void> {
    const { certFile, keyFile, log } = this.options;
    let material: TlsMaterial;
    try {
      material = await loadTlsMaterial(certFile, keyFile);
    } catch (err) {
      // During a swap one file may be new and the other old: the key check fails, the next event
      // or poll picks the completed pair up. Log each distinct failure once.
      const message = (err as Error).message;
      if (message !== this.lastRejected) {
        this.lastRejected = message;
        log.error({ err: message }, 'TLS certificate reload rejected; keeping the certificate in use');
        this.options.onReload?.('rejected');
      }
      return;
    }
    this.lastRejected = undefined;
    if (material.fingerprint === this.current.fingerprint) return;
    try {
      this.options.install(material);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'installing the new TLS certificate failed; keeping the certificate in use');
      this.options.onReload?.('rejected');
      return;
    }
    this.current = material;
    log.info({ serialNumber: material.serialNumber, validTo: material.validTo }, 'TLS certificate reloaded');
    this.options.onReload?.('ok');
  }
}
