// The `aibom` command. `main` returns the exit code; src/cli/run.ts is the process entry.
import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type CliIO } from './exit.js';
import { ConfigError } from '../config/index.js';
import { BomMappingError } from '../discovery/index.js';
import { CredentialFileError } from '../registry/index.js';
import { registerReview } from './commands/review.js';
import { registerClassify } from './commands/classify.js';
import { registerInspect } from './commands/inspect.js';
import { registerAttach } from './commands/attach.js';
import { registerCheck } from './commands/check.js';
import { PolicyError } from '../policy/index.js';
import { registerServe } from './commands/serve.js';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = EXIT_OK;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('aibom')
    .description('find AI BOMs attached to container images, label AI workloads, enforce AI model policy')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerReview(program, io, setExit);
  registerClassify(program, io, setExit);
  registerInspect(program, io, setExit);
  registerAttach(program, io, setExit);
  registerCheck(program, io, setExit);
  registerServe(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof BomMappingError || err instanceof PolicyError || err instanceof CredentialFileError) {
      io.stderr(`aibom: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}
