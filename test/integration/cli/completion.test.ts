// `aibom completion bash|zsh`: the script real bash (and zsh, when installed) sources, completing
// commands, each command's options as the CLI defines them, and file names for arguments.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/server.js';

/** COMPREPLY of `_aibom` for the words typed, in a real bash that sourced the script. */
function complete(script: string, words: string[], cwd: string): string[] {
  const file = join(cwd, 'aibom.bash');
  writeFileSync(file, script);
  const line = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _aibom; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', line], { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('cli: aibom completion', function () {
  this.timeout(30_000);
  const tmp = tempDir('completion');
  after(() => tmp.remove());

  it('bash: commands, then each command’s own options, then file names', async () => {
    const run = await runCli(['completion', 'bash']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('complete -o default -o filenames -F _aibom aibom');
    expect(complete(run.stdout, ['aibom', 'ch'], tmp.dir)).to.deep.equal(['check']);
    expect(complete(run.stdout, ['aibom', ''], tmp.dir)).to.include.members(['review', 'classify', 'inspect', 'attach', 'check', 'serve', 'scan', 'completion', '--version']);
    expect(complete(run.stdout, ['aibom', 'attach', '--f'], tmp.dir)).to.deep.equal(['--force']);
    expect(complete(run.stdout, ['aibom', 'serve', '--pol'], tmp.dir)).to.deep.equal(['--policy']);
    // Options of another command are not offered.
    expect(complete(run.stdout, ['aibom', 'classify', '--insec'], tmp.dir)).to.deep.equal([]);
    writeFileSync(join(tmp.dir, 'bom.cdx.json'), '{}');
    expect(complete(run.stdout, ['aibom', 'classify', 'bom.'], tmp.dir)).to.deep.equal(['bom.cdx.json']);
  });

  it('zsh: the same script through bashcompinit; an unknown shell is a usage error', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.stdout.split('\n').slice(0, 2).join('\n')).to.equal('# aibom shell completion for zsh (through bashcompinit)\nautoload -U +X bashcompinit && bashcompinit');
    expect(zsh.stdout).to.contain((await runCli(['completion', 'bash'])).stdout);
    expect(await runCli(['completion', 'fish'])).to.deep.include({ code: 2, stderr: 'aibom: error: completion: unknown shell "fish" (one of bash, zsh)\n' });
  });
});
