// Entry point of the BOM readers: bytes or text in, AiInventory out, never a throw.
//
// Order: size cap → text → reject non-JSON forms clearly (CycloneDX XML, SPDX tag-value: unsupported,
// see docs/classification.md "Formats") → JSON.parse with line/column on error → caps (depth, array and string
// length, forbidden keys) → unwrap attestations (Sigstore bundle / DSSE / in-toto Statement, in-toto attestation framework v1: Statement, DSSE envelope; Sigstore bundle v0.3)
// → detect the format from the CONTENT (bomFormat, spdxVersion, @context/@graph; docs/discovery.md "Attachment sources"), the
// media type only breaking ties → the format's reader → findings capped.
import type { AiInventory } from '../contracts/inventory.js';
import { unwrapStatement, isDsseEnvelope, isInTotoStatement, isSigstoreBundle, type PredicateKind } from './attestation.js';
import { readCycloneDx } from './cyclonedx.js';
import { enforceLimits, parseJson } from './json.js';
import { resolveLimits, type BomLimits } from './limits.js';
import { mediaTypeHint, mediaTypeVersion, type MediaTypeHint } from './media-types.js';
import { readSpdx2 } from './spdx2.js';
import { readSpdx3 } from './spdx3.js';
import { clip, FindingSink, isRecord, own, str, type JsonRecord } from './util.js';

export interface ReadBomOptions {
  /** Media type the BOM was found under (parameters allowed). */
  mediaType?: string;
  /** Caps; defaults match `limits.*` in the config. */
  limits?: Partial<BomLimits>;
}

export type BomReadErrorCode = 'too-large' | 'invalid-json' | 'unsupported' | 'not-a-bom' | 'invalid-attestation';

export type BomReadResult =
  | { ok: true; inventory: AiInventory }
  | { ok: false; error: string; code?: BomReadErrorCode; line?: number; column?: number };

export type DetectedFormat = 'cyclonedx' | 'spdx2' | 'spdx3' | 'attestation' | 'syft' | 'unknown';

/** Which format a parsed JSON document is, from its content (docs/discovery.md "Attachment sources"). */
export function sniffFormat(doc: unknown): DetectedFormat {
  if (!isRecord(doc)) return 'unknown';
  if (own(doc, 'bomFormat') === 'CycloneDX') return 'cyclonedx';
  const spdxVersion = str(own(doc, 'spdxVersion'));
  if (spdxVersion && /^SPDX-2/i.test(spdxVersion)) return 'spdx2';
  if (isSpdx3Context(own(doc, '@context'))) return 'spdx3';
  if (isInTotoStatement(doc) || isDsseEnvelope(doc) || isSigstoreBundle(doc)) return 'attestation';
  const descriptor = own(doc, 'descriptor');
  if (Array.isArray(own(doc, 'artifacts')) && isRecord(descriptor) && own(descriptor, 'name') === 'syft') return 'syft';
  return 'unknown';
}

function isSpdx3Context(context: unknown): boolean {
  const list = Array.isArray(context) ? context : [context];
  return list.some((c) => typeof c === 'string' && /spdx\.org\/rdf\/3\./.test(c));
}

export function readBom(input: string | Uint8Array, options: ReadBomOptions = {}): BomReadResult {
  const limits = resolveLimits(options.limits);
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > limits.maxBytes) return { ok: false, code: 'too-large', error: `the BOM is ${size} bytes, more than the ${limits.maxBytes} byte limit` };
  let text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const hint = mediaTypeHint(options.mediaType);
  const head = text.slice(0, 512).trimStart();
  if (head.startsWith('<')) {
    const cdx = hint === 'cyclonedx-xml' || /cyclonedx/i.test(text.slice(0, 4096));
    return { ok: false, code: 'unsupported', error: cdx ? 'CycloneDX XML is not supported: attach the BOM as CycloneDX JSON (application/vnd.cyclonedx+json)' : 'XML documents are not supported: attach a CycloneDX JSON or SPDX JSON BOM' };
  }
  if (hint === 'spdx-tag-value' || /^SPDXVersion:/m.test(head)) return { ok: false, code: 'unsupported', error: 'SPDX tag-value is not supported: attach SPDX JSON (application/spdx+json)' };
  if (hint === 'cyclonedx-protobuf') return { ok: false, code: 'unsupported', error: 'CycloneDX protobuf is not supported: attach CycloneDX JSON' };

  const parsed = parseJson(text);
  if (!parsed.ok) {
    const where = parsed.error.line !== undefined ? ` at line ${parsed.error.line}, column ${parsed.error.column}` : '';
    const result: BomReadResult = { ok: false, code: 'invalid-json', error: `invalid JSON${where}: ${parsed.error.message}` };
    if (parsed.error.line !== undefined) result.line = parsed.error.line;
    if (parsed.error.column !== undefined) result.column = parsed.error.column;
    return result;
  }
  const sink = new FindingSink(limits.maxFindings);
  const doc = enforceLimits(parsed.value, limits, sink);
  return readDocument(doc, hint, options.mediaType, limits, sink, 0);
}

