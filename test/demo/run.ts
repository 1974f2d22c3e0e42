/**
 * `npm run demo`: one whole journey with no credentials at all. Keycard runs for real (Bolt over HTTP,
 * SQLite, the job queue, the real Slack, Jira and Okta SDK clients) against the built-in fakes the tests
 * use, on 127.0.0.1. Prints what each person sees, the Jira comment trail and the audit log.
 */
import { blocksText } from '../fakes/block-kit.js';
import { formatDateTimeUtc } from '../../src/domain/format.js';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya } = PEOPLE;

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function step(title: string): void {
  say(`\n\x1b[1m== ${title}\x1b[0m`);
}

async function approve(h: Harness, who: keyof typeof PEOPLE): Promise<void> {
  const card = h.card(who);
  if (!card) throw new Error(`${who} has no approval card`);
  say(`${PEOPLE[who].name} sees in Slack:\n  ${blocksText(card.blocks).split('\n').slice(0, 6).join('\n  ')}`);
  await h.driver.clickButton(PEOPLE[who].slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } } });
  await h.settle();
  say(`${PEOPLE[who].name} clicks Approve → the card now says: ${blocksText(h.slack.message(card.channel, card.ts)?.blocks ?? []).split('\n').at(-1)}`);
}

async function main(): Promise<void> {
  const h = await Harness.start();
  try {
    say(`Keycard is running at ${h.keycard.eventsUrl} against local fakes of Slack (${h.slack.url}), Jira (${h.jira.url}) and Okta (${h.okta.url}).`);
    say(`The clock starts at ${formatDateTimeUtc(h.clock.now())} and moves only when the demo moves it.`);

    step('1. Priya asks for elevated Salesforce access');
    const command = '/request salesforce admin 6h fixing the pipeline sync';
    say(`Priya types: ${command}`);
    const answer = await h.driver.command(priya.slackId, '/request', command.replace('/request ', ''));
    await h.settle();
    say(`Keycard answers (only Priya sees it): ${(answer.json as { text?: string } | undefined)?.text ?? answer.body}`);
    const issue = h.jira.issues()[0];
    say(`Jira issue ${issue?.key}: "${issue?.summary}"`);

    step('2. Her manager approves, then the app owner');
    h.clock.advance(3 * 60_000);
    await approve(h, 'marco');
    h.clock.advance(5 * 60_000);
    await approve(h, 'owen');

    step('3. Keycard adds her to the Okta groups itself');
    for (const group of ['00g1admin', '00g1audit']) say(`Okta group ${group}: ${h.okta.isMember(group, priya.oktaId) ? 'Priya is a member' : 'not a member'}`);
    say(`Priya's DM: ${h.lastDm('priya')?.text}`);

    step('4. Six hours later the access expires on its own');
    h.clock.advance(6 * 60 * 60_000);
    h.keycard.schedules.runAll();
    await h.settle();
    for (const group of ['00g1admin', '00g1audit']) say(`Okta group ${group}: ${h.okta.isMember(group, priya.oktaId) ? 'Priya is still a member' : 'Priya was removed'}`);
    say(`Priya's DM: ${h.lastDm('priya')?.text}`);

    step(`Jira comment trail on ${issue?.key} (status: ${issue ? h.jira.status(issue.key) : '?'})`);
    for (const comment of issue ? h.jira.comments(issue.key) : []) say(`• ${comment.replace(/\n/g, '\n  ')}`);

    step('Audit log (append-only, hash-chained)');
    for (const event of h.store.audit.all()) {
      say(`${formatDateTimeUtc(new Date(event.at))}  ${event.action.padEnd(24)} ${event.actor.padEnd(26)} ${event.hash.slice(0, 12)}…`);
    }
    const verified = h.store.audit.verify();
    say(verified.ok ? `\nHash chain verified: ${verified.count} events intact.` : `\nHash chain BROKEN at event ${verified.brokenAt}`);
    say(`\nSlack calls: ${h.slack.calls.length}, Jira calls: ${h.jira.calls.length}, Okta calls: ${h.okta.calls.length}.`);
  } finally {
    await h.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
