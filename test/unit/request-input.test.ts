import { describe, expect, it } from 'vitest';
import { parseRequestCommand, validateRequestDraft } from '../../src/domain/request-input.js';
import type { RequestDraft } from '../../src/domain/request-input.js';
import type { Catalog, CatalogApp, CatalogRole } from '../../src/domain/types.js';
import { adminRole, salesforceApp, viewerRole as viewer } from '../support/catalog-roles.js';

const H = 3_600_000;

const analyst: CatalogRole = {
  id: 'analyst',
  name: 'Report Analyst',
  description: 'Builds reports',
  groups: ['00g1analyst'],
  approval: { kind: 'stages', stages: [{ kind: 'manager' }] },
};
const admin = adminRole({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owner' }] }, { durationsMs: [H, 6 * H, 24 * H], maxDurationMs: 7 * 24 * H });
const salesforce = salesforceApp([viewer, analyst, admin]);
const workspace: CatalogApp = {
  id: 'gws',
  name: 'Google Workspace',
  description: 'Mail and docs',
  owner: 'it@acme.com',
  provider: 'google',
  roles: [{ ...viewer, id: 'user', name: 'User' }],
};
const catalog: Catalog = { version: 1, approverGroups: {}, apps: [salesforce, workspace] };

const REASON = 'Quarter close reporting';

describe('validateRequestDraft', () => {
  it('accepts a time-bound request with a justification', () => {
    const draft: RequestDraft = { appId: 'salesforce', roleId: 'admin', duration: '6h', justification: `  ${REASON}  ` };

    const result = validateRequestDraft(catalog, draft);

    expect(result).toEqual({
      ok: true,
      value: { app: salesforce, role: admin, durationMs: 6 * H, justification: REASON },
    });
  });

  it('compares durations by length of time', () => {
    const result = validateRequestDraft(catalog, { appId: 'Salesforce', roleId: 'ADMIN', duration: '360m', justification: REASON });

    expect(result).toEqual({ ok: true, value: { app: salesforce, role: admin, durationMs: 6 * H, justification: REASON } });
  });

  it('accepts an auto-approved role without a justification', () => {
    const result = validateRequestDraft(catalog, { appId: 'salesforce', roleId: 'viewer' });

    expect(result).toEqual({ ok: true, value: { app: salesforce, role: viewer, durationMs: null, justification: '' } });
  });

  it('accepts a short note on an auto-approved role', () => {
    const result = validateRequestDraft(catalog, { appId: 'salesforce', roleId: 'viewer', justification: 'reports' });

    expect(result.ok).toBe(true);
  });

  it.each<[string, RequestDraft, Record<string, string>]>([
    ['no app', {}, { app: 'Choose an app' }],
    ['blank app', { appId: '  ' }, { app: 'Choose an app' }],
    ['unknown app', { appId: 'salesfroce', roleId: 'admin' }, { app: "Unknown app 'salesfroce'; did you mean salesforce?" }],
    ['unknown app, nothing close', { appId: 'zzzzzzzzzz' }, { app: "Unknown app 'zzzzzzzzzz'" }],
    ['no role', { appId: 'salesforce', justification: REASON }, { role: 'Choose a role for Salesforce' }],
    [
      'unknown role',
      { appId: 'salesforce', roleId: 'owner', justification: REASON },
      { role: "Salesforce has no role 'owner'; choose one of viewer, analyst, admin" },
    ],
    [
      'missing duration on a time-bound role',
      { appId: 'salesforce', roleId: 'admin', justification: REASON },
      { duration: 'Salesforce / System Admin is time-bound; choose one of 1h, 6h, 24h' },
    ],
    [
      'duration not offered',
      { appId: 'salesforce', roleId: 'admin', duration: '5h', justification: REASON },
      { duration: "'5h' is not offered for Salesforce / System Admin; choose one of 1h, 6h, 24h" },
    ],
    [
      'duration not a duration',
      { appId: 'salesforce', roleId: 'admin', duration: 'soon', justification: REASON },
      { duration: "'soon' is not a duration; choose one of 1h, 6h, 24h" },
    ],
    [
      'duration on a role that is not time-bound',
      { appId: 'salesforce', roleId: 'viewer', duration: '1h' },
      { duration: 'Salesforce / Viewer is not time-bound; leave the duration out' },
    ],
    [
      'missing justification',
      { appId: 'salesforce', roleId: 'analyst', justification: '   ' },
      { justification: 'Say why you need Salesforce / Report Analyst (10 to 1000 characters)' },
    ],
    [
      'short justification',
      { appId: 'salesforce', roleId: 'analyst', justification: ' need it  ' },
      { justification: 'The justification is 7 characters; write at least 10' },
    ],
    [
      'long justification',
      { appId: 'salesforce', roleId: 'analyst', justification: 'x'.repeat(1001) },
      { justification: 'The justification is 1001 characters; the maximum is 1000' },
    ],
    [
      'long note on an auto-approved role',
      { appId: 'salesforce', roleId: 'viewer', justification: 'x'.repeat(1001) },
      { justification: 'The justification is 1001 characters; the maximum is 1000' },
    ],
    [
      'several problems at once',
      { appId: 'salesforce', roleId: 'admin', duration: '2d', justification: 'short' },
      {
        duration: "'2d' is not offered for Salesforce / System Admin; choose one of 1h, 6h, 24h",
        justification: 'The justification is 5 characters; write at least 10',
      },
    ],
  ])('reports %s', (_name, draft, errors) => {
    const result = validateRequestDraft(catalog, draft);

    expect(result).toEqual({ ok: false, errors });
  });

  it.each([
    ['exactly 10 characters', '0123456789'],
    ['exactly 1000 characters', 'x'.repeat(1000)],
    ['10 emoji counted as characters', '🔑'.repeat(10)],
  ])('accepts a justification of %s', (_name, justification) => {
    const result = validateRequestDraft(catalog, { appId: 'salesforce', roleId: 'analyst', justification });

    expect(result.ok).toBe(true);
  });
});

describe('parseRequestCommand', () => {
  it.each([[''], ['   ']])('opens the modal for %j', (text) => {
    expect(parseRequestCommand(text, catalog)).toEqual({ kind: 'open' });
  });

  it.each([['help'], ['HELP'], ['-h'], ['--help'], ['  help ']])('shows help for %j', (text) => {
    expect(parseRequestCommand(text, catalog)).toEqual({ kind: 'help' });
  });

  it.each([
    ['salesfroce admin 6h fix', 'salesfroce', ['salesforce']],
    ['googleworkspaec', 'googleworkspaec', ['gws']],
    ['jira', 'jira', []],
  ])('reports an unknown app in %j', (text, input, suggestions) => {
    const command = parseRequestCommand(text, catalog);

    expect(command).toEqual({ kind: 'unknown_app', input, suggestions });
  });

  it('completes a time-bound request', () => {
    const command = parseRequestCommand(`salesforce admin 6h ${REASON}`, catalog);

    expect(command).toEqual({
      kind: 'complete',
      value: { app: salesforce, role: admin, durationMs: 6 * H, justification: REASON },
    });
  });

  it('keeps the justification as typed, line breaks included', () => {
    const command = parseRequestCommand('salesforce analyst Quarter  close\nreporting', catalog);

    expect(command).toEqual({
      kind: 'complete',
      value: { app: salesforce, role: analyst, durationMs: null, justification: 'Quarter  close\nreporting' },
    });
  });

  it('matches the app by its name without spaces, in any case', () => {
    const command = parseRequestCommand('GoogleWorkspace user', catalog);

    expect(command).toEqual({
      kind: 'complete',
      value: { app: workspace, role: workspace.roles[0], durationMs: null, justification: '' },
    });
  });

  it('matches the role by its name without spaces', () => {
    const command = parseRequestCommand(`salesforce systemadmin 1h ${REASON}`, catalog);

    expect(command).toMatchObject({ kind: 'complete', value: { role: admin, durationMs: H } });
  });

  it('prefills the app alone with no errors', () => {
    const command = parseRequestCommand('Salesforce', catalog);

    expect(command).toEqual({ kind: 'prefill', draft: { appId: 'salesforce' }, errors: {} });
  });

  it('lists the role ids for an unknown role', () => {
    const command = parseRequestCommand('salesforce owner 6h because', catalog);

    expect(command).toEqual({
      kind: 'prefill',
      draft: { appId: 'salesforce' },
      errors: { role: "Salesforce has no role 'owner'; choose one of viewer, analyst, admin" },
    });
  });

  it('asks only for what is missing on a time-bound role', () => {
    const command = parseRequestCommand('salesforce admin', catalog);

    expect(command).toEqual({
      kind: 'prefill',
      draft: { appId: 'salesforce', roleId: 'admin' },
      errors: {
        duration: 'Salesforce / System Admin is time-bound; choose one of 1h, 6h, 24h',
        justification: 'Say why you need Salesforce / System Admin (10 to 1000 characters)',
      },
    });
  });

  it('keeps a valid duration, in catalog form, when the justification is missing', () => {
    const command = parseRequestCommand('salesforce admin 360m', catalog);

    expect(command).toEqual({
      kind: 'prefill',
      draft: { appId: 'salesforce', roleId: 'admin', duration: '6h' },
      errors: { justification: 'Say why you need Salesforce / System Admin (10 to 1000 characters)' },
    });
  });

  it('takes a duration-shaped typo as a bad duration, not as the justification', () => {
    const command = parseRequestCommand(`salesforce admin 6x ${REASON}`, catalog);

    expect(command).toEqual({
      kind: 'prefill',
      draft: { appId: 'salesforce', roleId: 'admin', justification: REASON },
      errors: { duration: "'6x' is not a duration; choose one of 1h, 6h, 24h" },
    });
  });

  it('reports a missing duration when a time-bound request goes straight to the reason', () => {
    const command = parseRequestCommand(`salesforce admin ${REASON}`, catalog);

    expect(command).toEqual({
      kind: 'prefill',
      draft: { appId: 'salesforce', roleId: 'admin', justification: REASON },
      errors: { duration: 'Salesforce / System Admin is time-bound; choose one of 1h, 6h, 24h' },
    });
  });

  it('starts the justification at a third word that is not a duration', () => {
    const command = parseRequestCommand('salesforce analyst 2 dashboards for the board', catalog);

    expect(command).toMatchObject({ kind: 'complete', value: { justification: '2 dashboards for the board' } });
  });

  it('refuses a duration on a role that is not time-bound', () => {
    const command = parseRequestCommand(`salesforce analyst 6h ${REASON}`, catalog);

    expect(command).toEqual({
      kind: 'prefill',
      draft: { appId: 'salesforce', roleId: 'analyst', justification: REASON },
      errors: { duration: 'Salesforce / Report Analyst is not time-bound; leave the duration out' },
    });
  });

  it('completes an auto-approved role with nothing else', () => {
    const command = parseRequestCommand('salesforce viewer', catalog);

    expect(command).toEqual({
      kind: 'complete',
      value: { app: salesforce, role: viewer, durationMs: null, justification: '' },
    });
  });
});
