/**
 * The layering rules of ARCHITECTURE.md and the project README, checked on the source itself: imports
 * point inward, capabilities in src/workflows/ reach each other only through their index, listeners never
 * touch the store, and nothing imports itself in a circle.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every file's relative imports, as paths relative to src/. */
const GRAPH = new Map(
  sourceFiles(SRC).map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => relative(SRC, resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
    return [relative(SRC, file), targets] as const;
  }),
);

function importsOf(prefix: string): Array<[string, string]> {
  return [...GRAPH].filter(([file]) => file.startsWith(prefix)).flatMap(([file, targets]) => targets.map((t) => [file, t] as [string, string]));
}

const CAPABILITY = /^workflows\/([a-z]+)\//;

describe('architecture', () => {
  it('keeps src/domain free of every other layer', () => {
    expect(importsOf('domain/').filter(([, t]) => !t.startsWith('domain/'))).toEqual([]);
  });

  it('lets the store, identity and jira layers import only the domain besides themselves', () => {
    const outward = (layer: string) => importsOf(`${layer}/`).filter(([, t]) => !t.startsWith(`${layer}/`) && !t.startsWith('domain/'));

    expect([...outward('store'), ...outward('identity'), ...outward('jira')]).toEqual([]);
  });

  it('lets one capability reach another only through its index', () => {
    const crossings = importsOf('workflows/').filter(([file, target]) => {
      const from = CAPABILITY.exec(file)?.[1];
      const to = CAPABILITY.exec(target)?.[1];
      return from !== undefined && to !== undefined && from !== to && to !== 'shared' && !target.endsWith('/index.ts');
    });

    expect(crossings).toEqual([]);
  });

  it('keeps the shared helpers free of any capability', () => {
    expect(importsOf('workflows/shared/').filter(([, t]) => CAPABILITY.test(t) && !t.startsWith('workflows/shared/'))).toEqual([]);
  });

  it('keeps Slack listeners and Block Kit builders away from the store', () => {
    expect(importsOf('slack/').filter(([, t]) => t.startsWith('store/'))).toEqual([]);
  });

  it('has no import cycle anywhere in src/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of GRAPH.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of GRAPH.keys()) visit(file, []);

    expect(cycles).toEqual([]);
  });
});
