import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AdmissionReviewResponse } from '../../../src/contracts/admission-review.js';
import { runCli, type CliRun } from '../../support/cli.js';
import { decodePatch, ROOT } from '../../support/fixtures.js';
import { IMAGES } from '../../support/images.js';

const example = (p: string): string => resolve(ROOT, 'examples', p);
const MODEL_BOM = `${IMAGES.model}=${example('boms/model.cdx.json')}`;

function labelsOf(run: CliRun): Record<string, string> {
  const ops = decodePatch(JSON.parse(run.stdout) as AdmissionReviewResponse);
  const labels: Record<string, string> = {};
  for (const op of ops) {
    if (op.path === '/metadata/labels' && op.value) Object.assign(labels, op.value);
    const m = /^\/metadata\/labels\/(.+)$/.exec(op.path);
    if (m && typeof op.value === 'string') labels[m[1]!.replace(/~1/g, '/').replace(/~0/g, '~')] = op.value;
  }
  return labels;
}

function expectOneLineError(run: CliRun, pattern: RegExp): void {
  expect(run.code, run.stderr).to.equal(2);
  expect(run.stdout).to.equal('');
  expect(run.stderr).to.match(/^aibom: [^\n]+\n$/);
  expect(run.stderr).to.match(pattern);
  expect(run.stderr).to.not.match(/\n\s+at /);
}

