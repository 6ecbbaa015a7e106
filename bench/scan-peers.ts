// `aibom scan` side by side with the peer scanners, on the same files, in one run:
//   modelscan, picklescan, modelaudit (their CLIs over the directory), fickling (its Python API over
//   each file: scripts/python/peer_fickling.py), from the `--peers` virtualenv; syft (Go module).
// The labelled set is every fixture whose writer recorded unsafe: true/false (scripts/python/
// make_fixtures.py): malicious pickles (direct GLOBAL, STACK_GLOBAL via memo, REDUCE chains, nested
// pickles, inside a PyTorch zip, inside compressed joblib streams, Keras Lambda layers, …) and benign
// ones (scikit-learn, torch state dicts, numpy arrays, …). Per tool: detections, false negatives,
// false positives, files it could not read, files/s; and per file who flagged it. Syft is no
// scanner: for it, which model formats it finds (over every format fixture), beside ours.
// Peers run with no network (unshare -n when it works) and their telemetry switched off.
// Writes bench/results/scan-peers.json. Usage: node --import tsx bench/scan-peers.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { modelFixtures, type FixtureEntry } from '../test/support/model-fixtures.js';
import { compiledCli } from './lib/compiled-cli.js';

const root = path.resolve(import.meta.dirname, '..');
type Verdict = { flagged: boolean; review?: boolean; unreadable?: boolean; note?: string };
interface ToolRun {
  tool: string;
  version: string;
  how: string;
  seconds: number;
  startSeconds: number;
  verdicts: Map<string, Verdict>;
}

const work = mkdtempSync(path.join(tmpdir(), 'aibom-peers-'));
const home = path.join(work, 'home');
mkdirSync(home);
const sandbox = spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n'] : [];
const env = { ...process.env, HOME: home, PROMPTFOO_DISABLE_TELEMETRY: '1', NO_ANALYTICS: '1', DO_NOT_TRACK: '1', HF_HUB_OFFLINE: '1', SYFT_CHECK_FOR_APP_UPDATE: 'false', PYTHONWARNINGS: 'ignore' };

