// Where the shared interop corpus lives: ../shared/corpus relative to the project root, or AIBOM_CORPUS.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const corpusDir = resolve(process.env.AIBOM_CORPUS ?? join(projectRoot, '..', 'shared', 'corpus'));

export function corpusAvailable(): boolean {
  return existsSync(corpusDir);
}

/** Loud when the corpus is missing; the caller fails under CI=true. */
export function corpusFiles(): string[] {
  if (!corpusAvailable()) {
    console.warn(`\n!!! AI BOM corpus not found at ${corpusDir} (set AIBOM_CORPUS). Corpus tests check nothing. !!!\n`);
    return [];
  }
  return readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort();
}

export function corpusBytes(file: string): Buffer {
  return readFileSync(join(corpusDir, file));
}

/** The lenient repair EXPECTED.md uses for the file with trailing commas. */
export function removeTrailingCommas(text: string): string {
  return text.replace(/,(\s*[}\]])/g, '$1');
}
