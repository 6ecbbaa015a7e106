// ImageLookup over an OCI image-layout directory (the demo, air-gapped clusters): resolve the image
// in the layout, collect the referrers of its digest (and of its platform manifests when it is an
// index), and read their BOM layers. Images the layout does not hold go to `next`.
// The layout is reopened when index.json changes on disk (a mounted volume may be updated).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FoundBom, ImageFindings, ImageLookup } from '../contracts/lookup.js';
import { readBom } from '../bom/index.js';
import { isIndexMediaType, LayoutError, OciLayout, type Manifest } from '../oci-layout/index.js';
import type { Descriptor } from '../contracts/oci-manifest.js';
import { parseImageReference } from '../contracts/image-reference.js';

export interface LayoutLookupOptions {
  dir: string;
  maxBomBytes: number;
  /** Referrers looked at per image, at most. */
  maxReferrers: number;
}

// Artifacts that are never BOMs: signatures.
const NOT_BOMS = ['application/vnd.cncf.notary.signature', 'application/vnd.dev.cosign.simplesigning.v1+json'];

export function layoutLookup(options: LayoutLookupOptions, next: ImageLookup): ImageLookup {
  let opened: { layout: OciLayout; stamp: string } | undefined;

  async function currentLayout(): Promise<OciLayout> {
    let stamp: string;
    try {
      const s = await stat(join(options.dir, 'index.json'));
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch (err) {
      throw new LayoutError('error:invalid', `OCI layout ${options.dir}: index.json ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    if (!opened || opened.stamp !== stamp) opened = { layout: await OciLayout.open(options.dir), stamp };
    return opened.layout;
  }

  return async (image, lookupOptions) => {
    let ref;
    try {
      ref = parseImageReference(image);
    } catch (err) {
      return { status: 'error:invalid', boms: [], detail: (err as Error).message };
    }
    try {
      const layout = await currentLayout();
      const target = await layout.resolve(ref);
      if (!target) return next(image, lookupOptions);
      return await findingsFor(layout, target, lookupOptions.signal);
    } catch (err) {
      if (err instanceof LayoutError) return { status: err.status, boms: [], detail: err.message };
      return { status: 'error:invalid', boms: [], detail: `layout lookup failed: ${(err as Error).message}` };
    }
  };

  async function findingsFor(layout: OciLayout, target: Descriptor, signal: AbortSignal): Promise<ImageFindings> {
    // BOMs may hang off the index or off one of its platform manifests (image-spec v1.1.1 image-index.md).
    const subjects = [target.digest];
    if (isIndexMediaType(target.mediaType)) {
      const index = await layout.readManifest(target);
      for (const child of index.manifests ?? []) if (!child.annotations?.['vnd.docker.reference.type']) subjects.push(child.digest);
    }
    const boms: FoundBom[] = [];
    const problems: string[] = [];
    let seen = 0;
    for (const subject of subjects) {
      for (const referrer of await layout.referrers(subject)) {
        if (signal.aborted) return { status: 'timeout', boms: [], digest: target.digest, detail: 'deadline reached while reading the layout' };
        if (++seen > options.maxReferrers) break;
        if (referrer.artifactType && NOT_BOMS.includes(referrer.artifactType)) continue;
        const manifest: Manifest = await layout.readManifest(referrer);
        for (const layer of [...(manifest.layers ?? []), ...(manifest.blobs ?? [])]) {
          if (layer.size > options.maxBomBytes) {
            problems.push(`${layer.digest}: ${layer.size} bytes over the BOM limit`);
            continue;
          }
          const bytes = await layout.readBlob(layer, options.maxBomBytes);
          const mediaType = bomMediaType(layer.mediaType, manifest.artifactType ?? referrer.artifactType);
          const read = readBom(bytes, { mediaType });
          if (!read.ok) {
            problems.push(`${layer.digest}: ${read.error}`);
            continue;
          }
          boms.push({ digest: layer.digest, mediaType, source: 'layout', trust: 'unsigned', subjectDigest: subject, inventory: read.inventory });
        }
      }
    }
    const findings: ImageFindings = { status: boms.length > 0 ? 'found' : 'none', digest: target.digest, boms };
    if (problems.length > 0) findings.detail = `skipped: ${problems.join('; ')}`;
    return findings;
  }
}

// ORAS leaves layers at the generic tar type unless told otherwise: the artifact type says more then.
function bomMediaType(layerType: string, artifactType: string | undefined): string {
  if (layerType.startsWith('application/vnd.oci.image.layer.') && artifactType) return artifactType;
  return layerType;
}
