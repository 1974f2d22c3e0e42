/**
 * Catalog `bundles`: birthright roles by profile attribute. Parsing names file, line and field of every
 * problem; matching compares attributes without case.
 */
import { describe, expect, it } from 'vitest';
import { bundleMatches, bundleRoles, describeWhen, matchingBundles } from '../../src/domain/bundles.js';
import { formatCatalogIssues, parseCatalog } from '../../src/domain/catalog.js';
import type { Catalog } from '../../src/domain/types.js';
import { TEST_CATALOG } from '../support/people.js';

function parsed(yaml: string): Catalog {
  const result = parseCatalog(yaml, 'catalog.yaml');
  if (!result.ok) throw new Error(formatCatalogIssues(result.issues));
  return result.catalog;
}

function problems(yaml: string): string {
  const result = parseCatalog(yaml, 'catalog.yaml');
  return result.ok ? '' : formatCatalogIssues(result.issues);
}

const LINES = TEST_CATALOG.split('\n').length - 1;

describe('catalog bundles', () => {
  it('reads each bundle with its attributes and roles; a bundle without `when` matches everyone', () => {
    const catalog = parsed(`${TEST_CATALOG}bundles:
  - id: data-eng
    name: Data engineering
    when: { department: Data, title: [Data Engineer, Analyst] }
    roles: [warehouse/analyst, salesforce/viewer]
  - id: everyone
    roles: [salesforce/viewer]
`);

    expect(catalog.bundles).toEqual([
      { id: 'data-eng', name: 'Data engineering', when: { department: ['Data'], title: ['Data Engineer', 'Analyst'] }, roles: [{ app: 'warehouse', role: 'analyst' }, { app: 'salesforce', role: 'viewer' }] },
      { id: 'everyone', name: 'everyone', when: {}, roles: [{ app: 'salesforce', role: 'viewer' }] },
    ]);
    expect(describeWhen(catalog.bundles![0]!)).toBe('department Data and title Data Engineer or Analyst');
    // Analyst needs approval (group:self-review): filed as a request; Viewer is auto-approved: birthright.
    expect(bundleRoles(catalog, catalog.bundles![0]!).map((r) => `${r.app.id}/${r.role.id} ${r.birthright ? 'birthright' : 'request'}`)).toEqual(['warehouse/analyst request', 'salesforce/viewer birthright']);
  });

  it('names the file, line and field of each problem: unknown app or role, time-bound role, unknown attribute, duplicates', () => {
    const text = problems(`${TEST_CATALOG}bundles:
  - id: data-eng
    when: { department: Data, floor: 3 }
    roles: [warehous/analyst, salesforce/owner, salesforce/admin, salesforce/viewer, salesforce/viewer, looker]
  - id: data-eng
    roles: []
`);

    expect(text.split('\n')).toEqual([
      `catalog.yaml:${LINES + 3} bundles[0].when.floor: unknown key 'floor'; allowed: department, title, manager`,
      `catalog.yaml:${LINES + 4} bundles[0].roles: no app 'warehous' in the catalog (did you mean 'warehouse'?); apps: salesforce, github, warehouse`,
      `catalog.yaml:${LINES + 4} bundles[0].roles: app 'salesforce' has no role 'owner'; its roles: viewer, admin`,
      `catalog.yaml:${LINES + 4} bundles[0].roles: 'salesforce/admin' is time-bound (it has durations): a bundle gives standing access, so leave it out and let people request it when they need it`,
      `catalog.yaml:${LINES + 4} bundles[0].roles: duplicate role 'salesforce/viewer'`,
      `catalog.yaml:${LINES + 4} bundles[0].roles: 'looker' is not app/role; write it as e.g. salesforce/viewer`,
      `catalog.yaml:${LINES + 5} bundles[1].id: duplicate bundle id 'data-eng' (first used on line ${LINES + 2})`,
      `catalog.yaml:${LINES + 6} bundles[1].roles: roles is empty; list at least one role as app/role`,
    ]);
  });

  it.each([
    [{ department: 'data', title: null, managerEmail: null }, true],
    [{ department: '  DATA ', title: 'Intern', managerEmail: null }, true],
    [{ department: 'Sales', title: null, managerEmail: null }, false],
    [{ department: null, title: null, managerEmail: null }, false],
  ])('matches %o: %s (attributes compared without case)', (profile, matches) => {
    const catalog = parsed(`${TEST_CATALOG}bundles:\n  - id: data\n    when: { department: Data }\n    roles: [salesforce/viewer]\n`);

    expect(bundleMatches(catalog.bundles![0]!, profile)).toBe(matches);
    expect(matchingBundles(catalog, profile).map((b) => b.id)).toEqual(matches ? ['data'] : []);
  });

  it('matches the manager by email', () => {
    const catalog = parsed(`${TEST_CATALOG}bundles:\n  - id: marcos-team\n    when: { manager: Marco@Acme.com }\n    roles: [salesforce/viewer]\n`);

    expect(matchingBundles(catalog, { department: null, title: null, managerEmail: 'marco@acme.com' }).map((b) => b.id)).toEqual(['marcos-team']);
  });
});
