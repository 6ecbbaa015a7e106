// The rules of an AIModelPolicy, one function each: what a workload or a model must satisfy, and the
// finding (rule, reason, severity, subject, message, fix) when it does not. Pure; time is passed in.
// docs/policy.md "Rules" states the semantics these implement.
import type { ModelRecord } from '../contracts/inventory.js';
import type { PolicyContext } from '../contracts/policy.js';
import type { ImageResult } from '../contracts/lookup.js';
import { modelPairs } from '../contracts/model-identity.js';
import { isLookupFailure } from '../contracts/lookup.js';
import { parseImageReference } from '../contracts/image-reference.js';
import { matchesAny } from '../contracts/glob.js';
import { evaluateLicense } from './licenses/evaluate.js';
import { hasModelCardField } from './model-card.js';
import type { MissingAction, PolicyRules } from './schema.js';
import { SAFETY_RISK_LEVELS } from './schema.js';
import type { RuleFinding, Severity } from '../contracts/policy.js';
import { modelLabel } from '../contracts/model-identity.js';

export type { RuleFinding };

/** One model as seen in one container (an image used by two containers gives two subjects). */
export interface ModelSubject {
  container: string;
  image: string;
  model: ModelRecord;
}

export function modelSubjects(results: readonly ImageResult[]): ModelSubject[] {
  const out: ModelSubject[] = [];
  for (const r of results) for (const p of modelPairs(r)) out.push({ container: p.container, image: r.image, model: p.model });
  return out;
}

function aboutModel(s: ModelSubject): Pick<RuleFinding, 'container' | 'image' | 'model' | 'modelPurl'> {
  const out: Pick<RuleFinding, 'container' | 'image' | 'model' | 'modelPurl'> = { container: s.container, image: s.image, model: modelLabel(s.model) };
  if (s.model.purl) out.modelPurl = s.model.purl;
  return out;
}

/** `missing: deny` → violation, `warn` → warning, `allow` → nothing. */
function missingSeverity(action: MissingAction): Severity | undefined {
  return action === 'deny' ? 'violation' : action === 'warn' ? 'warning' : undefined;
}

const BOM_FIX = 'attach an AI BOM to the image (`aibom attach IMAGE BOMFILE`; `aibom scan` generates one)';

// ---------------------------------------------------------------------------------------------
// Workload-level rules

/**
 * limits (every policy): the admission reached a cap (`limits.*`) and left part of the workload
 * unchecked — images not looked up, models not examined, a BOM not read whole. A policy cannot vouch
 * for what it did not see, so this is a violation whatever `onLookupFailure` says.
 */
export function limitsRule(ctx: PolicyContext): RuleFinding[] {
  return (ctx.limits ?? []).map((l) => ({
    rule: 'limits', reason: l.limit.replace(/^limits\./, ''), severity: 'violation',
    message: `${l.message}; the rest of the workload was not checked`,
    fix: `make the workload or its BOMs smaller, or raise ${l.limit} in the webhook configuration (docs/limits.md)`,
  }));
}

/** requireBOM: a workload that looks like AI by pod-spec heuristics alone, and every model artifact (docs/model-artifacts.md), must carry a BOM. */
export function requireBomRule(ctx: PolicyContext): RuleFinding[] {
  // A model artifact (its media types say model) with no BOM: requireBOM still wants a BOM for it.
  const artifactFindings: RuleFinding[] = [];
  for (const r of ctx.results) {
    if (r.sourceOnly || r.findings.boms.length > 0 || !r.findings.artifact?.models.length) continue;
    for (const use of r.uses) {
      artifactFindings.push({
        rule: 'requireBOM', reason: 'no-bom', severity: 'violation', container: use.container, image: r.image,
        message: `image ${r.image} is a ${r.findings.artifact.kind} model artifact but carries no BOM`, fix: BOM_FIX,
      });
    }
  }
  if (ctx.classification.evidence !== 'heuristic') return artifactFindings;
  const why = ctx.classification.heuristics.length > 0 ? ` (${ctx.classification.heuristics.join('; ')})` : '';
  const findings: RuleFinding[] = [];
  for (const r of ctx.results) {
    if (ctx.outcomes[r.image] !== 'no-bom') continue;
    for (const use of r.uses) {
      findings.push({
        rule: 'requireBOM', reason: 'no-bom', severity: 'violation', container: use.container, image: r.image,
        message: `the workload looks like AI${why} but image ${r.image} carries no BOM`, fix: BOM_FIX,
      });
    }
  }
  // BOMs were found but none lists a model. (Images whose lookup failed are onLookupFailure's business.)
  const bomWithoutAi = ctx.results.some((r) => ctx.outcomes[r.image] === 'no-ai' || ctx.outcomes[r.image] === 'dataset');
  if (findings.length === 0 && bomWithoutAi) {
    findings.push({
      rule: 'requireBOM', reason: 'no-ai-in-bom', severity: 'violation',
      message: `the workload looks like AI${why} but none of its BOMs lists a model`, fix: 'list the served model in the image BOM (a `machine-learning-model` component or an SPDX `ai_AIPackage`)',
    });
  }
  return findings;
}

