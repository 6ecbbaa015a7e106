// Reading the CLI's inputs: files (or `-` for stdin) and image arguments, with one-line errors (exit 2).
import { readFileSync } from 'node:fs';
import { parseImageReference, ReferenceError, type ImageReference } from '../contracts/image-reference.js';
import { UsageError, type CliIO } from './exit.js';

/** The bytes of `file`; an unreadable file is bad input. `label` names the flag in the message. */
export function readInputFile(file: string, label = ''): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${label ? `${label} ` : ''}${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The text of `file`, or of stdin when `file` is `-`. */
export async function readInputText(file: string, io: CliIO): Promise<string> {
  if (file === '-') return (await io.readStdin?.()) ?? '';
  return readInputFile(file).toString('utf8');
}

/** An image argument, parsed and normalised; a bad reference is bad input. */
export function imageArgument(image: string): ImageReference {
  try {
    return parseImageReference(image);
  } catch (err) {
    if (err instanceof ReferenceError) throw new UsageError(`${JSON.stringify(image)}: ${err.message}`);
    throw err;
  }
}
