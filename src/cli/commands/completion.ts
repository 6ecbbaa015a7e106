// `aibom completion bash|zsh`: a shell completion script for the commands and their options, built
// from the command definitions themselves (main.ts registers every command for `completion`, and this
// reads their options from the program), so it cannot drift from what the CLI accepts. Completes file names for arguments and option values.
//   source <(aibom completion bash)      # or: aibom completion bash > /etc/bash_completion.d/aibom
//   source <(aibom completion zsh)       # zsh, through bashcompinit
import type { Command } from 'commander';
import { type CliIO, EXIT, type ExitCode, UsageError } from '../exit.js';

const SHELLS = ['bash', 'zsh'] as const;

/** Each command's name and its long and short option flags, from the registered definitions. */
export function commandFlags(program: Command): { name: string; flags: string[] }[] {
  return program.commands.map((c) => ({
    name: c.name(),
    flags: [...c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string')), '--help'],
  }));
}

export function bashScript(commands: { name: string; flags: string[] }[]): string {
  const cases = commands.map((c) => `    ${c.name}) opts="${c.flags.join(' ')}" ;;`).join('\n');
  return `# aibom shell completion (aibom completion bash); source it, or put it in your bash_completion.d.
_aibom() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')} help --help --version" -- "$cur") )
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    help) COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur") ); return 0 ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
  return 0
}
complete -o default -o filenames -F _aibom aibom
`;
}

export function registerCompletion(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh): source <(aibom completion bash)')
    .argument('<shell>', `one of ${SHELLS.join(', ')}`)
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion: unknown shell ${JSON.stringify(shell)} (one of ${SHELLS.join(', ')})`);
      const script = bashScript(commandFlags(program));
      io.stdout(shell === 'zsh' ? `# aibom shell completion for zsh (through bashcompinit)\nautoload -U +X bashcompinit && bashcompinit\n${script}` : script);
      setExit(EXIT.ok);
    });
}