function readDocument(doc: unknown, hint: MediaTypeHint | undefined, mediaType: string | undefined, limits: BomLimits, sink: FindingSink, wrapDepth: number): BomReadResult {
  if (!isRecord(doc)) return { ok: false, code: 'not-a-bom', error: `a BOM must be a JSON object, not ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc}` };
  let format = sniffFormat(doc);
  if (format === 'attestation') {
    if (wrapDepth > 0) return { ok: false, code: 'invalid-attestation', error: 'an attestation nested inside an attestation predicate is not read' };
    const unwrapped = unwrapStatement(doc, (t) => {
      const p = parseJson(t);
      if (!p.ok) throw new Error(p.error.message);
      return enforceLimits(p.value, limits, sink);
    }, limits.maxBytes);
    if (!unwrapped.ok) return { ok: false, code: 'invalid-attestation', error: unwrapped.error };
    const st = unwrapped.statement;
    let predicate = st.predicate;
    if (typeof predicate === 'string') {
      const p = parseJson(predicate);
      if (!p.ok) return { ok: false, code: 'invalid-attestation', error: `the ${st.predicateType} predicate is a string that is not JSON` };
      predicate = enforceLimits(p.value, limits, sink);
    }
    if (st.predicateKind === 'other') {
      return { ok: false, code: 'not-a-bom', error: `the attestation's predicate type ${JSON.stringify(clip(st.predicateType, 120))} is not a BOM (expected https://cyclonedx.org/bom…, https://spdx.dev/Document…)` };
    }
    const inner = readDocument(predicate, predicateHint(st.predicateKind), undefined, limits, sink, wrapDepth + 1);
    if (inner.ok) {
      inner.inventory.attestation = { statementType: st.statementType, predicateType: clip(st.predicateType, 200), subjectDigests: st.subjectDigests.slice(0, 100) };
      if (st.subjectDigests.length === 0) {
        inner.inventory.findings.push({ code: 'attestation-no-subject', severity: 'warning', message: 'the in-toto statement names no subject digest: it cannot be tied to an image' });
      }
    }
    return inner;
  }
  if (format === 'syft') return { ok: false, code: 'unsupported', error: 'Syft native JSON is not supported: attach CycloneDX or SPDX JSON' };
  if (format === 'unknown') {
    // The media type breaks the tie for documents that lost their marker field.
    if (hint === 'cyclonedx-json' && ('components' in doc || 'metadata' in doc || 'specVersion' in doc)) {
      sink.add('missing-bom-format', 'warning', 'no bomFormat "CycloneDX"; read as CycloneDX because of the media type');
      format = 'cyclonedx';
    } else if (hint === 'spdx3-json' && Array.isArray(own(doc, '@graph'))) {
      sink.add('missing-context', 'warning', 'no SPDX 3 @context; read as SPDX 3 because of the media type');
      format = 'spdx3';
    } else if (hint === 'spdx2-json' && Array.isArray(own(doc, 'packages'))) {
      sink.add('missing-spec-version', 'warning', 'no spdxVersion; read as SPDX 2 because of the media type');
      format = 'spdx2';
    } else if (hint === undefined || hint === 'generic' || hint === 'cosign-sbom') {
      if (Array.isArray(own(doc, 'components')) && 'specVersion' in doc) {
        sink.add('missing-bom-format', 'warning', 'no bomFormat "CycloneDX", but a CycloneDX shape (specVersion, components)');
        format = 'cyclonedx';
      } else if (Array.isArray(own(doc, '@graph'))) {
        sink.add('missing-context', 'warning', 'an @graph without the SPDX 3 @context; read as SPDX 3');
        format = 'spdx3';
      }
    }
  }
  mismatch(format, hint, mediaType, sink);
  let inventory: AiInventory;
  switch (format) {
    case 'cyclonedx':
      inventory = readCycloneDx(doc as JsonRecord, limits, sink);
      break;
    case 'spdx3':
      inventory = readSpdx3(doc as JsonRecord, limits, sink);
      break;
    case 'spdx2':
      inventory = readSpdx2(doc as JsonRecord, limits, sink);
      break;
    default:
      return { ok: false, code: 'not-a-bom', error: 'not a CycloneDX, SPDX 2 or SPDX 3 JSON document (no bomFormat, spdxVersion or SPDX 3 @context)' };
  }
  const v = mediaTypeVersion(mediaType);
  if (v && inventory.specVersion && format !== 'spdx2' && !inventory.specVersion.startsWith(v)) {
    sink.add('media-type-version-mismatch', 'info', `media type says version ${clip(v, 20)}, the document says ${inventory.specVersion}`);
  }
  inventory.findings.push(...sink.finish());
  inventory.reasons = [...new Set(inventory.reasons)].slice(0, 50);
  return { ok: true, inventory };
}

function predicateHint(kind: PredicateKind): MediaTypeHint | undefined {
  if (kind === 'cyclonedx') return 'cyclonedx-json';
  if (kind === 'spdx2') return 'spdx2-json';
  if (kind === 'spdx3') return 'spdx3-json';
  return undefined;
}

function mismatch(format: DetectedFormat, hint: MediaTypeHint | undefined, mediaType: string | undefined, sink: FindingSink): void {
  const expected: Partial<Record<MediaTypeHint, DetectedFormat>> = { 'cyclonedx-json': 'cyclonedx', 'spdx2-json': 'spdx2', 'spdx3-json': 'spdx3' };
  const e = hint ? expected[hint] : undefined;
  if (e && e !== format && format !== 'unknown') {
    sink.add('media-type-mismatch', 'info', `found under media type ${clip(mediaType ?? '', 100)} but the content is ${format}; read by content`);
  }
}