function run(cmd: string, args: string[], cwd = work): { seconds: number; stdout: string; stderr: string; status: number | null } {
  const [bin, ...rest] = [...sandbox, cmd, ...args];
  const t = performance.now();
  const r = spawnSync(bin!, rest, { cwd, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const seconds = (performance.now() - t) / 1000;
  if (r.error) throw r.error;
  return { seconds: +seconds.toFixed(2), stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The set file a peer's path names (absolute or relative to the set, maybe with `:member` after it). */
function fileOf(p: string, names: readonly string[]): string | undefined {
  const rel = p.includes('/set/') ? p.slice(p.lastIndexOf('/set/') + 5) : p.replace(/^\.?\//, '');
  return names.find((n) => rel === n || rel.startsWith(`${n}:`) || rel.startsWith(`${n} `) || rel.startsWith(`${n}/`));
}

try {
  const fixtures = modelFixtures();
  const labelled = fixtures.manifest.filter((m) => m.expect.unsafe !== undefined);
  const set = path.join(work, 'set');
  const empty = path.join(work, 'empty');
  mkdirSync(set);
  mkdirSync(empty);
  const byName = new Map<string, FixtureEntry>();
  labelled.forEach((m, i) => {
    const name = `${String(i + 1).padStart(2, '0')}-${path.basename(m.path)}`;
    copyFileSync(path.join(fixtures.dir, m.path), path.join(set, name));
    byName.set(name, m);
  });
  const names = [...byName.keys()];
  const python = execFileSync(path.join(root, 'scripts/setup/python-venv.sh'), ['--peers', '--print'], { encoding: 'utf8' }).trim();
  const venvBin = path.dirname(python);
  const versions = JSON.parse(execFileSync(python, ['-c', 'import json, importlib.metadata as m; print(json.dumps({p: m.version(p) for p in ["modelscan", "picklescan", "fickling", "modelaudit"]}))'], { encoding: 'utf8' })) as Record<string, string>;
  const syftDir = execFileSync(path.join(root, 'scripts/tools/ensure.sh'), ['--path', 'syft'], { encoding: 'utf8' }).trim();
  const cli = compiledCli(root);
  const runs: ToolRun[] = [];

  // Ours: the compiled CLI over the directory (hashing on, as users run it).
  {
    const r = run('node', [cli, 'scan', set, '--json', '--no-progress', '--fail-on', 'never']);
    const start = run('node', [cli, 'scan', empty, '--json', '--no-progress']);
    const summary = JSON.parse(r.stdout) as { models: { path: string; findings: { severity: string; file: string; code: string }[] }[] };
    const verdicts = new Map<string, Verdict>();
    for (const n of names) verdicts.set(n, { flagged: false });
    for (const m of summary.models) {
      for (const f of m.findings) {
        const v = verdicts.get(f.file);
        if (!v) continue;
        if (f.severity === 'critical' || f.severity === 'high') v.flagged = true;
        else if (f.severity === 'medium') v.review = true;
      }
    }
    runs.push({ tool: 'aibom scan', version: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string, how: 'aibom scan DIR --json (compiled CLI, hashing on); flagged = a finding at high or critical, review = medium', seconds: r.seconds, startSeconds: start.seconds, verdicts });
  }

  // picklescan: `picklescan -p DIR`; a file is flagged by a "dangerous import … FOUND" line.
  {
    const r = run(path.join(venvBin, 'picklescan'), ['-p', set]);
    const start = run(path.join(venvBin, 'picklescan'), ['-p', empty]);
    const verdicts = new Map<string, Verdict>(names.map((n) => [n, { flagged: false }]));
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
      let m = /^(.*?): dangerous import '(.*)' FOUND$/.exec(line);
      if (m) {
        const f = fileOf(m[1]!, names);
        if (f) verdicts.get(f)!.flagged = true;
        continue;
      }
      m = /^(?:ERROR: parsing pickle in|WARNING: could not parse) (.*?)(?: as pickle)?: (.*)$/.exec(line);
      if (m) {
        const f = fileOf(m[1]!, names);
        if (f) Object.assign(verdicts.get(f)!, { unreadable: true, note: m[2]!.slice(0, 80) });
      }
    }
    runs.push({ tool: 'picklescan', version: versions['picklescan']!, how: 'picklescan -p DIR; flagged = a "dangerous import" line', seconds: r.seconds, startSeconds: start.seconds, verdicts });
  }

  // modelscan: `modelscan -p DIR -r json -o FILE`; a file is flagged by any issue.
  {
    const report = path.join(work, 'modelscan.json');
    const r = run(path.join(venvBin, 'modelscan'), ['-p', set, '-r', 'json', '-o', report]);
    const start = run(path.join(venvBin, 'modelscan'), ['-p', empty, '-r', 'json', '-o', path.join(work, 'modelscan-empty.json')]);
    const j = JSON.parse(readFileSync(report, 'utf8')) as { issues: { source: string; severity: string }[]; errors: { source?: string; category?: string; description?: string }[] };
    const verdicts = new Map<string, Verdict>(names.map((n) => [n, { flagged: false }]));
    for (const i of j.issues) {
      const f = fileOf(i.source, names);
      if (f) verdicts.get(f)!.flagged = true;
    }
    for (const e of j.errors ?? []) {
      const f = e.source ? fileOf(e.source, names) : undefined;
      if (f) Object.assign(verdicts.get(f)!, { unreadable: true, note: `${e.category ?? ''} ${(e.description ?? '').slice(0, 80)}`.trim() });
    }
    runs.push({ tool: 'modelscan', version: versions['modelscan']!, how: 'modelscan -p DIR -r json (h5py extra installed); flagged = any issue', seconds: r.seconds, startSeconds: start.seconds, verdicts });
  }

  // fickling: its Python API per file (scan_file / scan_zip_archive), one process.
  {
    const driver = path.join(root, 'scripts/python/peer_fickling.py');
    const r = run(python, [driver, set]);
    const start = run(python, [driver, empty]);
    const verdicts = new Map<string, Verdict>(names.map((n) => [n, { flagged: false }]));
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const x = JSON.parse(line) as { path: string; flagged: boolean; severity: string | null; unparsed: boolean; errors: string[] };
      const v = verdicts.get(x.path);
      if (v) Object.assign(v, { flagged: x.flagged, ...(x.unparsed ? { unreadable: true, note: (x.errors[0] ?? '').slice(0, 80) } : {}), ...(x.severity ? { severity: x.severity } : {}) });
    }
    runs.push({ tool: 'fickling', version: versions['fickling']!, how: 'fickling.scan_file / scan_zip_archive per file (scripts/python/peer_fickling.py); flagged = severity above LIKELY_SAFE, as its --check-safety', seconds: r.seconds, startSeconds: start.seconds, verdicts });
  }

  // modelaudit: `modelaudit scan DIR --format json --no-cache`; flagged = a critical issue, review = a warning.
  {
    const report = path.join(work, 'modelaudit.json');
    const r = run(path.join(venvBin, 'modelaudit'), ['scan', set, '--format', 'json', '--no-cache', '-o', report]);
    const start = run(path.join(venvBin, 'modelaudit'), ['scan', empty, '--format', 'json', '--no-cache', '-o', path.join(work, 'modelaudit-empty.json')]);
    const j = JSON.parse(readFileSync(report, 'utf8')) as { issues: { severity: string; location?: string | null; message?: string; details?: { pickle_source?: string } }[] };
    const verdicts = new Map<string, Verdict>(names.map((n) => [n, { flagged: false }]));
    for (const i of j.issues) {
      const where = i.details?.pickle_source ?? i.location ?? '';
      const f = fileOf(where.replace(/ \(pos \d+\)$/, ''), names);
      if (!f) continue;
      const v = verdicts.get(f)!;
      if (i.severity === 'critical') {
        v.flagged = true;
        v.note ??= (i.message ?? '').slice(0, 80);
      } else if (i.severity === 'warning') v.review = true;
    }
    runs.push({ tool: 'modelaudit', version: versions['modelaudit']!, how: 'modelaudit scan DIR --format json --no-cache; flagged = a critical issue, review = a warning', seconds: r.seconds, startSeconds: start.seconds, verdicts });
  }

  // The table.
  const malicious = names.filter((n) => byName.get(n)!.expect.unsafe === true);
  const benign = names.filter((n) => byName.get(n)!.expect.unsafe === false);
  const table = runs.map((t) => {
    const v = (n: string): Verdict => t.verdicts.get(n)!;
    const detections = malicious.filter((n) => v(n).flagged);
    const falsePositives = benign.filter((n) => v(n).flagged);
    return {
      tool: t.tool,
      version: t.version,
      how: t.how,
      detections: detections.length,
      falseNegatives: malicious.filter((n) => !v(n).flagged),
      falsePositives,
      benignWithReviewOnly: benign.filter((n) => !v(n).flagged && v(n).review).length,
      unreadable: names.filter((n) => v(n).unreadable).length,
      seconds: t.seconds,
      startSeconds: t.startSeconds,
      filesPerSecond: +(names.length / t.seconds).toFixed(1),
      filesPerSecondExcludingStart: +(names.length / Math.max(0.01, t.seconds - t.startSeconds)).toFixed(1),
    };
  });
  const perFile = names.map((n) => ({
    file: n,
    fixture: byName.get(n)!.path,
    how: byName.get(n)!.writer,
    label: byName.get(n)!.expect.unsafe ? 'malicious' : 'benign',
    ...Object.fromEntries(runs.map((t) => {
      const v = t.verdicts.get(n)!;
      return [t.tool, `${v.flagged ? 'flagged' : v.review ? 'review' : 'clean'}${v.unreadable ? ' (unreadable)' : ''}${v.note ? `: ${v.note}` : ''}`];
    })),
  }));

  // Syft: which model formats it catalogues, over every format fixture; ours beside it.
  const syftRun = run(path.join(syftDir, 'syft'), ['scan', `dir:${fixtures.dir}`, '-o', 'json', '-q']);
  const syft = JSON.parse(syftRun.stdout) as { artifacts: { type: string; name: string; foundBy: string; metadataType?: string; locations: { path: string }[] }[] };
  const oursFormats = run('node', [cli, 'scan', fixtures.dir, '--no-hash', '--json', '--no-progress', '--fail-on', 'never']);
  const ours = JSON.parse(oursFormats.stdout) as { models: { path: string; format: string; files: number }[] };
  const formatRows = [...new Set(fixtures.manifest.filter((m) => m.path.startsWith('formats/') && m.format).map((m) => m.format!))].sort().map((format) => {
    const files = fixtures.manifest.filter((m) => m.path.startsWith('formats/') && m.format === format).map((m) => m.path);
    const syftHits = syft.artifacts.filter((a) => a.type === 'model' && a.locations.some((l) => files.some((f) => l.path === `/${f}`)));
    const oursHits = ours.models.filter((m) => files.some((f) => f === m.path || f.startsWith(`${m.path}/`)));
    return { format, fixtures: files.length, syft: syftHits.length > 0 ? [...new Set(syftHits.map((a) => a.foundBy))].join(', ') : '', ours: oursHits.length > 0 ? [...new Set(oursHits.map((m) => m.format))].join(', ') : '' };
  });

  const result = {
    when: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, loadAverage: loadavg().map((x) => +x.toFixed(1)), networkSandbox: sandbox.length > 0 ? 'unshare -n' : 'none (telemetry switched off by environment)' },
    set: { files: names.length, malicious: malicious.length, benign: benign.length },
    table,
    perFile,
    syft: { version: 'v1.57.2 (scripts/tools/versions.sh)', seconds: syftRun.seconds, modelsFound: syft.artifacts.filter((a) => a.type === 'model').map((a) => ({ name: a.name, foundBy: a.foundBy, paths: a.locations.map((l) => l.path) })), formats: formatRows },
  };
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/scan-peers.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`set: ${names.length} files (${malicious.length} malicious, ${benign.length} benign); load average ${result.machine.loadAverage.join(' ')}`);
  console.log('| tool | detections | false negatives | false positives | unreadable | s | files/s | files/s excl. start |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const t of table) console.log(`| ${t.tool} ${t.version} | ${t.detections}/${malicious.length} | ${t.falseNegatives.length} | ${t.falsePositives.length}/${benign.length} | ${t.unreadable} | ${t.seconds} | ${t.filesPerSecond} | ${t.filesPerSecondExcludingStart} |`);
  console.log('\nsyft formats:', formatRows.filter((r) => r.syft).map((r) => r.format).join(', '));
} finally {
  rmSync(work, { recursive: true, force: true });
}
