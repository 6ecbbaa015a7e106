// The `aibom` command. `main` returns the exit code; src/cli/run.ts is the process entry.
import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type CliIO } from './exit.js';

type Register = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

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
};

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = EXIT_OK;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('aibom')
    .description('find AI BOMs attached to container images, label AI workloads, enforce AI model policy')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  for (const name of named) (await COMMANDS[name]!())(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    if (err instanceof Error && (err instanceof UsageError || (await isBadInput(err)))) {
      io.stderr(`aibom: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}

/**
 * Errors of other modules that mean the input was wrong. Their modules are imported only here, on the
 * error path, so that a command loads just what it uses.
 */
async function isBadInput(err: Error): Promise<boolean> {
  const [{ ConfigError }, { BomMappingError }, { PolicyError }] = await Promise.all([import('../config/load.js'), import('../discovery/file-lookup.js'), import('../policy/parse.js')]);
  return err instanceof ConfigError || err instanceof BomMappingError || err instanceof PolicyError;
}
