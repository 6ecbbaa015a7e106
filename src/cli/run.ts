// Process entry of the `aibom` command: main() answers every error with its exit code; the catch
// here only guards against a failure of that machinery itself.
import { EXIT } from './exit.js';
import { main } from './main.js';

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  readStdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`aibom: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.internal;
  },
);
