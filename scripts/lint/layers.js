// The layering of src/ as lint rules (docs/architecture.md draws the same table):
//   layers/arrows    a room imports only the rooms ROOMS lists for it, another room only through its
//                    public entry (src/<room>/index.ts; every file of contracts/ is public), and
//                    nothing outside src/;
//   layers/no-cycle  no import cycle among the files of src/, type-only imports counted.
//                    Rooms count as well: no room may reach itself through another (admission →
//                    classify → admission is a cycle even when no single file closes it).
// Plain JavaScript so that eslint.config.js loads it without a TypeScript loader.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * Every room of src/ and the rooms it may import. Core rooms do no I/O (eslint.config.js bans the
 * modules, `process.env` and the clock there); edges talk to the world. Rooms listed without a
 * folder yet are the ones being built: they land in a house whose arrows are already drawn.
 */
export const ROOMS = {
  // Pure types and primitives: the vocabulary every room shares. Imports nothing of ours.
  contracts: { layer: 'contracts', may: [] },
  // Core: pure, deterministic, no I/O.
  bom: { layer: 'core', may: ['contracts'] },
  classify: { layer: 'core', may: ['contracts'] },
  formats: { layer: 'core', may: ['contracts', 'bom'] },
  mlbom: { layer: 'core', may: ['contracts', 'bom', 'formats'] },
  trust: { layer: 'core', may: ['contracts'] },
  admission: { layer: 'core', may: ['contracts', 'classify'] },
  policy: { layer: 'core', may: ['contracts', 'bom', 'trust'] },
  audit: { layer: 'core', may: ['contracts', 'admission'] },
  // Edges: files, network, clock, environment, processes.
  config: { layer: 'edge', may: ['contracts', 'admission', 'policy', 'trust'] },
  registry: { layer: 'edge', may: ['contracts', 'config'] },
  'oci-layout': { layer: 'edge', may: ['contracts'] },
  discovery: { layer: 'edge', may: ['contracts', 'bom', 'trust', 'registry', 'oci-layout', 'config'] },
  metrics: { layer: 'edge', may: ['contracts', 'admission', 'audit', 'discovery'] },
  scan: { layer: 'edge', may: ['contracts', 'bom', 'formats', 'mlbom', 'registry', 'oci-layout', 'config'] },
  k8s: { layer: 'edge', may: ['contracts', 'config'] },
  inventory: { layer: 'edge', may: ['contracts', 'bom', 'classify', 'admission', 'policy', 'audit', 'config', 'discovery', 'k8s', 'metrics'] },
  server: { layer: 'edge', may: ['contracts', 'admission', 'audit', 'policy', 'config', 'metrics'] },
  // The command line wires everything together.
  cli: { layer: 'edge', may: ['contracts', 'bom', 'classify', 'formats', 'mlbom', 'trust', 'admission', 'policy', 'audit', 'config', 'registry', 'oci-layout', 'discovery', 'scan', 'metrics', 'k8s', 'inventory', 'server'] },
};

/** Packages the contracts may use: none, apart from hashing. */
const CONTRACT_PACKAGES = new Set(['node:crypto']);

function roomOf(srcDir, file) {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : '';
}

function resolveImport(fromFile, spec) {
  let target = resolve(dirname(fromFile), spec);
  if (target.endsWith('.js')) target = `${target.slice(0, -3)}.ts`;
  return target;
}

function srcDirOf(filename) {
  const at = filename.lastIndexOf(`${sep}src${sep}`);
  return at < 0 ? undefined : filename.slice(0, at + 4);
}

