/** The layers stay one-way (issue #16, docs/decisions/0045-layers.md): an upward import fails `npm test`. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { checkLayers, readGraph, specifiers, type ImportGraph } from './check.js';
import { LAYERS, PRODUCT_ROOTS, type Layer } from './layers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the layers of the product code', () => {
  const graph = readGraph(ROOT, PRODUCT_ROOTS);

  it('reads the whole product code', () => {
    // The walk found the code it judges: the entry points and a file of every layer.
    expect(graph.size).toBeGreaterThan(150);
    expect([...graph.keys()]).toContain('src/index.ts');
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
  });

  it('imports only down the table, with no cycle between folders and no file outside a layer', () => {
    expect(checkLayers(graph, LAYERS)).toEqual([]);
  });
});

describe('the layer check', () => {
  const table: Layer[] = [
    { name: 'low', folders: ['low/'], mayImport: [] },
    { name: 'mid', folders: ['mid/a/', 'mid/b/'], mayImport: ['low'] },
    { name: 'high', folders: ['high/'], mayImport: ['mid'] },
  ];

  it('passes a graph that only imports down', () => {
    const g: ImportGraph = new Map([
      ['high/app.ts', ['mid/a/x.ts']],
      ['mid/a/x.ts', ['low/base.ts', 'mid/b/y.ts']],
      ['mid/b/y.ts', []],
      ['low/base.ts', []],
    ]);
    expect(checkLayers(g, table)).toEqual([]);
  });

  it('fails a synthetic upward import', () => {
    const g: ImportGraph = new Map([
      ['low/base.ts', ['mid/a/x.ts']],
      ['mid/a/x.ts', []],
    ]);
    expect(checkLayers(g, table)).toEqual(['low/base.ts (low) imports mid/a/x.ts (mid): an upward import']);
  });

  it('fails an import of a lower layer the table does not allow', () => {
    const g: ImportGraph = new Map([
      ['high/app.ts', ['low/base.ts']],
      ['low/base.ts', []],
    ]);
    expect(checkLayers(g, table)).toEqual(['high/app.ts (high) imports low/base.ts (low): high may not import low']);
  });

  it('fails a cycle between two folders of one layer', () => {
    const g: ImportGraph = new Map([
      ['mid/a/x.ts', ['mid/b/y.ts']],
      ['mid/b/y.ts', ['mid/a/x.ts']],
    ]);
    expect(checkLayers(g, table)).toEqual(['folders that import each other (a cycle): mid:mid/a/, mid:mid/b/']);
  });

  it('fails a file in no layer, and an import of one', () => {
    const g: ImportGraph = new Map([
      ['stray/z.ts', []],
      ['low/base.ts', ['stray/z.ts']],
    ]);
    expect(checkLayers(g, table)).toEqual(['stray/z.ts is in no layer', 'low/base.ts imports stray/z.ts, which is in no layer']);
  });

  it('fails a table that lets a layer import one above it or one that does not exist', () => {
    const bad: Layer[] = [
      { name: 'low', folders: ['low/'], mayImport: ['mid'] },
      { name: 'mid', folders: ['mid/'], mayImport: ['nowhere'] },
    ];
    expect(checkLayers(new Map(), bad)).toEqual([
      'table: layer low may import mid, which is not below it',
      'table: layer mid may import "nowhere", which is no layer',
    ]);
  });

  it('reads imports, re-exports, dynamic imports and worker URLs, not comments or packages', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export * from './c.js';",
      "const d = await import('./d.js');",
      "const w = new URL('./workers/e.js', import.meta.url);",
      "// import { f } from './f.js';",
      "import express from 'express';",
    ].join('\n');
    expect(specifiers(text).sort()).toEqual(['../b/b.js', './a.js', './c.js', './d.js', './workers/e.js']);
  });
});
