// `--bom IMAGE=FILE`: BOMs read from local files, matched on the normalised image reference.
// Files are read and parsed once, when the lookup is built.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FoundBom, ImageFindings, ImageLookup } from '../contracts/lookup.js';
import { readBom } from '../bom/index.js';
import { parseImageReference } from '../contracts/image-reference.js';
import { bomMediaTypeOf } from '../contracts/media-types.js';

export class BomMappingError extends Error {
  override name = 'BomMappingError';
}

export interface BomMapping {
  image: string;
  file: string;
}

/** Parses `IMAGE=FILE`: the first `=` separates (image references contain no `=`; file names may). */
export function parseBomMapping(text: string): BomMapping {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new BomMappingError(`--bom expects IMAGE=FILE, got ${JSON.stringify(text)}`);
  const image = text.slice(0, eq);
  try {
    return { image: parseImageReference(image).normalized, file: text.slice(eq + 1) };
  } catch (err) {
    throw new BomMappingError(`--bom ${JSON.stringify(image)}: ${(err as Error).message}`);
  }
}

/** A lookup answering from the mapped files; other images go to `next`. */
export function fileLookup(mappings: readonly BomMapping[], next: ImageLookup, maxBomBytes = 16 * 1024 * 1024): ImageLookup {
  const byImage = new Map<string, FoundBom[]>();
  for (const { image, file } of mappings) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new BomMappingError(`--bom ${image}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (bytes.length > maxBomBytes) throw new BomMappingError(`--bom ${image}: ${file} is larger than ${maxBomBytes} bytes`);
    const read = readBom(bytes);
    if (!read.ok) throw new BomMappingError(`--bom ${image}: ${file}: ${read.error}`);
    const found: FoundBom = {
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      mediaType: mediaTypeOf(read.inventory.format),
      source: 'file',
      trust: 'unsigned',
      inventory: read.inventory,
    };
    byImage.set(image, [...(byImage.get(image) ?? []), found]);
  }
  return async (image, options) => {
    const boms = byImage.get(image);
    if (boms) {
      const findings: ImageFindings = { status: 'found', boms };
      const digest = image.includes('@') ? image.slice(image.indexOf('@') + 1) : undefined;
      if (digest) findings.digest = digest;
      return findings;
    }
    return next(image, options);
  };
}

function mediaTypeOf(format: string): string {
  return bomMediaTypeOf(format) ?? 'application/json';
}

