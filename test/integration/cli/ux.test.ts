// What a new user trips on first (issue #20 item 5), each tried as that user would: `--version`, one
// error style (`aibom: error: …` naming the file and field), a loopback registry refused with the flag
// that allows it, `serve --policy`, "did you mean" for a misspelt field, `--help` examples that run,
// and examples/policies/ that load.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { EXAMPLES } from '../../../src/cli/help-examples.js';
import { parsePolicyText } from '../../../src/policy/index.js';
import { runCli } from '../../support/cli.js';
import { freePort } from '../../support/local-registry.js';
import { startServe } from '../../support/serve-process.js';
import { tempDir, testCertificates } from '../../support/server.js';

const POLICIES = 'examples/policies';
const POD_MODEL = 'examples/reviews/pod-model.json';
const MODEL_BOM = 'examples/boms/model.cdx.json';

describe('cli: what a new user trips on', function () {
  this.timeout(60_000);
  const tmp = tempDir('ux');
  after(() => tmp.remove());

  it('aibom --version and -V print the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(await runCli([flag])).to.deep.equal({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('one error style: commander usage errors and ours both say `aibom: error: …`', async () => {
    const typo = await runCli(['--versoin']);
    expect(typo.code).to.equal(2);
    expect(typo.stderr).to.equal("aibom: error: unknown option '--versoin'\n(Did you mean --version?)\n");
    const missingArg = await runCli(['classify']);
    expect(missingArg.stderr).to.equal("aibom: error: missing required argument 'file'\n");
    const noFile = await runCli(['classify', join(tmp.dir, 'nope.json')]);
    expect(noFile.code).to.equal(2);
    expect(noFile.stderr).to.match(/^aibom: error: [^\n]*nope\.json[^\n]*\n$/);
  });

  it('a misspelt policy field names the file, the document, the field and the one it resembles', async () => {
    const file = join(tmp.dir, 'typo.yaml');
    writeFileSync(file, readFileSync(join(POLICIES, 'licences.yaml'), 'utf8').replace('licenses:', 'licences:').replace('requireBOM', 'requireBom'));
    const run = await runCli(['check', POD_MODEL, '--policy', file]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.equal(
      `aibom: error: ${file} (document 1), AIModelPolicy "licences": spec.rules.requireBom: unknown field (did you mean spec.rules.requireBOM?); spec.rules.licences: unknown field (did you mean spec.rules.licenses?)\n`,
    );
    // Nothing close: no guess.
    writeFileSync(file, readFileSync(join(POLICIES, 'model-card.yaml'), 'utf8').replace('requireHashes', 'frobnicate'));
    expect((await runCli(['check', POD_MODEL, '--policy', file])).stderr).to.match(/spec\.rules\.frobnicate: unknown field\n$/);
  });

  it('a misspelt configuration field gets a "did you mean" too', async () => {
    const file = join(tmp.dir, 'config.yaml');
    writeFileSync(file, 'registries:\n  insecur: ["127.0.0.1:5000"]\n');
    const run = await runCli(['classify', MODEL_BOM, '--config', file]);
    expect(run).to.deep.include({ code: 2, stderr: `aibom: error: config ${file}: registries: unknown field(s) "insecur" (did you mean "insecure"?)\n` });
  });

  it('a loopback registry refused by the egress policy names --insecure-registry HOST:PORT', async () => {
    const port = await freePort();
    const run = await runCli(['inspect', `127.0.0.1:${port}/ml/app:1.0`]);
    expect(run.code).to.equal(3);
    expect(run.stdout).to.contain(`egress policy refused 127.0.0.1: loopback address (a registry you trust there: pass --insecure-registry 127.0.0.1:${port}, or list it in registries.allow)`);
    // A metadata address is refused without that suggestion.
    const imds = await runCli(['inspect', '169.254.169.254/ml/app:1.0']);
    expect(imds.stdout).to.contain('metadata address').and.not.contain('--insecure-registry');
  });

  it('every command has examples in --help, and the offline ones run as printed', async () => {
    const top = await runCli(['--help']);
    expect(top.stdout).to.contain('Examples:').and.contain('npx aibom');
    for (const [name, lines] of Object.entries(EXAMPLES)) {
      const help = await runCli([name, '--help']);
      expect(help.code).to.equal(0);
      for (const line of lines) expect(help.stdout, name).to.contain(`  $ ${line}`);
    }
    for (const line of [...EXAMPLES.classify!, EXAMPLES.review![0]!, EXAMPLES.review![1]!]) {
      const run = await runCli(line.split(' ').slice(1));
      expect(run.code, `${line}\n${run.stderr}`).to.equal(0);
    }
  });

  it('examples/policies/: every file is a valid AIModelPolicy, and the set decides the example Pod', async () => {
    const files = readdirSync(POLICIES).filter((f) => f.endsWith('.yaml'));
    expect(files.length).to.be.at.least(4);
    for (const f of files) expect(parsePolicyText(readFileSync(join(POLICIES, f), 'utf8'), f), f).to.have.length(1);
    const run = await runCli(['review', POD_MODEL, '--validate', '--policy', `${POLICIES}/`, '--no-registry', '--bom', `127.0.0.1:5000/ml/granite-docling-server:1.0=${MODEL_BOM}`]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('[model-card-completeness/modelCard]').and.contain('[pinned-images/requireDigest]');
  });

  describe('serve --policy', () => {
    it('a file is a usage error naming what to pass instead', async () => {
      const run = await runCli(['serve', '--policy', join(POLICIES, 'licences.yaml'), '--port', '0', '--admin-port', '0']);
      expect(run).to.deep.include({ code: 2, stderr: `aibom: error: --policy ${POLICIES}/licences.yaml: serve watches a directory of policy files; put licences.yaml in a directory and pass that\n` });
      expect((await runCli(['serve', '--policy', join(tmp.dir, 'none')])).stderr).to.equal(`aibom: error: --policy ${join(tmp.dir, 'none')}: cannot read: ENOENT\n`);
    });

    it('a directory is loaded and watched: its policies are the active set', async () => {
      const certs = await testCertificates(join(tmp.dir, 'certs'));
      const serve = await startServe({ entry: 'src/cli/run.ts', certFile: certs.serving.cert, keyFile: certs.serving.key, insecureRegistries: [], logLevel: 'silent', args: ['--policy', POLICIES] });
      try {
        const metrics = await (await fetch(`http://127.0.0.1:${serve.adminPort}/metrics`)).text();
        expect(metrics).to.match(/^aibom_policy_set_policies 4$/m);
      } finally {
        expect(await serve.stop()).to.equal(0);
      }
    });
  });
});
