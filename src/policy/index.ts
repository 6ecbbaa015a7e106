// The public entry of policy/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { enforcementDependencies, type EnforcementPorts, type EnforcementSettings } from './enforce.js';
export { policyMatches, type DecisionOptions, type VerdictDecision } from './evaluate.js';
export { PolicyError, checkPolicySet, parsePolicyText, type LoadedPolicy } from './parse.js';
export { canonicalJson, EMPTY_POLICY_SET, policySet, type PolicySet } from './policy-set.js';
export type { AIModelPolicy } from './schema.js';
export { formatVerdict } from './verdict.js';
