// The "Examples:" block of each command's --help: the commands a new user types first, with files that
// exist in this repository (examples/), so each line can be copied and run from a checkout
// (test/unit/cli/help.test.ts runs the offline ones).
import type { Command } from 'commander';

export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  review: [
    'aibom review examples/reviews/pod-model.json --bom 127.0.0.1:5000/ml/granite-docling-server:1.0=examples/boms/model.cdx.json',
    'aibom review examples/reviews/pod-model.json --validate --policy examples/policies/ --no-registry',
  ],
  classify: ['aibom classify examples/boms/model.cdx.json', 'aibom classify examples/boms/agent.cdx.json --json'],
  inspect: ['aibom inspect 127.0.0.1:5000/ml/app:1.0 --insecure-registry 127.0.0.1:5000', 'aibom inspect registry.example.com/team/app@sha256:<digest> --json'],
  attach: [
    'aibom attach 127.0.0.1:5000/ml/app:1.0 examples/boms/model.cdx.json --insecure-registry 127.0.0.1:5000',
    'aibom attach 127.0.0.1:5000/ml/app:1.0 examples/boms/model.cdx.json --insecure-registry 127.0.0.1:5000 --force   # a second referrer',
  ],
  check: ['aibom check app.yaml --policy examples/policies/', 'aibom check app.yaml --policy examples/policies/approved-sources.yaml --bom IMAGE=bom.cdx.json --sarif > aibom.sarif'],
  serve: ['aibom serve --policy examples/policies/ --port 8443 --admin-port 9090', 'aibom serve --tls-cert tls.crt --tls-key tls.key --config config.yaml --insecure-registry 127.0.0.1:5000'],
  completion: ['source <(aibom completion bash)', 'source <(aibom completion zsh)   # in ~/.zshrc'],
  scan: ['aibom scan ./models -o model.cdx.json', 'aibom scan 127.0.0.1:5000/ml/app:1.0 --insecure-registry 127.0.0.1:5000 --attach'],
};

/** Appends each registered command's examples (and the program's) to its help text. */
export function addExamples(program: Command): void {
  for (const cmd of program.commands) {
    const lines = EXAMPLES[cmd.name()];
    if (lines) cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
  }
  program.addHelpText('after', '\nExamples:\n  $ aibom --version\n  $ aibom classify examples/boms/model.cdx.json\n  $ aibom check app.yaml --policy examples/policies/\n  $ aibom <command> --help\n\nFrom a checkout without a global install, run it as `npx aibom …`.\n');
}
