// The AIModelPolicy document (apiVersion aibom.io/v1alpha1): one zod schema, strict everywhere so a
// typo is an error rather than a silently ignored rule. deploy/aimodelpolicy.schema.json is generated
// from it (scripts/gen-policy-schema.ts) for editors. Semantics: docs/policy.md.
import { z } from 'zod';
// The default of `match.kinds` is the pod-owning kinds: the serving CRs come in through Pod (policy/evaluate.ts).
import { POD_WORKLOAD_KINDS, WORKLOAD_KINDS } from '../contracts/workload.js';
import { MODEL_CARD_FIELDS } from './model-card.js';
import { RULE_NAMES } from '../contracts/policy.js';
import { POLICY_MODES } from '../contracts/policy.js';

export const POLICY_API_VERSION = 'aibom.io/v1alpha1';
export const POLICY_KIND = 'AIModelPolicy';

/** What an absent value means for a rule that needs it. */
export const MISSING_ACTIONS = ['allow', 'deny', 'warn'] as const;
export type MissingAction = (typeof MISSING_ACTIONS)[number];

export const SAFETY_RISK_LEVELS = ['low', 'medium', 'high', 'serious'] as const;

const nonEmpty = z.string().min(1, 'must not be empty');
const patternList = z.array(nonEmpty);
const missing = z.enum(MISSING_ACTIONS).default('warn').describe('what a model without this value gets: allow, deny, or warn');

const licensesRule = z
  .object({
    allow: z.array(nonEmpty).default([]).describe('SPDX (or Hugging Face) licence ids; non-empty: every other licence is refused'),
    deny: z.array(nonEmpty).default([]).describe('licence ids refused anywhere in the expression tree; deny beats allow'),
    missing,
  })
  .strict();

const sourcesRule = z
  .object({
    purls: patternList.default([]).describe('globs on the model purl, e.g. pkg:huggingface/ibm-granite/*'),
    suppliers: patternList.default([]).describe('globs on the supplier name (case-insensitive)'),
    downloadHosts: patternList.default([]).describe('globs on the host of the download location (case-insensitive)'),
    missing,
  })
  .strict();

const formatsRule = z
  .object({
    allow: z.array(nonEmpty).optional().describe('model file formats allowed (gguf, safetensors, onnx, …); absent: any not denied'),
    deny: z.array(nonEmpty).default([]).describe('model file formats refused (pickle, …)'),
  })
  .strict();

const modelCardRule = z
  .object({ require: z.array(z.enum(MODEL_CARD_FIELDS)).min(1).describe('model-card fields every model must fill in') })
  .strict();

const safetyRule = z
  .object({
    level: z.enum(SAFETY_RISK_LEVELS).describe('highest safetyRiskAssessment admitted (low < medium < high < serious)'),
    missing,
  })
  .strict();

// Who may sign the BOMs a policy accepts (docs/trust.md). `key` and `trustedRoot` name files
// (relative to the policy file) or hold the PEM / JSON inline; the policy loader reads the files.
const trustedSignerSchema = z.union([
  z.object({ key: nonEmpty.describe('public key: a PEM file path (relative to the policy file) or the PEM itself') }).strict(),
  z
    .object({
      issuer: nonEmpty.describe('OIDC issuer of the keyless certificate, exact (as cosign --certificate-oidc-issuer)'),
      subjectRegExp: nonEmpty.describe('regular expression searched in the certificate subject (as cosign --certificate-identity-regexp; anchor with ^…$)'),
      trustedRoot: nonEmpty.optional().describe('Sigstore trusted_root.json (a path relative to the policy file, or the JSON) the certificate must chain to; default: any configured root'),
    })
    .strict(),
  z.object({ notaryTrustPolicy: nonEmpty.describe('name of a policy of the configured Notary trust policy') }).strict(),
]);
export type TrustedSignerEntry = z.infer<typeof trustedSignerSchema>;

