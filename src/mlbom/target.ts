// What was scanned: a file, a directory, an OCI layout or an image (with its digest), and how.
export interface ScanTarget {
  kind: 'file' | 'directory' | 'oci-layout' | 'image';
  /** Display name: the path as given, or the image reference. */
  name: string;
  /** Image: `registry/repository`; digest of the manifest scanned. */
  repository?: string;
  digest?: string;
  tag?: string;
  /** `pkg:oci/…` for images. */
  purl?: string;
  platform?: string;
}

export interface ScanSummary {
  files: number;
  bytes: number;
  inspected: number;
  /** Why the scan as a whole is incomplete (byte budget, skipped layers, …). */
  incomplete: string[];
}
