/**
 * Joiners and movers end to end through the real app: `/access-admin onboard` (and an onboarding issue in
 * Jira) files a person's birthright bundles, auto-approved roles granted with "birthright: bundle <id>" on
 * record and the others filed on their behalf for approval; the profile sync notices a move, sends the
 * access held through a bundle that no longer matches to the new manager as a small review (Keep / Revoke),
 * and offers the bundle that matches now with a button that files it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, type PersonKey } from '../support/people.js';
import { decideItems } from '../../src/workflows/review/index.js';

const { priya, ada, eve, owen, sara } = PEOPLE;

const CATALOG = `${TEST_CATALOG}  - id: looker
    name: Looker
    description: Dashboards
    owner: marco@acme.com
    provider: okta
    roles:
      - id: viewer
        name: Viewer
        description: Read dashboards
        groups: [00g3analyst]
        approval: auto
bundles:
  - id: data-eng
    name: Data engineering
    when: { department: Data }
    roles: [looker/viewer, github/write]
  - id: sales
    name: Sales team
    when: { department: sales }
    roles: [salesforce/viewer]
`;

function offers(h: Harness, person: PersonKey): StoredMessage[] {
  return h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('bundle_offer_file'));
}

async function onboardPriya(h: Harness): Promise<string> {
  await h.driver.command(ada.slackId, '/access-admin', `onboard <@${priya.slackId}>`);
  await h.drain();
  return h.slack.ephemerals(ada.slackId).at(-1)?.text ?? '';
}

/** The person as a user of the Jira site (an issue's reporter); returns their account id. */
function jiraUser(h: Harness, person: PersonKey): string {
  const accountId = `712020:${person}`;
  h.jira.addUser({ accountId, displayName: PEOPLE[person].name, email: PEOPLE[person].email });
  return accountId;
}

describe('joiners: onboarding by bundle', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('grants the matching bundle\'s auto-approved roles as birthright and files the others for approval on the person\'s behalf', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    const answer = await onboardPriya(h);

    expect(answer).toContain('Onboarded Priya Shah (priya@acme.com) with bundle data-eng (matching their profile):');
    expect(answer).toContain('• Looker / Viewer: granted as birthright (bundle data-eng), request #1');
    expect(answer).toContain('• GitHub / Write: filed for approval, request #2: its approvers are asked');
    expect(h.okta.isMember('00g3analyst', priya.oktaId)).toBe(true);
    expect(h.jira.comments('ACCESS-1').join('\n')).toContain('Looker / Viewer: birthright: bundle data-eng.');
    const submitted = h.store.audit.all().find((e) => e.requestId === 1 && e.action === 'request.submitted');
    expect(submitted).toMatchObject({ actor: `user:${ada.slackId}`, data: { onBehalfOf: priya.slackId } });
    expect(h.store.requests.get(2)?.status).toBe('pending_approval');
    expect(h.card('sara')).toBeDefined();
    expect(h.card('sam')).toBeDefined();
    // The person gets the receipt of each request, as if they had filed it.
    expect(h.slack.dms(priya.slackId).filter((m) => /Your request #\d for \*(Looker \/ Viewer|GitHub \/ Write)\* is filed as <[^|]+\|ACCESS-/.test(m.text ?? ''))).toHaveLength(2);

    const again = await onboardPriya(h);
    expect(again).toContain('• Looker / Viewer: already held (request #1)');
    expect(again).toContain('• GitHub / Write: already asked for (request #2)');
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(2);
  });

  it('files a named bundle even when the profile does not match, saying so; refuses an unknown bundle or nobody to match', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    await h.driver.command(ada.slackId, '/access-admin', `onboard ${eve.email} data-eng`);
    await h.drain();
    const named = h.slack.ephemerals(ada.slackId).at(-1)?.text ?? '';
    await h.driver.command(ada.slackId, '/access-admin', `onboard ${eve.email} finance`);
    await h.drain();
    const unknown = h.slack.ephemerals(ada.slackId).at(-1)?.text ?? '';
    await h.driver.command(ada.slackId, '/access-admin', `onboard ${ada.email}`);
    await h.drain();
    const noMatch = h.slack.ephemerals(ada.slackId).at(-1)?.text ?? '';

    expect(named).toContain("note: their profile (department Sales, title Account Executive, manager owen@acme.com) does not match data-eng's department Data; filed because it was named");
    expect(h.okta.isMember('00g3analyst', eve.oktaId)).toBe(true);
    expect(unknown).toBe(":no_entry: Nothing was filed: the catalog has no bundle 'finance'; bundles: data-eng (department Data); sales (department sales).");
    expect(noMatch).toContain('Nothing was filed: no bundle matches their profile (department IT, title IT Admin, manager none)');
  });

  it('onboards from a Jira onboarding issue filed by an admin, comments what it filed, and files nothing more on a repeated delivery', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { JIRA_ONBOARDING_ISSUE_TYPE: 'Onboarding' } });
    h.jira.setIssueTypes(['Task', 'Onboarding']);
    const key = h.jira.addIssue({ summary: 'New starter: eve@acme.com joins Sales on Monday', issuetype: 'Onboarding', reporter: jiraUser(h, 'ada') });

    for (let i = 0; i < 2; i += 1) {
      await h.driver.command(ada.slackId, '/access-admin', `onboard --from-jira ${key}`);
      await h.drain();
    }

    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(true);
    expect(h.jira.comments(key)).toEqual([
      'Onboarded Eve Stone (eve@acme.com) with bundle sales (matching their profile):\n• Salesforce / Viewer: granted as birthright (bundle sales), request #1',
    ]);
    expect(h.store.requests.listByRequester(eve.slackId)).toHaveLength(1);
  });
});

