// YAML found in model repositories (model-card front matter, MLflow `MLmodel`), parsed with alias
// expansion capped. The parser is imported on first use: most scans meet no YAML, and the module
// costs start-up time and memory (docs/model-scan.md "Throughput").
import type { parse } from 'yaml';

let parser: Promise<typeof parse> | undefined;

/** The parsed document, or undefined when the text is not YAML. */
export async function parseYamlText(text: string): Promise<unknown> {
  parser ??= import('yaml').then((m) => m.parse);
  const parseYaml = await parser;
  try {
    return parseYaml(text, { maxAliasCount: 50, uniqueKeys: false, logLevel: 'silent' });
  } catch {
    return undefined;
  }
}
