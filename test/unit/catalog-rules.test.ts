import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/catalog.js';
import type { CatalogIssue } from '../../src/domain/types.js';

/** A valid catalog; each rule below edits it by line number, so the numbers here matter. */
const BASE = [
  /* 1 */ 'version: 1',
  /* 2 */ 'approverGroups:',
  /* 3 */ '  security: [sec-lead@acme.com, U0SECOPS]',
  /* 4 */ 'apps:',
  /* 5 */ '  - id: salesforce',
  /* 6 */ '    name: Salesforce',
  /* 7 */ '    description: CRM',
  /* 8 */ '    owner: revops-lead@acme.com',
  /* 9 */ '    provider: okta',
  /* 10 */ '    roles:',
  /* 11 */ '      - id: admin',
  /* 12 */ '        name: System Admin',
  /* 13 */ '        description: Full administration',
  /* 14 */ '        groups: [00g1admin]',
  /* 15 */ '        approval: [manager, owner, group:security]',
  /* 16 */ '        durations: [1h, 6h, 24h]',
  /* 17 */ '        maxDuration: 7d',
];

const SECOND_APP = [
  '  - id: github',
  '    name: GitHub',
  '    description: Code',
  '    owner: U0GITHUB',
  '    provider: entra',
  '    roles:',
  '      - id: member',
  '        name: Member',
  '        description: Org member',
  '        groups: [gh-members]',
  '        approval: auto',
];

const SECOND_ROLE = [
  '      - id: viewer',
  '        name: Viewer',
  '        description: Read only',
  '        groups: [00g1viewer]',
  '        approval: auto',
];

/** An edit of BASE: replace line `line` (1-based) with `lines`; an empty list deletes it. */
interface Edit {
  readonly line: number;
  readonly lines: readonly string[];
}

function replace(line: number, ...lines: string[]): Edit {
  return { line, lines };
}

function insertAfter(line: number, ...lines: string[]): Edit {
  return { line: line + 1, lines: [...lines, BASE[line] ?? ''] };
}

function remove(line: number): Edit {
  return { line, lines: [] };
}

function append(...lines: string[]): Edit {
  return { line: BASE.length + 1, lines };
}

function issuesFor(edits: readonly Edit[]): readonly CatalogIssue[] {
  const lines = [...BASE, ''];
  // Apply from the bottom so earlier line numbers stay as written in BASE.
  for (const edit of [...edits].sort((a, b) => b.line - a.line)) {
    lines.splice(edit.line - 1, 1, ...edit.lines);
  }
  const result = parseCatalog(lines.join('\n'), 'catalog.yaml');
  return result.ok ? [] : result.issues;
}

const LONG_NAME = 'N'.repeat(76);
const LONG_DESCRIPTION = 'd'.repeat(151);
const ROLE_KEYS = 'id, name, description, groups, approval, durations, maxDuration, extend, fallback, distinctApprovers';