describe('movers: the profile sync', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('sends access held through a bundle that no longer matches to the new manager as a review, and offers the bundle that matches now', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { KEYCARD_SCHEDULE_PROFILES: '0 0 6 * * *' } });
    await onboardPriya(h);
    await h.approve('sara');
    expect(h.okta.isMember('00g2write', priya.oktaId)).toBe(true);
    h.keycard.schedules.runProfiles();
    await h.drain();
    expect(h.store.reviews.campaigns()).toEqual([]);

    h.okta.updateProfile(priya.oktaId, { department: 'Sales', managerId: owen.oktaId });
    h.keycard.schedules.runProfiles();
    await h.drain();

    const [campaign] = h.store.reviews.campaigns();
    expect(campaign).toMatchObject({ name: 'Mover: Priya Shah (Data → Sales)', status: 'open', reviewer: 'manager' });
    const items = h.store.reviews.items(campaign!.id);
    expect(items.map((i) => `${i.appId}/${i.roleId} → ${i.reviewerSlackId}: ${i.recommendation}, ${i.recommendationReason}`)).toEqual([
      `looker/viewer → ${owen.slackId}: revoke, bundle data-eng no longer matches (department Data → Sales; manager marco@acme.com → owen@acme.com)`,
      `github/write → ${owen.slackId}: revoke, bundle data-eng no longer matches (department Data → Sales; manager marco@acme.com → owen@acme.com)`,
    ]);
    const invite = h.slack.dms(owen.slackId).find((m) => JSON.stringify(m.blocks ?? []).includes('review_open'));
    expect(invite?.text).toContain('You have 2 items to review in the access review *Mover: Priya Shah');
    expect(h.jira.issueByLabel(`keycard-review-${campaign!.id}`)?.summary).toContain('Access review: Mover: Priya Shah');
    const [offer] = offers(h, 'owen');
    expect(blocksText(offer!.blocks ?? [])).toContain('<@UPRIYA> moved and now matches the bundle *Sales team* (sales: department sales)');
    expect(offers(h, 'priya')).toHaveLength(1);

    // The new manager keeps GitHub and revokes Looker, as in any review.
    decideItems(h.keycard.deps, owen.slackId, [items[0]!.id], { decision: 'revoke', reason: 'changed_role', note: null });
    decideItems(h.keycard.deps, owen.slackId, [items[1]!.id], { decision: 'keep' });
    await h.driver.clickButton(owen.slackId, { actionId: 'bundle_offer_file', blockId: 'bundle_offer', container: { message: { channel: offer!.channel, ts: offer!.ts } } });
    await h.settle(5 * 60_000);
    await h.drain();

    expect(h.okta.isMember('00g3analyst', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g2write', priya.oktaId)).toBe(true);
    expect(h.store.grants.forRequest(1)?.endingNote).toBe(`revoked in review ${campaign!.name}`);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.jira.comments(h.store.requests.get(3)!.jiraKey!).join('\n')).toContain('Salesforce / Viewer: birthright: bundle sales.');
    expect(h.slack.message(offer!.channel, offer!.ts)?.text).toContain('Bundle *sales* filed by <@UOWEN>');
    // Priya's copy now says it was filed; nobody files it twice.
    const [mine] = offers(h, 'priya');
    await h.driver.clickButton(priya.slackId, { actionId: 'bundle_offer_file', blockId: 'bundle_offer', container: { message: { channel: mine!.channel, ts: mine!.ts } } });
    await h.settle();
    expect(h.slack.ephemerals(priya.slackId).at(-1)?.text).toMatch(/Bundle \*sales\* was already filed by <@UOWEN>/);
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(3);
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('ends the Keycard access of a person it finds suspended in the provider, with a Jira comment', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { KEYCARD_SCHEDULE_PROFILES: '0 0 6 * * *' } });
    await onboardPriya(h);
    h.okta.setUserStatus(priya.oktaId, 'SUSPENDED');

    h.keycard.schedules.runProfiles();
    await h.drain();

    expect(h.okta.isMember('00g3analyst', priya.oktaId)).toBe(false);
    expect(h.store.grants.forRequest(1)).toMatchObject({ status: 'revoked', endingNote: 'account inactive in okta' });
    expect(h.store.requests.get(2)?.status).toBe('cancelled');
    expect(h.jira.comments('ACCESS-1').join('\n')).toContain('okta reports the account 00uPRIYA suspended or deactivated outside Keycard (seen during the profile sync)');
    expect(h.slack.dms(priya.slackId).map((m) => m.text).join('\n')).toContain('Your request #2 for *GitHub / Write* was cancelled: your okta account is suspended or deactivated.');
  });

  it('lets only the person, the manager it was offered to or an admin file an offer', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { KEYCARD_SCHEDULE_PROFILES: '0 0 6 * * *' } });
    await onboardPriya(h);
    h.keycard.schedules.runProfiles();
    await h.drain();
    h.okta.updateProfile(priya.oktaId, { department: 'Sales', managerId: owen.oktaId });
    h.keycard.schedules.runProfiles();
    await h.drain();
    const [offer] = offers(h, 'priya');

    await h.driver.clickButton(sara.slackId, { actionId: 'bundle_offer_file', blockId: 'bundle_offer', force: true, value: JSON.stringify(offer!.blocks).match(/"value":"(\d+)"/)?.[1], container: { message: { channel: offer!.channel, ts: offer!.ts } } });
    await h.settle();

    expect(h.slack.ephemerals(sara.slackId).at(-1)?.text).toContain('This offer is for <@UPRIYA> and <@UOWEN>. Your click was logged.');
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.store.audit.all().filter((e) => e.action === 'lifecycle.offer_refused').map((e) => e.actor)).toEqual([`user:${sara.slackId}`]);
  });
});
