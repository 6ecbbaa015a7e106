// Placeholder until the server lands: runs `aibom review` on the bundled samples.
import { main } from '../src/cli/main.js';
import { installLoopbackGuard } from './lib/loopback-guard.js';

installLoopbackGuard();
const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t), env: {} };
process.exitCode = 0;
console.log('aibom demo: no samples yet');
void main;
void io;
