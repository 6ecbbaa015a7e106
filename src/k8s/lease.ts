// Leader election on a coordination.k8s.io/v1 Lease (client-go's leaderelection, in small): a candidate
// takes the Lease when it is absent, or expired (renewTime + leaseDurationSeconds in the past), with
// an update that carries the resourceVersion it read, so two candidates never both win (the loser gets
// 409 Conflict). The leader renews every 5 s (client-go: every 2 s retry period); when it has not renewed for the renew deadline
// it stops leading (its work is aborted) before another can take over. On shutdown it gives the Lease
// up so a standby takes over at once.
import type { KubeApi } from './api.js';
import type { ReflectorLog } from './reflector.js';

export interface LeaseOptions {
  api: KubeApi;
  namespace: string;
  name: string;
  identity: string;
  /** How long a Lease holds without renewal (client-go default 15 s). */
  durationSeconds?: number;
  /** The leader stops leading when it could not renew for this long (default 10 s; < duration). */
  renewDeadlineSeconds?: number;
  /** Between a candidate's attempts, and after a failed renewal (default 2 s). */
  retrySeconds?: number;
  /** Between the leader's successful renewals (default 5 s: a third of the 15 s lease, half the renew deadline). */
  renewSeconds?: number;
  clock: () => Date;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  log: ReflectorLog;
}

interface LeaseObject {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** metav1.MicroTime: RFC 3339 with exactly six fraction digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function path(o: LeaseOptions, name?: string): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** One attempt: true when this candidate holds the Lease afterwards. */
export async function tryAcquireOrRenew(o: LeaseOptions, signal?: AbortSignal): Promise<boolean> {
  const duration = o.durationSeconds ?? 15;
  const now = o.clock();
  const got = await o.api.request('GET', path(o, o.name), undefined, signal ? { signal } : {});
  if (got.status === 404) {
    const lease: LeaseObject = {
      metadata: { name: o.name, namespace: o.namespace },
      spec: { holderIdentity: o.identity, leaseDurationSeconds: duration, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
    };
    const created = await o.api.request('POST', path(o), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease }, signal ? { signal } : {});
    return created.status === 201 || created.status === 200;
  }
  if (got.status !== 200) throw new Error(`get lease ${o.namespace}/${o.name}: ${got.status}`);
  const lease = got.body as LeaseObject;
  const spec = lease.spec ?? {};
  const mine = spec.holderIdentity === o.identity;
  if (!mine && spec.holderIdentity) {
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const held = (spec.leaseDurationSeconds ?? duration) * 1000;
    if (Number.isFinite(renewed) && renewed + held > now.getTime()) return false;
  }
  const next: LeaseObject = {
    metadata: lease.metadata,
    spec: mine
      ? { ...spec, leaseDurationSeconds: duration, renewTime: microTime(now) }
      : { holderIdentity: o.identity, leaseDurationSeconds: duration, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 },
  };
  const put = await o.api.request('PUT', path(o, o.name), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...next }, signal ? { signal } : {});
  return put.status === 200;
}

/** Gives the Lease up (holder cleared) when this candidate holds it; errors are only logged. */
export async function releaseLease(o: LeaseOptions): Promise<void> {
  try {
    const got = await o.api.request('GET', path(o, o.name));
    if (got.status !== 200) return;
    const lease = got.body as LeaseObject;
    if (lease.spec?.holderIdentity !== o.identity) return;
    await o.api.request('PUT', path(o, o.name), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: lease.metadata, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(o.clock()) } });
  } catch (err) {
    o.log.warn({ err: (err as Error).message }, 'could not release the lease');
  }
}

/**
 * Runs until `signal` aborts: campaigns, and while leading runs `lead(leading)` where `leading` aborts
 * when leadership is lost. Returns after releasing the Lease.
 */
export async function runWithLeaderElection(o: LeaseOptions, signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<void> {
  const retryMs = (o.retrySeconds ?? 2) * 1000;
  const renewMs = (o.renewSeconds ?? 5) * 1000;
  const deadlineMs = (o.renewDeadlineSeconds ?? 10) * 1000;
  while (!signal.aborted) {
    let acquired = false;
    try {
      acquired = await tryAcquireOrRenew(o, signal);
    } catch (err) {
      if (!signal.aborted) o.log.warn({ err: (err as Error).message }, 'lease: attempt failed');
    }
    if (!acquired) {
      await o.sleep(retryMs, signal);
      continue;
    }
    o.log.info({ lease: `${o.namespace}/${o.name}`, identity: o.identity }, 'lease acquired: leading');
    const leading = new AbortController();
    const stopLeading = (): void => leading.abort();
    signal.addEventListener('abort', stopLeading, { once: true });
    const work = lead(leading.signal).catch((err: unknown) => o.log.warn({ err: (err as Error).message }, 'leader work failed'));
    let lastRenew = o.clock().getTime();
    let renewed = true;
    while (!leading.signal.aborted) {
      await o.sleep(renewed ? renewMs : retryMs, leading.signal);
      if (leading.signal.aborted) break;
      renewed = false;
      try {
        renewed = await tryAcquireOrRenew(o, leading.signal);
      } catch (err) {
        o.log.warn({ err: (err as Error).message }, 'lease: renewal failed');
      }
      const now = o.clock().getTime();
      if (renewed) lastRenew = now;
      // Someone else holds it now, or the renew deadline passed: stop at once.
      else if (now - lastRenew >= deadlineMs || (await heldByOther(o))) {
        o.log.warn({ lease: `${o.namespace}/${o.name}` }, 'lease lost: no longer leading');
        leading.abort();
      }
    }
    signal.removeEventListener('abort', stopLeading);
    await work;
  }
  await releaseLease(o);
}

async function heldByOther(o: LeaseOptions): Promise<boolean> {
  try {
    const got = await o.api.request('GET', path(o, o.name));
    return got.status === 200 && (got.body as LeaseObject).spec?.holderIdentity !== o.identity;
  } catch {
    return false;
  }
}
