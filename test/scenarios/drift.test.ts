/**
 * `/access-admin sync`: drift between the catalog, Okta and Keycard's records, found by reading the real
 * Okta fake through the real SDK: a catalog group Okta does not have, Okta groups named like a catalog app
 * that no role maps, members of catalog groups that Keycard did not grant (added by hand), and a suspended
 * account still in a group. By DM, as one Jira issue (`--to-jira`), and on a schedule that alerts only on
 * drift the check before did not find.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueScheduledDriftCheck, inactiveAccountsFound, lastDrift } from '../../src/workflows/drift/index.js';
import { configProblems } from '../support/config-env.js';
import { Harness, startFakes, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';

const { ada, priya, eve, sam, marco } = PEOPLE;

/** The warehouse analyst role also names 00g9gone, which Okta does not have. */
const CATALOG = TEST_CATALOG.replace('groups: [00g3analyst]', 'groups: [00g3analyst, 00g9gone]');
const GONE_LINE = CATALOG.split('\n').findIndex((line) => line.includes('00g9gone')) + 1;

/**
 * Okta as the scenarios find it: Priya's Salesforce Viewer through Keycard; Eve added to the viewer group by
 * hand; Sam added to GitHub's write group by hand and then suspended; two groups named like catalog apps
 * that no role maps, and GitHub's own group named like its app (mapped, so not drift).
 */
async function started(env: Record<string, string> = {}): Promise<Harness> {
  const fakes = await startFakes();
  fakes.okta.addGroup({ id: '00g2write', name: 'github-write' });
  fakes.okta.addGroup({ id: '00gLEGACY', name: 'Salesforce-Legacy-Admins' });
  fakes.okta.addGroup({ id: '00gDWH', name: 'Data Warehouse Readers' });
  const h = await Harness.start({ fakes, catalogYaml: CATALOG, env: { KEYCARD_MISSING_GROUPS: 'warn', ...env } });
  await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
  await h.drain();
  expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
  h.okta.addMember('00g1viewer', eve.oktaId);
  h.okta.addMember('00g2write', sam.oktaId);
  h.okta.setUserStatus(sam.oktaId, 'SUSPENDED');
  return h;
}

const EVE = { idpUserId: eve.oktaId, email: eve.email, name: eve.name, status: 'active', roles: ['viewer'], groups: ['00g1viewer'] };
const SAM = { idpUserId: sam.oktaId, email: sam.email, name: sam.name, status: 'suspended', roles: ['write'], groups: ['00g2write'] };

