/**
 * A `user:` approval stage names a person, and Keycard names them as Slack shows them: `<@U…>` once their
 * Slack id is known (the catalog gave one, or routing resolved the email), else the email as written behind
 * "the approver", never capitalised into "Sara@acme.com" and never the catalog's `user:` text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';

const { priya, sara, sam } = PEOPLE;
const HOUR = 60 * 60_000;

/** A vault whose root role is asked of Sara by email, then of Sam by Slack id. */
const CATALOG = `${TEST_CATALOG}  - id: vault
    name: Vault
    description: Secrets
    owner: owen@acme.com
    provider: okta
    roles:
      - id: root
        name: Root
        description: Every secret
        groups: [00g1admin]
        approval: [user:sara@acme.com, user:USAM]
`;

function everyTextOf(h: Harness, slackId: string): string {
  return h.slack
    .dms(slackId)
    .map((m) => `${m.text ?? ''}\n${blocksText(m.blocks ?? [])}`)
    .join('\n');
}

describe('stages that name a person', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('says "the approver <email>" in the one-line /request reply, and a Slack id as a mention', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    const answer = await h.driver.command(priya.slackId, '/request', 'vault root rotating the deploy keys');
    await h.settle();

    expect(answer.body).toContain('The approver sara@acme.com, then <@USAM>.');
    expect(answer.body).not.toContain('Sara@acme.com');
    expect(everyTextOf(h, priya.slackId)).not.toContain('user:');
  });

  it('names the person as <@U…> in reminders, never as the catalog text', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'vault root rotating the deploy keys');
    await h.settle();

    h.clock.advance(5 * HOUR);
    h.keycard.schedules.runAll();
    await h.settle();

    const reminder = h.slack.dms(sara.slackId).find((m) => (m.text ?? '').includes('Reminder'));
    expect(reminder?.text).toContain(`(request #1, stage 1 of 2 (<@${sara.slackId}>))`);
    expect(blocksText(h.card('sara')?.blocks ?? [])).toContain(`Stage 1 of 2: <@${sara.slackId}>`);
    expect(everyTextOf(h, sara.slackId).split("\n").filter((l) => l.includes("user:"))).toEqual([]);
  });

  it('names the second person by their Slack id once the first approves, in their reminder too', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'vault root rotating the deploy keys');
    await h.settle();
    await h.approve('sara');

    h.clock.advance(5 * HOUR);
    h.keycard.schedules.runAll();
    await h.settle();

    const reminder = h.slack.dms(sam.slackId).find((m) => (m.text ?? '').includes('Reminder'));
    expect(reminder?.text).toContain(`stage 2 of 2 (<@${sam.slackId}>)`);
    expect(everyTextOf(h, priya.slackId)).toContain(`<@${sam.slackId}>`);
    expect(everyTextOf(h, priya.slackId)).not.toContain('user:');
    expect(h.jira.comments(h.jira.issues()[0]!.key).join('\n')).not.toContain('user:');
  });

  it('shows the waiting stage in the requester\'s App Home with the person as a mention, not escaped markup', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'vault root rotating the deploy keys');
    await h.settle();
    await h.driver.event('app_home_opened', { user: priya.slackId, channel: `D${priya.slackId}`, tab: 'home' });
    await h.settle();
    const first = blocksText(h.slack.home(priya.slackId)?.blocks ?? []);
    await h.approve('sara');
    await h.settle();

    const second = blocksText(h.slack.home(priya.slackId)?.blocks ?? []);

    expect(first).toContain('Stage 1 of 2: the approver sara@acme.com, waiting for <@USARA>');
    expect(second).toContain(`Stage 2 of 2: <@${sam.slackId}>, waiting for <@${sam.slackId}>`);
    expect(second).not.toContain('&lt;@');
  });
});
