/**
 * `/access-admin` tells an admin every command it accepts: the help (also the answer to an empty or unknown
 * command) and the manifest's usage hint list every verb the listener handles, and every command the help
 * lists is one the real app understands. The listener's verbs are read from its source so a new `case`
 * cannot ship without its help line.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { adminHelpText } from '../../src/slack/help.js';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { ada } = PEOPLE;

function read(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/** Every command line the listener accepts: its top-level `case`s, plus the two-word ones it matches itself. */
function listenerCommands(): string[] {
  const source = read('src/slack/listeners/admin.ts');
  const verbs = [...source.matchAll(/case '([a-z]+)'/g)].map((m) => m[1] ?? '');
  const twoWord = [...source.matchAll(/rest\[0\] [!=]== '([a-z]+)'/g)].map((m) => m[1] ?? '');
  expect(twoWord.sort()).toEqual(['job', 'verify']);
  expect(source).toMatch(/catalog\\s\+reload/);
  // `review` has its own sub-commands, in src/slack/listeners/admin-review.ts.
  const review = [...read('src/slack/listeners/admin-review.ts').matchAll(/case '([a-z]+)'/g)].map((m) => `review ${m[1] ?? ''}`);
  expect(review.length).toBeGreaterThan(0);
  // `audit <request | @user>` is answered in src/slack/listeners/admin-evidence.ts (it asks a provider after the ack).
  expect(read('src/slack/listeners/admin-evidence.ts')).toMatch(/export function isAuditLookup/);
  const audit = ['audit <request id>', 'audit <@user>'];
  // sync, catalog, revoke and extend by person, delegate: src/slack/listeners/admin-steer.ts and admin-delegate.ts.
  const steer = [...read('src/slack/listeners/admin-steer.ts').matchAll(/case '([a-z]+)'/g)].map((m) => m[1] ?? '');
  expect(steer).toEqual(['sync', 'catalog', 'revoke', 'extend', 'delegate']);
  const delegate = [...read('src/slack/listeners/admin-delegate.ts').matchAll(/case '([a-z]+)'/g)].map((m) => `delegate ${m[1] ?? ''}`);
  const all = [...verbs.filter((v) => v !== 'help' && v !== 'audit' && v !== 'catalog' && v !== 'review'), 'retry job', 'audit verify', ...audit, 'catalog reload', ...review, ...steer.filter((v) => v !== 'revoke'), 'catalog validate', ...delegate];
  // `offboard` and `onboard` have their own file too (src/slack/listeners/admin-lifecycle.ts), with `offboard status`.
  const lifecycle = [...read('src/slack/listeners/admin-lifecycle.ts').matchAll(/case '([a-z]+)'/g)].map((m) => m[1] ?? '');
  expect(lifecycle.sort()).toEqual(['offboard', 'onboard']);
  // `reclaim` too, in src/slack/listeners/admin-reclaim.ts.
  const reclaim = [...read('src/slack/listeners/admin-reclaim.ts').matchAll(/case '([a-z]+)'/g)].map((m) => `reclaim ${m[1] ?? ''}`);
  expect(reclaim.length).toBeGreaterThan(0);
  return [...new Set([...all.filter((v) => v !== 'reclaim'), ...lifecycle, 'offboard status', ...reclaim])];
}

function usageHint(): string {
  const manifest = JSON.parse(read('manifest.slack.json')) as { features: { slash_commands: Array<{ command: string; usage_hint: string }> } };
  return manifest.features.slash_commands.find((c) => c.command === '/access-admin')?.usage_hint ?? '';
}

describe('/access-admin help', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it.each(listenerCommands())('lists `%s` in the help and in the manifest usage hint', (command) => {
    expect(adminHelpText()).toContain(`\`/access-admin ${command}`);
    expect(usageHint()).toMatch(new RegExp(`(^|\\| )${command}( |$)`));
  });

  it('answers an empty or unknown command with every command, and understands every command it lists', async () => {
    h = await Harness.start();
    const listed = [...adminHelpText().matchAll(/`\/access-admin ([^`]+)`/g)].map((m) => (m[1] ?? '').replace(/<request id>|<job id>|<id>/g, '999').replace(/<group id>/g, '00g1admin').replace(/<reason>/g, 'left the project')
        .replace(/<@user>|<@approver>/g, '<@UMARCO>').replace(/<@delegate>/g, '<@USAM>').replace(/<app\[\/role\]>|<app\/role>/g, 'salesforce/admin').replace(/<duration>/g, '1h').replace(/<date>/g, '2026-01-20').replace(/ \[path\]/g, '').replace(/<bundle>/g, 'data-eng').replace(/<issue key>/g, 'ACCESS-999'))
      .map((line) => (line.startsWith('reclaim') ? line.replace(/<app>/g, 'salesforce').replace(/<person>/g, 'priya@acme.com').replace(/ \[reason\]/g, ' on leave') : line.replace(/<person>/g, 'nobody@acme.com')));

    const empty = await h.driver.command(ada.slackId, '/access-admin', '');
    const unknown = await h.driver.command(ada.slackId, '/access-admin', 'frobnicate');
    const answers = [];
    for (const line of listed.filter((l) => l !== 'catalog reload' && l !== 'audit verify')) answers.push(await h.driver.command(ada.slackId, '/access-admin', line));

    for (const command of listenerCommands()) {
      expect(empty.body).toContain(`/access-admin ${command}`);
      expect(unknown.body).toContain(`/access-admin ${command}`);
    }
    expect(unknown.body).toContain("Unknown command 'frobnicate'");
    expect(listed.length).toBeGreaterThanOrEqual(listenerCommands().length);
    await h.keycard.settle();
    for (const answer of [...answers.map((a) => a.body), ...h.slack.ephemerals(ada.slackId).map((e) => e.text)]) {
      expect(answer).not.toContain('Unknown command');
      expect(answer).not.toContain('Usage:');
    }
  });
});
