// Runs the `aibom` CLI in-process through main(argv, io), capturing its output.
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? {},
    readStdin: async () => options.stdin ?? '',
  });
  return { code, stdout, stderr };
}
