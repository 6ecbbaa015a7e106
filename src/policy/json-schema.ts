// The JSON Schema of AIModelPolicy, generated from the zod schema so the two cannot drift. Published as
// deploy/aimodelpolicy.schema.json for editors (yaml-language-server: `# yaml-language-server: $schema=…`);
// scripts/gen-policy-schema.ts writes it and a test checks the committed file is current.
import { z } from 'zod';
import { policySchema } from './schema.js';

export const POLICY_SCHEMA_ID = 'https://aibom.io/schemas/v1alpha1/aimodelpolicy.schema.json';

export function policyJsonSchema(): Record<string, unknown> {
  // `input`: fields with defaults are optional for the author; draft-07 is what most editors support.
  const generated = z.toJSONSchema(policySchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: POLICY_SCHEMA_ID, title: 'AIModelPolicy', ...rest };
}

/** The file's exact text: stable key order from the generator, two-space indent, final newline. */
export function renderPolicyJsonSchema(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}
