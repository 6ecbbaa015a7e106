// Protobuf model files other than ONNX (docs/formats-and-metadata.md): Core ML `.mlmodel` (coremltools Model.proto),
// TF SavedModel `saved_model.pb` (saved_model.proto, meta_graph.proto), TF frozen GraphDef
// (graph.proto), Caffe `.caffemodel` (caffe.proto NetParameter). Fields are walked, never decoded whole.
import { Cursor, type ByteSource, type ReadBudget } from './source.js';
import { lengthOf, plausibleMessage, stringField, subMessage, varint, walkMessage, WIRE } from './protobuf.js';
import { guarded } from './read-guard.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

const COREML_TYPES: Record<number, string> = {
  200: 'pipelineClassifier', 201: 'pipelineRegressor', 202: 'pipeline', 300: 'glmRegressor', 301: 'supportVectorRegressor', 302: 'treeEnsembleRegressor',
  303: 'neuralNetworkRegressor', 304: 'bayesianProbitRegressor', 400: 'glmClassifier', 401: 'supportVectorClassifier', 402: 'treeEnsembleClassifier',
  403: 'neuralNetworkClassifier', 404: 'kNearestNeighborsClassifier', 500: 'neuralNetwork', 501: 'itemSimilarityRecommender', 502: 'mlProgram',
  555: 'customModel', 556: 'linkedModel', 600: 'oneHotEncoder', 601: 'imputer', 602: 'featureVectorizer', 603: 'dictVectorizer', 604: 'scaler',
  606: 'categoricalMapping', 607: 'normalizer', 609: 'arrayFeatureExtractor', 610: 'nonMaximumSuppression', 900: 'identity',
  2000: 'textClassifier', 2001: 'wordTagger', 2002: 'visionFeaturePrint', 2003: 'soundAnalysisPreprocessing', 2004: 'gazetteer', 2005: 'wordEmbedding',
  2006: 'audioFeaturePrint', 3000: 'serializedModel',
};

/** Netron's rule for .mlmodel: field 1 is a varint and field 2 is length-delimited. */
export function looksLikeCoreMl(head: Uint8Array): boolean {
  return head.length > 3 && head[0] === 0x08 && head[1]! < 0x80 && head[2] === 0x12;
}

export async function readCoreMl(source: ByteSource, limits: FormatLimits): Promise<Detection> {
  const d = newDetection('coreml', 'medium');
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const c = new Cursor(source, 0, budget);
  const end = source.size;
  const user: string[] = [];
  await guarded(d, 'Core ML', async () => {
    await walkMessage(c, end, async (t) => {
      if (t.field === 1 && t.wire === WIRE.varint) {
        d.metadata['coreml.specification_version'] = await varint(c);
        return true;
      }
      if (t.field === 2 && t.wire === WIRE.len) {
        await subMessage(c, end, async (dt, dEnd) => {
          if (dt.field === 100 && dt.wire === WIRE.len) {
            await subMessage(c, dEnd, async (mt, mEnd) => {
              if (mt.wire !== WIRE.len) return false;
              if (mt.field === 100) {
                let k = '';
                let v = '';
                await subMessage(c, mEnd, async (et, eEnd) => {
                  if (et.field === 1 && et.wire === WIRE.len) k = await stringField(c, eEnd, 256);
                  else if (et.field === 2 && et.wire === WIRE.len) v = await stringField(c, eEnd, limits.maxStringBytes);
                  else return false;
                  return true;
                });
                if (k && user.length < limits.maxKeys) {
                  user.push(k);
                  d.metadata[`coreml.user.${k}`] = v;
                }
                return true;
              }
              const key = ({ 1: 'short_description', 2: 'version', 3: 'author', 4: 'license' } as Record<number, string>)[mt.field];
              if (!key) return false;
              d.metadata[`coreml.${key}`] = await stringField(c, mEnd, limits.maxStringBytes);
              return true;
            });
            return true;
          }
          return false;
        });
        return true;
      }
      if (COREML_TYPES[t.field] && t.wire === WIRE.len) d.metadata['coreml.model_type'] = COREML_TYPES[t.field]!;
      return false;
    });
  });
  if (typeof d.metadata['coreml.specification_version'] === 'number') {
    d.evidence.push(`Model.specificationVersion ${d.metadata['coreml.specification_version']}`);
    if (d.metadata['coreml.model_type']) {
      d.evidence.push(`model type ${d.metadata['coreml.model_type']}`);
      d.confidence = 'high';
    }
  }
  const s = (k: string): string | undefined => (typeof d.metadata[k] === 'string' && d.metadata[k] ? (d.metadata[k] as string) : undefined);
  if (s('coreml.license')) d.card.license = s('coreml.license');
  if (s('coreml.version')) d.card.version = s('coreml.version');
  if (s('coreml.author')) d.card.author = s('coreml.author');
  if (s('coreml.short_description')) d.card.description = s('coreml.short_description');
  return d;
}

