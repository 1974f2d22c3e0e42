/**
 * The README's prose stays true, not only its settings: it names every identity provider the code
 * registers, links nothing outside the repository (a clone has no `../shared/`), numbers its set-up steps
 * in order, and names each adapter folder `src/identity/` holds. The example catalog's comments do not
 * claim a single provider either.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function read(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

const README = read('README.md');
const PROVIDER_NAMES = ['Okta', 'Microsoft Entra ID', 'Google Workspace'] as const;

describe('README prose', () => {
  it('names the three identity providers and manual apps before its first section', () => {
    const intro = README.slice(0, README.indexOf('\n## '));

    for (const name of PROVIDER_NAMES) expect(intro).toContain(name);
    expect(intro).toMatch(/without SSO groups, a person does it/);
  });

  it('links and points to nothing outside the repository', () => {
    const links = [...README.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
    const paths = [...README.matchAll(/`([^`\s]*\.\.\/[^`\s]*)`/g)].map((m) => m[1] ?? '');

    expect(links.filter((l) => l.startsWith('..') || l.startsWith('/'))).toEqual([]);
    expect(paths).toEqual([]);
    expect(README).not.toContain('ARCHITECTURE.md');
  });

  it('numbers the set-up steps 1, 2, 3… in order', () => {
    const setUp = README.slice(README.indexOf('## Set-up'), README.indexOf('## How it is built'));
    const numbers = [...setUp.matchAll(/^### (\S+)\. /gm)].map((m) => m[1]);

    expect(numbers).toEqual(numbers.map((_, i) => String(i + 1)));
  });

  it('says what `npm start` does without promising set-up', () => {
    expect(README).not.toMatch(/npm start\s+#[^\n]*set up/);
  });

  it('describes src/identity/ with each adapter folder it holds', () => {
    const row = README.split('\n').find((line) => line.startsWith('| `src/identity/`')) ?? '';
    const folders = readdirSync(new URL('../../src/identity/', import.meta.url)).filter((f) => statSync(new URL(`../../src/identity/${f}`, import.meta.url)).isDirectory());

    expect(row).not.toMatch(/the Okta adapter/i);
    for (const folder of folders) expect(row).toContain(`\`${folder}/\``);
  });

  it('catalog.example.yaml names every provider kind and claims no single one', () => {
    const catalog = read('catalog.example.yaml');

    expect(catalog).not.toMatch(/supports Okta in practice/i);
    expect(catalog).toMatch(/okta \| entra \| google \| manual/);
    for (const name of ['Entra', 'Google', 'manual']) expect(catalog).toContain(name);
  });
});
