import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Log } from 'sarif';
import { runCli, type CliRun } from '../../support/cli.js';
import { corpusDir } from '../../support/corpus.js';

const CORPUS = corpusDir;
const M = 'test/fixtures/manifests';
const P = 'test/fixtures/policy';
const GRANITE_IMAGE = '127.0.0.1:5000/ml/granite-docling@sha256:3f1a5c0d8e2b7a6f4c9d1e0b5a7c3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a';
const GRANITE = ['--bom', `${GRANITE_IMAGE}=${join(CORPUS, 'rhtpa__ibm-granite_granite-docling-258M_aibom.json')}`];
const CANARY = ['--bom', `127.0.0.1:5000/ml/canary-asr:1.0=${join(CORPUS, 'rhtpa__nvidia_canary-1b-v2_aibom.json')}`];
const EXPORTER = ['--bom', `127.0.0.1:5000/tools/exporter:1.2.0=${join(CORPUS, 'guac__alpine-cyclonedx.json')}`];
/** The mappings for the Helm file and for list.yaml + pod.json together (each uses all three images). */
const BOMS = [...GRANITE, ...CANARY, ...EXPORTER];


const run = (args: string[], stdin?: string): Promise<CliRun> => runCli(args, { stdin });

interface AjvLike {
  compile(schema: object): ((doc: unknown) => boolean) & { errors?: unknown };
  errorsText(errors?: unknown): string;
}

/** The official SARIF 2.1.0 schema (rtm.5, as shipped by @microsoft/jest-sarif), draft-04. */
function sarifValidator(): (doc: unknown) => string | undefined {
  const require = createRequire(import.meta.url);
  // CommonJS packages: their `module.exports` is the class / plugin itself.
  const Ajv04 = require('ajv-draft-04') as new (options: { allErrors: boolean; strict: boolean; unicodeRegExp: boolean }) => AjvLike;
  const addFormats = require('ajv-formats') as (ajv: AjvLike) => void;
  const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
  // The schema's `language` pattern has a stray `]` that is only legal outside unicode mode.
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? undefined : ajv.errorsText(validate.errors));
}

