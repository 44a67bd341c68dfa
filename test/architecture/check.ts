/** Reads the product code's relative imports and judges them against a layer table (docs/decisions/0045). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import ts from 'typescript';
import type { Layer } from './layers.js';

/** file -> the files it imports, all as repository-relative paths with '/'. */
export type ImportGraph = Map<string, string[]>;

/** The relative specifiers a module names: static and dynamic imports, re-exports, `new URL('./x.js', import.meta.url)` (workers). Comments do not count. */
export function specifiers(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  const found = info.importedFiles.map((f) => f.fileName);
  for (const m of text.matchAll(/new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/g)) found.push(m[1]!);
  return found.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** A relative specifier resolved to the file it names (NodeNext: './x.js' is './x.ts' in the source), or undefined when it names no source file. */
export function resolveSpecifier(from: string, spec: string, exists: (p: string) => boolean): string | undefined {
  const p = posix.normalize(posix.join(posix.dirname(from), spec));
  for (const c of [p.replace(/\.js$/, '.ts'), p.replace(/\.mjs$/, '.mts'), p, `${p}/index.ts`]) if (c.endsWith('.ts') && exists(c)) return c;
  return undefined;
}

export function readGraph(root: string, roots: string[]): ImportGraph {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const r of roots) if (existsSync(join(root, r)) && statSync(join(root, r)).isDirectory()) walk(r);
  const exists = (p: string) => existsSync(join(root, p));
  const graph: ImportGraph = new Map();
  for (const f of files) {
    const targets = specifiers(readFileSync(join(root, f), 'utf8')).map(
      (s) => resolveSpecifier(f, s, exists) ?? posix.normalize(posix.join(dirname(f), s)),
    );
    graph.set(
      f,
      targets.filter((t) => t.endsWith('.ts')),
    );
  }
  return graph;
}

interface Folder {
  layer: number;
  id: string;
  path: string;
}

function foldersOf(layers: Layer[]): Folder[] {
  return layers.flatMap((l, layer) => l.folders.map((path) => ({ layer, id: `${l.name}:${path}`, path })));
}

/** The folder a file belongs to: the longest path of the table that is the file or a folder holding it. */
function folderOf(file: string, folders: Folder[]): Folder | undefined {
  let best: { folder: Folder; len: number } | undefined;
  for (const folder of folders) {
    const p = folder.path;
    if ((p.endsWith('/') ? file.startsWith(p) : file === p) && (!best || p.length > best.len)) best = { folder, len: p.length };
  }
  return best?.folder;
}

/** Every way the graph breaks the table: an upward or unlisted import, a cycle between folders, a file in no layer, a table that is not one-way. */
export function checkLayers(graph: ImportGraph, layers: Layer[]): string[] {
  const problems: string[] = [];
  const index = new Map(layers.map((l, i) => [l.name, i]));
  layers.forEach((l, i) => {
    for (const m of l.mayImport) {
      const j = index.get(m);
      if (j === undefined) problems.push(`table: layer ${l.name} may import "${m}", which is no layer`);
      else if (j >= i) problems.push(`table: layer ${l.name} may import ${m}, which is not below it`);
    }
  });
  const folders = foldersOf(layers);
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folderOf(file, folders);
    if (!from) {
      problems.push(`${file} is in no layer`);
      continue;
    }
    const layer = layers[from.layer]!;
    for (const target of targets) {
      const to = folderOf(target, folders);
      if (!to) {
        problems.push(`${file} imports ${target}, which is in no layer`);
        continue;
      }
      if (to.id !== from.id) {
        if (!edges.has(from.id)) edges.set(from.id, new Set());
        edges.get(from.id)!.add(to.id);
      }
      const into = layers[to.layer]!;
      if (to.layer === from.layer) continue;
      if (to.layer > from.layer) problems.push(`${file} (${layer.name}) imports ${target} (${into.name}): an upward import`);
      else if (!layer.mayImport.includes(into.name))
        problems.push(`${file} (${layer.name}) imports ${target} (${into.name}): ${layer.name} may not import ${into.name}`);
    }
  }
  for (const cycle of cycles(edges)) problems.push(`folders that import each other (a cycle): ${cycle.join(', ')}`);
  return problems;
}

/** The folders of each strongly connected component of two or more folders (Tarjan): each imports every other one, directly or not. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, order.size);
    low.set(v, order.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1) found.push(component.reverse());
    }
  };
  for (const v of [...nodes].sort()) if (!order.has(v)) visit(v);
  return found;
}
