/**
 * The catalog's `reclaim:` policy: read into milliseconds and defaults, and every problem named with the
 * file, line and field, like the rest of the catalog.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCatalogIssues, parseCatalog } from '../../src/domain/catalog.js';
import { RECLAIM_KEYS } from '../../src/domain/catalog-reclaim.js';

const DAY = 24 * 3600_000;

/** Salesforce on Okta with a time-bound Admin and a standing Viewer; `reclaim` lines go after line 10. */
function catalog(reclaim: readonly string[], app: { provider?: string; signInApp?: boolean } = {}): string {
  return [
    /* 1 */ 'version: 1',
    /* 2 */ 'approverGroups:',
    /* 3 */ '  execs: [ceo@acme.com, U0CFO]',
    /* 4 */ 'apps:',
    /* 5 */ '  - id: salesforce',
    /* 6 */ '    name: Salesforce',
    /* 7 */ '    description: CRM',
    /* 8 */ '    owner: revops-lead@acme.com',
    /* 9 */ `    provider: ${app.provider ?? 'okta'}`,
    /* 10 */ app.signInApp === false ? '    category: Sales' : '    signInApp: 0oa1sfdc',
    ...reclaim,
    '    roles:',
    '      - id: admin',
    '        name: System Admin',
    '        description: Full administration',
    '        groups: [00g1admin]',
    '        approval: [manager]',
    '        durations: [1h, 6h]',
    '      - id: editor',
    '        name: Editor',
    '        description: Edit',
    '        groups: [00g1editor]',
    '        approval: [manager]',
    '      - id: viewer',
    '        name: Viewer',
    '        description: Read only',
    '        groups: [00g1viewer]',
    '        approval: auto',
    '',
  ].join('\n');
}

function issues(text: string): string {
  const result = parseCatalog(text, 'catalog.yaml');
  return result.ok ? '' : formatCatalogIssues(result.issues);
}