function lineOf(file: string, needle: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

describe('cli/check', () => {
  const helmArgs = ['check', `${M}/helm-rendered.yaml`, '--policy', `${P}/enforce-sources.yaml`, '--policy', `${P}/warn-model-card.yaml`, ...BOMS];

  it('prints a table for a Helm-rendered file and exits 1 when Enforce denies', async () => {
    const r = await run(helmArgs);
    expect(r.code, r.stderr).to.equal(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.match(/^WORKLOAD\s+AI\s+CONTAINER\s+MODEL\s+POLICY\s+RULE\s+VERDICT$/);
    expect(lines).to.satisfy((ls: string[]) => ls.some((l) => /^StatefulSet ml-serving\/doc-ai-asr\s+true \(model\)\s+asr\s+(nvidia\/)?canary-1b-v2@1\.0\s+approved-sources\s+sources\s+DENY$/.test(l)));
    expect(lines).to.satisfy((ls: string[]) => ls.some((l) => /^Deployment ml-serving\/doc-ai\s+true \(model\)\s+docling\s+(ibm-granite\/)?granite-docling-258M@1\.0\s+model-card-completeness\s+requireHashes\s+WARN$/.test(l)));
    expect(lines).to.satisfy((ls: string[]) => ls.some((l) => /^CronJob ml-serving\/doc-ai-reindex\s+false\s+-\s+-\s+-\s+-\s+pass$/.test(l)));
    // Service and ServiceAccount are not workloads.
    expect(r.stdout).not.to.contain('ServiceAccount');
    expect(r.stdout).to.match(/^denied {3}StatefulSet ml-serving\/doc-ai-asr: \[approved-sources\/sources\] container "asr", model (nvidia\/)?canary-1b-v2@1\.0: .*Fix: /m);
    expect(r.stdout).to.match(/^warning {2}Deployment ml-serving\/doc-ai: \[model-card-completeness\/modelCard\]/m);
    expect(r.stdout).to.contain('3 workloads checked: 1 denied, 1 with warnings, 0 audit-only findings, 1 passed');
  });

  it('prints JSON with the Helm source, verdicts and the exit code', async () => {
    const r = await run([...helmArgs, '--json']);
    expect(r.code).to.equal(1);
    const doc = JSON.parse(r.stdout) as { workloads: Record<string, unknown>[]; summary: Record<string, number> };
    expect(doc.workloads.map((w) => [w.kind, w.name, w.outcome, w.helmSource])).to.deep.equal([
      ['Deployment', 'doc-ai', 'warn', 'doc-ai/templates/deployment.yaml'],
      ['StatefulSet', 'doc-ai-asr', 'deny', 'doc-ai/templates/asr-statefulset.yaml'],
      ['CronJob', 'doc-ai-reindex', 'pass', 'doc-ai/templates/reindex-cronjob.yaml'],
    ]);
    expect(doc.summary).to.deep.equal({ workloads: 3, denied: 1, warned: 1, lookupsFailed: 0, exitCode: 1 });
    const asr = doc.workloads[1]!;
    expect(asr.allowed).to.equal(false);
    expect(asr.message).to.contain('aibom.io/break-glass');
    const deny = (asr.verdicts as Record<string, unknown>[]).find((v) => v.effect === 'deny')!;
    expect(deny).to.deep.include({ policy: 'approved-sources', mode: 'Enforce', rule: 'sources', reason: 'not-approved', container: 'asr', modelPurl: 'pkg:huggingface/nvidia/canary-1b-v2@1.0' });
    expect(deny.model).to.match(/^(nvidia\/)?canary-1b-v2@1\.0$/);
    // The init container shares the exporter image: it is looked up once, used twice.
    const images = asr.images as { image: string; containers: string[]; status: string }[];
    expect(images.find((i) => i.image.includes('exporter'))).to.deep.include({ containers: ['fetch-weights'], status: 'found' });
  });

  it('prints SARIF 2.1.0 that validates against the official schema, located at the image line', async () => {
    const r = await run([...helmArgs, '--sarif']);
    expect(r.code).to.equal(1);
    const log = JSON.parse(r.stdout) as Log;
    expect(sarifValidator()(log)).to.equal(undefined);
    expect(log.version).to.equal('2.1.0');
    const run0 = log.runs[0]!;
    expect(run0.tool.driver.name).to.equal('aibom');
    const results = run0.results!;
    expect(results).to.have.length(5);
    const deny = results.find((res) => res.level === 'error')!;
    expect(deny.ruleId).to.equal('sources');
    expect(run0.tool.driver.rules![deny.ruleIndex!]!.id).to.equal('sources');
    const location = deny.locations![0]!;
    expect(location.physicalLocation!.artifactLocation!.uri).to.equal(`${M}/helm-rendered.yaml`);
    expect(location.physicalLocation!.region!.startLine).to.equal(lineOf(`${M}/helm-rendered.yaml`, 'image: "127.0.0.1:5000/ml/canary-asr:1.0"'));
    expect(location.logicalLocations![0]!.fullyQualifiedName).to.equal('StatefulSet/ml-serving/doc-ai-asr/asr');
    expect(deny.properties).to.deep.include({ policy: 'approved-sources', helmSource: 'doc-ai/templates/asr-statefulset.yaml' });
    expect(results.filter((res) => res.level === 'warning')).to.have.length(4);
    // Fingerprints are stable and distinct.
    const again = JSON.parse((await run([...helmArgs, '--sarif'])).stdout) as Log;
    expect(again.runs[0]!.results!.map((x) => x.partialFingerprints)).to.deep.equal(results.map((x) => x.partialFingerprints));
    expect(new Set(results.map((x) => x.partialFingerprints!['aibomVerdict/v1'])).size).to.equal(5);
  });

  it('SARIF with no findings is valid too', async () => {
    const r = await run(['check', `${M}/helm-rendered.yaml`, ...BOMS, '--sarif']);
    expect(r.code).to.equal(0);
    expect(sarifValidator()(JSON.parse(r.stdout))).to.equal(undefined);
  });

  it('exits 0 with Warn findings only, printed as warnings', async () => {
    const r = await run(['check', `${M}/helm-rendered.yaml`, '--policy', `${P}/warn-model-card.yaml`, ...BOMS]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^warning {2}/m);
    expect(r.stdout).not.to.match(/^denied/m);
  });

  it('reads Lists and JSON and a policy directory; Audit findings are recorded only', async () => {
    const r = await run(['check', `${M}/list.yaml`, `${M}/pod.json`, '--policy', `${P}/dir`, ...BOMS, '--json']);
    const doc = JSON.parse(r.stdout) as { workloads: { kind: string; name: string; namespace: string; outcome: string; verdicts: { policy: string; rule: string; effect: string }[] }[] };
    expect(doc.workloads.map((w) => [w.kind, w.namespace, w.name])).to.deep.equal([
      ['Pod', 'ml-dev', 'docling-debug'],
      ['Deployment', 'ml-dev', 'web'],
      ['Pod', 'research', 'asr-once'],
    ]);
    // Pinned pod: no digest finding; the tag-only Deployment gets an Audit one.
    expect(doc.workloads[1]!.verdicts.map((v) => [v.policy, v.rule, v.effect])).to.deep.equal([['digests-audit', 'requireDigest', 'audit']]);
    // The Enforce policy denies the canary model (not an approved source; licence unknown → missing: deny).
    expect(doc.workloads[2]!.outcome).to.equal('deny');
    expect(doc.workloads[2]!.verdicts.filter((v) => v.effect === 'deny').map((v) => v.rule)).to.include.members(['licenses', 'sources']);
    expect(r.code).to.equal(1);
  });

  it('reads manifests from stdin', async () => {
    const text = readFileSync(`${M}/pod.json`, 'utf8');
    const r = await run(['check', '-', '--policy', `${P}/enforce-sources.yaml`, ...CANARY, '--namespace', 'ml-x', '--json'], text);
    const doc = JSON.parse(r.stdout) as { workloads: { file: string; namespace: string }[] };
    expect(doc.workloads.map((w) => [w.file, w.namespace])).to.deep.equal([['stdin', 'research']]);
    expect(r.code).to.equal(0); // research is outside the policy's ml-* namespaces
  });

  it('uses --namespace for objects that name none', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: asr, image: "127.0.0.1:5000/ml/canary-asr:1.0"}\n';
    const r = await run(['check', '-', '--policy', `${P}/enforce-sources.yaml`, ...CANARY, '--namespace', 'ml-x'], pod);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain('Pod ml-x/p');
  });

  it('exits 3 when only a failed lookup under onLookupFailure: deny would deny', async () => {
    const r = await run(['check', `${M}/pod.json`, '--policy', `${P}/lookup-deny.yaml`]);
    expect(r.code).to.equal(3);
    expect(r.stdout).to.match(/lookups-must-succeed\s+onLookupFailure\s+DENY/);
    expect(r.stdout).to.contain('failed (error:not-found)');
  });

  it('exits 1, not 3, when a real violation comes with a failed lookup', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml-a}\nspec:\n  containers:\n    - {name: asr, image: "127.0.0.1:5000/ml/canary-asr:1.0"}\n    - {name: other, image: "127.0.0.1:5000/x/unknown:1"}\n';
    const r = await run(['check', '-', '--policy', `${P}/lookup-deny.yaml`, '--policy', `${P}/enforce-sources.yaml`, ...CANARY], pod);
    expect(r.code).to.equal(1);
  });

  it('reports workloads in excluded namespaces as skipped', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: kube-system}\nspec:\n  containers:\n    - {name: c, image: "127.0.0.1:5000/x/unknown:1"}\n';
    const r = await run(['check', '-', '--policy', `${P}/lookup-deny.yaml`], pod);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/Pod kube-system\/p\s+-\s+-\s+-\s+-\s+-\s+skipped/);
  });

  describe('bad input → exit 2', () => {
    const cases: [string, string[], RegExp][] = [
      ['a policy with a bad mode', ['check', `${M}/pod.json`, '--policy', `${P}/broken-mode.yaml`], /broken-mode\.yaml \(document 1\), AIModelPolicy "broken": spec\.mode: expected Enforce \| Warn \| Audit, got "Sometimes"/],
      ['a policy with an unknown field', ['check', `${M}/pod.json`, '--policy', `${P}/broken-field.yaml`], /broken-field\.yaml .*spec\.rules\.licenses\.denny: unknown field/],
      ['a manifest that is not YAML', ['check', `${M}/not-yaml.yaml`], /not-yaml\.yaml \(document 1\): invalid YAML/],
      ['a missing manifest', ['check', `${M}/nope.yaml`], /cannot read .*nope\.yaml: ENOENT/],
      ['--json with --sarif', ['check', `${M}/pod.json`, '--json', '--sarif'], /--json and --sarif exclude each other/],
      ['a bad --bom', ['check', `${M}/pod.json`, '--bom', 'nonsense'], /--bom expects IMAGE=FILE/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const r = await run(args);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(r.stderr.split('\n').filter(Boolean)).to.have.length(1); // one line, no stack trace
      });
    }
  });
});

