// Writes deploy/aimodelpolicy.schema.json from the zod schema (src/policy/schema.ts).
// Run: node --import tsx scripts/gen-policy-schema.ts   (test/unit/policy/json-schema.test.ts checks it is current)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderPolicyJsonSchema } from '../src/policy/json-schema.js';

const target = fileURLToPath(new URL('../deploy/aimodelpolicy.schema.json', import.meta.url));
writeFileSync(target, renderPolicyJsonSchema());
process.stdout.write(`wrote ${target}\n`);
