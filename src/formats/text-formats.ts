// Model formats stored as text (docs/formats-and-metadata.md): PMML (XML root <PMML>), OpenVINO IR (XML root <net>),
// NNEF (`version 1.0;`), LightGBM (first line `tree`), Caffe prototxt, Triton `config.pbtxt`, MLflow
// `MLmodel` (YAML), MXNet `-symbol.json`, XGBoost JSON. All read from a bounded prefix.
import { parseYamlText } from './yaml-text.js';
import { field, isObject, keys, parseJsonText, text, texts, type JsonObject } from './json.js';
import { readXgboostJson } from './xgboost.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\b${name}\\s*=\\s*"([^"]{0,1024})"`).exec(tag)?.[1];

export function readPmml(t: string): Detection | undefined {
  const root = /<PMML\b[^>]*>/.exec(t.slice(0, 65536));
  if (!root) return undefined;
  const d = newDetection('pmml', 'high');
  const version = attr(root[0], 'version');
  d.evidence.push(`XML root <PMML${version ? ` version="${version}"` : ''}>`);
  if (version) d.metadata['pmml.version'] = version;
  const header = /<Header\b[^>]*>/.exec(t);
  const description = header ? attr(header[0], 'description') : undefined;
  if (description) {
    d.metadata['pmml.description'] = description;
    d.card.description = description;
  }
  const app = /<Application\b[^>]*>/.exec(t);
  if (app) {
    const name = attr(app[0], 'name');
    const v = attr(app[0], 'version');
    if (name) {
      d.metadata['pmml.application'] = `${name}${v ? ` ${v}` : ''}`;
      d.card.producer = d.metadata['pmml.application'] as string;
    }
  }
  const model = /<(TreeModel|RegressionModel|MiningModel|NeuralNetwork|Scorecard|SupportVectorMachineModel|NaiveBayesModel|ClusteringModel|GeneralRegressionModel|RuleSetModel|NearestNeighborModel|TextModel|TimeSeriesModel|BayesianNetworkModel|GaussianProcessModel|AnomalyDetectionModel|AssociationModel|SequenceModel|BaselineModel)\b[^>]*>/.exec(t);
  if (model) {
    d.metadata['pmml.model_element'] = model[1]!;
    const fn = attr(model[0], 'functionName');
    if (fn) {
      d.metadata['pmml.function_name'] = fn;
      d.card.task = fn;
    }
    const name = attr(model[0], 'modelName');
    if (name) d.card.name = name;
    const algo = attr(model[0], 'algorithmName');
    if (algo) d.metadata['pmml.algorithm'] = algo;
  }
  return d;
}

export function readOpenVino(t: string): Detection | undefined {
  const m = /^\s*(<\?xml[^>]*>\s*)?(<net\b[^>]*>)/.exec(t.slice(0, 4096));
  if (!m) return undefined;
  const root: [string] = [m[2]!];
  const d = newDetection('openvino', 'high');
  d.evidence.push('XML root <net> (OpenVINO IR)');
  const name = attr(root[0], 'name');
  const version = attr(root[0], 'version');
  if (name) d.card.name = name;
  if (version) d.metadata['openvino.ir_version'] = version;
  const layers = t.match(/<layer\b/g)?.length ?? 0;
  d.metadata['openvino.layer_count'] = layers;
  const mo = /<MO_version\s+value="([^"]{1,64})"/.exec(t);
  if (mo) d.metadata['openvino.mo_version'] = mo[1]!;
  return d;
}

export function readNnefGraph(t: string): Detection | undefined {
  const m = /^\s*version\s*(\d+\.\d+)\s*;/.exec(t.slice(0, 1024));
  if (!m) return undefined;
  const d = newDetection('nnef', 'high', 'weights');
  d.evidence.push(`text header "version ${m[1]};"`);
  d.metadata['nnef.version'] = m[1]!;
  const g = /\bgraph\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(t);
  if (g) d.card.name = g[1]!;
  return d;
}

export function readLightGbm(t: string, limits: FormatLimits): Detection | undefined {
  if (!/^tree\r?\n/.test(t)) return undefined;
  const d = newDetection('lightgbm', 'high');
  d.evidence.push('first line "tree" (LightGBM text model)');
  const header = t.slice(0, t.search(/\nTree=0|\nend of trees/) > 0 ? t.search(/\nTree=0|\nend of trees/) : Math.min(t.length, 65536));
  for (const line of header.split(/\r?\n/).slice(1, 64)) {
    const m = /^([a-z_]+)=(.*)$/.exec(line);
    if (!m) continue;
    const [, k, v] = m as unknown as [string, string, string];
    if (k === 'feature_names' || k === 'feature_infos') d.metadata[`lightgbm.${k}`] = v.split(' ').slice(0, limits.maxArrayItems);
    else d.metadata[`lightgbm.${k}`] = v.slice(0, limits.maxStringBytes);
  }
  const objective = d.metadata['lightgbm.objective'];
  if (typeof objective === 'string') d.card.task = /binary|multiclass|cross_entropy/.test(objective) ? 'classification' : /lambdarank|rank/.test(objective) ? 'ranking' : 'regression';
  const trees = t.match(/^Tree=\d+$/gm)?.length;
  if (trees !== undefined) d.metadata['lightgbm.trees'] = trees;
  return d;
}

