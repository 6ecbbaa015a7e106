// From scanned files to models: files that belong together (a SavedModel directory, a Hugging Face
// snapshot with its shards, config.json and model card, a Triton model, an MLflow model, an .mlpackage,
// an Orbax checkpoint, an OpenVINO/MXNet/Caffe/NNEF pair) become one model; any other weights file is a
// model of its own. Pure: src/scan walks, hashes and detects; this module only groups and merges.
import { type CardFacts, type Confidence, type Detection, type FormatFinding, type MetaValue, hubLocation } from '../formats/index.js';

export interface ScannedFile {
  /** Path relative to the scan target, `/`-separated (for a single file: its name). */
  path: string;
  size: number;
  /** Hex SHA-256 of the whole file (absent in header-only mode). */
  sha256?: string;
  detection?: Detection;
}

export interface ScannedModel {
  /** Stable id within one scan (the model's path). */
  id: string;
  name: string;
  version?: string;
  purl?: string;
  format: string;
  variant?: string;
  confidence: Confidence;
  /** The file or directory that is the model, relative to the target. */
  path: string;
  /** Every file of the model (weights, configuration, card). */
  files: ScannedFile[];
  card: CardFacts;
  metadata: Record<string, MetaValue>;
  evidence: string[];
  /** Findings with the file they were seen in. */
  findings: (FormatFinding & { file: string })[];
  incomplete: string[];
}

/** Directory markers that make a directory one model, and how far down the model reaches. */
const DIR_MARKERS: ReadonlyArray<{ test: (base: string, d: Detection) => boolean; deep: boolean }> = [
  { test: (b) => b === 'saved_model.pb' || b === 'saved_model.pbtxt', deep: true },
  { test: (b, d) => b === 'MLmodel' && d.format === 'mlflow', deep: true },
  { test: (b, d) => b === 'config.pbtxt' && d.format === 'triton', deep: true },
  { test: (b) => b === 'orbax.checkpoint' || b === '_CHECKPOINT_METADATA', deep: true },
  { test: (b, d) => b === 'config.json' && d.format === 'huggingface', deep: false },
  { test: (b, d) => /^readme\.md$/i.test(b) && d.format === 'huggingface', deep: false },
  { test: (b, d) => d.variant === 'sharded-index', deep: false },
  { test: (b) => b === 'graph.nnef', deep: false },
  { test: (_b, d) => d.format === 'mxnet' && d.variant === 'symbol', deep: false },
  { test: (_b, d) => d.format === 'caffe' && d.variant === 'prototxt', deep: false },
];

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const stem = (p: string): string => baseOf(p).replace(/(\.[A-Za-z0-9_]+)+$/, '').replace(/-\d{5}-of-\d{5}$/, '');

export function groupModels(files: readonly ScannedFile[], targetName: string): { models: ScannedModel[]; lfsPointers: ScannedFile[] } {
  const detected = files.filter((f) => f.detection !== undefined);
  const lfsPointers = detected.filter((f) => f.detection!.format === 'git-lfs-pointer');
  const rest = detected.filter((f) => f.detection!.format !== 'git-lfs-pointer' && f.detection!.format !== 'unknown');
  const assigned = new Set<ScannedFile>();
  const models: ScannedModel[] = [];

  // Directory models: outermost marker first (a Triton model wins over the ONNX file inside it).
  const roots = new Map<string, { deep: boolean; files: ScannedFile[] }>();
  for (const f of rest) {
    const base = baseOf(f.path);
    for (const m of DIR_MARKERS) {
      if (m.test(base, f.detection!)) {
        const dir = dirOf(f.path);
        const r = roots.get(dir) ?? { deep: false, files: [] };
        r.deep ||= m.deep;
        roots.set(dir, r);
      }
    }
    const pkg = /^(.*\.mlpackage)\//.exec(f.path);
    if (pkg) roots.set(pkg[1]!, { deep: true, files: [] });
    const hub = hubLocation(f.path);
    if (hub) roots.set(hub.root, { deep: true, files: [] });
  }
  const rootList = [...roots.keys()].sort((a, b) => a.length - b.length);
  for (const f of rest) {
    const owner = rootList.find((r) => {
      const inside = r === '' ? true : f.path.startsWith(`${r}/`);
      if (!inside) return false;
      return roots.get(r)!.deep || dirOf(f.path) === r;
    });
    if (owner !== undefined) {
      roots.get(owner)!.files.push(f);
      assigned.add(f);
    }
  }
  for (const r of rootList) {
    const group = roots.get(r)!;
    if (group.files.length > 0) models.push(mergeGroup(r, group.files, targetName));
  }
  // Pairs by stem: OpenVINO model.xml + model.bin are handled as one file (the .bin is not detected).
  for (const f of rest) {
    if (assigned.has(f)) continue;
    const d = f.detection!;
    // A configuration, card or index file alone is not a model (except formats that are config-shaped).
    if (d.role !== 'weights' && !['mlflow', 'triton', 'coreml', 'flax', 'caffe', 'mxnet'].includes(d.format)) continue;
    models.push(mergeGroup(f.path, [f], targetName));
  }
  models.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // Names must tell models apart (BOM readers merge components by name): colliding ones take their path.
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m.name, (counts.get(m.name) ?? 0) + 1);
  for (const m of models) if ((counts.get(m.name) ?? 0) > 1 && !m.purl) m.name = m.path || m.name;
  return { models, lfsPointers };
}

