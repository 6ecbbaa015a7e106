// Image reference parsing and normalisation, as the container runtime does it.
// Grammar: distribution/reference (reference.go, normalize.go); see docs/discovery.md.
// Pure: no I/O. Used by the admission core, the CLI and the registry client.

export interface ImageReference {
  /** Registry host, with port when given (`docker.io`, `127.0.0.1:5000`, `[::1]:5000`). */
  registry: string;
  /** Repository path inside the registry (`library/nginx`). */
  repository: string;
  /** Tag when written (defaults to `latest` only when no digest is given). */
  tag?: string;
  /** Digest when written (`sha256:<64 hex>`). Authoritative when present. */
  digest?: string;
  /** Canonical form: `registry/repository[:tag][@digest]`. */
  normalized: string;
}

export class ReferenceError extends Error {
  override name = 'ReferenceError';
}

export const DEFAULT_REGISTRY = 'docker.io';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const NAME_TOTAL_LENGTH_MAX = 255;

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
// domain: DNS-ish labels with optional port, or a bracketed IPv6 literal with optional port.
const domainPattern = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
// A bare 64-hex string is an image ID, never a repository name (normalize.go ParseNormalizedNamed).
const identifierPattern = /^[a-f0-9]{64}$/;

/**
 * Memo of parsed references: the same few image strings arrive with every admission (the webhook,
 * its heuristics and the lookup service each parse every image of every Pod), and the parse is a
 * handful of regular expressions. Pure memoisation keyed by the (immutable) input string; the
 * parse is deterministic, so a hit is indistinguishable from parsing again. Bounded: at most
 * MEMO_ENTRIES inputs of at most MEMO_MAX_INPUT characters, the oldest entry dropped first, so
 * hostile streams of distinct or huge strings cost no more than parsing them does.
 */
const MEMO_ENTRIES = 512;
const MEMO_MAX_INPUT = 512;
const memo = new Map<string, Readonly<ImageReference> | string>();

/** Parse and normalise an image reference; throws ReferenceError with a reason. */
export function parseImageReference(input: string): ImageReference {
  const known = memo.get(input);
  if (known !== undefined) {
    if (typeof known === 'string') throw new ReferenceError(known);
    // A copy: callers own what they get, as when it was parsed for them.
    return { ...known };
  }
  let parsed: ImageReference;
  try {
    parsed = parseUncached(input);
  } catch (err) {
    if (err instanceof ReferenceError && typeof input === 'string') remember(input, err.message);
    throw err;
  }
  remember(input, { ...parsed });
  return parsed;
}

function remember(input: string, value: Readonly<ImageReference> | string): void {
  if (input.length > MEMO_MAX_INPUT) return;
  if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
  memo.set(input, value);
}

function parseUncached(input: string): ImageReference {
  if (typeof input !== 'string' || input.length === 0) throw new ReferenceError('empty image reference');
  if (input.trim() !== input) throw new ReferenceError(`image reference has surrounding whitespace: ${JSON.stringify(input)}`);
  if (input.length > 4096) throw new ReferenceError('image reference is too long');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw new ReferenceError(`invalid digest ${JSON.stringify(digest)}`);
    const [alg, hex = ''] = digest.split(':');
    if (alg === 'sha256' && !/^[0-9a-f]{64}$/.test(hex)) throw new ReferenceError('sha256 digest must be 64 lower-case hex characters');
    if (alg === 'sha512' && !/^[0-9a-f]{128}$/.test(hex)) throw new ReferenceError('sha512 digest must be 128 lower-case hex characters');
  }

  if (rest.length === 0) throw new ReferenceError('image reference has no repository name');
  if (identifierPattern.test(rest)) throw new ReferenceError('invalid repository name: cannot specify a 64-byte hexadecimal string');
  let registry = DEFAULT_REGISTRY;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[') || first !== first.toLowerCase()) {
      registry = first;
      path = rest.slice(slash + 1);
      if (!domainPattern.test(registry)) throw new ReferenceError(`invalid registry host ${JSON.stringify(registry)}`);
    }
  }
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!tagPattern.test(tag)) throw new ReferenceError(`invalid tag ${JSON.stringify(tag)}`);
  }
  if (registry === LEGACY_DEFAULT_REGISTRY) registry = DEFAULT_REGISTRY;
  if (path.length === 0) throw new ReferenceError('image reference has no repository name');
  if (path !== path.toLowerCase()) throw new ReferenceError('repository name must be lowercase');
  for (const component of path.split('/')) {
    if (!pathComponent.test(component)) throw new ReferenceError(`invalid repository path component ${JSON.stringify(component)}`);
  }
  if (registry === DEFAULT_REGISTRY && !path.includes('/')) path = `library/${path}`;
  if (registry.length + 1 + path.length > NAME_TOTAL_LENGTH_MAX) throw new ReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);

  if (!tag && !digest) tag = 'latest';
  const normalized = `${registry}/${path}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  const ref: ImageReference = { registry, repository: path, normalized };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

/** Normalised string, or undefined when the reference does not parse. */
export function tryNormalizeImage(input: string): string | undefined {
  try {
    return parseImageReference(input).normalized;
  } catch {
    return undefined;
  }
}

/** `registry/repository` without tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The same reference pinned to a digest (the tag is kept for display). */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  const normalized = `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}@${digest}`;
  const pinned: ImageReference = { registry: ref.registry, repository: ref.repository, digest, normalized };
  if (ref.tag) pinned.tag = ref.tag;
  return pinned;
}