export function readCaffePrototxt(t: string): Detection | undefined {
  const head = t.slice(0, 65536);
  if (!/^\s*(layers?\s*\{|name\s*:|input\s*:)/m.test(head) || !/^\s*layers?\s*\{/m.test(head)) return undefined;
  const d = newDetection('caffe', 'medium', 'config');
  d.variant = 'prototxt';
  d.evidence.push('protobuf text with top-level layer { … }');
  const name = /^\s*name\s*:\s*"([^"]{1,256})"/m.exec(head)?.[1];
  if (name) d.card.name = name;
  const types = [...head.matchAll(/\btype\s*:\s*"([A-Za-z0-9_]{1,64})"/g)].map((m) => m[1]!);
  if (types.length > 0) d.metadata['caffe.layer_types'] = [...new Set(types)].slice(0, 32);
  return d;
}

export function readTritonConfig(t: string): Detection | undefined {
  const head = t.slice(0, 65536);
  const platform = /^\s*platform\s*:\s*"([^"]{1,64})"/m.exec(head)?.[1];
  const backend = /^\s*backend\s*:\s*"([^"]{1,64})"/m.exec(head)?.[1];
  const name = /^\s*name\s*:\s*"([^"]{1,256})"/m.exec(head)?.[1];
  if (!platform && !backend && !/^\s*(input|output|max_batch_size|instance_group)\b/m.test(head)) return undefined;
  const d = newDetection('triton', 'high', 'config');
  d.evidence.push('config.pbtxt (protobuf text ModelConfig)');
  if (platform) d.metadata['triton.platform'] = platform;
  if (backend) d.metadata['triton.backend'] = backend;
  if (name) d.card.name = name;
  const mbs = /^\s*max_batch_size\s*:\s*(\d+)/m.exec(head)?.[1];
  if (mbs) d.metadata['triton.max_batch_size'] = Number(mbs);
  const file = /^\s*default_model_filename\s*:\s*"([^"]{1,256})"/m.exec(head)?.[1];
  if (file) d.metadata['triton.default_model_filename'] = file;
  return d;
}

export async function readMlflow(t: string, limits: FormatLimits): Promise<Detection | undefined> {
  const doc = await parseYamlText(t.slice(0, 1 << 20));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const flavors = (doc as Record<string, unknown>)['flavors'];
  if (typeof flavors !== 'object' || flavors === null || Array.isArray(flavors)) return undefined;
  const d = newDetection('mlflow', 'high', 'config');
  const names = Object.keys(flavors).filter((k) => k !== '__proto__').slice(0, limits.maxArrayItems);
  d.evidence.push(`MLmodel YAML with flavors ${names.join(', ')}`);
  d.metadata['mlflow.flavors'] = names;
  const get = (k: string): string | undefined => {
    const v = Object.prototype.hasOwnProperty.call(doc, k) ? (doc as Record<string, unknown>)[k] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, limits.maxStringBytes) : undefined;
  };
  for (const k of ['mlflow_version', 'model_uuid', 'run_id', 'utc_time_created', 'artifact_path', 'model_size_bytes']) {
    const v = get(k);
    if (v) d.metadata[`mlflow.${k}`] = v;
  }
  for (const f of names) {
    const fl = (flavors as Record<string, unknown>)[f];
    if (typeof fl !== 'object' || fl === null) continue;
    for (const k of ['sklearn_version', 'pytorch_version', 'transformers_version', 'keras_version', 'xgb_version', 'lgb_version', 'pickled_model', 'model_path', 'serialization_format', 'loader_module', 'python_version']) {
      const v = (fl as Record<string, unknown>)[k];
      if (typeof v === 'string' || typeof v === 'number') d.metadata[`mlflow.${f}.${k}`] = String(v).slice(0, 256);
    }
  }
  const framework = names.find((n) => n !== 'python_function');
  if (framework) d.card.producer = framework;
  return d;
}

/** JSON model files: XGBoost, MXNet symbol graphs; undefined for other JSON. */
export function readModelJson(t: string, name: string, limits: FormatLimits): Detection | undefined {
  const parsed = parseJsonText(t, limits.maxDepth);
  if (!parsed.ok || !isObject(parsed.json.value)) return undefined;
  const root = parsed.json.value;
  const xgb = newDetection('xgboost', 'high');
  xgb.variant = 'json';
  if (readXgboostJson(root, xgb)) return xgb;
  if (Array.isArray(field(root, 'nodes')) && Array.isArray(field(root, 'heads')) && (Array.isArray(field(root, 'arg_nodes')) || /-symbol\.json$/.test(name))) {
    const d = newDetection('mxnet', 'high', 'config');
    d.variant = 'symbol';
    d.evidence.push('JSON with nodes, arg_nodes and heads (MXNet symbol graph)');
    const attrs = field(root, 'attrs');
    const v = isObject(attrs) ? field(attrs, 'mxnet_version') : undefined;
    if (Array.isArray(v) && typeof v[1] === 'number') d.metadata['mxnet.mxnet_version'] = v[1];
    const nodes = field(root, 'nodes') as unknown[];
    d.metadata['mxnet.node_count'] = nodes.length;
    const ops = new Set<string>();
    for (const n of nodes.slice(0, 10_000)) if (isObject(n as JsonObject)) {
      const op = text(field(n as JsonObject, 'op'));
      if (op && op !== 'null') ops.add(op);
    }
    d.metadata['mxnet.op_types'] = [...ops].slice(0, limits.maxArrayItems);
    return d;
  }
  void keys;
  void texts;
  return undefined;
}
