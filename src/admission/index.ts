// The public entry of admission/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { admit, wrap, type AdmissionOutcome, type AdmissionSettings, type AdmitDependencies, type Endpoint } from './admit.js';
export { ReviewParseError, parseAdmissionReview, peekRequestUid } from './review.js';
export { groupVersion, resourceOf, syntheticCreateReview, type SyntheticReviewInput } from './synthetic.js';
