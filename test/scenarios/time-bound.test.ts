/**
 * Time-bound access people can live with: the ends-soon warning, Extend (approved, auto, refused), the
 * duplicate request that becomes an extension offer, I'm done, and the Jira access fields.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, type PersonKey } from '../support/people.js';

const { priya, marco, owen } = PEOPLE;
const HOUR = 60 * 60_000;

const CATALOG = `${TEST_CATALOG}  - id: aws
    name: AWS Production
    description: Production account
    owner: sara@acme.com
    provider: okta
    roles:
      - id: breakglass
        name: Break-glass
        description: Full admin, briefly
        groups: [00g1admin]
        approval: [manager]
        durations: [1h, 2h]
        maxDuration: 2h
      - id: oncall
        name: On-call
        description: Incident access
        groups: [00g1audit]
        approval: [manager]
        durations: [1h]
        maxDuration: 3h
        extend: auto
`;

async function click(h: Harness, person: PersonKey, message: StoredMessage, actionId: string, blockId: string): Promise<void> {
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId, blockId, container: { message: { channel: message.channel, ts: message.ts } } });
  await h.settle();
}

async function approveLatest(h: Harness, person: PersonKey): Promise<void> {
  const card = h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve')).at(-1);
  if (!card) throw new Error(`${person} has no open approval card`);
  await click(h, person, card, 'approval_approve', 'approval_actions');
}

/** Priya gets Salesforce / System Admin for 6h (14:00 → 20:00 UTC) through both approvals. */
async function grantSalesforceAdmin(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
  await h.settle();
  await approveLatest(h, 'marco');
  await approveLatest(h, 'owen');
}

function warnings(h: Harness): StoredMessage[] {
  return h.slack.dms(priya.slackId).filter((m) => m.text.includes(' ends at '));
}

async function sweepAt(h: Harness, iso: string): Promise<void> {
  h.clock.set(iso);
  h.keycard.schedules.runAll();
  await h.settle();
}

