// ONNX ModelProto (onnx/onnx onnx.proto; docs/formats-and-metadata.md): ir_version 1, producer_name 2,
// producer_version 3, domain 4, model_version 5, doc_string 6, graph 7, opset_import 8,
// metadata_props 14. The graph (field 7) is walked without decoding initializers: node count, the
// first op types, the graph name (field 2 of GraphProto, written after the nodes) and external-data
// locations (initializers with data_location EXTERNAL carry `external_data` key `location`).
import { Cursor, type ByteSource, type ReadBudget } from './source.js';
import { lengthOf, plausibleMessage, stringField, subMessage, varint, walkMessage, WIRE } from './protobuf.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';
import { guarded } from './read-guard.js';

/** Top-level ModelProto fields → wire types (Netron's rule: field 7 must be length-delimited). */
const MODEL_FIELDS: Record<number, number> = { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2, 26: 2 };

/** ONNX files start `08 <ir_version 3–13>` and then another known field. */
export function looksLikeOnnx(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x08 && head[1]! >= 1 && head[1]! <= 13 && plausibleMessage(head.subarray(0, 4096), MODEL_FIELDS, 2);
}

const MAX_SMALL = 64 * 1024;

// eslint-disable-next-line max-lines-per-function -- one pass over the ModelProto fields in tag order; splitting it would spread the detection across files
export async function readOnnx(source: ByteSource, limits: FormatLimits): Promise<Detection> {
  const d = newDetection('onnx', 'medium');
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const c = new Cursor(source, 0, budget);
  const end = source.size;
  const opsets: string[] = [];
  const props: [string, string][] = [];
  let sawGraph = false;
  let bad = false;
  const ok = await guarded(d, 'ONNX', async () => {
    await walkMessage(c, end, async (tag) => {
      if (MODEL_FIELDS[tag.field] !== undefined && MODEL_FIELDS[tag.field] !== tag.wire) {
        bad = true;
        return false;
      }
      switch (tag.field) {
        case 1:
          d.metadata['onnx.ir_version'] = await varint(c);
          return true;
        case 2:
          d.metadata['onnx.producer_name'] = await stringField(c, end, limits.maxStringBytes);
          return true;
        case 3:
          d.metadata['onnx.producer_version'] = await stringField(c, end, limits.maxStringBytes);
          return true;
        case 4:
          d.metadata['onnx.domain'] = await stringField(c, end, limits.maxStringBytes);
          return true;
        case 5:
          d.metadata['onnx.model_version'] = await varint(c);
          return true;
        case 6:
          d.metadata['onnx.doc_string'] = await stringField(c, end, limits.maxStringBytes);
          return true;
        case 7:
          sawGraph = true;
          await readGraph(c, end, d, limits);
          return true;
        case 8: {
          let domain = '';
          let version = 0;
          await subMessage(c, end, async (t, subEnd) => {
            if (t.field === 1 && t.wire === WIRE.len) domain = await stringField(c, subEnd, 256);
            else if (t.field === 2 && t.wire === WIRE.varint) version = await varint(c);
            else return false;
            return true;
          });
          if (opsets.length < limits.maxArrayItems) opsets.push(`${domain || 'ai.onnx'}:${version}`);
          return true;
        }
        case 14: {
          let key = '';
          let value = '';
          await subMessage(c, end, async (t, subEnd) => {
            if (t.field === 1 && t.wire === WIRE.len) key = await stringField(c, subEnd, 256);
            else if (t.field === 2 && t.wire === WIRE.len) value = await stringField(c, subEnd, limits.maxStringBytes);
            else return false;
            return true;
          });
          if (key && props.length < limits.maxKeys) props.push([key, value]);
          return true;
        }
        default:
          return false;
      }
    });
  });
  if (opsets.length > 0) d.metadata['onnx.opset_import'] = opsets;
  for (const [k, v] of props) d.metadata[`onnx.metadata_props.${k}`] = v;
  const ir = d.metadata['onnx.ir_version'];
  if (typeof ir === 'number') d.evidence.push(`ModelProto ir_version ${ir}`);
  if (sawGraph) d.evidence.push('graph (field 7) is length-delimited');
  if (typeof ir === 'number' && sawGraph && !bad && ok) d.confidence = 'high';
  else if (bad || typeof ir !== 'number') d.confidence = 'low';
  const producer = d.metadata['onnx.producer_name'];
  if (typeof producer === 'string') {
    d.card.producer = `${producer}${typeof d.metadata['onnx.producer_version'] === 'string' ? ` ${d.metadata['onnx.producer_version']}` : ''}`;
  }
  const meta = new Map(props);
  const name = meta.get('name') ?? meta.get('model_name') ?? (typeof d.metadata['onnx.graph_name'] === 'string' ? d.metadata['onnx.graph_name'] : undefined);
  if (name) d.card.name = name;
  const license = meta.get('license');
  if (license) d.card.license = license;
  const doc = d.metadata['onnx.doc_string'];
  if (typeof doc === 'string' && doc) d.card.description = doc;
  const mv = d.metadata['onnx.model_version'];
  if (typeof mv === 'number') d.card.version = String(mv);
  if (typeof d.metadata['onnx.parameters'] === 'number') d.card.parameters = d.metadata['onnx.parameters'];
  return d;
}

