// CRDs of other projects in the e2e cluster: applied from their Go modules (test/support/go-module.ts)
// and waited for until the apiserver serves them (Established), which takes a moment after the create.
import { readFileSync } from 'node:fs';
import { crdFiles, type CRD_MODULES } from '../../support/go-module.js';
import { eventually, kubectl, type E2E } from './e2e.js';

export async function installCrds(e: E2E, modules: (keyof typeof CRD_MODULES)[]): Promise<void> {
  const names: string[] = [];
  for (const file of modules.flatMap(crdFiles)) {
    const out = await kubectl(e, ['apply', '--server-side', '-f', '-', '-o', 'name'], readFileSync(file, 'utf8'));
    names.push(...out.trim().split('\n').filter(Boolean));
  }
  for (const name of names) {
    await eventually(`${name} Established`, async () => {
      const status = await kubectl(e, ['get', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
      return status.trim() === 'True' ? true : undefined;
    }, 60_000);
  }
}
