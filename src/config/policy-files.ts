// AIModelPolicy documents from files and directories (the edge; parsing is pure, src/policy/parse.ts).
// A directory is read one level deep: *.yaml, *.yml and *.json, sorted by name, skipping dot entries —
// a mounted ConfigMap shows its keys as symlinks beside `..data` and `..<timestamp>` directories.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkPolicySet, parsePolicyText, PolicyError, type LoadedPolicy } from '../policy/index.js';
import { resolveLoadedPolicies } from './trust-files.js';

const POLICY_FILE = /\.(ya?ml|json)$/i;

/** Loads every policy under the given files and directories; PolicyError names the file and field. */
export function loadPolicyFiles(paths: readonly string[]): LoadedPolicy[] {
  const out: LoadedPolicy[] = [];
  for (const path of paths) {
    const files = policyFilesAt(path);
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new PolicyError(`cannot read policy file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const found = parsePolicyText(text, file);
      // A file named on its own must hold a policy; a directory may hold other documents too.
      if (found.length === 0 && files.length === 1 && files[0] === path) throw new PolicyError(`${file}: no AIModelPolicy document found`);
      out.push(...found);
    }
  }
  checkPolicySet(out);
  // trustedSigners may name key and trusted-root files (relative to the policy file).
  resolveLoadedPolicies(out);
  return out;
}

function policyFilesAt(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new PolicyError(`cannot read policy path ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!isDir) return [path];
  return readdirSync(path)
    .filter((name) => !name.startsWith('.') && POLICY_FILE.test(name))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}
