// Where the shared interop corpus lives: ../shared/corpus relative to the project root, or AIBOM_CORPUS.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const corpusDir = resolve(process.env.AIBOM_CORPUS ?? join(projectRoot, '..', 'shared', 'corpus'));

export function corpusAvailable(): boolean {
  return existsSync(corpusDir);
}

/**
 * The corpus's BOM files, sorted; [] when the corpus is missing. A suite generated from this list must
 * also assert it is not empty (`expectCorpus`), so that a missing corpus fails instead of testing nothing.
 */
export function corpusFiles(): string[] {
  if (!corpusAvailable()) return [];
  return readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort();
}

/** Fails, naming the place looked at, when the corpus is missing or holds no BOM. */
export function expectCorpus(files: readonly string[] = corpusFiles()): void {
  if (!corpusAvailable()) throw new Error(`the AI BOM corpus is missing at ${corpusDir} (set AIBOM_CORPUS): the corpus suites cannot run`);
  if (files.length === 0) throw new Error(`the AI BOM corpus at ${corpusDir} holds no *.json BOM`);
}

export function corpusBytes(file: string): Buffer {
  return readFileSync(join(corpusDir, file));
}

/** The lenient repair EXPECTED.md uses for the file with trailing commas. */
export function removeTrailingCommas(text: string): string {
  return text.replace(/,(\s*[}\]])/g, '$1');
}
