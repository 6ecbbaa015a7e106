// Model source URIs as serving platforms write them (KServe storageUri and the storage-initializer
// annotation, Seldon storageUri, KAITO presets): the scheme, a redacted form safe to log and write,
// and the model identity the URI names. Pure.
import type { ModelRecord } from './inventory.js';
import { huggingFacePurl, huggingFaceUrlPurl } from './huggingface.js';

export const MODEL_URI_SCHEMES = ['oci', 'oci+native', 'hf', 's3', 'gs', 'pvc', 'https', 'http', 'kit', 'modelpack', 'azure', 'file'] as const;
export type ModelUriScheme = (typeof MODEL_URI_SCHEMES)[number] | 'unknown';

export interface ModelUri {
  scheme: ModelUriScheme;
  /** The URI without credentials, query or fragment: safe for annotations and logs. */
  redacted: string;
  /** `oci://`, `oci+native://`, `modelpack://` and `kit://`: the image reference to look up. */
  image?: string;
  /** `hf://org/name[@rev]`, `https://huggingface.co/org/name`. */
  purl?: string;
  /** `hf://…@rev`: the revision as written. */
  revision?: string;
}

/** Drops `user:password@`, `?query` and `#fragment`; control characters become `?`. */
export function redactUri(uri: string): string {
  // eslint-disable-next-line no-control-regex
  let s = uri.trim().slice(0, 2048).replace(/[\u0000-\u001f\u007f]/g, '?');
  s = s.replace(/[?#].*$/s, '');
  s = s.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  return s;
}

export function parseModelUri(uri: string): ModelUri {
  const redacted = redactUri(uri);
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(redacted);
  const raw = m?.[1]?.toLowerCase() ?? '';
  const scheme: ModelUriScheme = (MODEL_URI_SCHEMES as readonly string[]).includes(raw) ? (raw as ModelUriScheme) : 'unknown';
  const rest = m?.[2] ?? '';
  const out: ModelUri = { scheme, redacted };
  if ((scheme === 'oci' || scheme === 'oci+native' || scheme === 'modelpack' || scheme === 'kit') && rest.length > 0) out.image = rest;
  if (scheme === 'hf') {
    const hf = /^([^/@]+)\/([^/@]+)(?:@([^/]+))?\/?$/.exec(rest);
    if (hf) {
      const purl = huggingFacePurl(hf[1]!, hf[2]!, hf[3]);
      if (purl) out.purl = purl;
      if (hf[3]) out.revision = hf[3];
    }
  }
  if (scheme === 'https' || scheme === 'http') {
    const purl = huggingFaceUrlPurl(redacted);
    if (purl) out.purl = purl;
  }
  return out;
}

/** A model named by a source URI (no BOM): name from the purl or the URI's last path segment. */
export function modelFromUri(uri: ModelUri): ModelRecord {
  const hf = uri.purl ? /^pkg:huggingface\/([^/]+)\/([^@]+)(?:@(.+))?$/.exec(uri.purl) : null;
  const tail = uri.redacted.replace(/\/+$/, '').split('/').pop() ?? uri.redacted;
  const name = hf ? `${decodeURIComponent(hf[1]!)}/${decodeURIComponent(hf[2]!)}` : tail.replace(/[:@].*$/, '') || uri.redacted;
  const model: ModelRecord = { name: name.slice(0, 256), datasets: [], hashes: [], externalReferences: [{ type: 'distribution', url: uri.redacted }], downloadLocation: uri.redacted, confidence: 'low' };
  if (uri.purl) model.purl = uri.purl;
  if (hf?.[3]) model.version = decodeURIComponent(hf[3]);
  model.properties = { 'aibom:model:source': uri.redacted, 'aibom:model:source-scheme': uri.scheme };
  return model;
}
