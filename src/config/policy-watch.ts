// The server's policy set, from a mounted directory (a ConfigMap volume), kept current: the directory
// is watched (fs.watch) and its content fingerprint polled every `policies.pollSeconds` (watch events
// are lost on some filesystems and never arrive through some mounts). A bad edit keeps the last good
// set: logged once per distinct bad content, counted, and shown in `/statusz` detail (readiness stays
// 200 — replicas must keep serving the policies they have).
//
// The kubelet's layout (pkg/volume/util/atomic_writer.go): the files live in a timestamped directory
// `..2026_05_01_10_00_00.123456789`, a symlink `..data` points at it, and each key is a symlink
// `name.yaml -> ..data/name.yaml`. An update writes a new timestamped directory, then renames a new
// `..data` symlink over the old one (atomic). Reading through the per-key symlinks during a swap could
// mix old and new files, so a snapshot is read from the directory `..data` resolves to, and re-read if
// `..data` moved meanwhile.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { checkPolicySet, parsePolicyText, PolicyError, type LoadedPolicy, policySet, type PolicySet } from '../policy/index.js';
import { resolveLoadedPolicies } from './trust-files.js';

const POLICY_FILE = /\.(ya?ml|json)$/i;
const DATA_LINK = '..data';

export interface WatchLogger {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PolicyWatchListener {
  policyReload(result: 'ok' | 'unchanged' | 'error'): void;
  policySet(hash: string, policies: number, loadedAt: Date): void;
  policyLoadFailing(failing: boolean): void;
}

export interface PolicyWatchOptions {
  dir: string;
  pollMs: number;
  log: WatchLogger;
  listener?: PolicyWatchListener;
  clock?: () => Date;
  /** Wait this long after a watch event before reading (the kubelet writes several entries). */
  debounceMs?: number;
}

/** What `/statusz` shows about policies. */
export interface PolicyWatchState {
  dir: string;
  hash: string;
  policies: string[];
  loadedAt: string;
  /** True while the directory holds content that does not load. */
  failing: boolean;
  lastError?: { message: string; at: string };
}

interface Snapshot {
  /** The directory the files were read from (the `..data` target, or the directory itself). */
  source: string;
  files: { name: string; text: string }[];
  fingerprint: string;
}

function readSnapshot(dir: string): Snapshot {
  for (let attempt = 0; ; attempt++) {
    const link = join(dir, DATA_LINK);
    let source = dir;
    let linked = false;
    try {
      lstatSync(link);
      source = realpathSync(link);
      linked = true;
    } catch {
      // Not the kubelet layout: a plain directory.
    }
    const names = readdirSync(source).filter((n) => !n.startsWith('.') && POLICY_FILE.test(n)).sort();
    const files: { name: string; text: string }[] = [];
    const h = createHash('sha256');
    for (const name of names) {
      const file = join(source, name);
      if (!statSync(file).isFile()) continue;
      const text = readFileSync(file, 'utf8');
      files.push({ name, text });
      h.update(name).update('\u0000').update(text).update('\u0000');
    }
    // A swap while reading: read again from the new target (bounded: swaps are rare).
    if (linked && attempt < 3 && realpathSync(link) !== source) continue;
    return { source, files, fingerprint: h.digest('hex') };
  }
}

function parseSnapshot(snapshot: Snapshot, dir: string): LoadedPolicy[] {
  const out: LoadedPolicy[] = [];
  // Errors name the file as mounted (`<dir>/name.yaml`), not the timestamped directory.
  for (const f of snapshot.files) out.push(...parsePolicyText(f.text, join(dir, f.name)));
  checkPolicySet(out);
  // trustedSigners may name key and trusted-root files (read now, with the policies).
  resolveLoadedPolicies(out);
  return out;
}

function errorText(err: unknown): string {
  if (err instanceof PolicyError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `cannot read policy directory: ${code} ${(err as Error).message}` : String((err as Error).message ?? err);
}

export class PolicyWatcher {
  private set: PolicySet;
  private loadedAt: Date;
  private fingerprint: string;
  private badFingerprint: string | undefined;
  private lastError: { message: string; at: Date } | undefined;
  private fsWatcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private readonly clock: () => Date;

  /** Loads the directory; throws PolicyError when it does not load (there is no last good set yet). */
  constructor(private readonly options: PolicyWatchOptions) {
    this.clock = options.clock ?? (() => new Date());
    let snapshot: Snapshot;
    try {
      snapshot = readSnapshot(options.dir);
    } catch (err) {
      throw new PolicyError(`policies.dir ${options.dir}: ${errorText(err)}`);
    }
    this.set = policySet(parseSnapshot(snapshot, options.dir).map((p) => p.policy));
    this.fingerprint = snapshot.fingerprint;
    this.loadedAt = this.clock();
    options.listener?.policySet(this.set.hash, this.set.policies.length, this.loadedAt);
    options.listener?.policyReload('ok');
    options.log.info({ dir: options.dir, policySet: this.set.hash, policies: this.set.policies.map((p) => p.metadata.name) }, 'policies loaded');
  }

  current(): PolicySet {
    return this.set;
  }

  state(): PolicyWatchState {
    const s: PolicyWatchState = {
      dir: this.options.dir,
      hash: this.set.hash,
      policies: this.set.policies.map((p) => p.metadata.name),
      loadedAt: this.loadedAt.toISOString(),
      failing: this.badFingerprint !== undefined,
    };
    if (this.lastError) s.lastError = { message: this.lastError.message, at: this.lastError.at.toISOString() };
    return s;
  }

  /**
   * Reads the directory; when its content changed, loads it. Returns what happened: `same` (nothing
   * changed on disk), `ok` (a new set is active), `unchanged` (new content, same policies), `error` (the
   * content does not load; reported and counted once per distinct content).
   */
  check(): 'same' | 'ok' | 'unchanged' | 'error' {
    const { log, listener, dir } = this.options;
    let snapshot: Snapshot | undefined;
    try {
      snapshot = readSnapshot(dir);
      if (snapshot.fingerprint === this.fingerprint) {
        if (this.badFingerprint !== undefined) {
          // Reverted to the content of the active set.
          this.badFingerprint = undefined;
          listener?.policyLoadFailing(false);
        }
        return 'same';
      }
      if (snapshot.fingerprint === this.badFingerprint) return 'error';
      const next = policySet(parseSnapshot(snapshot, dir).map((p) => p.policy));
      this.fingerprint = snapshot.fingerprint;
      if (this.badFingerprint !== undefined) {
        this.badFingerprint = undefined;
        listener?.policyLoadFailing(false);
      }
      if (next.hash === this.set.hash) {
        listener?.policyReload('unchanged');
        return 'unchanged';
      }
      const previous = this.set.hash;
      this.set = next;
      this.loadedAt = this.clock();
      listener?.policySet(next.hash, next.policies.length, this.loadedAt);
      listener?.policyReload('ok');
      log.info({ dir, policySet: next.hash, previous, policies: next.policies.map((p) => p.metadata.name) }, 'policies reloaded');
      return 'ok';
    } catch (err) {
      const message = errorText(err);
      // Once per distinct bad content: the poll would otherwise log and count it every few seconds.
      const bad = snapshot?.fingerprint ?? `error:${message}`;
      if (bad === this.badFingerprint) return 'error';
      this.badFingerprint = bad;
      this.lastError = { message, at: this.clock() };
      listener?.policyReload('error');
      listener?.policyLoadFailing(true);
      log.error({ dir, err: message, policySet: this.set.hash }, 'policy reload failed; keeping the last good policy set');
      return 'error';
    }
  }

  start(): void {
    const { dir, pollMs } = this.options;
    this.pollTimer = setInterval(() => this.check(), pollMs);
    this.pollTimer.unref();
    try {
      this.fsWatcher = watch(dir, { persistent: false }, () => this.schedule());
      this.fsWatcher.on('error', (err) => {
        this.options.log.error({ dir, err: err.message }, 'policy directory watch failed; polling only');
        this.fsWatcher?.close();
        this.fsWatcher = undefined;
      });
    } catch (err) {
      this.options.log.error({ dir, err: (err as Error).message }, 'cannot watch the policy directory; polling only');
    }
  }

  private schedule(): void {
    if (this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.check();
    }, this.options.debounceMs ?? 100);
    this.debounceTimer.unref();
  }

  stop(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.fsWatcher?.close();
    this.pollTimer = this.debounceTimer = this.fsWatcher = undefined;
  }
}