describe('cli/check: nothing it could not look up is invisible', () => {
  const vllm = 'apiVersion: v1\nkind: Pod\nmetadata: {name: llm, namespace: ml-a}\nspec:\n  containers:\n    - {name: server, image: "docker.io/vllm/vllm-openai:v0.6.0", args: ["--model", "ibm-granite/granite-3.1-8b"]}\n';

  it('a --bom mapping that no workload uses (a mistyped image) is bad input, naming the images that are there', async () => {
    const r = await run(['check', `${M}/pod.json`, '--policy', `${P}/dir`, '--bom', `127.0.0.1:5000/ml/canary-asr:1.1=${join(CORPUS, 'rhtpa__nvidia_canary-1b-v2_aibom.json')}`, '--sarif']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal('aibom: error: --bom 127.0.0.1:5000/ml/canary-asr:1.1: no workload uses this image (the input has 127.0.0.1:5000/ml/canary-asr:1.0)\n');
    expect(r.stdout).to.equal('');
  });

  it('a failed lookup that denies nothing shows in the table, the summary and SARIF, and the AI column says unknown', async () => {
    const table = await run(['check', `${M}/pod.json`, '--policy', `${P}/dir`]);
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/^Pod research\/asr-once\s+unknown\s+asr\s+-\s+digests-audit\s+requireDigest\s+AUDIT$/m);
    expect(table.stdout).to.contain('lookup   Pod research/asr-once: image 127.0.0.1:5000/ml/canary-asr:1.0 (asr): BOM lookup error:not-found (registry lookups are off');
    expect(table.stdout).to.match(/1 workload checked: 0 denied, 0 with warnings, 1 audit-only findings, 0 passed; 1 image lookup failed \(AI status unknown\)\n$/);

    const sarif = JSON.parse((await run(['check', `${M}/pod.json`, '--policy', `${P}/dir`, '--sarif'])).stdout) as Log;
    expect(sarifValidator()(sarif)).to.equal(undefined);
    const results = sarif.runs[0]!.results!;
    expect(results.map((x) => [x.ruleId, x.level])).to.deep.equal([['lookupFailed', 'warning'], ['requireDigest', 'note']]);
    expect(sarif.runs[0]!.tool.driver.rules![results[0]!.ruleIndex!]!.id).to.equal('lookupFailed');
    expect(results[0]!.locations![0]!.physicalLocation!.region!.startLine).to.equal(lineOf(`${M}/pod.json`, '"image": "127.0.0.1:5000/ml/canary-asr:1.0"'));

    const json = JSON.parse((await run(['check', `${M}/pod.json`, '--policy', `${P}/dir`, '--json'])).stdout) as { summary: { lookupsFailed: number }; workloads: { images: { status: string; detail?: string }[] }[] };
    expect(json.summary.lookupsFailed).to.equal(1);
    expect(json.workloads[0]!.images[0]!.detail).to.match(/registry lookups are off/);
  });

  it('a lookup failure that an onLookupFailure verdict reports is one SARIF result, not two', async () => {
    const sarif = JSON.parse((await run(['check', `${M}/pod.json`, '--policy', `${P}/lookup-deny.yaml`, '--sarif'])).stdout) as Log;
    expect(sarif.runs[0]!.results!.map((x) => x.ruleId)).to.deep.equal(['onLookupFailure']);
  });

  it('the table shows the AI verdict of a serving Pod without a BOM (heuristics)', async () => {
    const r = await run(['check', '-', '--policy', `${P}/dir`], vllm);
    expect(r.stdout).to.match(/^Pod ml-a\/llm\s+true \(heuristic\)\s+/m);
  });
});
