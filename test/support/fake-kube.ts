// An in-memory stand-in for the apiserver behind the KubeApi port (src/k8s/api.ts), for unit tests of
// the reflector, the Lease and the inventory controller: collections by path, resourceVersions,
// paged lists, watch streams, status subresources, optimistic concurrency (409), and knobs to make it
// misbehave (410 Gone on the next watch, failing requests). The real apiserver is in test/e2e.
import type { ApiResponse, KubeApi, WatchEvent } from '../../src/k8s/index.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Stream {
  collection: string;
  namespace?: string;
  push(e: WatchEvent): void;
  end(): void;
}

/** `/apis/g/v/namespaces/ns/plural/name/status` → parts. */
function parse(path: string): { collection: string; namespace?: string; name?: string; sub?: string; query: URLSearchParams } {
  const [p, q] = path.split('?');
  const parts = p!.split('/').filter(Boolean);
  const prefix = parts[0] === 'api' ? 2 : 3;
  const groupVersion = parts.slice(0, prefix).join('/');
  let rest = parts.slice(prefix);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = decodeURIComponent(rest[1]!);
    rest = rest.slice(2);
  }
  const out: { collection: string; namespace?: string; name?: string; sub?: string; query: URLSearchParams } = { collection: `${groupVersion}/${rest[0]}`, query: new URLSearchParams(q ?? '') };
  if (namespace) out.namespace = namespace;
  if (rest[1]) out.name = decodeURIComponent(rest[1]);
  if (rest[2]) out.sub = rest[2];
  return out;
}

export class FakeKube implements KubeApi {
  readonly server = 'https://fake';
  readonly requests: Record<string, number> = {};
  /** Every request as `VERB path` (verb as counted). */
  readonly log: string[] = [];
  private rv = 1;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private streams: Stream[] = [];
  /** Every event, for watches that start from an older resourceVersion; compact() forgets them. */
  private history: { collection: string; rv: number; type: WatchEvent['type']; object: Obj }[] = [];
  private compactedAt = 0;
  /** The next watch of a collection answers 410 Gone (an ERROR event), once per entry. */
  goneNext = new Set<string>();
  /** Requests fail (transport error) while this returns true. */
  failing: (method: string, path: string) => boolean = () => false;
  /** Objects whose `uid` appears here are removed when their owner is (a garbage collector). */
  collectGarbage = true;

  private store(collection: string): Map<string, Obj> {
    let s = this.objects.get(collection);
    if (!s) this.objects.set(collection, (s = new Map()));
    return s;
  }

  private emit(collection: string, type: WatchEvent['type'], object: Obj): void {
    this.history.push({ collection, rv: Number(object.metadata.resourceVersion), type, object: structuredClone(object) });
    for (const s of this.streams) if (s.collection === collection && (!s.namespace || s.namespace === object.metadata.namespace)) s.push({ type, object: structuredClone(object) });
  }

  /** Puts an object in directly (as another client would), with a uid and a resourceVersion. */
  put(collection: string, object: Obj): Obj {
    const o = structuredClone(object);
    o.metadata.uid ??= `uid-${collection.split('/').pop()}-${o.metadata.name}-${this.rv}`;
    o.metadata.resourceVersion = String(++this.rv);
    o.metadata.creationTimestamp ??= '2026-12-04T19:00:00Z';
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const existed = this.store(collection).has(key);
    this.store(collection).set(key, o);
    this.emit(collection, existed ? 'MODIFIED' : 'ADDED', o);
    return o;
  }

  remove(collection: string, namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const o = this.store(collection).get(key);
    if (!o) return;
    this.store(collection).delete(key);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit(collection, 'DELETED', o);
    if (this.collectGarbage) {
      for (const [c, s] of this.objects) {
        for (const child of [...s.values()]) if ((child.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === o.metadata.uid)) this.remove(c, child.metadata.namespace ?? '', child.metadata.name);
      }
    }
  }