const arrows = {
  meta: { type: 'problem', schema: [], docs: { description: 'one-way layers between the rooms of src/' } },
  create(context) {
    const filename = context.filename;
    const srcDir = srcDirOf(filename);
    if (!srcDir) return {};
    const from = roomOf(srcDir, filename);
    if (from === undefined) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        if (from === 'contracts' && !CONTRACT_PACKAGES.has(spec)) context.report({ node, message: `contracts/ imports no packages (${spec}): it is the pure vocabulary every room shares.` });
        return;
      }
      const target = resolveImport(filename, spec);
      const to = roomOf(srcDir, target);
      if (to === undefined) {
        context.report({ node, message: `src/ imports nothing outside src/ (${spec}).` });
        return;
      }
      if (to === from) return;
      const rule = ROOMS[from];
      if (!rule) {
        context.report({ node, message: `src/${from || '(top level)'} is not a room of scripts/lint/layers.js: add it to ROOMS with the rooms it may import.` });
        return;
      }
      if (!rule.may.includes(to)) {
        context.report({ node, message: `${from}/ may not import ${to}/ (${rule.layer}; it may import ${rule.may.join(', ') || 'nothing of ours'}). See docs/architecture.md.` });
        return;
      }
      if (to !== 'contracts' && relative(join(srcDir, to), target) !== 'index.ts') {
        context.report({ node, message: `${from}/ imports ${to}/ only through its public entry src/${to}/index.ts, not ${relative(srcDir, target)}.` });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

// ------------------------------------------------------------------------------------ cycles

const graphs = new Map();

function listTs(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The import graph of src/ (every import and re-export, type-only ones included) and its cyclic parts. */
function graphOf(srcDir) {
  let graph = graphs.get(srcDir);
  if (graph) return graph;
  const edges = new Map();
  for (const file of listTs(srcDir)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    edges.set(file, [...new Set(info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.')).map((s) => resolveImport(file, s)))]);
  }
  const roomEdges = new Map();
  for (const [file, targets] of edges) {
    const from = roomOf(srcDir, file);
    for (const t of targets) {
      const to = roomOf(srcDir, t);
      if (to === undefined || to === from) continue;
      if (!roomEdges.has(from)) roomEdges.set(from, []);
      if (!roomEdges.get(from).includes(to)) roomEdges.get(from).push(to);
      if (!roomEdges.has(to)) roomEdges.set(to, []);
    }
  }
  graph = { edges, cyclic: stronglyConnected(edges), roomEdges, cyclicRooms: stronglyConnected(roomEdges) };
  graphs.set(srcDir, graph);
  return graph;
}

/** Tarjan's algorithm (iterative): file → its strongly connected component, for components that form a cycle. */
function stronglyConnected(edges) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const cyclic = new Map();
  let next = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node] = frame;
      const targets = (edges.get(node) ?? []).filter((t) => edges.has(t));
      if (frame[1] < targets.length) {
        const t = targets[frame[1]++];
        if (!index.has(t)) {
          index.set(t, next);
          low.set(t, next++);
          stack.push(t);
          onStack.add(t);
          work.push([t, 0]);
        } else if (onStack.has(t)) {
          low.set(node, Math.min(low.get(node), index.get(t)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        const selfLoop = component.length === 1 && (edges.get(node) ?? []).includes(node);
        if (component.length > 1 || selfLoop) for (const m of component) cyclic.set(m, component);
      }
    }
  }
  return cyclic;
}

/** One shortest cycle through `start` inside its component, as names (files relative to src/, or rooms). */
function cycleThrough(start, component, edges, name) {
  const inside = new Set(component);
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const t of edges.get(node) ?? []) {
      if (!inside.has(t)) continue;
      if (t === start) {
        const path = [];
        for (let n = node; n !== undefined; n = previous.get(n)) path.unshift(name(n));
        return [...path, name(start)];
      }
      if (!previous.has(t)) {
        previous.set(t, node);
        queue.push(t);
      }
    }
  }
  return [name(start)];
}

const noCycle = {
  meta: { type: 'problem', schema: [], docs: { description: 'no import cycles in src/, type-only imports counted' } },
  create(context) {
    const filename = context.filename;
    const srcDir = srcDirOf(filename);
    if (!srcDir || roomOf(srcDir, filename) === undefined) return {};
    return {
      Program(node) {
        const { edges, cyclic, roomEdges, cyclicRooms } = graphOf(srcDir);
        const component = cyclic.get(filename);
        if (component) {
          const cycle = cycleThrough(filename, component, edges, (f) => relative(srcDir, f));
          context.report({ node, message: `import cycle (type-only imports count): ${cycle.join(' → ')}` });
        }
        const from = roomOf(srcDir, filename);
        const rooms = cyclicRooms.get(from);
        if (!rooms) return;
        for (const target of edges.get(filename) ?? []) {
          const to = roomOf(srcDir, target);
          if (to === from || !rooms.includes(to)) continue;
          const cycle = cycleThrough(from, rooms, roomEdges, (r) => `${r}/`);
          context.report({ node, message: `room cycle (type-only imports count): ${cycle.join(' → ')}; this file imports ${relative(srcDir, target)}` });
        }
      },
    };
  },
};

export default { meta: { name: 'aibom-layers' }, rules: { arrows, 'no-cycle': noCycle } };
