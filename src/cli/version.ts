// The package version, for tool metadata (SARIF `tool.driver.version`). src/cli and dist/cli both sit
// two levels below package.json.
import { createRequire } from 'node:module';

export function packageVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
