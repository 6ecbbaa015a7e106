// Loads the configuration: defaults < YAML file < AIBOM_* environment < flags. The only module
// that reads process.env (through the `env` argument its callers pass).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { closestField, knownFields } from '../contracts/suggest.js';
import { configSchema, defaultConfig, type Config } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface LoadConfigOptions {
  /** YAML or JSON file. */
  file?: string | undefined;
  /** Environment (pass `process.env`); only `AIBOM_*` keys are read. */
  env?: Record<string, string | undefined>;
  /** Values from command-line flags; highest precedence. */
  flags?: DeepPartial<Config>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  let merged: Record<string, unknown> = {};
  if (options.file) merged = deepMerge(merged, readConfigFile(options.file));
  if (options.env) merged = deepMerge(merged, configFromEnv(options.env));
  if (options.flags) merged = deepMerge(merged, options.flags as Record<string, unknown>);
  return validateConfig(merged, options.file ? `config ${options.file}` : 'config');
}

export function validateConfig(input: unknown, origin = 'config'): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`${origin}: ${formatIssues(result.error)}`);
  return result.data;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      if (issue.code === 'unrecognized_keys') {
        const known = knownFields(configSchema, issue.path);
        const hints = issue.keys.map((k) => closestField(k, known)).filter((n): n is string => n !== undefined);
        return `${where}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${hints.length > 0 ? ` (did you mean ${hints.map((h) => JSON.stringify(h)).join(', ')}?)` : ''}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file ${file} must hold a mapping`);
  return doc as Record<string, unknown>;
}

/** `mutate.timeoutSeconds` ↔ `AIBOM_MUTATE_TIMEOUT_SECONDS`. */
export function envName(path: readonly string[]): string {
  return `AIBOM_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** Every configuration leaf and its env var name, from the defaults. */
export function configLeaves(): { path: string[]; env: string; example: unknown }[] {
  const leaves: { path: string[]; env: string; example: unknown }[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !isRecordLeaf(path)) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    } else leaves.push({ path, env: envName(path), example: value });
  };
  walk(defaultConfig(), []);
  return leaves;
}

// Leaves whose value is a free-form map (written in env as `k=v,k2=v2`).
function isRecordLeaf(path: readonly string[]): boolean {
  return path.join('.') === 'registries.mirrors';
}

export function configFromEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const leaf of configLeaves()) {
    const raw = env[leaf.env];
    if (raw === undefined) continue;
    setPath(out, leaf.path, coerce(raw, leaf.example, leaf.env));
  }
  return out;
}

function coerce(raw: string, example: unknown, name: string): unknown {
  if (typeof example === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${name}: expected a number, got ${JSON.stringify(raw)}`);
    return n;
  }
  if (typeof example === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    throw new ConfigError(`${name}: expected true or false, got ${JSON.stringify(raw)}`);
  }
  if (Array.isArray(example)) return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (example !== null && typeof example === 'object') {
    const map: Record<string, string> = {};
    for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new ConfigError(`${name}: expected key=value pairs, got ${JSON.stringify(pair)}`);
      map[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return map;
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const prev = out[key];
    if (isPlainObject(value) && isPlainObject(prev)) out[key] = deepMerge(prev, value);
    else out[key] = value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
