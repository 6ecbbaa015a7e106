// A directory laid out as the kubelet lays out a ConfigMap volume (atomic_writer.go): files in a
// timestamped `..<time>` directory, `..data` a symlink to it, each key a symlink through `..data`.
// `write()` swaps in a new version the way the kubelet does: new directory, new `..data_tmp` symlink
// renamed over `..data` (atomic), key symlinks added or removed, the old directory deleted.
import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class ConfigMapDir {
  private version = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(files: Record<string, string>): void {
    this.version++;
    const stamp = `..2026_05_01_10_00_${String(this.version).padStart(2, '0')}.${String(this.version * 1000003).padStart(9, '0')}`;
    const target = join(this.dir, stamp);
    mkdirSync(target);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(target, name), text);
    const link = join(this.dir, '..data');
    const old = existsSync(link) ? readlinkSync(link) : undefined;
    const tmp = join(this.dir, '..data_tmp');
    symlinkSync(stamp, tmp);
    renameSync(tmp, link);
    for (const name of Object.keys(files)) {
      if (!existsSync(join(this.dir, name))) symlinkSync(join('..data', name), join(this.dir, name));
    }
    for (const entry of readdirSync(this.dir)) {
      if (!entry.startsWith('.') && !(entry in files)) unlinkSync(join(this.dir, entry));
    }
    if (old) rmSync(join(this.dir, old), { recursive: true, force: true });
  }
}