  items(collection: string): Obj[] {
    return [...this.store(collection).values()].map((o) => structuredClone(o));
  }

  /** Forgets the event history (etcd compaction): a watch from an older version gets 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedAt = this.rv;
  }

  /** Ends every open watch (as an apiserver restart or timeout does). */
  endWatches(): void {
    for (const s of this.streams.splice(0)) s.end();
  }

  private count(verb: string, path: string): void {
    this.requests[verb] = (this.requests[verb] ?? 0) + 1;
    this.log.push(`${verb} ${path}`);
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, options: { verb?: string } = {}): Promise<ApiResponse> {
    const p = parse(path);
    const verb = options.verb ?? ({ GET: p.name ? 'get' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as const)[method];
    this.count(verb, path);
    await Promise.resolve();
    if (this.failing(method, path)) throw new Error('connect ECONNREFUSED (fake)');
    const s = this.store(p.collection);
    const key = `${p.namespace ?? ''}/${p.name}`;
    if (method === 'GET' && !p.name) {
      const all = [...s.values()].filter((o) => !p.namespace || o.metadata.namespace === p.namespace).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      const limit = Number(p.query.get('limit') ?? all.length);
      const start = Number(p.query.get('continue') || 0);
      const page = all.slice(start, start + limit).map((o) => { const c = structuredClone(o); delete c.kind; delete c.apiVersion; return c; });
      const next = start + limit < all.length ? String(start + limit) : '';
      return { status: 200, body: { metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) }, items: page } };
    }
    if (method === 'GET') {
      const o = s.get(key);
      return o ? { status: 200, body: structuredClone(o) } : { status: 404, body: { reason: 'NotFound', message: 'not found' } };
    }
    if (method === 'DELETE') {
      if (!s.has(key)) return { status: 404, body: { reason: 'NotFound' } };
      this.remove(p.collection, p.namespace ?? '', p.name!);
      return { status: 200, body: {} };
    }
    const o = structuredClone(body) as Obj;
    if (method === 'POST') {
      const k = `${p.namespace ?? o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (s.has(k)) return { status: 409, body: { reason: 'AlreadyExists', message: 'exists' } };
      if (p.collection.startsWith('apis/aibom.io/')) delete o.status; // the status subresource
      o.metadata.namespace ??= p.namespace;
      return { status: 201, body: structuredClone(this.put(p.collection, o)) };
    }
    // PUT (whole object or /status)
    const current = s.get(key);
    if (!current) return { status: 404, body: { reason: 'NotFound' } };
    if (o.metadata?.resourceVersion !== current.metadata.resourceVersion) return { status: 409, body: { reason: 'Conflict', message: 'the object has been modified' } };
    const next = p.sub === 'status' ? { ...current, status: o.status } : { ...o, status: current.status ?? o.status, metadata: { ...o.metadata, uid: current.metadata.uid } };
    return { status: 200, body: structuredClone(this.put(p.collection, next)) };
  }

  async watch(path: string, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    this.count('watch', path);
    const p = parse(path);
    if (this.failing('GET', path)) throw new Error('connect ECONNREFUSED (fake)');
    const from = Number(p.query.get('resourceVersion') || 0);
    if (this.goneNext.delete(p.collection) || from < this.compactedAt) {
      onEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } });
      return;
    }
    await new Promise<void>((resolve) => {
      const stream: Stream = {
        collection: p.collection,
        push: (e) => queueMicrotask(() => !signal.aborted && onEvent(e)),
        end: () => resolve(),
      };
      if (p.namespace) stream.namespace = p.namespace;
      for (const h of this.history) if (h.collection === p.collection && h.rv > from && (!p.namespace || h.object.metadata.namespace === p.namespace)) stream.push({ type: h.type, object: structuredClone(h.object) });
      this.streams.push(stream);
      signal.addEventListener('abort', () => {
        this.streams = this.streams.filter((x) => x !== stream);
        resolve();
      }, { once: true });
    });
  }

  close(): void {
    this.endWatches();
  }
}