/** onLookupFailure: deny: a failed lookup (timeout, error:*) is a violation. Validating path only. */
export function lookupFailureRule(ctx: PolicyContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const r of ctx.results) {
    if (!isLookupFailure(r.findings.status)) continue;
    for (const use of r.uses) {
      findings.push({
        rule: 'onLookupFailure', reason: r.findings.status, severity: 'violation', container: use.container, image: r.image,
        message: `the BOM lookup for image ${r.image} failed (${r.findings.status}), so its AI content is unknown`,
        fix: 'make the registry reachable for the webhook (credentials, egress, registries.allow) and retry, or set onLookupFailure: allow',
      });
    }
  }
  return findings;
}

/** requireDigest: every image reference in the pod spec is pinned by digest (`@sha256:…`). */
export function requireDigestRule(ctx: PolicyContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const use of ctx.uses) {
    let digest: string | undefined;
    try {
      digest = parseImageReference(use.image).digest;
    } catch {
      digest = undefined;
    }
    if (digest) continue;
    const finding: RuleFinding = {
      rule: 'requireDigest', reason: 'not-pinned', severity: 'violation', container: use.container,
      message: `image ${use.image} is not pinned by digest`, fix: 'refer to the image as NAME@sha256:<digest> (e.g. from `crane digest` or `skopeo inspect`)',
    };
    if (use.normalized) finding.image = use.normalized;
    findings.push(finding);
  }
  // A serving CR's Hugging Face source is pinned by a revision (`hf://org/name@<commit>`).
  for (const r of ctx.results) {
    if (!r.sourceOnly || !r.image.startsWith('hf://')) continue;
    for (const s of r.specModels ?? []) {
      if (s.model.version) continue;
      findings.push({
        rule: 'requireDigest', reason: 'not-pinned', severity: 'violation', container: s.container, image: r.image,
        message: `model source ${r.image} is not pinned to a revision`, fix: 'name the revision: hf://ORG/NAME@<commit sha>',
      });
    }
  }
  return findings;
}

/** maxBomAgeDays: each BOM's creation time (CycloneDX metadata.timestamp, SPDX created) is recent enough. */
export function bomAgeRule(ctx: PolicyContext, maxDays: number, now: Date): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const r of ctx.results) {
    for (const bom of r.findings.boms) {
      const created = bom.inventory.created;
      const when = created === undefined ? Number.NaN : Date.parse(created);
      for (const use of r.uses) {
        const about = { container: use.container, image: r.image };
        if (Number.isNaN(when)) {
          findings.push({
            ...about, rule: 'maxBomAgeDays', reason: 'no-timestamp', severity: 'warning',
            message: `BOM ${short(bom.digest)} has no ${created === undefined ? '' : 'valid '}creation time, its age is unknown`,
            fix: 'regenerate the BOM with a creation time (CycloneDX metadata.timestamp, SPDX creationInfo.created)',
          });
          continue;
        }
        const ageDays = Math.floor((now.getTime() - when) / 86_400_000);
        if (ageDays > maxDays) {
          findings.push({
            ...about, rule: 'maxBomAgeDays', reason: 'too-old', severity: 'violation',
            message: `BOM ${short(bom.digest)} was created ${ageDays} days ago (${created}), more than ${maxDays}`,
            fix: 'regenerate and re-attach the BOM for this image (`aibom scan`, `aibom attach`)',
          });
        }
      }
    }
  }
  return findings;
}