describe('/access-admin sync', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('ends the Keycard grants of an account it finds suspended in the provider, through the removal path', async () => {
    h = await started();
    h.okta.setUserStatus(priya.oktaId, 'SUSPENDED');

    await h.driver.command(ada.slackId, '/access-admin', 'sync');
    await h.drain();

    expect(h.store.grants.forRequest(1)).toMatchObject({ status: 'revoked', endingNote: 'account inactive in okta' });
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    const issue = h.store.requests.get(1)!.jiraKey!;
    expect(h.jira.comments(issue).join('\n')).toContain('Access ended (account inactive in okta)');
  });

  it('finds a missing group, unmapped groups, hand-added members and a suspended account, and DMs the admin', async () => {
    h = await started();

    const ack = await h.driver.command(ada.slackId, '/access-admin', 'sync');
    await h.drain();

    expect(ack.body).toContain("Checking the catalog against the identity providers and Keycard's records");
    const report = lastDrift(h.keycard.deps)?.report;
    expect(report?.missingGroups).toEqual([{ appId: 'warehouse', roleId: 'analyst', provider: 'okta', groupId: '00g9gone', where: `test-catalog.yaml:${GONE_LINE} apps[2].roles[0].groups` }]);
    expect(report?.unmappedGroups).toEqual([
      { provider: 'okta', groupId: '00gLEGACY', name: 'Salesforce-Legacy-Admins', appId: 'salesforce' },
      { provider: 'okta', groupId: '00gDWH', name: 'Data Warehouse Readers', appId: 'warehouse' },
    ]);
    // Priya's membership came from Keycard: not drift.
    expect(report?.apps).toEqual([
      { appId: 'salesforce', appName: 'Salesforce', provider: 'okta', handAdded: [EVE] },
      { appId: 'github', appName: 'GitHub', provider: 'okta', handAdded: [SAM] },
    ]);
    expect(report?.inactive).toEqual([{ provider: 'okta', idpUserId: sam.oktaId, email: sam.email, name: sam.name, status: 'suspended', groups: ['00g2write'], grants: [] }]);

    const dm = h.lastDm('ada')?.text ?? '';
    expect(dm).toContain('*Drift check #1*');
    expect(dm).toContain('1 catalog group missing, 2 unmapped groups, 2 people added by hand, 1 suspended or deactivated account');
    expect(dm).toContain(`\`00g9gone\` (okta): warehouse / analyst, test-catalog.yaml:${GONE_LINE} apps[2].roles[0].groups`);
    expect(dm).toContain('`Salesforce-Legacy-Admins` (okta `00gLEGACY`), named like salesforce');
    expect(dm).toContain('Salesforce (salesforce, okta): 1 person: Eve Stone (eve@acme.com) viewer in `00g1viewer`');
    expect(dm).toContain('Sam Okafor (sam@acme.com, okta, suspended) in `00g2write`; no Keycard grant');
    expect(dm).not.toContain('Priya');
    const actions = h.store.audit.all().map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['admin.command', 'drift.requested', 'drift.checked']));
    expect(h.store.audit.verify().ok).toBe(true);
    expect(h.slack.messages('CALERTS')).toEqual([]);
  });

  it('lists the live Keycard grants of a suspended account, for the lifecycle work to end', async () => {
    h = await started();
    h.okta.setUserStatus(priya.oktaId, 'SUSPENDED');

    await h.driver.command(ada.slackId, '/access-admin', 'sync');
    await h.drain();

    const priyaAccount = inactiveAccountsFound(h.keycard.deps)?.accounts.find((a) => a.idpUserId === priya.oktaId);
    expect(priyaAccount).toEqual({ provider: 'okta', idpUserId: priya.oktaId, email: priya.email, name: priya.name, status: 'suspended', groups: ['00g1viewer'], grants: [{ grantId: 1, requestId: 1, appId: 'salesforce', roleId: 'viewer', userSlackId: priya.slackId }] });
  });

  it('files the report as one Jira issue with --to-jira and DMs its key', async () => {
    h = await started();

    await h.driver.command(ada.slackId, '/access-admin', 'sync --to-jira');
    await h.drain();

    const issue = h.jira.issueByLabel('keycard-drift-1');
    expect(issue?.summary).toBe('Keycard drift check #1: 6 findings');
    expect(issue?.descriptionText).toContain('People in catalog groups not granted through Keycard: 2 (salesforce: 1, github: 1)');
    const comments = h.jira.comments(issue!.key).join('\n');
    expect(comments).toContain(`00g9gone (okta): warehouse / analyst, test-catalog.yaml:${GONE_LINE} apps[2].roles[0].groups`);
    expect(comments).toContain('Salesforce-Legacy-Admins (okta 00gLEGACY), named like salesforce');
    expect(comments).toContain('Salesforce (salesforce, okta): 1 person');
    expect(comments).toContain('– Eve Stone (eve@acme.com) viewer in 00g1viewer');
    expect(comments).toContain('Sam Okafor (sam@acme.com, okta, suspended) in 00g2write; no Keycard grant');
    expect(h.jira.issues().filter((i) => i.labels.includes('keycard-drift-1'))).toHaveLength(1);
    expect(h.lastDm('ada')?.text).toContain(`Drift check #1 is filed in Jira as <${h.jira.url}/browse/${issue!.key}|${issue!.key}>`);
    expect(h.store.drift.last()?.jiraLabel).toBe('keycard-drift-1');
  });

  it('on its schedule, alerts once for drift the check before did not find', async () => {
    h = await started({ KEYCARD_SCHEDULE_SYNC: '0 0 6 * * *' });
    const deps = h.keycard.deps;

    expect(enqueueScheduledDriftCheck(deps)).toBe(true);
    expect(enqueueScheduledDriftCheck(deps)).toBe(false);
    await h.drain();
    const first = h.slack.messages('CALERTS').map((m) => m.text);
    enqueueScheduledDriftCheck(deps);
    await h.drain();
    const unchanged = h.slack.messages('CALERTS').map((m) => m.text);
    h.okta.addMember('00g1viewer', marco.oktaId);
    enqueueScheduledDriftCheck(deps);
    await h.drain();
    const alerts = h.slack.messages('CALERTS').map((m) => m.text);

    expect(first).toHaveLength(1);
    expect(first[0]).toContain('*New drift* found by the scheduled drift check #1');
    expect(first[0]).toContain('Eve Stone');
    expect(unchanged).toHaveLength(1);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toContain('scheduled drift check #3: 0 catalog groups missing, 0 unmapped groups, 1 person added by hand, 0 suspended or deactivated accounts not seen by the check before');
    expect(alerts[1]).toContain('Marco Rossi (marco@acme.com) viewer in `00g1viewer`');
    expect(alerts[1]).not.toContain('Eve Stone');
    // A scheduled check DMs nobody.
    expect(h.slack.dms(ada.slackId).filter((m) => m.text.includes('Drift check'))).toEqual([]);
  });

  it('reads Entra ID and Google Workspace the same way: members added by hand and groups named like an app', async () => {
    const catalog = `${TEST_CATALOG}  - id: powerbi
    name: Power BI
    description: Dashboards
    owner: owen@acme.com
    provider: entra
    roles:
      - { id: admin, name: Workspace Admin, description: Manage workspaces, groups: [e-sales-admin], approval: [manager] }
  - id: drive
    name: Drive
    description: Shared drive
    owner: owen@acme.com
    provider: google
    roles:
      - { id: viewer, name: Viewer, description: Read the drive, groups: [drive-viewer@acme.com], approval: auto }
`;
    const fakes = await startFakes(['entra', 'google']);
    fakes.graph?.addGroup({ id: 'e-pbi-legacy', displayName: 'PowerBI-legacy-admins' });
    h = await Harness.start({ fakes, catalogYaml: catalog });
    await h.driver.command(priya.slackId, '/request', 'drive viewer');
    await h.drain();
    h.graph.addMember('e-sales-admin', marco.entraId);
    h.google.addMember('drive-viewer@acme.com', eve.googleId);

    await h.driver.command(ada.slackId, '/access-admin', 'sync');
    await h.drain();

    const report = lastDrift(h.keycard.deps)?.report;
    // drive-viewer is mapped (the catalog names it by its email); drive-admin is named like the app and mapped by no role.
    expect(report?.unmappedGroups).toEqual([
      { provider: 'entra', groupId: 'e-pbi-legacy', name: 'PowerBI-legacy-admins', appId: 'powerbi' },
      { provider: 'google', groupId: '03gtest1', name: 'drive-admin', appId: 'drive' },
    ]);
    expect(report?.apps.map((a) => [a.appId, a.handAdded.map((m) => m.email)])).toEqual([
      ['powerbi', [marco.email]],
      ['drive', [eve.email]],
    ]);
  });

  it('answers bad arguments with the usage, and refuses (and audits) someone who is not an admin', async () => {
    h = await started();

    const bad = await h.driver.command(ada.slackId, '/access-admin', 'sync now');
    const refused = await h.driver.command(priya.slackId, '/access-admin', 'sync --to-jira');
    await h.drain();

    expect(bad.body).toContain('Usage: `/access-admin sync [--to-jira]`');
    expect(refused.body).toContain('`/access-admin` is for Keycard admins');
    expect(h.store.drift.last()).toBeUndefined();
    expect(h.store.audit.all().filter((e) => e.action === 'admin.refused').map((e) => e.data)).toEqual([{ text: 'sync --to-jira' }]);
  });

  it('refuses a KEYCARD_SCHEDULE_SYNC that is not a cron expression, naming it', () => {
    expect(configProblems({ KEYCARD_SCHEDULE_SYNC: 'every morning' })).toEqual([expect.stringContaining('KEYCARD_SCHEDULE_SYNC is not a valid cron expression')]);
    expect(configProblems({ KEYCARD_SCHEDULE_SYNC: '0 0 6 * * *' })).toEqual([]);
  });
});