describe('cli: aibom review', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aibom-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('--bom IMAGE=FILE labels the object; --json prints exactly the AdmissionReview response', async () => {
    const run = await runCli(['review', example('reviews/pod-model.json'), '--bom', MODEL_BOM, '--json']);
    expect(run.code).to.equal(0);
    expect(run.stderr).to.equal('');
    expect(run.stdout.endsWith('\n')).to.equal(true);
    expect(run.stdout.trimEnd()).to.not.include('\n');
    const review = JSON.parse(run.stdout) as AdmissionReviewResponse;
    expect(Object.keys(review)).to.deep.equal(['apiVersion', 'kind', 'response']);
    expect(review.response.uid).to.equal((JSON.parse(readFileSync(example('reviews/pod-model.json'), 'utf8')) as { request: { uid: string } }).request.uid);
    expect(review.response.patchType).to.equal('JSONPatch');
    expect(labelsOf(run)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'bom' });
  });

  it('an agent BOM and a plain SBOM for a Deployment: ai-kind agent; the template is labelled too', async () => {
    const run = await runCli(['review', example('reviews/deployment-agent.json'), '--bom', `${IMAGES.agent}=${example('boms/agent.cdx.json')}`, '--bom', `${IMAGES.sidecar}=${example('boms/plain-sbom.cdx.json')}`, '--json']);
    expect(run.code).to.equal(0);
    expect(labelsOf(run)['aibom.io/ai-kind']).to.equal('agent');
    const ops = decodePatch(JSON.parse(run.stdout) as AdmissionReviewResponse);
    expect(ops.some((o) => o.path.startsWith('/spec/template/metadata'))).to.equal(true);
  });

  it('unmapped images go to the registry; a loopback registry not allow-listed is blocked: labelled unknown, admitted and warned (exit 0, as the webhook admits it)', async () => {
    const run = await runCli(['review', example('reviews/pod-unmapped.json'), '--json']);
    expect(run.code).to.equal(0);
    const review = JSON.parse(run.stdout) as AdmissionReviewResponse;
    expect(review.response.allowed).to.equal(true);
    expect(review.response.warnings).to.have.length(1);
    expect(review.response.warnings![0]).to.match(/^aibom: BOM lookup error:blocked for 127\.0\.0\.1:5000\/ml\/unknown-server:0\.3/);
    expect(labelsOf(run)['aibom.io/ai-bearing']).to.equal('unknown');
  });

  it('--validate gives no patch', async () => {
    const run = await runCli(['review', example('reviews/pod-model.json'), '--bom', MODEL_BOM, '--validate', '--json']);
    expect(run.code).to.equal(0);
    const response = (JSON.parse(run.stdout) as AdmissionReviewResponse).response;
    expect(response).to.not.have.any.keys('patch', 'patchType');
    expect(response.auditAnnotations).to.include({ 'ai-bearing': 'true', 'ai-kind': 'model' });
  });

  it('human output names the decision', async () => {
    const run = await runCli(['review', example('reviews/pod-model.json'), '--bom', MODEL_BOM]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('ai-bearing: true');
    expect(run.stdout).to.include('granite-docling-258M@1.0');
  });

  it('reads the review from stdin with -', async () => {
    const run = await runCli(['review', '-', '--bom', MODEL_BOM, '--json'], { stdin: readFileSync(example('reviews/pod-model.json'), 'utf8') });
    expect(run.code).to.equal(0);
    expect(labelsOf(run)['aibom.io/ai-kind']).to.equal('model');
  });

  it('two runs print byte-identical output', async () => {
    const a = await runCli(['review', example('reviews/deployment-agent.json'), '--bom', `${IMAGES.agent}=${example('boms/agent.cdx.json')}`, '--json']);
    const b = await runCli(['review', example('reviews/deployment-agent.json'), '--bom', `${IMAGES.agent}=${example('boms/agent.cdx.json')}`, '--json']);
    expect(b.stdout).to.equal(a.stdout);
  });

  it('a skipped request is admitted as is', async () => {
    const run = await runCli(['review', resolve(ROOT, 'test/fixtures/admission/pod-delete.json'), '--json']);
    expect(run.code).to.equal(0);
    expect(Object.keys((JSON.parse(run.stdout) as AdmissionReviewResponse).response)).to.deep.equal(['uid', 'allowed']);
  });

  describe('bad input: exit 2 and one line on stderr, never a stack trace', () => {
    const review = (): string => readFileSync(example('reviews/pod-model.json'), 'utf8');
    const cases: [label: string, argv: () => string[], pattern: RegExp][] = [
      ['a file that is not JSON', () => ['review', file('x.json', 'apiVersion: admission.k8s.io/v1\n')], /invalid JSON/],
      ['a truncated file', () => ['review', file('t.json', review().slice(0, 700))], /invalid JSON/],
      ['an empty file', () => ['review', file('e.json', '')], /invalid JSON/],
      ['apiVersion v1beta1', () => ['review', file('b.json', review().replace('admission.k8s.io/v1"', 'admission.k8s.io/v1beta1"'))], /apiVersion must be "admission\.k8s\.io\/v1", got "admission\.k8s\.io\/v1beta1"/],
      ['a request without uid', () => ['review', file('u.json', JSON.stringify({ ...JSON.parse(review()), request: { ...JSON.parse(review()).request, uid: undefined } }))], /request\.uid/],
      ['a missing file', () => ['review', join(tmpdir(), 'aibom-no-such-review.json')], /cannot read .*ENOENT/],
      ['--bom without =', () => ['review', example('reviews/pod-model.json'), '--bom', 'nginx'], /--bom expects IMAGE=FILE/],
      ['--bom with a bad image', () => ['review', example('reviews/pod-model.json'), '--bom', `Bad Image=${example('boms/model.cdx.json')}`], /--bom "Bad Image"/],
      ['--bom with a missing file', () => ['review', example('reviews/pod-model.json'), '--bom', `${IMAGES.model}=${join(tmpdir(), 'aibom-no-such-bom.json')}`], /cannot read .*ENOENT/],
      ['--bom with a non-JSON BOM', () => ['review', example('reviews/pod-model.json'), '--bom', `${IMAGES.model}=${file('bom.txt', 'not json')}`], /invalid JSON/],
      ['a bad --config field', () => ['review', example('reviews/pod-model.json'), '--config', file('c.yaml', 'mutate:\n  timeoutSecond: 1\n')], /mutate: unknown field\(s\) "timeoutSecond"/],
    ];
    for (const [label, argv, pattern] of cases) {
      it(label, async () => expectOneLineError(await runCli(argv()), pattern));
    }

    it('an unknown option or a missing argument', async () => {
      for (const argv of [['review', example('reviews/pod-model.json'), '--nope'], ['review'], ['no-such-command']]) {
        const run = await runCli(argv);
        expect(run.code, argv.join(' ')).to.equal(2);
        expect(run.stderr.trim().split('\n')).to.have.length.at.most(2);
        expect(run.stderr).to.not.match(/\n\s+at /);
      }
    });

    it('a bad AIBOM_* environment value', async () => {
      expectOneLineError(await runCli(['review', example('reviews/pod-model.json')], { env: { AIBOM_MUTATE_TIMEOUT_SECONDS: 'x' } }), /AIBOM_MUTATE_TIMEOUT_SECONDS/);
    });
  });

  describe('through the real bin/aibom.js in a child process', () => {
    const exec = promisify(execFile);
    const bin = resolve(ROOT, 'bin/aibom.js');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

    it('prints the same response as main() and exits 0', async () => {
      const child = await exec(process.execPath, [bin, 'review', example('reviews/pod-model.json'), '--bom', MODEL_BOM, '--json'], { cwd: ROOT, env });
      const inProcess = await runCli(['review', example('reviews/pod-model.json'), '--bom', MODEL_BOM, '--json']);
      expect(child.stdout).to.equal(inProcess.stdout);
      expect(child.stderr).to.equal('');
    });

    it('exits 2 with one line on a malformed file, and 3 when only a failed lookup denies', async () => {
      const bad = file('child-bad.json', '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {');
      const err = await exec(process.execPath, [bin, 'review', bad], { cwd: ROOT, env }).then(
        () => expect.fail('should exit non-zero'),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expectOneLineError({ code: err.code, stdout: err.stdout, stderr: err.stderr }, /invalid JSON/);
      const failed = await exec(process.execPath, [bin, 'review', example('reviews/pod-unmapped.json'), '--json', '--validate', '--policy', resolve(ROOT, 'test/fixtures/policy/lookup-deny.yaml')], { cwd: ROOT, env }).then(
        () => expect.fail('should exit 3'),
        (e: { code: number }) => e,
      );
      expect(failed.code).to.equal(3);
    });
  });
});
