// The per-BOM outcome (docs/classification.md): agent > model > dataset > no-ai, with reasons.
import { modelLabel } from '../contracts/model-identity.js';
import type { AiInventory } from '../contracts/inventory.js';
import type { InventoryClassification } from '../contracts/classification.js';

export function classifyInventory(inv: AiInventory): InventoryClassification {
  const reasons: string[] = [];
  if (inv.agents.length > 0) {
    for (const a of inv.agents.slice(0, 10)) reasons.push(`agent: ${a.reason}`);
    return { classification: 'agent', reasons };
  }
  if (inv.models.length > 0) {
    const names = inv.models.slice(0, 5).map((m) => JSON.stringify(modelLabel(m)));
    const more = inv.models.length > 5 ? ` and ${inv.models.length - 5} more` : '';
    const lowConfidence = inv.models.every((m) => m.confidence !== undefined && m.confidence !== 'high');
    reasons.push(`model: the BOM lists ${inv.models.length === 1 ? 'a model' : `${inv.models.length} models`} (${names.join(', ')}${more}) and no application that uses one${lowConfidence ? ' (lower confidence: inferred from SPDX 2 hints)' : ''}`);
    return { classification: 'model', reasons };
  }
  if (inv.datasets.length > 0) {
    reasons.push(`dataset: the BOM lists only data (${inv.datasets.slice(0, 5).map((d) => JSON.stringify(d.name)).join(', ')}), no model`);
    return { classification: 'dataset', reasons };
  }
  reasons.push(`no-ai: the ${inv.format} BOM lists no model, dataset or agent`);
  return { classification: 'no-ai', reasons };
}
