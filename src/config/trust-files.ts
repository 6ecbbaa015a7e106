// The trust configuration's files, read at the edge (src/trust parses text only): `trust.keys`,
// `trust.trustedRoots`, the Notary trust policy and trust stores, and the files an AIModelPolicy's
// `trustedSigners` names. Errors name the file; nothing here is read on the admission path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { PolicyError, type AIModelPolicy, type LoadedPolicy } from '../policy/index.js';
import { parsePublicKey, TrustConfigError } from '../trust/index.js';
import { buildTrustSet, parseTrustedRoot, type TrustInput, type TrustSet } from '../trust/index.js';
import type { TrustStoreType } from '../trust/index.js';
import type { Config } from './schema.js';

const MAX_TRUST_FILE = 4 * 1024 * 1024;

function readText(path: string, what: string): string {
  let text: string;
  try {
    if (statSync(path).size > MAX_TRUST_FILE) throw new TrustConfigError(`${what} ${path} is larger than ${MAX_TRUST_FILE} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof TrustConfigError) throw err;
    throw new TrustConfigError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text;
}

/** A PEM file, or every *.pem / *.crt / *.cer file of a directory (a mounted ConfigMap or Secret). */
function readPemPath(path: string, what: string): string {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new TrustConfigError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!isDir) return readText(path, what);
  const files = readdirSync(path).filter((n) => !n.startsWith('.') && /\.(pem|crt|cer)$/i.test(n)).sort();
  if (files.length === 0) throw new TrustConfigError(`${what} ${path}: no .pem, .crt or .cer file in the directory`);
  return files.map((n) => readText(join(path, n), what)).join('\n');
}

/** `config.trust` → the text src/trust builds a trust set from. */
export function readTrustInput(trust: Config['trust']): TrustInput {
  const input: TrustInput = {
    keys: trust.keys.map((path) => ({ name: basename(path), pem: readText(path, 'key') })),
    identities: trust.identities,
    trustedRoots: trust.trustedRoots.map((path) => ({ name: basename(path), json: readText(path, 'trusted root') })),
  };
  const notary = trust.notary;
  if (notary.trustPolicy) {
    input.notary = {
      policyJson: readText(notary.trustPolicy, 'Notary trust policy'),
      stores: notary.trustStores.map((s) => ({ type: s.type as TrustStoreType, name: s.name, pem: readPemPath(s.path, `Notary trust store ${s.type}:${s.name}`) })),
    };
  } else if (notary.trustStores.length > 0) {
    throw new TrustConfigError('trust.notary.trustStores are set but trust.notary.trustPolicy is not: Notary verification needs a trust policy');
  }
  return input;
}

/** The trust set of the configuration alone (CLI commands without policies); throws TrustConfigError. */
export function loadTrustSet(trust: Config['trust']): TrustSet {
  return buildTrustSet(readTrustInput(trust));
}

const isPem = (text: string): boolean => text.trimStart().startsWith('-----BEGIN');

/**
 * Reads the files an AIModelPolicy's `trustedSigners` names — `key` (a path, relative to the policy
 * file, or inline PEM) and `trustedRoot` (a path, or inline JSON) — and puts their content in place,
 * so the policy carries what it trusts (its hash changes when a key file does). Checks each key and
 * root parses. Throws TrustConfigError naming the policy and the entry.
 */
export function resolvePolicyTrustFiles(policy: AIModelPolicy, source: string): void {
  const signers = policy.spec.rules.trustedSigners;
  if (!signers) return;
  const base = dirname(source);
  signers.forEach((entry, i) => {
    const where = `${source}: policy ${policy.metadata.name}: trustedSigners[${i}]`;
    try {
      if ('key' in entry) {
        if (!isPem(entry.key)) entry.key = readText(isAbsolute(entry.key) ? entry.key : resolve(base, entry.key), 'key');
        parsePublicKey(entry.key, `trustedSigners[${i}]`);
      } else if ('issuer' in entry && entry.trustedRoot !== undefined) {
        if (!entry.trustedRoot.trimStart().startsWith('{')) entry.trustedRoot = readText(isAbsolute(entry.trustedRoot) ? entry.trustedRoot : resolve(base, entry.trustedRoot), 'trusted root');
        parseTrustedRoot(entry.trustedRoot, `trustedSigners[${i}].trustedRoot`);
      }
    } catch (err) {
      throw new TrustConfigError(`${where}: ${(err as Error).message}`);
    }
  });
}

/** resolvePolicyTrustFiles for every loaded policy; errors become PolicyErrors (a bad file is a bad policy). */
export function resolveLoadedPolicies(loaded: readonly LoadedPolicy[]): void {
  for (const p of loaded) {
    try {
      resolvePolicyTrustFiles(p.policy, p.source);
    } catch (err) {
      throw new PolicyError((err as Error).message);
    }
  }
}