const PRIMARY_RANK: Record<string, number> = { savedmodel: 9, mlflow: 9, triton: 9, coreml: 8, flax: 7 };

function mergeGroup(root: string, files: ScannedFile[], targetName: string): ScannedModel {
  const hub = hubLocation(`${root}/`) ?? hubLocation(files[0]!.path);
  const weights = files.filter((f) => f.detection!.role === 'weights');
  const markers = files.filter((f) => f.detection!.role !== 'weights');
  const byRank = [...files].sort((a, b) => (PRIMARY_RANK[b.detection!.format] ?? 0) - (PRIMARY_RANK[a.detection!.format] ?? 0) || b.size - a.size);
  const ranked = byRank[0]!;
  const primary = (PRIMARY_RANK[ranked.detection!.format] ?? 0) > 0 ? ranked : (weights.sort((a, b) => b.size - a.size)[0] ?? ranked);
  const pd = primary.detection!;
  const model: ScannedModel = {
    id: root || primary.path,
    name: '',
    format: pd.format === 'huggingface' && weights[0] ? weights[0].detection!.format : pd.format,
    confidence: pd.confidence,
    path: files.length === 1 ? primary.path : root,
    files: [...files].sort((a, b) => (a.path < b.path ? -1 : 1)),
    card: {},
    metadata: Object.create(null) as Record<string, MetaValue>,
    evidence: [],
    findings: [],
    incomplete: [],
  };
  if (pd.variant) model.variant = pd.variant;
  // Card facts: model card and config first, then the weights (first value wins).
  const order = [...markers.filter((f) => f.detection!.role === 'card'), ...markers.filter((f) => f.detection!.role !== 'card'), ...weights];
  let parameters = 0;
  let sawParameters = false;
  for (const f of order) {
    const d = f.detection!;
    for (const [k, v] of Object.entries(d.card) as [keyof CardFacts, unknown][]) {
      if (k === 'parameters') continue;
      if (model.card[k] === undefined && v !== undefined) (model.card as Record<string, unknown>)[k] = v;
    }
    for (const [k, v] of Object.entries(d.metadata)) if (!(k in model.metadata)) model.metadata[k] = v;
    for (const e of d.evidence) model.evidence.push(files.length > 1 ? `${baseOf(f.path)}: ${e}` : e);
    for (const x of d.findings) model.findings.push({ ...x, file: f.path });
    for (const i of d.incomplete) model.incomplete.push(files.length > 1 ? `${f.path}: ${i}` : i);
    if (d.role === 'weights' && d.card.parameters !== undefined && (d.format === model.format || model.format === pd.format)) {
      parameters += d.card.parameters;
      sawParameters = true;
    }
    if (confidenceRank(d.confidence) > confidenceRank(model.confidence) && d.role === 'weights') model.confidence = d.confidence;
  }
  if (sawParameters) model.card.parameters = parameters;
  if (hub) {
    model.purl = hub.purl;
    model.version = hub.commit;
    model.name = `${hub.org}/${hub.name}`;
  }
  model.name ||= model.card.name ?? (files.length > 1 || PRIMARY_RANK[pd.format] ? baseOf(root) || targetName : stem(primary.path)) ?? targetName;
  if (!model.name) model.name = targetName;
  if (!model.version && model.card.version) model.version = model.card.version;
  return model;
}

function confidenceRank(c: Confidence): number {
  return c === 'high' ? 3 : c === 'medium' ? 2 : 1;
}