describe('time-bound access', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('warns once, one hour before a 6h grant ends, and not again after a restart', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await grantSalesforceAdmin(h);

    await sweepAt(h, '2026-01-06T18:59:00Z');
    expect(warnings(h)).toEqual([]);

    await sweepAt(h, '2026-01-06T19:00:00Z');
    await sweepAt(h, '2026-01-06T19:30:00Z');

    expect(warnings(h)).toHaveLength(1);
    expect(warnings(h)[0]?.text).toBe('Your Salesforce / System Admin ends at Tue 20:00 UTC');
    expect(blocksText(warnings(h)[0]?.blocks ?? [])).toContain('Extend');
    expect(blocksText(warnings(h)[0]?.blocks ?? [])).toContain("I'm done");

    const { fakes, databasePath, clock } = h;
    await h.stop({ keepFakes: true, keepDatabase: true });
    h = await Harness.start({ catalogYaml: CATALOG, fakes, databasePath, clock });
    await sweepAt(h, '2026-01-06T19:45:00Z');

    expect(warnings(h)).toHaveLength(1);
  });

  it('warns 15 minutes ahead for a grant of an hour or less', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'aws breakglass 1h rotating the root keys');
    await h.settle();
    await approveLatest(h, 'marco');

    await sweepAt(h, '2026-01-06T14:44:00Z');
    expect(warnings(h)).toEqual([]);

    await sweepAt(h, '2026-01-06T14:45:00Z');

    expect(warnings(h).map((m) => m.text)).toEqual(['Your AWS Production / Break-glass ends at Tue 15:00 UTC']);
  });

  it('extends through the last approver of the chain, moves the end and re-arms the warning', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await grantSalesforceAdmin(h);
    await sweepAt(h, '2026-01-06T19:00:00Z');

    await click(h, 'priya', warnings(h)[0]!, 'grant_extend', 'grant_actions');
    const modal = h.slack.openViews(priya.slackId).at(-1)!;
    expect(blocksText(modal.blocks)).toContain('at most 7d in all');
    await h.driver.submitView(priya.slackId, modal.id, { extend_duration: { extend_duration_select: '6h' }, extend_reason: { extend_reason_input: 'the sync needs a second pass' } });
    await h.settle();

    expect(h.slack.dms(marco.slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('extension of active access'))).toEqual([]);
    const card = h.slack.dms(owen.slackId).at(-1)!;
    expect(blocksText(card.blocks ?? [])).toContain('6h more (extension of active access)');
    await approveLatest(h, 'owen');

    const grant = h.store.grants.activeFor(priya.slackId)[0]!;
    expect(new Date(grant.endsAt ?? 0).toISOString()).toBe('2026-01-07T02:00:00.000Z');
    const key = h.jira.issues()[0]!.key;
    expect(h.jira.comments(key).some((c) => c.includes('Access extended by 6h (approved by Owen Park (owen@acme.com)): now ends 2026-01-07 02:00 UTC, 12h in all.'))).toBe(true);
    expect(h.lastDm('priya')?.text).toContain('extended until Wed 02:00 UTC');
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);

    await sweepAt(h, '2026-01-07T00:59:00Z');
    expect(warnings(h)).toHaveLength(1);
    await sweepAt(h, '2026-01-07T01:00:00Z');
    expect(warnings(h)).toHaveLength(2);
    await sweepAt(h, '2026-01-07T02:00:00Z');
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
  });

  it('applies an extension at once when the catalog says extend: auto', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'aws oncall 1h paged for the checkout outage');
    await h.settle();
    await approveLatest(h, 'marco');
    await sweepAt(h, '2026-01-06T14:45:00Z');

    await click(h, 'priya', warnings(h)[0]!, 'grant_extend', 'grant_actions');
    const modal = h.slack.openViews(priya.slackId).at(-1)!;
    await h.driver.submitView(priya.slackId, modal.id, { extend_duration: { extend_duration_select: '1h' }, extend_reason: { extend_reason_input: 'the incident is still open' } });
    await h.settle();

    expect(new Date(h.store.grants.activeFor(priya.slackId)[0]!.endsAt ?? 0).toISOString()).toBe('2026-01-06T16:00:00.000Z');
    expect(h.slack.dms(marco.slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('extension of active access'))).toEqual([]);
    expect(h.jira.comments(h.jira.issues()[0]!.key).at(-1)).toContain('Access extended by 1h (auto-approved by catalog policy)');
  });

  it('refuses an extension beyond maxDuration and says the limit', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'aws breakglass 2h rotating the root keys');
    await h.settle();
    await approveLatest(h, 'marco');
    await sweepAt(h, '2026-01-06T15:00:00Z');

    const warning = warnings(h)[0]!;
    expect(blocksText(warning.blocks ?? [])).toContain('It cannot be extended: Break-glass allows at most 2h in all.');
    expect(JSON.stringify(warning.blocks)).not.toContain('grant_extend');

    const grantId = h.store.grants.activeFor(priya.slackId)[0]!.id;
    await h.driver.clickButton(priya.slackId, { actionId: 'grant_extend', blockId: 'grant_actions', value: String(grantId), container: { message: { channel: warning.channel, ts: warning.ts } }, force: true });
    await h.settle();

    const said = h.slack.responses.map((r) => String((r.body as { text?: string }).text ?? '')).join('\n');
    expect(said).toContain('cannot be extended: Break-glass allows at most 2h in all');
    expect(h.store.requests.listByRequester(priya.slackId).filter((r) => r.kind === 'extension')).toEqual([]);
  });

  it('turns a request for access the user already has into an extension offer', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await grantSalesforceAdmin(h);

    const answer = await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h another sync run');

    expect(answer.body).toContain('You already have *Salesforce / System Admin* until Tue 20:00 UTC. Extend it instead of asking again?');
    expect(answer.body).toContain('grant_extend');
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(1);

    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();
    const viewId = h.slack.openViews(priya.slackId).at(-1)!.id;
    await h.driver.selectOption(priya.slackId, { viewId, blockId: 'request_app', actionId: 'app_select', value: 'salesforce' });
    await h.settle();
    await h.driver.selectOption(priya.slackId, { viewId, blockId: 'request_role:salesforce', actionId: 'role_select', value: 'admin' });
    await h.settle();
    const submitted = await h.driver.submitView(priya.slackId, viewId, {
      'request_duration:salesforce:admin': { duration_select: '6h' },
      request_justification: { justification_input: 'another sync run please' },
    });

    expect(submitted.json).toMatchObject({ response_action: 'update', view: { callback_id: 'grant_extend_modal' } });
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(1);
  });

  it('refuses to extend access that already expired, with a useful message', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await grantSalesforceAdmin(h);
    await sweepAt(h, '2026-01-06T19:00:00Z');
    await sweepAt(h, '2026-01-06T20:00:00Z');

    await click(h, 'priya', warnings(h)[0]!, 'grant_extend', 'grant_actions');

    const said = h.slack.responses.map((r) => String((r.body as { text?: string }).text ?? '')).join('\n');
    expect(said).toContain('already ended at 2026-01-06 20:00 UTC, so it cannot be extended. Use `/request salesforce admin` to ask again.');
    expect(h.slack.openViews(priya.slackId).filter((v) => v.callback_id === 'grant_extend_modal')).toEqual([]);
  });

  it("gives access back with I'm done: removed, commented and closed", async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await grantSalesforceAdmin(h);
    await sweepAt(h, '2026-01-06T19:00:00Z');
    h.clock.set('2026-01-06T19:14:00Z');

    await click(h, 'priya', warnings(h)[0]!, 'grant_relinquish', 'grant_actions');

    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1audit', priya.oktaId)).toBe(false);
    const key = h.jira.issues()[0]!.key;
    expect(h.jira.comments(key).at(-1)).toContain('Relinquished by the user after 5h 14m');
    expect(h.jira.status(key)).toBe('Done');
    expect(h.store.requests.get(1)?.status).toBe('relinquished');
    expect(h.lastDm('priya')?.text).toContain('you no longer have *Salesforce / System Admin*');
  });

  it('refuses Extend and I\'m done from anyone but the holder', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await grantSalesforceAdmin(h);
    await sweepAt(h, '2026-01-06T19:00:00Z');
    const warning = warnings(h)[0]!;
    const grantId = String(h.store.grants.activeFor(priya.slackId)[0]!.id);

    await h.driver.clickButton(marco.slackId, { actionId: 'grant_relinquish', blockId: 'grant_actions', value: grantId, container: { message: { channel: warning.channel, ts: warning.ts } }, force: true });
    await h.driver.clickButton(marco.slackId, { actionId: 'grant_extend', blockId: 'grant_actions', value: grantId, container: { message: { channel: warning.channel, ts: warning.ts } }, force: true });
    await h.settle();

    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    expect(h.store.audit.all().filter((e) => e.actor === `user:${marco.slackId}` && e.action.endsWith('.refused')).map((e) => e.action)).toEqual(['relinquish.refused', 'extension.refused']);
  });

  it('writes the start and end of access into the configured Jira fields', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { JIRA_FIELD_ACCESS_START: 'customfield_10050', JIRA_FIELD_ACCESS_END: 'customfield_10051' } });
    await grantSalesforceAdmin(h);

    const issue = h.jira.issues()[0]!;
    expect(issue.fields.customfield_10050).toBe('2026-01-06T14:00:00.000Z');
    expect(issue.fields.customfield_10051).toBe('2026-01-06T20:00:00.000Z');

    // Given back early: the end field shows when access really ended.
    h.clock.set('2026-01-06T16:30:00Z');
    const grantId = String(h.store.grants.activeFor(priya.slackId)[0]!.id);
    const dm = h.lastDm('priya')!;
    await h.driver.clickButton(priya.slackId, { actionId: 'grant_relinquish', blockId: 'grant_actions', value: grantId, container: { message: { channel: dm.channel, ts: dm.ts } }, force: true });
    await h.settle();

    expect(h.jira.issue(issue.key)?.fields.customfield_10051).toBe('2026-01-06T16:30:00.000Z');
  });
});