describe('catalog reclaim policy', () => {
  it('reads a whole policy, with the defaults for what is left out', () => {
    const full = parseCatalog(
      catalog(['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      exclude: [group:execs, user:ceo@acme.com, user:U0CTO]', '      action: downgrade:viewer', '      seatCost: 25', '      useOverallSignIn: true', '      restoreWithin: 21d']),
      'catalog.yaml',
    );
    const short = parseCatalog(catalog(['    reclaim: { inactiveAfter: 60d, grace: 60d, action: revoke }']), 'catalog.yaml');

    expect(full.ok && full.catalog.apps[0]?.reclaim).toEqual({
      inactiveAfterMs: 30 * DAY,
      graceMs: 7 * DAY,
      exclude: [
        { kind: 'group', name: 'execs' },
        { kind: 'user', ref: 'ceo@acme.com' },
        { kind: 'user', ref: 'U0CTO' },
      ],
      action: { kind: 'downgrade', roleId: 'viewer' },
      seatCost: 25,
      useOverallSignIn: true,
      restoreWithinMs: 21 * DAY,
    });
    expect(short.ok && short.catalog.apps[0]?.reclaim).toEqual({ inactiveAfterMs: 60 * DAY, graceMs: 60 * DAY, exclude: [], action: { kind: 'revoke' }, useOverallSignIn: false, restoreWithinMs: 14 * DAY });
  });

  it('leaves reclaim out when the catalog does', () => {
    const result = parseCatalog(catalog([]), 'catalog.yaml');

    expect(result.ok && 'reclaim' in (result.catalog.apps[0] ?? {})).toBe(false);
  });

  it.each<[string, string[], { provider?: string; signInApp?: boolean }, string]>([
    ['inactiveAfter is required', ['    reclaim:', '      grace: 7d', '      action: revoke'], {}, "catalog.yaml:12 apps[0].reclaim.inactiveAfter: missing required key 'inactiveAfter'; a duration such as 30d; use Ns, Nm, Nh or Nd (e.g. 30d)"],
    ['grace is required', ['    reclaim:', '      inactiveAfter: 30d', '      action: revoke'], {}, "catalog.yaml:12 apps[0].reclaim.grace: missing required key 'grace'; a duration such as 30d; use Ns, Nm, Nh or Nd (e.g. 30d)"],
    ['durations are durations', ['    reclaim:', '      inactiveAfter: a month', '      grace: 7d', '      action: revoke'], {}, "catalog.yaml:12 apps[0].reclaim.inactiveAfter: 'a month' is not a duration; use Ns, Nm, Nh or Nd (e.g. 30d)"],
    ['grace is not longer than inactiveAfter', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 45d', '      action: revoke'], {}, 'catalog.yaml:13 apps[0].reclaim.grace: grace 45d is longer than inactiveAfter 30d; make it at most 30d'],
    ['an excluded group is defined', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke', '      exclude: [group:exec]'], {}, "catalog.yaml:15 apps[0].reclaim.exclude: unknown approver group 'exec' (did you mean 'group:execs'?); defined: execs"],
    ['an excluded user is a person', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke', '      exclude: [user:bob]'], {}, "catalog.yaml:15 apps[0].reclaim.exclude: 'user:bob' does not name a person; use an email or a Slack user id (U... or W...)"],
    ['an exclusion says what it is', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke', '      exclude: [ceo@acme.com]'], {}, "catalog.yaml:15 apps[0].reclaim.exclude: 'ceo@acme.com' is not an exclusion; use group:<approverGroups name> or user:<email or Slack id>"],
    ['action is revoke or downgrade', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: delete'], {}, "catalog.yaml:14 apps[0].reclaim.action: 'delete' is not a reclaim action; use revoke, or downgrade:<role id of this app>"],
    ['a downgrade names a role of the app', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: downgrade:viewr'], {}, "catalog.yaml:14 apps[0].reclaim.action: downgrade names no role of this app: 'viewr' (did you mean 'downgrade:viewer'?); roles: admin, editor, viewer"],
    ['a downgrade is to a standing role', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: downgrade:admin'], {}, 'catalog.yaml:14 apps[0].reclaim.action: downgrade:admin names a time-bound role (it has durations): the lower role must be standing, or the person would lose it on its own later'],
    ['seatCost is a number of 0 or more', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke', '      seatCost: -5'], {}, 'catalog.yaml:15 apps[0].reclaim.seatCost: seatCost must be a number of 0 or more (what one seat costs a month, e.g. 25); got number -5'],
    ['useOverallSignIn is a boolean', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke', '      useOverallSignIn: yes'], {}, "catalog.yaml:15 apps[0].reclaim.useOverallSignIn: useOverallSignIn must be true or false; got 'yes'"],
    ['restoreWithin is a duration', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke', '      restoreWithin: soon'], {}, "catalog.yaml:15 apps[0].reclaim.restoreWithin: 'soon' is not a duration; use Ns, Nm, Nh or Nd (e.g. 30d)"],
    ['keys are known', ['    reclaim:', '      inactive: 30d', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke'], {}, `catalog.yaml:12 apps[0].reclaim.inactive: unknown key 'inactive' (did you mean 'inactiveAfter'?); allowed: ${RECLAIM_KEYS.join(', ')}`],
    ['a policy needs sign-in data', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke'], { signInApp: false }, 'catalog.yaml:12 apps[0].reclaim: reclaim needs sign-in data: give the app a signInApp (its sign-ins in the provider), or set useOverallSignIn: true to judge by the last sign-in anywhere'],
    ['manual apps have no sign-ins', ['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: revoke'], { provider: 'manual', signInApp: false }, 'catalog.yaml:11 apps[0].reclaim: reclaim does not apply to apps with provider manual (a manual app has no sign-in record to judge inactivity by); remove it'],
    ['reclaim is a map', ['    reclaim: 30d'], {}, `catalog.yaml:11 apps[0].reclaim: expected a reclaim policy: a map with keys ${RECLAIM_KEYS.join(', ')}; got '30d'`],
  ])('%s', (_rule, reclaim, app, expected) => {
    expect(issues(catalog(reclaim, app))).toBe(expected);
  });

  it('refuses a downgrade on an app with one role', () => {
    const text = catalog(['    reclaim:', '      inactiveAfter: 30d', '      grace: 7d', '      action: downgrade:viewer']).replace(/ {6}- id: admin[\s\S]*?(?= {6}- id: viewer)/, '');

    expect(issues(text)).toBe("catalog.yaml:14 apps[0].reclaim.action: downgrade:viewer leaves nothing to reclaim: viewer is the app's only role, and a downgrade applies to the other roles; use revoke");
  });
});

describe('the README documents the reclaim policy', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### 6. The catalog'), readme.indexOf('### 7. '));

  it.each([...RECLAIM_KEYS])('names the key %s in the catalog section', (key) => {
    expect(section).toMatch(new RegExp(`\\b${key}:`));
  });
});