const rulesSchema = z
  .object({
    requireBOM: z.boolean().default(false).describe('workloads that look like AI by pod-spec heuristics must carry a BOM'),
    licenses: licensesRule.optional(),
    sources: sourcesRule.optional(),
    formats: formatsRule.optional(),
    modelCard: modelCardRule.optional(),
    maxSafetyRisk: safetyRule.optional(),
    requireHashes: z.boolean().default(false).describe('every model must list at least one hash'),
    requireDigest: z.boolean().default(false).describe('every image reference must be pinned by digest'),
    maxBomAgeDays: z.number().int().positive().optional().describe('BOMs created longer ago than this are refused'),
    onLookupFailure: z.enum(['allow', 'deny']).default('allow').describe('validating path only: what a failed BOM lookup (timeout, error) means'),
    requireProvenance: z
      .object({
        builders: patternList.default([]).describe('globs on the SLSA builder id, e.g. https://github.com/actions/runner/*; empty: any'),
        sources: patternList.default([]).describe('globs on the source repository, e.g. https://github.com/acme/*; empty: any'),
        signed: z.boolean().default(false).describe('the provenance attestation must be verified (signed by a trusted signer)'),
      })
      .strict()
      .optional()
      .describe('every matched image has SLSA provenance (discovery.provenance: true) from these builders and sources'),
    requireSignedBOM: z.boolean().default(false).describe('every matched image carries a BOM, and every BOM is verified (signed by a trusted signer)'),
    trustedSigners: z.array(trustedSignerSchema).min(1).max(100).optional().describe('who may sign BOMs: keys, keyless identities, Notary trust policies; a BOM verified by anyone else is refused'),
  })
  .strict();

const matchSchema = z
  .object({
    namespaces: patternList.default(['*']).describe('namespace globs the policy applies to'),
    excludeNamespaces: patternList.default([]).describe('namespace globs it never applies to'),
    kinds: z.array(z.enum(WORKLOAD_KINDS)).default([...POD_WORKLOAD_KINDS]).describe('workload kinds it applies to (listing Pod covers every kind that creates pods, the serving CRs included)'),
    registries: patternList.default(['*']).describe('globs on the image repository (registry/path, e.g. registry.corp/ml/*): image rules apply to matching images only'),
  })
  .strict();

/** RFC 3339 date-time (`2026-07-01T00:00:00Z`, `2026-07-01T02:00:00+02:00`); a date alone is refused. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const workloadMatcher = z
  .object({
    kind: nonEmpty.default('*').describe('glob on the workload kind (Deployment, Pod, …); default any'),
    name: nonEmpty.describe('glob on the object name (objects created with generateName are named `<generateName>*`)'),
  })
  .strict();

// An exception exempts the verdicts it matches from the policy: they are kept, with effect `audit`, and
// name the exception's ticket so every use is audited. Matchers AND across fields, OR within a list;
// an exception must name at least one matcher (an exception for everything is a disabled policy).
const exceptionSchema = z
  .object({
    name: nonEmpty.max(63).optional().describe('short name shown in audit records and metrics'),
    ticket: nonEmpty.max(1024).describe('why the exception exists: the ticket or change reference (required, audited)'),
    expires: z
      .string()
      .regex(RFC3339, 'must be an RFC 3339 date-time, e.g. 2026-07-01T00:00:00Z')
      .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a valid date-time')
      .optional()
      .describe('RFC 3339 date-time; from then on the exception no longer applies'),
    namespaces: patternList.optional().describe('namespace globs'),
    workloads: z.array(workloadMatcher).optional().describe('workloads by kind and name globs'),
    images: patternList.optional().describe('globs on normalised image references (docker.io/library/x:1, registry:5000/a/b@sha256:…)'),
    models: patternList.optional().describe('globs on the model (name, name@version or purl; case-insensitive)'),
    rules: z.array(z.enum(RULE_NAMES)).min(1).optional().describe('only these rules are exempted; default every rule'),
  })
  .strict()
  .refine((e) => e.namespaces !== undefined || e.workloads !== undefined || e.images !== undefined || e.models !== undefined, {
    message: 'an exception must name at least one of namespaces, workloads, images, models',
  });

export type PolicyException = z.infer<typeof exceptionSchema>;

const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a DNS subdomain (lower case letters, digits, "-" and ".")');

export const policySchema = z
  .object({
    apiVersion: z.literal(POLICY_API_VERSION),
    kind: z.literal(POLICY_KIND),
    metadata: z
      .object({
        name: dnsSubdomain,
        namespace: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    spec: z
      .object({
        mode: z.enum(POLICY_MODES).describe('Enforce denies, Warn admits with warnings, Audit only records'),
        match: matchSchema.default({ namespaces: ['*'], excludeNamespaces: [], kinds: [...POD_WORKLOAD_KINDS], registries: ['*'] }),
        rules: rulesSchema,
        exceptions: z.array(exceptionSchema).max(1000).default([]).describe('planned exemptions, each with a ticket and an expiry'),
      })
      .strict(),
  })
  .strict()
  .describe('AIModelPolicy: rules on the AI models that workloads carry (aibom-webhook)');

export type AIModelPolicy = z.infer<typeof policySchema>;
export type AIModelPolicyInput = z.input<typeof policySchema>;
export type PolicyRules = AIModelPolicy['spec']['rules'];
