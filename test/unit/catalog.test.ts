import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_KEYS, findApp, findRole, formatCatalogIssues, isTimeBound, parseCatalog, ROLE_KEYS } from '../../src/domain/catalog.js';
import type { Catalog, CatalogIssue, CatalogRole } from '../../src/domain/types.js';

const H = 3_600_000;
const D = 24 * H;

const REALISTIC = `version: 1
approverGroups:
  security: [sec-lead@acme.com, U0SECOPS]
  finance-it: [W0FINANCE1]
apps:
  - id: salesforce
    name: Salesforce
    description: CRM
    category: Sales
    owner: revops-lead@acme.com
    provider: okta
    roles:
      - id: viewer
        name: Viewer
        description: Read-only reports
        groups: [00g1viewer]
        approval: auto
      - id: admin
        name: System Admin
        description: Full administration
        groups: [00g1admin]
        approval: [manager, owner, group:security]
        durations: [1h, 6h, 24h]
        maxDuration: 7d
        extend: approval
  - id: aws-prod
    name: AWS Production
    description: ""
    category: Engineering
    owner: U0PLATFORM
    provider: entra
    roles:
      - id: break-glass
        name: Break Glass
        description: Emergency administrator
        groups: [6f1c9a0e-1d2b-4c1a-9a7e-0b6a1f2e3d4c]
        approval: [user:U0ONCALL, group:security]
        durations: [15m, 90m]
        extend: auto
  - id: drive-finance
    name: Finance Shared Drive
    description: Board packs and forecasts
    owner: cfo@acme.com
    provider: google
    roles:
      - id: reader
        name: Reader
        description: Read the finance drive
        groups: [finance-readers@acme.com, 0012]
        approval: [manager, group:finance-it]
  - id: netsuite
    name: NetSuite
    description: ERP, fulfilled by IT
    owner: it-lead@acme.com
    provider: manual
    roles:
      - id: ap-clerk
        name: AP Clerk
        description: Accounts payable
        approval: [manager]
`;

function parseOk(text: string): Catalog {
  const result = parseCatalog(text, 'catalog.yaml');
  if (!result.ok) throw new Error(formatCatalogIssues(result.issues));
  return result.catalog;
}

describe('parseCatalog with a valid catalog', () => {
  it('reads approver groups and every app in order', () => {
    const catalog = parseOk(REALISTIC);

    expect(catalog.version).toBe(1);
    expect(catalog.approverGroups).toEqual({
      security: ['sec-lead@acme.com', 'U0SECOPS'],
      'finance-it': ['W0FINANCE1'],
    });
    expect(catalog.apps.map((app) => [app.id, app.provider, app.category])).toEqual([
      ['salesforce', 'okta', 'Sales'],
      ['aws-prod', 'entra', 'Engineering'],
      ['drive-finance', 'google', undefined],
      ['netsuite', 'manual', undefined],
    ]);
  });

  it('reads an app with auto and staged roles', () => {
    const catalog = parseOk(REALISTIC);

    expect(catalog.apps[0]).toEqual({
      id: 'salesforce',
      name: 'Salesforce',
      description: 'CRM',
      category: 'Sales',
      owner: 'revops-lead@acme.com',
      provider: 'okta',
      roles: [
        {
          id: 'viewer',
          name: 'Viewer',
          description: 'Read-only reports',
          groups: ['00g1viewer'],
          approval: { kind: 'auto' },
        },
        {
          id: 'admin',
          name: 'System Admin',
          description: 'Full administration',
          groups: ['00g1admin'],
          approval: {
            kind: 'stages',
            stages: [{ kind: 'manager' }, { kind: 'owner' }, { kind: 'group', name: 'security' }],
          },
          durationsMs: [H, 6 * H, 24 * H],
          maxDurationMs: 7 * D,
          extend: 'approval',
        },
      ],
    });
  });

  it('defaults maxDuration to the longest duration and keeps user stages', () => {
    const catalog = parseOk(REALISTIC);

    expect(catalog.apps[1]?.description).toEqual('');
    expect(catalog.apps[1]?.roles[0]).toEqual({
      id: 'break-glass',
      name: 'Break Glass',
      description: 'Emergency administrator',
      groups: ['6f1c9a0e-1d2b-4c1a-9a7e-0b6a1f2e3d4c'],
      approval: { kind: 'stages', stages: [{ kind: 'user', ref: 'U0ONCALL' }, { kind: 'group', name: 'security' }] },
      durationsMs: [15 * 60_000, 90 * 60_000],
      maxDurationMs: 90 * 60_000,
      extend: 'auto',
    });
  });

  it('keeps group ids exactly as written, even when YAML would read a number', () => {
    const catalog = parseOk(REALISTIC);

    expect(catalog.apps[2]?.roles[0]?.groups).toEqual(['finance-readers@acme.com', '0012']);
  });

  it('lets a manual app leave groups out', () => {
    const catalog = parseOk(REALISTIC);

    expect(catalog.apps[3]?.roles[0]?.groups).toEqual([]);
  });

  it('accepts a catalog without approverGroups', () => {
    const text = REALISTIC.replace(/approverGroups:\n.*\n.*\n/, '').replace(/, group:security/g, '')
      .replace(', group:finance-it', '');

    const catalog = parseOk(text);

    expect(catalog.approverGroups).toEqual({});
  });

  it('follows YAML anchors and aliases', () => {
    const text = REALISTIC.replace('approval: [manager, owner, group:security]', 'approval: &chain [manager, owner]')
      .replace('approval: [manager]', 'approval: *chain');

    const catalog = parseOk(text);

    expect(catalog.apps[3]?.roles[0]?.approval).toEqual({
      kind: 'stages',
      stages: [{ kind: 'manager' }, { kind: 'owner' }],
    });
  });

  it('allows more than 100 apps', () => {
    const apps = Array.from(
      { length: 150 },
      (_, i) => `  - {id: app-${i}, name: App ${i}, description: d, owner: o@acme.com, provider: manual, roles: [{id: user, name: User, description: d, approval: [owner]}]}`,
    );
    const text = ['version: 1', 'apps:', ...apps].join('\n');

    const catalog = parseOk(text);

    expect(catalog.apps).toHaveLength(150);
    expect(catalog.apps[149]?.id).toEqual('app-149');
  });
});