async function readGraph(c: Cursor, end: number, d: Detection, limits: FormatLimits): Promise<void> {
  const n = await lengthOf(c, end);
  const gEnd = c.pos + n;
  let nodes = 0;
  let initializers = 0;
  let parameters = 0;
  const ops = new Set<string>();
  const external = new Set<string>();
  await walkMessage(c, gEnd, async (t) => {
    if (t.field === 1 && t.wire === WIRE.len) {
      nodes++;
      const len = await lengthOf(c, gEnd);
      const nEnd = c.pos + len;
      if (ops.size < limits.maxArrayItems && len <= MAX_SMALL) {
        await walkMessage(c, nEnd, async (nt) => {
          if (nt.field === 4 && nt.wire === WIRE.len) {
            ops.add(await stringField(c, nEnd, 128));
            return true;
          }
          return false;
        });
      } else await c.skip(len);
      return true;
    }
    if (t.field === 2 && t.wire === WIRE.len) {
      d.metadata['onnx.graph_name'] = await stringField(c, gEnd, limits.maxStringBytes);
      return true;
    }
    if (t.field === 5 && t.wire === WIRE.len) {
      initializers++;
      const len = await lengthOf(c, gEnd);
      const tEnd = c.pos + len;
      // TensorProto: dims 1 (repeated int64, packed or not), external_data 13, data_location 14.
      // Only the fields before the (possibly huge) raw_data (9) are read; the rest is skipped by length.
      let elements = 1;
      let sawDims = false;
      let location: string | undefined;
      await walkMessage(c, tEnd, async (tt) => {
        if (tt.field === 1 && tt.wire === WIRE.varint) {
          elements *= await varint(c);
          sawDims = true;
          return true;
        }
        if (tt.field === 1 && tt.wire === WIRE.len) {
          const pl = await lengthOf(c, tEnd);
          const pEnd = c.pos + pl;
          while (c.pos < pEnd) elements *= await varint(c);
          sawDims = true;
          return true;
        }
        if (tt.field === 13 && tt.wire === WIRE.len) {
          let key = '';
          let value = '';
          await subMessage(c, tEnd, async (e, eEnd) => {
            if (e.field === 1 && e.wire === WIRE.len) key = await stringField(c, eEnd, 64);
            else if (e.field === 2 && e.wire === WIRE.len) value = await stringField(c, eEnd, 1024);
            else return false;
            return true;
          });
          if (key === 'location') location = value;
          return true;
        }
        return false;
      });
      if (sawDims && Number.isFinite(elements)) parameters += elements;
      if (location && external.size < limits.maxArrayItems) external.add(location);
      return true;
    }
    return false;
  });
  d.metadata['onnx.node_count'] = nodes;
  d.metadata['onnx.initializer_count'] = initializers;
  if (initializers > 0) d.metadata['onnx.parameters'] = parameters;
  if (ops.size > 0) d.metadata['onnx.op_types'] = [...ops];
  if (external.size > 0) {
    d.metadata['onnx.external_data'] = [...external].sort();
    d.evidence.push(`external data in ${[...external].slice(0, 3).join(', ')}`);
  }
}
