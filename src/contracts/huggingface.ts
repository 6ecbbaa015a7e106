// Hugging Face model ids as package URLs (purl-spec `huggingface` type: namespace = user or
// organisation, name = repository, version = the revision commit, lower-cased). Pure.

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const COMMIT = /^[0-9a-f]{40}$/i;

/** `pkg:huggingface/org/name[@rev]`, or undefined when org/name are not Hub-shaped. */
export function huggingFacePurl(org: string, name: string, revision?: string): string | undefined {
  if (!SEGMENT.test(org) || !SEGMENT.test(name) || name.endsWith('.') || org.includes('..') || name.includes('..')) return undefined;
  const base = `pkg:huggingface/${encodeURIComponent(org)}/${encodeURIComponent(name)}`;
  if (revision === undefined || revision === '') return base;
  const rev = COMMIT.test(revision) ? revision.toLowerCase() : revision;
  return /^[A-Za-z0-9._-]{1,128}$/.test(rev) ? `${base}@${encodeURIComponent(rev)}` : base;
}

/**
 * A model id as written in args, env or a CR (`org/name`, `org/name@rev`, `org/name:rev` is NOT
 * accepted: that is an image). Paths (`/models/x`, `./x`), URLs and more than two segments are not ids.
 */
export function parseHuggingFaceId(text: string): { org: string; name: string; revision?: string } | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 200 || /^[./~]/.test(t) || t.includes('://') || t.includes(':')) return undefined;
  const [path, revision, extra] = t.split('@');
  if (extra !== undefined || path === undefined) return undefined;
  const parts = path.split('/');
  if (parts.length !== 2) return undefined;
  const [org, name] = parts as [string, string];
  if (!SEGMENT.test(org) || !SEGMENT.test(name)) return undefined;
  const out: { org: string; name: string; revision?: string } = { org, name };
  if (revision) out.revision = revision;
  return out;
}

/** `https://huggingface.co/org/name[/tree/rev|/resolve/rev/…]` or `hf://org/name[@rev]` → purl. */
export function huggingFaceUrlPurl(url: string): string | undefined {
  const hf = /^hf:\/\/([^/@\s]+)\/([^/@\s]+)(?:@([^/\s]+))?\/?$/.exec(url.trim());
  if (hf) return huggingFacePurl(hf[1]!, hf[2]!, hf[3]);
  const web = /^https?:\/\/(?:www\.)?huggingface\.co\/([^/?#\s]+)\/([^/?#\s]+)(?:\/(?:tree|resolve|blob)\/([^/?#\s]+))?/i.exec(url.trim());
  if (!web || ['datasets', 'spaces', 'api', 'docs'].includes(web[1]!.toLowerCase())) return undefined;
  return huggingFacePurl(web[1]!, web[2]!, web[3]);
}