describe('formatCatalogIssues', () => {
  it('writes one line per issue with file, line and field', () => {
    const issues: CatalogIssue[] = [
      {
        file: 'catalog.yaml',
        line: 14,
        field: 'apps[1].roles[0].durations',
        message: "'6x' is not a duration; use Ns, Nm, Nh or Nd (e.g. 6h)",
      },
      { file: 'catalog.yaml', line: 3, field: '', message: 'YAML syntax error: bad indentation' },
    ];

    const text = formatCatalogIssues(issues);

    expect(text).toEqual(
      [
        "catalog.yaml:14 apps[1].roles[0].durations: '6x' is not a duration; use Ns, Nm, Nh or Nd (e.g. 6h)",
        'catalog.yaml:3 YAML syntax error: bad indentation',
      ].join('\n'),
    );
  });

  it('is empty for no issues', () => {
    expect(formatCatalogIssues([])).toEqual('');
  });
});

describe('findApp, findRole and isTimeBound', () => {
  const catalog = parseOk(REALISTIC);

  it.each([
    ['salesforce', 'salesforce'],
    ['Salesforce', 'salesforce'],
    [' AWS-PROD ', 'aws-prod'],
    ['sales', undefined],
    ['', undefined],
  ])('findApp(%j) -> %s', (id, expected) => {
    const app = findApp(catalog, id);

    expect(app?.id).toEqual(expected);
  });

  it.each([
    ['admin', 'admin'],
    ['ADMIN', 'admin'],
    ['owner', undefined],
  ])('findRole(salesforce, %j) -> %s', (id, expected) => {
    const app = findApp(catalog, 'salesforce');
    if (app === undefined) throw new Error('salesforce missing');

    const role = findRole(app, id);

    expect(role?.id).toEqual(expected);
  });

  it.each([
    ['salesforce', 'viewer', false],
    ['salesforce', 'admin', true],
    ['aws-prod', 'break-glass', true],
    ['netsuite', 'ap-clerk', false],
  ])('%s/%s time-bound: %s', (appId, roleId, expected) => {
    const app = findApp(catalog, appId);
    const role = app === undefined ? undefined : findRole(app, roleId);
    if (role === undefined) throw new Error(`${appId}/${roleId} missing`);

    expect(isTimeBound(role)).toBe(expected);
  });

  it('treats an empty durations list as not time-bound', () => {
    const role: CatalogRole = { id: 'r', name: 'R', description: '', groups: [], approval: { kind: 'auto' }, durationsMs: [] };

    expect(isTimeBound(role)).toBe(false);
  });
});

describe('the README documents the catalog', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### 6. The catalog'), readme.indexOf('### 7. '));

  it.each([...APP_KEYS, ...ROLE_KEYS])('names the key %s in the catalog section', (key) => {
    expect(section).toMatch(new RegExp(`\\b${key}:`));
  });
});
