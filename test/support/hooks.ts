// Mocha root hooks: the loopback guard is on for the whole run, and the run fails if anything tried
// to leave the machine.
import { clearGuardViolations, guardViolations, installLoopbackGuard } from '../../scripts/lib/loopback-guard.js';
import { runEndCallbacks } from './run-end.js';

installLoopbackGuard();

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    await runEndCallbacks();
    const seen = guardViolations();
    if (seen.length > 0) {
      const list = seen.map((v) => `  ${v.what} ${v.target}\n${v.stack.split('\n').slice(1, 4).join('\n')}`).join('\n');
      throw new Error(`loopback guard: ${seen.length} attempt(s) to reach beyond loopback:\n${list}`);
    }
  },
};

export { clearGuardViolations };