function short(digest: string): string {
  const i = digest.indexOf(':');
  return i >= 0 ? `${digest.slice(0, i + 13)}` : digest.slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Model-level rules

export function licenseRule(s: ModelSubject, rule: NonNullable<PolicyRules['licenses']>): RuleFinding[] {
  const result = evaluateLicense(s.model.license, rule);
  const listed = `allow: [${rule.allow.join(', ')}]${rule.deny.length ? `, deny: [${rule.deny.join(', ')}]` : ''}`;
  if (result.status === 'pass') return [];
  if (result.status === 'fail') {
    const denied = result.reasons.some((r) => r.endsWith('is denied'));
    return [{
      ...aboutModel(s), rule: 'licenses', reason: denied ? 'denied' : 'not-allowed', severity: 'violation',
      message: `licence ${JSON.stringify(s.model.license)}: ${result.reasons.join('; ')}`,
      fix: `use a model under an accepted licence (${listed}), or change the policy's licence lists`,
    }];
  }
  if (result.parseError !== undefined) {
    // An expression we cannot read is reported whatever `missing` says; `deny` makes it a violation.
    return [{
      ...aboutModel(s), rule: 'licenses', reason: 'unparsable', severity: rule.missing === 'deny' ? 'violation' : 'warning',
      message: `licence ${JSON.stringify(s.model.license)} is not a valid SPDX expression (${result.parseError})`,
      fix: 'write the licence in the BOM as an SPDX expression (e.g. `Apache-2.0`, `MIT OR Apache-2.0`, `LicenseRef-<name>`)',
    }];
  }
  const severity = missingSeverity(rule.missing);
  if (!severity) return [];
  return [{
    ...aboutModel(s), rule: 'licenses', reason: 'missing', severity,
    message: `the model has no usable licence (${result.reasons.join('; ')})`,
    fix: 'record the model licence in its BOM (CycloneDX `licenses[]`, SPDX `hasDeclaredLicense`)',
  }];
}

/** The purl without version, qualifiers and subpath: `pkg:huggingface/org/name`. */
function purlBase(purl: string): string {
  let end = purl.length;
  for (const sep of ['#', '?']) {
    const i = purl.indexOf(sep);
    if (i >= 0 && i < end) end = i;
  }
  const head = purl.slice(0, end);
  const at = head.lastIndexOf('@');
  return at > head.indexOf('/') && at >= 0 ? head.slice(0, at) : head;
}

function hostOf(location: string | undefined): string | undefined {
  if (!location) return undefined;
  try {
    const url = new URL(location);
    return url.hostname ? url.hostname.replace(/^\[|\]$/g, '') : undefined;
  } catch {
    return undefined;
  }
}

export function sourceRule(s: ModelSubject, rule: NonNullable<PolicyRules['sources']>): RuleFinding[] {
  const problems: string[] = [];
  const absent: string[] = [];
  const m = s.model;
  if (rule.purls.length > 0) {
    if (!m.purl) absent.push('purl');
    else if (!matchesAny(rule.purls, m.purl, { caseInsensitive: true }) && !matchesAny(rule.purls, purlBase(m.purl), { caseInsensitive: true })) {
      problems.push(`purl ${m.purl} matches none of [${rule.purls.join(', ')}]`);
    }
  }
  if (rule.suppliers.length > 0) {
    if (!m.supplier) absent.push('supplier');
    else if (!matchesAny(rule.suppliers, m.supplier, { caseInsensitive: true })) problems.push(`supplier ${JSON.stringify(m.supplier)} matches none of [${rule.suppliers.join(', ')}]`);
  }
  if (rule.downloadHosts.length > 0) {
    const host = hostOf(m.downloadLocation);
    if (!host) absent.push('download location');
    else if (!matchesAny(rule.downloadHosts, host, { caseInsensitive: true })) problems.push(`download host ${host} matches none of [${rule.downloadHosts.join(', ')}]`);
  }
  const findings: RuleFinding[] = [];
  if (problems.length > 0) {
    findings.push({
      ...aboutModel(s), rule: 'sources', reason: 'not-approved', severity: 'violation',
      message: `the model does not come from an approved source: ${problems.join('; ')}`,
      fix: 'use a model from an approved source, or add its source to the policy (sources.purls, suppliers, downloadHosts)',
    });
  }
  const severity = missingSeverity(rule.missing);
  if (absent.length > 0 && severity) {
    findings.push({
      ...aboutModel(s), rule: 'sources', reason: 'missing', severity,
      message: `the model's source cannot be checked: no ${absent.join(', no ')} in its BOM`,
      fix: 'record the model purl, supplier and download location in its BOM',
    });
  }
  return findings;
}

/** Formats read from the model record; a scan that found unsafe pickle globals counts as `pickle`. */
function formatsOf(m: ModelRecord): string[] {
  const out = new Set<string>();
  if (m.format) out.add(m.format.toLowerCase());
  if (m.properties?.['aibom:security:unsafe-pickle'] !== undefined) out.add('pickle');
  return [...out];
}

export function formatRule(s: ModelSubject, rule: NonNullable<PolicyRules['formats']>): RuleFinding[] {
  const formats = formatsOf(s.model);
  const deny = new Set(rule.deny.map((f) => f.toLowerCase()));
  const allow = rule.allow && rule.allow.length > 0 ? new Set(rule.allow.map((f) => f.toLowerCase())) : undefined;
  const denied = formats.filter((f) => deny.has(f));
  if (denied.length > 0) {
    return [{
      ...aboutModel(s), rule: 'formats', reason: 'denied', severity: 'violation',
      message: `model format ${denied.join(', ')} is denied`,
      fix: 'ship the model in a format that cannot execute code on load (e.g. safetensors, gguf, onnx)',
    }];
  }
  if (!allow) return [];
  if (formats.length === 0) {
    return [{
      ...aboutModel(s), rule: 'formats', reason: 'missing', severity: 'warning',
      message: `the model format is unknown, allowed formats are [${[...allow].join(', ')}]`,
      fix: 'record the format in the BOM (property `aibom:model:format`; `aibom scan` detects it)',
    }];
  }
  const outside = formats.filter((f) => !allow.has(f));
  if (outside.length === 0) return [];
  return [{
    ...aboutModel(s), rule: 'formats', reason: 'not-allowed', severity: 'violation',
    message: `model format ${outside.join(', ')} is not in the allowed formats [${[...allow].join(', ')}]`,
    fix: 'convert the model to an allowed format, or add the format to formats.allow',
  }];
}

export function modelCardRule(s: ModelSubject, rule: NonNullable<PolicyRules['modelCard']>): RuleFinding[] {
  const lacking = rule.require.filter((field) => !hasModelCardField(s.model, field));
  if (lacking.length === 0) return [];
  return [{
    ...aboutModel(s), rule: 'modelCard', reason: 'incomplete', severity: 'violation',
    message: `the model card lacks ${lacking.join(', ')}`,
    fix: `fill in ${lacking.join(', ')} in the BOM's model card (see README.md "AIModelPolicy" for the CycloneDX and SPDX 3 fields)`,
  }];
}

export function safetyRiskRule(s: ModelSubject, rule: NonNullable<PolicyRules['maxSafetyRisk']>): RuleFinding[] {
  const level = s.model.safetyRiskAssessment;
  if (level === undefined) {
    const severity = missingSeverity(rule.missing);
    if (!severity) return [];
    return [{
      ...aboutModel(s), rule: 'maxSafetyRisk', reason: 'missing', severity,
      message: 'the model has no safety risk assessment',
      fix: 'record the assessment in the BOM (SPDX `ai_safetyRiskAssessment`, CycloneDX property `safetyRiskAssessment`)',
    }];
  }
  if (SAFETY_RISK_LEVELS.indexOf(level) <= SAFETY_RISK_LEVELS.indexOf(rule.level)) return [];
  return [{
    ...aboutModel(s), rule: 'maxSafetyRisk', reason: 'too-risky', severity: 'violation',
    message: `the model's safety risk is ${level}, above the admitted ${rule.level}`,
    fix: `use a model assessed at ${rule.level} risk or lower, or raise maxSafetyRisk.level`,
  }];
}

export function hashesRule(s: ModelSubject): RuleFinding[] {
  if (s.model.hashes.length > 0) return [];
  return [{
    ...aboutModel(s), rule: 'requireHashes', reason: 'no-hashes', severity: 'violation',
    message: 'the BOM lists no hash for the model',
    fix: 'record the model file hashes in the BOM (CycloneDX `hashes[]`, SPDX `verifiedUsing`; `aibom scan` computes them)',
  }];
}
