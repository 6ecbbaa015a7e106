// Reads etcd directly through its v3 JSON gateway (POST /v3/kv/range, on by default in etcd 3.x):
// what the apiserver stored for a key prefix — value bytes, how often each key was written
// (`version`), when it was created — and the store's current revision (one per write transaction).
// Loopback only: the bench's own etcd.

export interface EtcdKey {
  key: string;
  valueBytes: number;
  /** Writes to this key since it was created (1 = created, never changed). */
  version: number;
  createRevision: number;
  modRevision: number;
}

interface RangeResponse {
  header?: { revision?: string };
  kvs?: Array<{ key: string; value?: string; version?: string; create_revision?: string; mod_revision?: string }>;
  more?: boolean;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

/** The key just past every key that starts with `prefix` (etcd's range_end for a prefix). */
function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, 'utf8');
  bytes[bytes.length - 1]! += 1;
  return bytes.toString('base64');
}

export class EtcdGateway {
  constructor(readonly url: string) {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`etcd gateway must be on loopback: ${url}`);
  }

  private async range(body: Record<string, unknown>): Promise<RangeResponse> {
    const res = await fetch(`${this.url}/v3/kv/range`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`etcd range: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as RangeResponse;
  }

  /** The store's current revision: it grows by one per write (put, delete or transaction). */
  async revision(): Promise<number> {
    const r = await this.range({ key: b64('/registry/health-probe-none'), keys_only: true });
    return Number(r.header?.revision ?? NaN);
  }

  /** Every key under `prefix`, with its value size (read in pages of 500). `keysOnly` skips the values. */
  async keys(prefix: string, options: { keysOnly?: boolean; minModRevision?: number; minCreateRevision?: number } = {}): Promise<EtcdKey[]> {
    const out: EtcdKey[] = [];
    let start = b64(prefix);
    const end = prefixEnd(prefix);
    for (;;) {
      const r = await this.range({
        key: start, range_end: end, limit: 500,
        ...(options.keysOnly ? { keys_only: true } : {}),
        ...(options.minModRevision ? { min_mod_revision: options.minModRevision } : {}),
        ...(options.minCreateRevision ? { min_create_revision: options.minCreateRevision } : {}),
      });
      for (const kv of r.kvs ?? []) {
        out.push({
          key: unb64(kv.key),
          valueBytes: kv.value ? Buffer.from(kv.value, 'base64').length : 0,
          version: Number(kv.version ?? 0),
          createRevision: Number(kv.create_revision ?? 0),
          modRevision: Number(kv.mod_revision ?? 0),
        });
      }
      const last = r.kvs?.at(-1);
      if (!r.more || !last) return out;
      start = Buffer.concat([Buffer.from(last.key, 'base64'), Buffer.from([0])]).toString('base64');
    }
  }

  /** The stored value of one key (the apiserver's encoding: protobuf for built-in kinds, JSON for custom resources). */
  async value(key: string): Promise<Buffer | undefined> {
    const r = await this.range({ key: b64(key) });
    const v = r.kvs?.[0]?.value;
    return v === undefined ? undefined : Buffer.from(v, 'base64');
  }
}
