/**
 * The catalog-group check's pure parts: the setting that decides what start-up does, and the lines the
 * parser keeps so a missing group is reported where it is written.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parseCatalog } from '../../src/domain/catalog.js';
import { BASE_ENV } from '../support/config-env.js';

const BASE = BASE_ENV;

describe('KEYCARD_MISSING_GROUPS', () => {
  it.each([
    [undefined, 'error'],
    ['error', 'error'],
    ['warn', 'warn'],
  ] as const)('%s reads as %s', (value, expected) => {
    expect(loadConfig({ ...BASE, ...(value ? { KEYCARD_MISSING_GROUPS: value } : {}) }).missingGroups).toBe(expected);
  });

  it('refuses anything else, saying what the two values do', () => {
    const error = (() => {
      try {
        loadConfig({ ...BASE, KEYCARD_MISSING_GROUPS: 'ignore' });
        return null;
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringContaining('KEYCARD_MISSING_GROUPS must be error (refuse to start')]);
  });
});

describe('the lines of catalog group ids', () => {
  it('keeps the line of every group id, by field path, flow or block list', () => {
    const text = [
      'version: 1',
      'apps:',
      '  - id: crm',
      '    name: CRM',
      '    description: Sales',
      '    owner: owner@acme.com',
      '    provider: okta',
      '    roles:',
      '      - id: viewer',
      '        name: Viewer',
      '        description: Read',
      '        groups: [00gA, 00gB]',
      '        approval: auto',
      '      - id: admin',
      '        name: Admin',
      '        description: All',
      '        groups:',
      '          - 00gC',
      '          - 00gD',
      '        approval: auto',
    ].join('\n');

    const result = parseCatalog(text, 'catalog.yaml');

    expect(result.ok && result.catalog.source).toEqual({
      file: 'catalog.yaml',
      groupLines: {
        'apps[0].roles[0].groups[0]': 12,
        'apps[0].roles[0].groups[1]': 12,
        'apps[0].roles[1].groups[0]': 18,
        'apps[0].roles[1].groups[1]': 19,
      },
    });
  });
});
