// Agents versus wrappers (docs/classification.md). Format-neutral: the CycloneDX, SPDX 3 and SPDX 2
// readers build a small graph of nodes and "uses" edges, and this module decides which applications
// are agents.
//
// - An AGENT is an application/agent node that uses a model — directly, or through non-application,
//   non-model nodes (a library or container in between) — or an SPDX AI package with
//   `ai_autonomyType: yes`.
// - A WRAPPER is not an agent: an application node whose only model is ONE model AND whose name is that
//   model's name (case-insensitive; `org/name` and purl names compared too). Generators (Aetheris/OWASP
//   aibom-generator) emit this shape for plain model BOMs: `metadata.component` {type: application,
//   name: <model name>} dependsOn the model. We read the design's "only one model, or same name" as
//   requiring the name match, because a real application with a single model (the CycloneDX
//   MLBOM example's `support-triage-service`) is exactly what an agent is.
import type { AgentRecord } from '../contracts/inventory.js';
import type { FindingSink } from './util.js';

export type NodeRole = 'model' | 'application' | 'dataset' | 'other';

export interface UseGraphNode {
  id: string;
  name: string;
  version?: string;
  purl?: string;
  group?: string;
  role: NodeRole;
  /** SPDX 3 `ai_autonomyType: yes`. */
  autonomous?: boolean;
  /** Name of the model record this node became, when it is a model (after de-duplication). */
  modelName?: string;
}

export interface AgentAnalysis {
  agents: AgentRecord[];
  /** Ids of application nodes found to be wrappers of a model. */
  wrappers: string[];
  /** Ids of applications that are agents because they use another model (drop them from `models`). */
  modelUsers: string[];
  reasons: string[];
}

/** Walks at most this many nodes from one application (the graph itself is already capped). */
const MAX_WALK = 10_000;
/**
 * Edges followed in all the walks of one BOM together. Each application walks the graph on its own, so
 * without a shared bound a BOM of many applications over a dense library graph costs applications ×
 * edges (3,000 components with 20 edges each took 4.5 s, 6,000 took 29 s, blocking the event loop).
 * Half of `limits.maxEdges` (~0.1 s on this machine); a real BOM comes nowhere near it.
 */
export const AGENT_WALK_BUDGET = 500_000;

export function analyseAgents(nodes: ReadonlyMap<string, UseGraphNode>, edges: ReadonlyMap<string, readonly string[]>, sink?: FindingSink, walkBudget = AGENT_WALK_BUDGET): AgentAnalysis {
  const result: AgentAnalysis = { agents: [], wrappers: [], modelUsers: [], reasons: [] };
  const budget = { left: walkBudget };
  let unanalysed = 0;
  for (const node of nodes.values()) {
    if (node.role !== 'application' && !node.autonomous) continue;
    const models = budget.left > 0 ? reachableModels(node.id, nodes, edges, budget) : undefined;
    if (models === undefined) {
      unanalysed++;
      continue;
    }
    if (models.length === 0) {
      if (node.autonomous) {
        result.agents.push(agentRecord(node, [], `${display(node)} is an AI package with ai_autonomyType "yes"`));
        result.reasons.push(`agent: ${display(node)} declares ai_autonomyType "yes" (acts without a human in the loop)`);
      }
      continue;
    }
    const only = models.length === 1 ? models[0] : undefined;
    if (only && node.role === 'application' && !node.autonomous && sameName(node, only)) {
      result.wrappers.push(node.id);
      result.reasons.push(`wrapper: ${display(node)} only wraps the model of the same name (generator shape), not an agent`);
      continue;
    }
    const uses = models.map((m) => m.modelName ?? m.name);
    const why = node.autonomous
      ? `${display(node)} is an AI package with ai_autonomyType "yes" that uses ${list(uses)}`
      : `${display(node)} is an application that depends on ${list(uses)}`;
    result.agents.push(agentRecord(node, uses, why));
    if (node.role === 'application') result.modelUsers.push(node.id);
    result.reasons.push(`agent: ${why}`);
  }
  if (unanalysed > 0) {
    const message = `the dependency graph is too large to tell agents apart: ${unanalysed} application(s) were not analysed (over ${walkBudget} edges followed)`;
    sink?.add('agent-analysis-truncated', 'warning', message);
    result.reasons.push(message);
  }
  return result;
}

/** The models `start` uses; undefined when the budget ran out before the walk ended (not analysed). */
function reachableModels(start: string, nodes: ReadonlyMap<string, UseGraphNode>, edges: ReadonlyMap<string, readonly string[]>, budget: { left: number }): UseGraphNode[] | undefined {
  const found = new Map<string, UseGraphNode>();
  const seen = new Set<string>([start]);
  const queue: string[] = [start];
  for (let head = 0; head < queue.length && head < MAX_WALK; head++) {
    const id = queue[head]!;
    for (const next of edges.get(id) ?? []) {
      if (--budget.left < 0) return undefined;
      if (seen.has(next)) continue;
      seen.add(next);
      const n = nodes.get(next);
      if (!n) continue;
      if (n.role === 'model') {
        found.set(n.modelName ?? n.id, n);
        continue; // a model's own dependencies (datasets, base models) are not the application's
      }
      if (n.role === 'application') continue; // another application answers for itself
      queue.push(next);
    }
  }
  return [...found.values()];
}

function nameKeys(n: { name: string; group?: string; purl?: string }): Set<string> {
  const keys = new Set<string>();
  const add = (v: string | undefined): void => {
    if (!v) return;
    const lower = v.trim().toLowerCase();
    if (!lower) return;
    keys.add(lower);
    const last = lower.split('/').pop();
    if (last) keys.add(last);
  };
  add(n.name);
  if (n.group) add(`${n.group}/${n.name}`);
  if (n.purl) {
    // pkg:type/namespace/name@version?q#s → namespace/name (percent-decoded)
    const m = /^pkg:[^/]+\/([^@?#]+)/.exec(n.purl);
    if (m?.[1]) {
      let path = m[1];
      try {
        path = decodeURIComponent(path);
      } catch {
        // keep the encoded form
      }
      add(path);
    }
  }
  return keys;
}

function sameName(app: UseGraphNode, model: UseGraphNode): boolean {
  const a = nameKeys(app);
  for (const k of nameKeys({ ...model, name: model.modelName ?? model.name })) if (a.has(k)) return true;
  return false;
}

function agentRecord(node: UseGraphNode, uses: string[], reason: string): AgentRecord {
  const a: AgentRecord = { name: node.name, uses, reason };
  if (node.version) a.version = node.version;
  if (node.purl) a.purl = node.purl;
  if (node.id) a.bomRef = node.id;
  return a;
}

function display(n: { name: string; version?: string }): string {
  return JSON.stringify(n.version ? `${n.name}@${n.version}` : n.name);
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => JSON.stringify(n));
  const more = names.length > 5 ? ` and ${names.length - 5} more` : '';
  return `${names.length === 1 ? 'model' : 'models'} ${shown.join(', ')}${more}`;
}