describe('parseCatalog rules', () => {
  it('accepts the base catalog', () => {
    expect(issuesFor([])).toEqual([]);
  });

  it.each<[string, Edit[], number, string, string]>([
    ['version must be 1', [replace(1, 'version: 2')], 1, 'version', 'unsupported version 2; allowed: 1'],
    ['version is required', [remove(1)], 1, 'version', "missing required key 'version'; it must be 1"],
    ['top-level keys are known', [append('owners: [a@acme.com]')], 18, 'owners', 'unknown key \'owners\'; allowed: version, approverGroups, apps, bundles'],
    ['approverGroups is a map', [replace(2, 'approverGroups: [sec-lead@acme.com]'), remove(3), replace(15, '        approval: [manager]')], 2, 'approverGroups', 'expected a map of group names to lists of people; got a list'],
    ['approver group names are slugs', [insertAfter(3, '  Sec Team: [a@acme.com]')], 4, 'approverGroups.Sec Team', "'Sec Team' is not a valid group name; use 1 to 40 lowercase letters, digits, '-' or '_', starting with a letter or digit"],
    ['approver group members are people', [replace(3, '  security: [sec-lead@acme.com, bob]')], 3, 'approverGroups.security', "'bob' is not a person; use an email or a Slack user id (U... or W...)"],
    ['approver groups are not empty', [replace(3, '  security: []')], 3, 'approverGroups.security', "approver group 'security' is empty; list at least one person"],
    ['apps is required', [remove(4), remove(5), remove(6), remove(7), remove(8), remove(9), remove(10), remove(11), remove(12), remove(13), remove(14), remove(15), remove(16), remove(17)], 1, 'apps', "missing required key 'apps'; list the requestable apps"],
    ['apps is a list', [replace(4, 'apps: salesforce'), remove(5), remove(6), remove(7), remove(8), remove(9), remove(10), remove(11), remove(12), remove(13), remove(14), remove(15), remove(16), remove(17)], 4, 'apps', "apps must be a list; got 'salesforce'"],
    ['an app is a map', [append('  - github')], 18, 'apps[1]', "expected an app: a map with keys id, name, description, category, owner, provider, signInApp, fallback, fulfillers, roles, reclaim; got 'github'"],
    ['app keys are known', [insertAfter(9, '    team: revops')], 10, 'apps[0].team', 'unknown key \'team\'; allowed: id, name, description, category, owner, provider, signInApp, fallback, fulfillers, roles, reclaim'],
    ['app ids are slugs', [replace(5, '  - id: Sales Force')], 5, 'apps[0].id', "'Sales Force' is not a valid app id; use 1 to 40 lowercase letters, digits, '-' or '_', starting with a letter or digit"],
    ['app ids are at most 40 characters', [replace(5, `  - id: ${'a'.repeat(41)}`)], 5, 'apps[0].id', `'${'a'.repeat(41)}' is not a valid app id; use 1 to 40 lowercase letters, digits, '-' or '_', starting with a letter or digit`],
    ['app ids are unique', [append(...SECOND_APP.map((line) => line.replace('github', 'salesforce')))], 18, 'apps[1].id', "duplicate app id 'salesforce' in the catalog (first used on line 5)"],
    ['app name is required', [remove(6)], 5, 'apps[0].name', "missing required key 'name'; it must be text of at most 75 characters"],
    ['app name is not empty', [replace(6, '    name: "  "')], 6, 'apps[0].name', 'name must not be empty'],
    ['app name fits a Slack option', [replace(6, `    name: ${LONG_NAME}`)], 6, 'apps[0].name', "name is 76 characters; the maximum is 75 (Slack's limit)"],
    ['app name is text', [replace(6, '    name: [a, b]')], 6, 'apps[0].name', 'name must be text; got a list'],
    ['app description is required', [remove(7)], 5, 'apps[0].description', "missing required key 'description'; it must be text of at most 150 characters"],
    ['app description is at most 150 characters', [replace(7, `    description: ${LONG_DESCRIPTION}`)], 7, 'apps[0].description', "description is 151 characters; the maximum is 150 (Slack's limit)"],
    ['category is not empty', [insertAfter(7, '    category: ""')], 8, 'apps[0].category', 'category must not be empty'],
    ['owner is required', [remove(8)], 5, 'apps[0].owner', "missing required key 'owner'; use an email or a Slack user id (U... or W...)"],
    ['owner is a person', [replace(8, '    owner: revops')], 8, 'apps[0].owner', "'revops' is not a person; use an email or a Slack user id (U... or W...)"],
    ['provider is known', [replace(9, '    provider: oktaa')], 9, 'apps[0].provider', "unknown provider 'oktaa'; allowed: okta, entra, google, manual"],
    ['provider is required', [remove(9)], 5, 'apps[0].provider', "missing required key 'provider'; allowed: okta, entra, google, manual"],
    ['roles is required', [remove(10), remove(11), remove(12), remove(13), remove(14), remove(15), remove(16), remove(17)], 5, 'apps[0].roles', "missing required key 'roles'; list at least one role"],
    ['roles is not empty', [replace(10, '    roles: []'), remove(11), remove(12), remove(13), remove(14), remove(15), remove(16), remove(17)], 10, 'apps[0].roles', 'roles is empty; list at least one role'],
    ['role keys are known', [insertAfter(17, '        duration: 1h')], 18, 'apps[0].roles[0].duration', `unknown key 'duration' (did you mean 'durations'?); allowed: ${ROLE_KEYS}`],
    ['role ids are slugs', [replace(11, '      - id: _admin')], 11, 'apps[0].roles[0].id', "'_admin' is not a valid role id; use 1 to 40 lowercase letters, digits, '-' or '_', starting with a letter or digit"],
    ['role ids are unique within an app', [append(...SECOND_ROLE.map((line) => line.replace('viewer', 'admin')))], 18, 'apps[0].roles[1].id', "duplicate role id 'admin' in this app (first used on line 11)"],
    ['role name fits a Slack option', [replace(12, `        name: ${LONG_NAME}`)], 12, 'apps[0].roles[0].name', "name is 76 characters; the maximum is 75 (Slack's limit)"],
    ['role description is required', [remove(13)], 11, 'apps[0].roles[0].description', "missing required key 'description'; it must be text of at most 150 characters"],
    ['groups are required unless manual', [remove(14)], 11, 'apps[0].roles[0].groups', "missing required key 'groups'; list the okta group ids this role grants"],
    ['groups are not empty unless manual', [replace(14, '        groups: []')], 14, 'apps[0].roles[0].groups', 'groups is empty; list at least one okta group (only manual apps may leave it empty)'],
    ['groups are non-empty strings', [replace(14, '        groups: [00g1admin, ""]')], 14, 'apps[0].roles[0].groups', "groups items must be non-empty text; got ''"],
    ['groups are unique', [replace(14, '        groups: [00g1admin, 00g1admin]')], 14, 'apps[0].roles[0].groups', "duplicate group '00g1admin'"],
    ['approval is required', [remove(15)], 11, 'apps[0].roles[0].approval', "missing required key 'approval'; use 'auto' or a list of stages such as [manager, owner]"],
    ['approval is auto or a list', [replace(15, '        approval: manager')], 15, 'apps[0].roles[0].approval', "approval must be 'auto' or a list of stages; got 'manager'; write [manager] for a single stage"],
    ['approval is not some other word', [replace(15, '        approval: always')], 15, 'apps[0].roles[0].approval', "approval must be 'auto' or a list of stages; got 'always'; use 'auto' or a list of stages such as [manager, owner]"],
    ['approval is not empty', [replace(15, '        approval: []')], 15, 'apps[0].roles[0].approval', "approval is empty; use 'auto' or a list of stages such as [manager, owner]"],
    ['stages are known', [replace(15, '        approval: [manager, boss]')], 15, 'apps[0].roles[0].approval', "'boss' is not an approval stage; use manager, owner, group:<name> or user:<email or Slack id>"],
    ['auto is not a stage', [replace(15, '        approval: [auto]')], 15, 'apps[0].roles[0].approval', "'auto' cannot be a stage; write `approval: auto` to auto-approve"],
    ['group stages name a defined group', [replace(15, '        approval: [group:secuirty]')], 15, 'apps[0].roles[0].approval', "unknown approver group 'secuirty' (did you mean 'group:security'?); defined: security"],
    ['user stages name a person', [replace(15, '        approval: [user:bob]')], 15, 'apps[0].roles[0].approval', "'user:bob' does not name a person; use an email or a Slack user id (U... or W...)"],
    ['stages are not repeated', [replace(15, '        approval:', '          - owner', '          - manager', '          - owner')], 18, 'apps[0].roles[0].approval', "duplicate stage 'owner'; each stage may appear once"],
    ['durations are valid', [replace(16, '        durations: [1h, 6x, 24h]')], 16, 'apps[0].roles[0].durations', "'6x' is not a duration; use Ns, Nm, Nh or Nd (e.g. 6h)"],
    ['durations are unique', [replace(16, '        durations: [1h, 60m]')], 16, 'apps[0].roles[0].durations', "duplicate duration '60m' (same as '1h')"],
    ['durations are not empty', [replace(16, '        durations: []'), remove(17)], 16, 'apps[0].roles[0].durations', 'durations is empty; list at least one (e.g. [1h, 6h]) or remove the key'],
    ['maxDuration needs durations', [remove(16)], 16, 'apps[0].roles[0].maxDuration', 'maxDuration needs durations; add durations or remove maxDuration'],
    ['maxDuration is a duration', [replace(17, '        maxDuration: 1w')], 17, 'apps[0].roles[0].maxDuration', "'1w' is not a duration; use Ns, Nm, Nh or Nd (e.g. 6h)"],
    ['maxDuration covers the longest duration', [replace(17, '        maxDuration: 6h')], 17, 'apps[0].roles[0].maxDuration', 'maxDuration 6h is shorter than the longest duration 24h; make it at least 24h'],
    ['extend is auto or approval', [insertAfter(17, '        extend: always')], 18, 'apps[0].roles[0].extend', "unknown extend 'always'; allowed: auto, approval"],
    ['extend needs durations', [remove(16), remove(17), append('        extend: auto')], 16, 'apps[0].roles[0].extend', 'extend applies only to time-bound roles; add durations or remove extend'],
    ['an app fallback names a defined group', [insertAfter(9, '    fallback: secuirty')], 10, 'apps[0].fallback', "unknown approver group 'secuirty' (did you mean 'security'?); defined: security"],
    ['a role fallback names a defined group', [insertAfter(17, '        fallback: it-admins')], 18, 'apps[0].roles[0].fallback', 'unknown approver group \'it-admins\'; defined: security'],
    ['fulfillers belong to manual apps', [insertAfter(9, '    fulfillers: [it@acme.com]')], 10, 'apps[0].fulfillers', 'fulfillers only apply to apps with provider manual (this app uses okta)'],
    ['signInApp is text', [insertAfter(9, '    signInApp: [0oa1salesforce]')], 10, 'apps[0].signInApp', 'signInApp must be non-empty text: the Okta app instance id (0oa...); got a list'],
    ['signInApp is not empty', [insertAfter(9, '    signInApp: ""')], 10, 'apps[0].signInApp', "signInApp must be non-empty text: the Okta app instance id (0oa...); got ''"],
    ['signInApp has a value', [insertAfter(9, '    signInApp:')], 10, 'apps[0].signInApp', 'signInApp must be non-empty text: the Okta app instance id (0oa...); got nothing'],
    ['signInApp names the Entra application id', [replace(9, '    provider: entra'), insertAfter(9, '    signInApp: "  "')], 10, 'apps[0].signInApp', "signInApp must be non-empty text: the Entra application (client) id; got '  '"],
    ['signInApp is refused for manual apps', [replace(9, '    provider: manual'), insertAfter(9, '    signInApp: figma')], 10, 'apps[0].signInApp', 'signInApp does not apply to apps with provider manual (a manual app has no sign-in record to read); remove it'],
    ['distinctApprovers is true or false', [insertAfter(17, "        distinctApprovers: 'no'")], 18, 'apps[0].roles[0].distinctApprovers', "distinctApprovers must be true or false; got 'no'"],
    ['distinctApprovers is not a list', [insertAfter(17, '        distinctApprovers: [false]')], 18, 'apps[0].roles[0].distinctApprovers', 'distinctApprovers must be true or false; got a list'],
    ['distinctApprovers is spelled out', [insertAfter(17, '        distinctApprover: false')], 18, 'apps[0].roles[0].distinctApprover', `unknown key 'distinctApprover' (did you mean 'distinctApprovers'?); allowed: ${ROLE_KEYS}`],
    ['distinctApprovers is a role key, not an app key', [insertAfter(9, '    distinctApprovers: false')], 10, 'apps[0].distinctApprovers', "unknown key 'distinctApprovers'; allowed: id, name, description, category, owner, provider, signInApp, fallback, fulfillers, roles, reclaim"],
    ['a fallback is one group name', [insertAfter(17, '        fallback: [security]')], 18, 'apps[0].roles[0].fallback', 'fallback must name an approverGroups entry; got a list'],
    ['a fallback needs approverGroups', [replace(2, 'approverGroups: {}'), remove(3), replace(15, '        approval: [manager]'), insertAfter(9, '    fallback: security')], 9, 'apps[0].fallback', "unknown approver group 'security'; approverGroups defines none"],
  ])('%s', (_rule, edits, line, field, message) => {
    const issues = issuesFor(edits);

    expect(issues).toEqual([{ file: 'catalog.yaml', line, field, message }]);
  });

  it('reports a YAML syntax error as one issue with its line', () => {
    const issues = issuesFor([replace(14, '        groups: [00g1admin'), replace(16, '        durations: [1h, 6h')]);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'catalog.yaml', line: 15, field: '' });
    expect(issues[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it('reports a duplicate key as a YAML error on the second key', () => {
    const issues = issuesFor([insertAfter(6, '    name: Salesforce CRM')]);

    expect(issues).toEqual([
      { file: 'catalog.yaml', line: 7, field: '', message: 'YAML syntax error: Map keys must be unique' },
    ]);
  });

  it('reports a second YAML document on the separator line', () => {
    const issues = issuesFor([append('---', 'version: 1')]);

    expect(issues).toEqual([
      {
        file: 'catalog.yaml',
        line: 18,
        field: '',
        message: "YAML syntax error: the file holds more than one YAML document; remove the '---' separator",
      },
    ]);
  });

  it('reports an empty file on line 1', () => {
    const result = parseCatalog('', 'catalog.yaml');

    expect(result).toEqual({
      ok: false,
      issues: [
        {
          file: 'catalog.yaml',
          line: 1,
          field: '',
          message: 'expected a map with keys version, approverGroups, apps, bundles; got nothing',
        },
      ],
    });
  });

  it('collects every issue in the file, in line order', () => {
    const issues = issuesFor([
      replace(1, 'version: 3'),
      replace(9, '    provider: oktaa'),
      replace(15, '        approval: [boss]'),
      replace(16, '        durations: [1h, 6x]'),
      append(...SECOND_APP.map((line) => line.replace('U0GITHUB', 'nobody'))),
    ]);

    expect(issues.map((issue) => [issue.line, issue.field])).toEqual([
      [1, 'version'],
      [9, 'apps[0].provider'],
      [15, 'apps[0].roles[0].approval'],
      [16, 'apps[0].roles[0].durations'],
      [21, 'apps[1].owner'],
    ]);
  });

  it('reads a fallback group on an app and on a role', () => {
    const lines = [...BASE.slice(0, 9), '    fallback: security', ...BASE.slice(9), '        fallback: security', ...SECOND_APP];
    const result = parseCatalog(lines.join('\n'), 'catalog.yaml');

    expect(result.ok && result.catalog.apps.map((app) => [app.fallback, app.roles.map((role) => role.fallback)])).toEqual([
      ['security', ['security']],
      [undefined, [undefined]],
    ]);
  });

  it('reads distinctApprovers on a role, absent meaning the default', () => {
    const lines = [...BASE, '        distinctApprovers: false', ...SECOND_APP, '        distinctApprovers: true'];
    const result = parseCatalog(lines.join('\n'), 'catalog.yaml');

    expect(result.ok && result.catalog.apps.map((app) => app.roles.map((role) => role.distinctApprovers))).toEqual([[false], [true]]);
    const plain = parseCatalog(BASE.join('\n'), 'catalog.yaml');
    expect(plain.ok && plain.catalog.apps[0]?.roles[0]?.distinctApprovers).toBeUndefined();
  });

  it.each([
    ['okta', '0oa1salesforce', '0oa1salesforce'],
    ['entra', '6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b', '6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b'],
    ['google', '1234567890', '1234567890'],
    ['google', "'Sales Cloud'", 'Sales Cloud'],
  ])('reads signInApp on a %s app as text, exactly as written (%s)', (provider, written, expected) => {
    const lines = [...BASE.slice(0, 8), `    provider: ${provider}`, `    signInApp: ${written}`, ...BASE.slice(9)];
    const result = parseCatalog(lines.join('\n'), 'catalog.yaml');

    expect(result.ok && result.catalog.apps[0]?.signInApp).toBe(expected);
  });

  it('leaves signInApp out when the catalog does', () => {
    const result = parseCatalog(BASE.join('\n'), 'catalog.yaml');

    expect(result.ok && 'signInApp' in (result.catalog.apps[0] ?? {})).toBe(false);
  });

  it('allows a manual app to leave groups empty', () => {
    const issues = issuesFor([replace(9, '    provider: manual'), replace(14, '        groups: []')]);

    expect(issues).toEqual([]);
  });
});
