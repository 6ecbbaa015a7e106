// List + watch of one collection, kept as a local store (client-go's Reflector, in small): a paged
// list, then a watch from the list's resourceVersion with bookmarks and a server-side timeout; a
// watch that ends is resumed from the last version seen; 410 Gone (the version is compacted away, on
// the watch or while paging) re-lists; any other failure waits with capped, jittered exponential
// back-off and tries again, forever, until the signal aborts. A re-list reports what changed while it
// was away as events (DELETED for what is gone), so the consumer never needs a second code path.
import { ApiError, type KubeApi, type WatchEvent } from './api.js';

export type KubeObject = Record<string, unknown>;
export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ReflectorOptions {
  api: KubeApi;
  /** Collection path: `/api/v1/pods`, `/apis/apps/v1/deployments` (all namespaces). */
  path: string;
  /** Kind of the items (list items carry none), set on every object handed out. */
  kind: string;
  apiVersion: string;
  onEvent(type: ObjectEventType, object: KubeObject): void;
  /** After each complete (re)list. */
  onSynced?(): void;
  log: ReflectorLog;
  /** Waits `ms` or until the signal aborts (tests pass a fake). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  pageSize?: number;
  /** The server ends each watch after this long (client-go: 5–10 min, randomised). */
  watchTimeoutSeconds?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** 0 ≤ x < 1; default Math.random (jitter). */
  random?: () => number;
  /**
   * Keeps only what the consumer reads of each object (client-go's transform): the store then holds
   * far less than the apiserver sends (managedFields and status of every Pod, for instance).
   */
  transform?: (object: KubeObject) => KubeObject;
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}

function meta(o: KubeObject): Record<string, unknown> {
  const m = o.metadata;
  return typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : {};
}

/** `namespace/name` (or `name` for cluster-scoped objects); undefined for an object without a name. */
export function objectKey(o: KubeObject): string | undefined {
  const m = meta(o);
  if (typeof m.name !== 'string' || m.name.length === 0) return undefined;
  return typeof m.namespace === 'string' && m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

class Gone extends Error {}

export class Reflector {
  readonly store = new Map<string, KubeObject>();
  private resourceVersion = '';
  private failures = 0;
  /** Completed (re)lists, watches started, 410s seen: for tests and metrics. */
  readonly stats = { lists: 0, watches: 0, gone: 0, errors: 0 };
  private synced = false;

  constructor(private readonly o: ReflectorOptions) {}

  get hasSynced(): boolean {
    return this.synced;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (!this.resourceVersion) await this.relist(signal);
        await this.watchOnce(signal);
        this.failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof Gone || (err instanceof ApiError && err.status === 410)) {
          this.stats.gone++;
          this.o.log.info({ path: this.o.path }, 'resource version too old (410 Gone): re-listing');
          this.resourceVersion = '';
          continue;
        }
        this.stats.errors++;
        this.failures++;
        const b = this.o.backoff ?? { initialMs: 500, maxMs: 30_000 };
        const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(this.failures - 1, 20));
        const wait = Math.round(base * (0.5 + 0.5 * (this.o.random ?? Math.random)()));
        this.o.log.warn({ path: this.o.path, err: (err as Error).message, failures: this.failures, retryInMs: wait }, 'list/watch failed: retrying');
        await this.o.sleep(wait, signal);
      }
    }
  }

  private typed(item: unknown): KubeObject | undefined {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    let o = item as KubeObject;
    if (o.kind !== this.o.kind || o.apiVersion !== this.o.apiVersion) o = { ...o, kind: this.o.kind, apiVersion: this.o.apiVersion };
    return this.o.transform ? this.o.transform(o) : o;
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const seen = new Map<string, KubeObject>();
    let cont = '';
    let rv = '';
    do {
      const q = new URLSearchParams({ limit: String(this.o.pageSize ?? 500) });
      if (cont) q.set('continue', cont);
      const res = await this.o.api.request('GET', `${this.o.path}?${q.toString()}`, undefined, { signal, verb: 'list' });
      if (res.status === 410) throw new Gone();
      if (res.status !== 200) throw new ApiError(`list ${this.o.path}: ${res.status} ${describeStatus(res.body)}`, res.status);
      const body = res.body as ListBody;
      for (const item of body.items ?? []) {
        const o = this.typed(item);
        const key = o && objectKey(o);
        if (!o || !key) {
          this.o.log.warn({ path: this.o.path }, 'skipped a listed object without metadata.name');
          continue;
        }
        seen.set(key, o);
      }
      cont = body.metadata?.continue ?? '';
      rv = body.metadata?.resourceVersion ?? '';
    } while (cont);
    for (const [key, old] of this.store) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.o.onEvent('DELETED', old);
      }
    }
    for (const [key, o] of seen) {
      const old = this.store.get(key);
      this.store.set(key, o);
      if (!old) this.o.onEvent('ADDED', o);
      else if (meta(old).resourceVersion !== meta(o).resourceVersion) this.o.onEvent('MODIFIED', o);
    }
    this.resourceVersion = rv;
    this.stats.lists++;
    this.synced = true;
    this.o.onSynced?.();
  }

  private async watchOnce(signal: AbortSignal): Promise<void> {
    const q = new URLSearchParams({ watch: '1', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(this.o.watchTimeoutSeconds ?? 300 + Math.floor((this.o.random ?? Math.random)() * 300)) });
    this.stats.watches++;
    let gone = false;
    let failure: unknown;
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.o.api.watch(`${this.o.path}?${q.toString()}`, (event) => {
        if (gone || failure) return;
        try {
          if (this.handle(event) === 'gone') {
            gone = true;
            local.abort();
          }
        } catch (err) {
          failure = err;
          local.abort();
        }
      }, local.signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (failure) throw failure;
    if (gone) throw new Gone();
  }

  private handle(event: WatchEvent): 'gone' | undefined {
    if (event.type === 'ERROR') {
      const code = (event.object as { code?: number }).code;
      if (code === 410) return 'gone';
      throw new ApiError(`watch ${this.o.path}: ${describeStatus(event.object)}`, code ?? 0);
    }
    const o = this.typed(event.object);
    if (!o) return undefined;
    const rv = meta(o).resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (typeof rv === 'string' && rv) this.resourceVersion = rv;
      return undefined;
    }
    const key = objectKey(o);
    if (!key) {
      this.o.log.warn({ path: this.o.path, type: event.type }, 'skipped a watched object without metadata.name');
      return undefined;
    }
    if (typeof rv === 'string' && rv) this.resourceVersion = rv;
    if (event.type === 'DELETED') {
      this.store.delete(key);
      this.o.onEvent('DELETED', o);
    } else if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      this.store.set(key, o);
      this.o.onEvent(event.type, o);
    }
    return undefined;
  }
}

function describeStatus(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const s = body as { reason?: string; message?: string };
    return [s.reason, s.message].filter(Boolean).join(': ').slice(0, 300);
  }
  return typeof body === 'string' ? body.slice(0, 300) : '';
}

/** A sleep that ends early when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
