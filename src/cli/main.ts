// The `aibom` command. `main` returns the exit code (src/cli/exit.ts: one table for every command);
// src/cli/run.ts is the process entry.
import { Command, CommanderError } from 'commander';
import { EXIT, type CliIO, type ExitCode } from './exit.js';
import { addExamples } from './help-examples.js';
import { packageVersion } from './version.js';

type Register = (program: Command, io: CliIO, setExit: (code: ExitCode) => void) => void;

/**
 * Each command's module, imported only when that command runs (all of them for the help listing):
 * `aibom scan` never loads the webhook server, the registry client or the metrics, which keeps its
 * start-up time and memory small (docs/model-scan.md "Throughput").
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  review: async () => (await import('./commands/review.js')).registerReview,
  classify: async () => (await import('./commands/classify.js')).registerClassify,
  inspect: async () => (await import('./commands/inspect.js')).registerInspect,
  attach: async () => (await import('./commands/attach.js')).registerAttach,
  check: async () => (await import('./commands/check.js')).registerCheck,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  scan: async () => (await import('./commands/scan.js')).registerScan,
  inventory: async () => (await import('./commands/inventory.js')).registerInventory,
  'inventory-controller': async () => (await import('./commands/inventory-controller.js')).registerInventoryController,
  completion: async () => (await import('./commands/completion.js')).registerCompletion,
};

export async function main(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const setExit = (code: ExitCode): void => {
    exitCode = code;
  };
  const program = new Command('aibom')
    .description('find AI BOMs attached to container images, label AI workloads, enforce AI model policy')
    .version(packageVersion(), '-V, --version', 'print the version of aibom')
    .exitOverride()
    // Commander's own usage errors start with `error: `: one style with ours (`aibom: error: …`).
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`aibom: ${text}`) });
  // `completion` reads every command's options from the program: it loads them all, as the help listing does.
  const named = argv[0] !== undefined && argv[0] !== 'completion' && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  for (const name of named) (await COMMANDS[name]!())(program, io, setExit);
  addExamples(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the usage problem (or the help) itself.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.badInput;
    }
    // Imported on the error path only (it names every room's bad-input errors).
    const { failureOf } = await import('./failure.js');
    const failure = failureOf(err);
    io.stderr(`${failure.line}\n`);
    return failure.exitCode;
  }
}
