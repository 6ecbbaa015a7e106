// The one configuration schema. Precedence (config/load.ts): flags > AIBOM_* env > YAML file > defaults.
// Every leaf has a default, so the defaults are a complete document (pinned by a golden file in tests).
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const seconds = z.number().positive().max(3600);

export const configSchema = z
  .object({
    /** Prefix of every label and annotation the webhook owns. */
    prefix: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a DNS subdomain').max(200).default('aibom.io'),
    namespaces: z
      .object({
        /** Never reviewed. The webhook's own namespace is added to these. */
        exclude: z.array(z.string()).default(['kube-system', 'kube-public', 'kube-node-lease']),
        /** The webhook's own namespace. */
        self: z.string().default('aibom-system'),
      })
      .strict()
      .default({ exclude: ['kube-system', 'kube-public', 'kube-node-lease'], self: 'aibom-system' }),
    /** Label the pod templates of top-level workloads (false: metadata only). */
    labelPodTemplates: z.boolean().default(true),
    annotations: z
      .object({ maxBytes: z.number().int().min(1024).max(256 * 1024).default(64 * 1024) })
      .strict()
      .default({ maxBytes: 64 * 1024 }),
    mutate: z
      .object({
        timeoutSeconds: seconds.default(5),
        /** Lookups still running after this answer `unknown` on the mutating path (they go on in the background). */
        lookupBudgetMs: z.number().int().positive().default(2500),
      })
      .strict()
      .default({ timeoutSeconds: 5, lookupBudgetMs: 2500 }),
    validate: z
      .object({
        timeoutSeconds: seconds.default(8),
        /** Answer this long before the apiserver's deadline. */
        marginMs: z.number().int().min(0).default(500),
      })
      .strict()
      .default({ timeoutSeconds: 8, marginMs: 500 }),
    discovery: z
      .object({
        /** Where BOMs are looked for: a registry, or an OCI image layout directory. */
        sources: z.array(z.enum(['registry', 'layout'])).min(1).default(['registry']),
        layoutDir: z.string().nullable().default(null),
        /** Platforms of an image index to look at: `all`, or a list like `linux/amd64`. */
        platforms: z.array(z.string()).default(['all']),
        /** Repository holding cosign `.sbom`/`.att` tags (COSIGN_REPOSITORY); null = the image's own. */
        cosignRepository: z.string().nullable().default(null),
        /**
         * Probe the legacy cosign `.sbom`/`.att` tags (cosign ≤ 2.x). Two requests per subject; a fleet
         * whose tools all write OCI referrers can switch them off.
         */
        cosignTags: z.boolean().default(true),
        /**
         * Worker threads that parse BOMs of 64 KiB and more off the main thread (docs/limits.md), so a
         * big BOM never stalls the event loop; 0 parses every BOM on the main thread.
         */
        parserWorkers: z.number().int().min(0).max(8).default(1),
        /** Read SLSA provenance attestations (builder, source repository) too: one or two more downloads per image that has one. */
        provenance: z.boolean().default(false),
      })
      .strict()
      .default({ sources: ['registry'], layoutDir: null, platforms: ['all'], cosignRepository: null, cosignTags: true, parserWorkers: 1, provenance: false }),
    trust: z
      .object({
        /** Public keys (PEM files) that sign BOMs, as cosign `--key` (docs/trust.md). */
        keys: z.array(z.string()).default([]),
        /** Keyless identities: an OIDC issuer (exact or regexp) and a subject (exact or regexp), as cosign's flags. */
        identities: z
          .array(
            z
              .object({
                issuer: z.string().min(1).optional(),
                issuerRegExp: z.string().min(1).optional(),
                subject: z.string().min(1).optional(),
                subjectRegExp: z.string().min(1).optional(),
              })
              .strict(),
          )
          .default([]),
        /** Sigstore trusted_root.json files (Fulcio, Rekor, CT log, TSA) for keyless verification; no network. */
        trustedRoots: z.array(z.string()).default([]),
        /** Notary Project trust policy (trustpolicy.json, version 1.0) and its trust stores. */
        notary: z
          .object({
            trustPolicy: z.string().nullable().default(null),
            /** Each store: type (ca, signingAuthority, tsa), name, and a PEM file or a directory of them. */
            trustStores: z.array(z.object({ type: z.enum(['ca', 'signingAuthority', 'tsa']), name: z.string().min(1), path: z.string().min(1) }).strict()).default([]),
          })
          .strict()
          .default({ trustPolicy: null, trustStores: [] }),
      })
      .strict()
      .default({ keys: [], identities: [], trustedRoots: [], notary: { trustPolicy: null, trustStores: [] } }),
    registries: z
      .object({
        /** Hosts (globs) and CIDRs that may be reached even when private or loopback. */
        allow: z.array(z.string()).default([]),
        /** Hosts (globs) and CIDRs never reached. */
        deny: z.array(z.string()).default([]),
        /** `host:port` reached over plain HTTP (and counted as allowed). */
        insecure: z.array(z.string()).default([]),
        /** Registry host → mirror host used for reads. */
        mirrors: z.record(z.string(), z.string()).default({}),
        /** docker config JSON files with credentials. */
        configFiles: z.array(z.string()).default([]),
        /** Extra CA bundle (PEM) for registries. */
        caFile: z.string().nullable().default(null),
        /** Per registry request timeout. */
        requestTimeoutMs: z.number().int().positive().default(2000),
        maxRetries: z.number().int().min(0).max(5).default(2),
      })
      .strict()
      .default({ allow: [], deny: [], insecure: [], mirrors: {}, configFiles: [], caFile: null, requestTimeoutMs: 2000, maxRetries: 2 }),
    // Caps that bound the work of one admission (docs/limits.md). Exceeding one is never a long
    // computation: what is over the cap is not read or not looked up, and says so (a BOM finding, an
    // admission warning, a `limits` verdict that each matching policy enforces in its mode).
    limits: z
      .object({
        maxBomBytes: z.number().int().positive().default(16 * 1024 * 1024),
        maxReferrers: z.number().int().positive().default(50),
        maxLookupBytes: z.number().int().positive().default(64 * 1024 * 1024),
        maxJsonDepth: z.number().int().positive().default(256),
        maxArrayLength: z.number().int().positive().default(100_000),
        /** Models read from one BOM; the rest are not read (finding `too-many-models`). */
        maxModelsPerBom: z.number().int().positive().default(1000),
        /** Image references (containers, init and ephemeral containers, image volumes) looked up per object. */
        maxImagesPerReview: z.number().int().positive().default(128),
        /** Model × container pairs examined per object (labels, annotations, policy rules). */
        maxModelsPerReview: z.number().int().positive().default(2000),
        /** Policy verdicts kept per decision (audit annotation, audit log, CLI); all of them count for the decision. */
        maxVerdicts: z.number().int().positive().default(500),
      })
      .strict()
      .default({
        maxBomBytes: 16 * 1024 * 1024, maxReferrers: 50, maxLookupBytes: 64 * 1024 * 1024, maxJsonDepth: 256, maxArrayLength: 100_000,
        maxModelsPerBom: 1000, maxImagesPerReview: 128, maxModelsPerReview: 2000, maxVerdicts: 500,
      }),
    cache: z
      .object({
        positiveTtlSeconds: z.number().int().positive().default(4 * 3600),
        negativeTtlSeconds: z.number().int().positive().default(300),
        errorTtlSeconds: z.number().int().positive().default(10),
        tagTtlSeconds: z.number().int().positive().default(60),
        maxEntries: z.number().int().positive().default(20_000),
        maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
        /** Bounds of the tag → digest cache (its entries are small). */
        tagMaxEntries: z.number().int().positive().default(10_000),
        tagMaxBytes: z.number().int().positive().default(4 * 1024 * 1024),
        backgroundConcurrency: z.number().int().positive().default(8),
        backgroundTimeoutMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .default({ positiveTtlSeconds: 14400, negativeTtlSeconds: 300, errorTtlSeconds: 10, tagTtlSeconds: 60, maxEntries: 20_000, maxBytes: 64 * 1024 * 1024, tagMaxEntries: 10_000, tagMaxBytes: 4 * 1024 * 1024, backgroundConcurrency: 8, backgroundTimeoutMs: 30_000 }),
    heuristics: z
      .object({
        enabled: z.boolean().default(true),
        /** Extra image patterns (globs on the normalised reference) counted as AI serving images. */
        extraImagePatterns: z.array(z.string()).default([]),
      })
      .strict()
      .default({ enabled: true, extraImagePatterns: [] }),
    server: z
      .object({
        port: port.default(8443),
        adminPort: port.default(9090),
        host: z.string().default('0.0.0.0'),
        /** The admin port (metrics, probes): loopback unless told; the Deployment sets the pod IP. */
        adminHost: z.string().default('127.0.0.1'),
        /** `/statusz` on the admin port (policy directory and names, certificate serial, last policy error). */
        adminStatus: z.boolean().default(true),
        tlsCert: z.string().nullable().default(null),
        tlsKey: z.string().nullable().default(null),
        maxBodyBytes: z.number().int().positive().default(3 * 1024 * 1024),
        shutdownDelaySeconds: z.number().min(0).max(120).default(10),
        certPollSeconds: z.number().positive().default(10),
        /** Slow clients (slowloris): a request's headers must arrive within this time. */
        headersTimeoutMs: z.number().int().positive().default(10_000),
        /** A whole request (headers and body) must arrive within this time. */
        requestTimeoutMs: z.number().int().positive().default(30_000),
        /** Idle keep-alive connections are closed after this; above the apiserver's 90 s idle timeout to avoid close races. */
        keepAliveTimeoutMs: z.number().int().positive().default(95_000),
        /** A TLS handshake must finish within this time. */
        handshakeTimeoutMs: z.number().int().positive().default(10_000),
        /** Where `serve` writes a development CA and serving certificate when none is given. */
        devCertDir: z.string().default('.aibom-dev/certs'),
      })
      .strict()
      .default({
        port: 8443, adminPort: 9090, host: '0.0.0.0', adminHost: '127.0.0.1', adminStatus: true, tlsCert: null, tlsKey: null, maxBodyBytes: 3 * 1024 * 1024, shutdownDelaySeconds: 10, certPollSeconds: 10,
        headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 95_000, handshakeTimeoutMs: 10_000, devCertDir: '.aibom-dev/certs',
      }),
    policies: z
      .object({
        /** Directory of AIModelPolicy documents (a mounted ConfigMap). */
        dir: z.string().nullable().default(null),
        pollSeconds: z.number().positive().default(5),
      })
      .strict()
      .default({ dir: null, pollSeconds: 5 }),
    breakGlass: z
      .object({
        enabled: z.boolean().default(true),
        /** Also honour `admission.stackrox.io/break-glass`. */
        stackroxKey: z.boolean().default(false),
        allowedUsers: z.array(z.string()).default([]),
        allowedGroups: z.array(z.string()).default([]),
        namespaces: z.array(z.string()).default(['*']),
        valuePattern: z.string().default('^https?://\\S+$'),
      })
      .strict()
      .default({ enabled: true, stackroxKey: false, allowedUsers: [], allowedGroups: [], namespaces: ['*'], valuePattern: '^https?://\\S+$' }),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export function defaultConfig(): Config {
  return configSchema.parse({});
}
