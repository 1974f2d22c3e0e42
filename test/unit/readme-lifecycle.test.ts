/**
 * The README's request lifecycle table is the contract people read: it must list exactly the moves the
 * code enforces (src/domain/request-state.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRANT_TRANSITIONS, TRANSITIONS } from '../../src/domain/request-state.js';

function readmeMoves(header = '| from | to |'): Record<string, string[]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Request and grant lifecycle'));
  const table = section.slice(section.indexOf(header), section.indexOf('\n\n', section.indexOf(header)));
  const rows = table.split('\n').slice(2);
  return Object.fromEntries(
    rows.map((row) => {
      const [from = '', to = ''] = row.split('|').slice(1, 3);
      return [from.replace(/`/g, '').trim(), [...to.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).sort()];
    }),
  );
}

describe('README request lifecycle', () => {
  it('lists exactly the moves the state machine allows', () => {
    const code = Object.fromEntries(Object.entries(TRANSITIONS).filter(([, to]) => to.length > 0).map(([from, to]) => [from, [...to].sort()]));

    expect(readmeMoves()).toEqual(code);
  });

  it('lists exactly the grant moves the state machine allows', () => {
    const code = Object.fromEntries(Object.entries(GRANT_TRANSITIONS).filter(([, to]) => to.length > 0).map(([from, to]) => [from, [...to].sort()]));

    expect(readmeMoves('| grant from | to |')).toEqual(code);
  });
});
