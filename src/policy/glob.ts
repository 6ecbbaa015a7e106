// Policy documents use the shared glob semantics.
export { globMatch, matchesAny, type GlobOptions } from '../util/glob.js';