export async function readSavedModel(source: ByteSource, limits: FormatLimits): Promise<Detection> {
  const d = newDetection('savedmodel', 'medium');
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const c = new Cursor(source, 0, budget);
  const end = source.size;
  const tags = new Set<string>();
  const signatures = new Set<string>();
  let graphs = 0;
  await guarded(d, 'SavedModel', async () => {
    await walkMessage(c, end, async (t) => {
      if (t.field === 1 && t.wire === WIRE.varint) {
        d.metadata['savedmodel.schema_version'] = await varint(c);
        return true;
      }
      if (t.field === 2 && t.wire === WIRE.len) {
        graphs++;
        await subMessage(c, end, async (mt, mEnd) => {
          if (mt.field === 1 && mt.wire === WIRE.len) {
            await subMessage(c, mEnd, async (it, iEnd) => {
              if (it.field === 4 && it.wire === WIRE.len) tags.add(await stringField(c, iEnd, 128));
              else if (it.field === 5 && it.wire === WIRE.len) d.metadata['savedmodel.tensorflow_version'] = await stringField(c, iEnd, 128);
              else if (it.field === 6 && it.wire === WIRE.len) d.metadata['savedmodel.tensorflow_git_version'] = await stringField(c, iEnd, 128);
              else return false;
              return true;
            });
            return true;
          }
          if (mt.field === 5 && mt.wire === WIRE.len) {
            await subMessage(c, mEnd, async (st, sEnd) => {
              if (st.field === 1 && st.wire === WIRE.len && signatures.size < limits.maxArrayItems) {
                signatures.add(await stringField(c, sEnd, 256));
                return true;
              }
              return false;
            });
            return true;
          }
          return false;
        });
        return true;
      }
      return false;
    });
  });
  d.metadata['savedmodel.meta_graphs'] = graphs;
  if (tags.size > 0) d.metadata['savedmodel.tags'] = [...tags];
  if (signatures.size > 0) d.metadata['savedmodel.signatures'] = [...signatures];
  if (d.metadata['savedmodel.schema_version'] === 1 && graphs > 0) {
    d.confidence = 'high';
    d.evidence.push(`SavedModel schema version 1 with ${graphs} meta graph(s)`);
  }
  const v = d.metadata['savedmodel.tensorflow_version'];
  if (typeof v === 'string') d.card.producer = `tensorflow ${v}`;
  return d;
}

/** GraphDef: first tag 0x0a (node, LEN) and a NodeDef with a printable op. */
export function looksLikeGraphDef(head: Uint8Array): boolean {
  return head[0] === 0x0a && plausibleMessage(head.subarray(0, 1024), { 1: 2, 2: 2, 3: 0, 4: 2 }, 1);
}

export async function readGraphDef(source: ByteSource, limits: FormatLimits, format: 'tensorflow' | 'caffe'): Promise<Detection> {
  const d = newDetection(format, 'low');
  if (format === 'tensorflow') d.variant = 'graphdef';
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const c = new Cursor(source, 0, budget);
  const end = source.size;
  let nodes = 0;
  const ops = new Set<string>();
  const layerField = format === 'tensorflow' ? 1 : 100;
  const ok = await guarded(d, format === 'tensorflow' ? 'GraphDef' : 'Caffe NetParameter', async () => {
    await walkMessage(c, end, async (t) => {
      if ((t.field === layerField || (format === 'caffe' && t.field === 2)) && t.wire === WIRE.len) {
        nodes++;
        const n = await lengthOf(c, end);
        const nEnd = c.pos + n;
        if (n <= 1 << 20 && ops.size < limits.maxArrayItems) {
          await walkMessage(c, nEnd, async (nt) => {
            if (nt.field === 2 && nt.wire === WIRE.len) {
              ops.add(await stringField(c, nEnd, 128));
              return true;
            }
            return false;
          });
        } else await c.skip(n);
        return true;
      }
      if (format === 'tensorflow' && t.field === 4 && t.wire === WIRE.len) {
        await subMessage(c, end, async (vt) => {
          if (vt.field === 1 && vt.wire === WIRE.varint) {
            d.metadata['tensorflow.producer'] = await varint(c);
            return true;
          }
          return false;
        });
        return true;
      }
      if (format === 'caffe' && t.field === 1 && t.wire === WIRE.len) {
        const name = await stringField(c, end, limits.maxStringBytes);
        d.metadata['caffe.name'] = name;
        d.card.name = name;
        return true;
      }
      return false;
    });
  });
  const key = format === 'tensorflow' ? 'tensorflow' : 'caffe';
  d.metadata[`${key}.node_count`] = nodes;
  if (ops.size > 0) d.metadata[`${key}.op_types`] = [...ops];
  const printable = [...ops].every((o) => /^[A-Za-z][A-Za-z0-9_]*$/.test(o));
  if (ok && nodes > 0 && ops.size > 0 && printable) {
    d.confidence = 'medium';
    d.evidence.push(`${nodes} ${format === 'tensorflow' ? 'NodeDef' : 'layer'}(s) with op types ${[...ops].slice(0, 4).join(', ')}`);
  }
  return d;
}
