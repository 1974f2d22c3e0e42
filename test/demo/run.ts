/**
 * `npm run demo`: one whole journey with no credentials at all. Keycard runs for real (Bolt over HTTP,
 * SQLite, the job queue, the real Slack, Jira and Okta SDK clients) against the built-in fakes the tests
 * use, on 127.0.0.1. Prints every message and modal a person sees in full (test/demo/render.ts), the Jira
 * comment trail and the audit log; `--html <file>` also writes the journey as a page drawn as Slack would.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDateTimeUtc } from '../../src/domain/format.js';
import type { SlackView, StoredMessage } from '../fakes/slack.js';
import { denyWithReason } from '../support/deny.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, type PersonKey } from '../support/people.js';
import { journeyHtml, shownAsText, terminalStyle, type Names, type Shown } from './render.js';

const { priya, eve } = PEOPLE;
const HOUR = 60 * 60_000;

/** `--html demo.html` → the path to write, else null. */
function htmlPath(argv: readonly string[]): string | null {
  const at = argv.indexOf('--html');
  if (at < 0) return null;
  const path = argv[at + 1];
  if (!path) throw new Error('--html needs a file name, e.g. npm run demo -- --html demo.html');
  return resolve(path);
}

async function main(): Promise<void> {
  const out = htmlPath(process.argv.slice(2));
  // Colour only for a person at a terminal: piped or redirected output stays plain text.
  const style = terminalStyle(process.stdout.isTTY === true && !process.env['NO_COLOR']);
  const h = await Harness.start();
  const names: Names = (id) => h.slack.user(id)?.realName;
  const shown: Shown[] = [];
  let stepTitle = '';

  const say = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  const step = (title: string): void => {
    stepTitle = title;
    say(`\n${style.bold(`== ${title}`)}`);
  };
  const show = (item: Omit<Shown, 'step'>): void => {
    const full = { ...item, step: stepTitle };
    shown.push(full);
    say(shownAsText(full, names, style));
  };
  const showMessage = (who: PersonKey, message: StoredMessage | undefined): void => {
    if (message) show({ who: PEOPLE[who].name, kind: 'message', text: message.text, blocks: message.blocks ?? [] });
  };
  const showView = (who: PersonKey, view: SlackView | undefined): void => {
    if (!view) return;
    const title = typeof view.title?.['text'] === 'string' ? view.title['text'] : undefined;
    show({ who: PEOPLE[who].name, kind: view.type === 'home' ? 'home' : 'modal', ...(title ? { title } : {}), text: '', blocks: view.blocks });
  };
  /** The DMs a person got since `seen` of them. */
  const newDms = (who: PersonKey, seen: number): StoredMessage[] => h.slack.dms(PEOPLE[who].slackId).slice(seen);
  const dmCount = (who: PersonKey): number => h.slack.dms(PEOPLE[who].slackId).length;

  async function approve(who: PersonKey): Promise<void> {
    const card = h.card(who);
    if (!card) throw new Error(`${who} has no approval card`);
    // The card as it arrived, before the click changes it.
    const first = card.history[0];
    show({ who: PEOPLE[who].name, kind: 'message', text: first?.text ?? card.text, blocks: first?.blocks ?? card.blocks ?? [] });
    say(`${PEOPLE[who].name} clicks Approve.`);
    await h.approve(who);
    showMessage(who, h.slack.message(card.channel, card.ts));
  }

  try {
    say(`Keycard is running at ${h.keycard.eventsUrl} against local fakes of Slack (${h.slack.url}), Jira (${h.jira.url}) and Okta (${h.okta.url}).`);
    say(`The clock starts at ${formatDateTimeUtc(h.clock.now())} and moves only when the demo moves it.`);

    step('1. Priya asks for elevated Salesforce access');
    say('Priya types: /request salesforce');
    await h.driver.command(priya.slackId, '/request', 'salesforce');
    await h.settle();
    const form = h.slack.openViews(priya.slackId).at(-1);
    showView('priya', form);
    if (form) await h.driver.closeView(priya.slackId, form.id);
    const command = '/request salesforce admin 6h fixing the pipeline sync';
    say(`She closes the form and types the whole request in one line instead: ${command}`);
    let seen = dmCount('priya');
    const answer = await h.driver.command(priya.slackId, '/request', command.replace('/request ', ''));
    await h.settle();
    show({ who: priya.name, kind: 'ephemeral', text: (answer.json as { text?: string } | undefined)?.text ?? answer.body, blocks: [] });
    for (const dm of newDms('priya', seen)) showMessage('priya', dm);
    const issue = h.jira.issues()[0];
    say(`Jira issue ${issue?.key}: "${issue?.summary}"`);

    step('2. Her manager approves, then the app owner');
    h.clock.advance(3 * 60_000);
    seen = dmCount('priya');
    await approve('marco');
    h.clock.advance(5 * 60_000);
    await approve('owen');

    step('3. Keycard adds her to the Okta groups itself');
    for (const group of ['00g1admin', '00g1audit']) say(`Okta group ${group}: ${h.okta.isMember(group, priya.oktaId) ? 'Priya is a member' : 'not a member'}`);
    for (const dm of newDms('priya', seen)) showMessage('priya', dm);
    say('Priya opens Keycard\'s Home tab.');
    await h.driver.event('app_home_opened', { user: priya.slackId, channel: `D${priya.slackId}`, tab: 'home' });
    await h.settle();
    showView('priya', h.slack.home(priya.slackId));

    step('4. An hour before the end Keycard warns her, with Extend and I\'m done');
    seen = dmCount('priya');
    h.clock.advance(5 * HOUR + 5 * 60_000);
    h.keycard.schedules.runAll();
    await h.settle();
    for (const dm of newDms('priya', seen)) showMessage('priya', dm);

    step('5. At six hours the access expires on its own');
    seen = dmCount('priya');
    h.clock.advance(HOUR);
    h.keycard.schedules.runAll();
    await h.settle();
    for (const group of ['00g1admin', '00g1audit']) say(`Okta group ${group}: ${h.okta.isMember(group, priya.oktaId) ? 'Priya is still a member' : 'Priya was removed'}`);
    for (const dm of newDms('priya', seen)) showMessage('priya', dm);

    step('6. Eve asks for GitHub write access; Sara from security denies it');
    const eveSeen = dmCount('eve');
    await h.driver.command(eve.slackId, '/request', 'github write pushing a hotfix');
    await h.settle();
    const card = h.card('sara');
    if (!card) throw new Error('sara has no approval card');
    showMessage('sara', card);
    const reason = 'Use a fork and a pull request; write access is for maintainers.';
    say('Sara clicks Deny; Keycard asks why.');
    const { modal } = await denyWithReason(h, 'sara', card, reason);
    showView('sara', modal);
    say(`Sara types "${reason}" and submits.`);
    showMessage('sara', h.slack.message(card.channel, card.ts));
    for (const dm of newDms('eve', eveSeen)) showMessage('eve', dm);

    const trailers: Array<{ heading: string; lines: string[] }> = [];
    const trailer = (heading: string, lines: string[]): void => {
      trailers.push({ heading, lines });
      step(heading);
      for (const line of lines) say(line);
    };
    trailer(`Jira comment trail on ${issue?.key} (status: ${issue ? h.jira.status(issue.key) : '?'})`, (issue ? h.jira.comments(issue.key) : []).map((c) => `• ${c.replace(/\n/g, '\n  ')}`));
    const verified = h.store.audit.verify();
    trailer('Audit log (append-only, hash-chained)', [
      ...h.store.audit.all().map((event) => `${formatDateTimeUtc(new Date(event.at))}  ${event.action.padEnd(24)} ${event.actor.padEnd(26)} ${event.hash.slice(0, 12)}…`),
      verified.ok ? `Hash chain verified: ${verified.count} events intact.` : `Hash chain BROKEN at event ${verified.brokenAt}`,
    ]);
    say(`\nSlack calls: ${h.slack.calls.length}, Jira calls: ${h.jira.calls.length}, Okta calls: ${h.okta.calls.length}.`);

    if (out) {
      writeFileSync(out, journeyHtml('Keycard: one journey, as each person sees it', 'Recorded by npm run demo against the built-in fakes of Slack, Jira and Okta.', shown, trailers, names));
      say(`Wrote ${out}`);
    }
  } finally {
    await h.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
