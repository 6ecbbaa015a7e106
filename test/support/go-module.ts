// Files of a Go module, read at test time from the Go module cache (`go mod download`, from the Go
// module proxy on a cold machine): the real CRDs of cert-manager, the Prometheus Operator and Kyverno,
// never copied into this repository. Versions from /work/.library/env/packages and the proxy's list.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CRD_MODULES = {
  certManager: { module: 'github.com/cert-manager/cert-manager', version: 'v1.21.2', crds: ['deploy/crds/cert-manager.io_certificates.yaml', 'deploy/crds/cert-manager.io_issuers.yaml', 'deploy/crds/cert-manager.io_clusterissuers.yaml'] },
  prometheusOperator: { module: 'github.com/prometheus-operator/prometheus-operator', version: 'v0.85.0', crds: ['example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml', 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml'] },
  kyverno: { module: 'github.com/kyverno/kyverno', version: 'v1.19.1', crds: ['config/crds/kyverno/kyverno.io_clusterpolicies.yaml'] },
} as const;

const dirs = new Map<string, string>();

/** The module's directory in the module cache (downloaded once if missing). */
export function goModuleDir(module: string, version: string): string {
  const key = `${module}@${version}`;
  let dir = dirs.get(key);
  if (!dir) {
    // Outside any module (a temp cwd), GOFLAGS cleared: nothing of a caller's go.mod applies.
    const out = execFileSync('go', ['mod', 'download', '-json', key], { cwd: mkdtempSync(join(tmpdir(), 'aibom-gomod-')), env: { ...process.env, GOFLAGS: '' }, encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 16 << 20 });
    dir = (JSON.parse(out) as { Dir: string }).Dir;
    dirs.set(key, dir);
  }
  return dir;
}

/** Absolute paths of the CRD files of one of CRD_MODULES. */
export function crdFiles(name: keyof typeof CRD_MODULES): string[] {
  const m = CRD_MODULES[name];
  const dir = goModuleDir(m.module, m.version);
  return m.crds.map((f) => join(dir, f));
}
