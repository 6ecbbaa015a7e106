// The `aibom` command. `main` returns the exit code (src/cli/exit.ts: one table for every command);
// src/cli/run.ts is the process entry.
import { Command, CommanderError } from 'commander';
import { EXIT, failureOf, type CliIO, type ExitCode } from './exit.js';
import { registerReview } from './commands/review.js';
import { registerClassify } from './commands/classify.js';
import { registerInspect } from './commands/inspect.js';
import { registerAttach } from './commands/attach.js';
import { registerCheck } from './commands/check.js';
import { registerServe } from './commands/serve.js';
import { registerScan } from './commands/scan.js';

export async function main(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const setExit = (code: ExitCode): void => {
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
  registerScan(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the usage problem (or the help) itself.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.badInput;
    }
    const failure = failureOf(err);
    io.stderr(`${failure.line}\n`);
    return failure.exitCode;
  }
}
