/**
 * `/access-admin stats`, `export`, `grants` and `pending` through the real app, against a history made of
 * real journeys on a manual clock, so every figure has a known answer worked out by hand below; and every
 * evidence command's refusal for a non-admin (audited) and its usage for bad arguments.
 *
 * The history (Tue 6 Jan 2026, UTC):
 *   #1 14:00 Priya Salesforce Viewer, auto-approved, granted 14:00             request→access 0s,    approval→access 0s
 *   #2 14:00 Priya Salesforce Admin 24h: Marco 14:10, Owen 14:20, granted 14:20                  20m,                  0s
 *   #3 14:20 Eve GitHub Write: Sara 15:20, granted 15:20; revoked by Ada 17:40                   1h,                   0s
 *   #4 15:20 Sam Warehouse Analyst: denied by Priya 15:30
 *   #5 15:30 Priya Figma Editor (manual): Marco 15:40, done by Sam 16:40 (a person)             1h 10m,               1h (touched)
 *   #6 16:40 Eve Salesforce Admin 1h: waiting on Owen
 *   #7 16:40 Priya GitHub Write: Sara 17:00, Okta refuses (403), Ada retries 17:30, granted      50m,                  30m (touched)
 *      17:30; revoked by Ada 17:50, Okta refuses the removal (403): failing
 * At 18:00: request→access median 50m, p90 1h 10m; approval→access median 0s, p90 1h; hands-off 3 of 5.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REQUESTS_CSV_COLUMNS } from '../../src/workflows/insight/index.js';
import { csvRecords, parseCsv } from '../support/csv.js';
import { denyWithReason } from '../support/deny.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, figmaManualApp, type PersonKey } from '../support/people.js';

const { priya, eve, sam, ada, owen } = PEOPLE;
const CATALOG = `${TEST_CATALOG}${figmaManualApp('[manager]')}`;
const HOUR = 3600_000;

async function approveLatest(h: Harness, person: PersonKey): Promise<void> {
  const card = h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve')).at(-1);
  if (!card) throw new Error(`${person} has no open approval card`);
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } } });
  await h.settle();
}

async function request(h: Harness, person: PersonKey, text: string): Promise<void> {
  await h.driver.command(PEOPLE[person].slackId, '/request', text);
  await h.settle();
}

/** The admin's `/access-admin <text>` and the ephemeral answer in the acknowledgement. */
async function adminSays(h: Harness, text: string): Promise<string> {
  const answer = await h.driver.command(ada.slackId, '/access-admin', text);
  await h.settle();
  return (answer.json as { text?: string } | undefined)?.text ?? answer.body;
}

async function history(h: Harness): Promise<void> {
  const set = (hhmm: string) => h.clock.set(`2026-01-06T${hhmm}:00Z`);
  await request(h, 'priya', 'salesforce viewer');
  await request(h, 'priya', 'salesforce admin 24h fixing the pipeline sync');
  set('14:10');
  await approveLatest(h, 'marco');
  set('14:20');
  await approveLatest(h, 'owen');
  await request(h, 'eve', 'github write pushing the release branch');
  set('15:20');
  await approveLatest(h, 'sara');
  await request(h, 'sam', 'warehouse analyst checking the churn numbers');
  set('15:30');
  const denyCard = h.slack.dms(priya.slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_deny')).at(-1)!;
  await denyWithReason(h, 'priya', denyCard, 'use the staging copy');
  await request(h, 'priya', 'figma editor drawing the new onboarding');
  set('15:40');
  await approveLatest(h, 'marco');
  set('16:40');
  const task = h.slack.messages('CALERTS').find((m) => JSON.stringify(m.blocks ?? []).includes('task_done'))!;
  await h.driver.clickButton(sam.slackId, { actionId: 'task_done', blockId: 'task_actions', container: { message: { channel: task.channel, ts: task.ts } } });
  await h.settle();
  await request(h, 'eve', 'salesforce admin 1h =SUM(A1:A2) for the quarterly audit');
  await request(h, 'priya', 'github write tagging the release');
  h.okta.inject({ method: 'PUT', path: /\/groups\/00g2write\/users\/00uPRIYA/, status: 403, times: 1 });
  set('17:00');
  await approveLatest(h, 'sara');
  expect(h.store.requests.get(7)?.status).toBe('failed');
  set('17:30');
  expect(await adminSays(h, 'retry 7')).toContain('is being retried');
  set('17:40');
  expect(await adminSays(h, 'revoke 3 moved teams')).toContain('Revoking');
  set('17:50');
  h.okta.inject({ method: 'DELETE', path: /\/groups\/00g2write\/users\/00uPRIYA/, status: 403, times: 1 });
  expect(await adminSays(h, 'revoke 7 left the project')).toContain('Revoking');
  set('18:00');
}

describe('/access-admin stats, export, grants and pending', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('computes every figure of stats from the records, matching the history worked out by hand', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await history(h);
    expect(h.store.requests.listByStatus(['active', 'revoked', 'denied', 'pending_approval']).map((r) => `${r.id}:${r.status}`)).toEqual(['1:active', '2:active', '3:revoked', '4:denied', '5:active', '6:pending_approval', '7:active']);
    expect(h.store.grants.forRequest(7)?.status).toBe('ending');

    const month = await adminSays(h, 'stats');
    const twoHours = await adminSays(h, 'stats 2h');

    expect(month.split('\n')).toEqual([
      '*Keycard, last 30d* (requests filed 2025-12-07 18:00 UTC to 2026-01-06 18:00 UTC)',
      '• Requests: 7 (7 access, 0 extensions): 5 got access, 1 denied, 0 cancelled, 0 failed, 1 waiting',
      '• Provisioned with no human touch after approval: 3 of 5 (60%)',
      '• Request → access: median 50m, p90 1h 10m (over 5)',
      '• Approval → access: median 0s, p90 1h (over 5)',
      '• Denied: 1',
      '• Approvals waiting now: 1; the oldest since 2026-01-06 16:40 UTC (request #6, 1h 20m)',
      '• Active elevated grants (roles that need an approval): 2; 1 with no end (target 0)',
      '• Removals: 1 done (1 revoked); 1 failing now (#7; see `/access-admin status`)',
    ]);
    expect(twoHours).toContain('*Keycard, last 2h* (requests filed 2026-01-06 16:00 UTC to 2026-01-06 18:00 UTC)');
    expect(twoHours).toContain('• Requests: 2 (2 access, 0 extensions): 1 got access, 0 denied, 0 cancelled, 0 failed, 1 waiting');
    expect(twoHours).toContain('• Provisioned with no human touch after approval: 0 of 1 (0%)');
    expect(twoHours).toContain('• Request → access: median 50m, p90 50m (over 1)');
  });

  it('exports every request of the range with its whole chain as CSV, by DM, one app or all', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await history(h);

    const answer = await adminSays(h, 'export 2026-01-06');
    await h.drain();
    const onlyGithub = await adminSays(h, 'export 2026-01-01 2026-01-06 app=github');
    await h.drain();

    expect(answer).toContain('Exporting the 7 request(s) filed 2026-01-06 to 2026-01-06 with their whole chain');
    expect(onlyGithub).toContain('Exporting the 2 request(s) filed 2026-01-01 to 2026-01-06 (app github)');
    const [all, github] = h.slack.filesSentTo(ada.slackId);
    expect(all?.name).toBe('keycard-requests-2026-01-06-to-2026-01-06.csv');
    expect(parseCsv(all?.content ?? '')[0]).toEqual([...REQUESTS_CSV_COLUMNS]);
    const rows = csvRecords(all?.content ?? '');
    expect(rows.map((r) => `${r['request']} ${r['status']}`)).toEqual(['1 active', '2 active', '3 revoked', '4 denied', '5 active', '6 waiting for approval', '7 active']);
    expect(csvRecords(github?.content ?? '').map((r) => r['request'])).toEqual(['3', '7']);
    const key = (id: number) => h!.store.requests.get(id)!.jiraKey!;

    expect(rows[1]).toMatchObject({
      kind: 'access',
      'requested at': '2026-01-06T14:00:00.000Z',
      requester: 'Priya Shah',
      'requester email': 'priya@acme.com',
      'requester slack id': priya.slackId,
      app: 'Salesforce',
      role: 'System Admin',
      provider: 'okta',
      groups: '00g1admin; 00g1audit',
      duration: '1d',
      justification: 'fixing the pipeline sync',
      'approval policy': 'manager → owner',
      approvals: 'Stage 1 of 2 (manager): approved by Marco Rossi (marco@acme.com) at 2026-01-06 14:10 UTC | Stage 2 of 2 (owner): approved by Owen Park (owen@acme.com) at 2026-01-06 14:20 UTC',
      'approved at': '2026-01-06T14:20:00.000Z',
      'granted at': '2026-01-06T14:20:00.000Z',
      'groups confirmed': '00g1admin 2026-01-06T14:20:00.000Z; 00g1audit 2026-01-06T14:20:00.000Z',
      'ends at': '2026-01-07T14:20:00.000Z',
      'ended at': '',
      'jira key': key(2),
      'jira url': `${h.jira.url}/browse/${key(2)}`,
    });
    expect(rows[2]).toMatchObject({
      requester: 'Eve Stone',
      approvals: 'Stage 1 of 1 (group:security): approved by Sara Lind (sara@acme.com) at 2026-01-06 15:20 UTC; also asked, did not decide: Sam Okafor (sam@acme.com)',
      'ends at': 'standing',
      'ended at': '2026-01-06T17:40:00.000Z',
      'end reason': 'revoked by Ada Admin (ada@acme.com): “moved teams”',
      'ended by': 'Ada Admin (ada@acme.com)',
      'removal confirmed at': '2026-01-06T17:40:00.000Z',
      removal: '00g2write removed at 2026-01-06 17:40 UTC',
    });
    expect(rows[3]).toMatchObject({ approvals: 'Stage 1 of 1 (group:self-review): denied by Priya Shah (priya@acme.com) at 2026-01-06 15:30 UTC: “use the staging copy”', 'granted at': '', 'approved at': '' });
    expect(rows[4]).toMatchObject({ provider: 'manual', groups: '', 'approved at': '2026-01-06T15:40:00.000Z', 'granted at': '2026-01-06T16:40:00.000Z', 'ends at': 'standing' });
    // A field that would run as a spreadsheet formula is written as text.
    expect(rows[5]?.['justification']).toBe("'=SUM(A1:A2) for the quarterly audit");
    expect(rows[6]).toMatchObject({ 'end reason': 'revoked by Ada Admin (ada@acme.com): “left the project”', 'ended at': '', 'removal confirmed at': '', removal: 'still holds 00g2write' });
    expect(h.store.audit.all().filter((e) => e.action === 'insight.exported').map((e) => e.data['rows'])).toEqual([7, 2]);
  });

  it('lists active grants (all, one app, one person) and what waits, a page at a time', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await history(h);
    const now = h.clock.now().getTime();
    h.store.tx(() => {
      for (let i = 0; i < 30; i += 1) {
        const seeded = h!.store.requests.insert(
          {
            requesterSlackId: owen.slackId,
            requesterEmail: owen.email,
            requesterName: owen.name,
            appId: 'github',
            roleId: 'write',
            snapshot: { appName: 'GitHub', roleName: 'Write', roleDescription: 'Push', provider: 'okta', groups: ['00g2write'], owner: 'sara@acme.com', approval: ['group:security'], maxDurationMs: null },
            durationMs: HOUR,
            justification: 'seeded for the paging test',
            status: 'active',
          },
          new Date(now),
        );
        h!.store.grants.insert({ requestId: seeded.id, userSlackId: owen.slackId, appId: 'github', roleId: 'write', provider: 'okta', idpUserId: owen.oktaId, groups: ['00g2write'], startsAt: now, endsAt: now + HOUR + i * 60_000 });
      }
    });

    const first = await adminSays(h, 'grants');
    const second = await adminSays(h, 'grants page=2');
    const tooFar = await adminSays(h, 'grants page=3');
    const priyas = await adminSays(h, 'grants priya@acme.com');
    const github = await adminSays(h, 'grants github page=2');
    const pending = await adminSays(h, 'pending');

    expect(first.split('\n')[0]).toBe('*Active grants*: 33, time-bound first (soonest end first), then standing');
    expect(first.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(25);
    expect(first).toContain('Page 1 of 2. Next: `/access-admin grants page=2`');
    expect(first.split('\n')[1]).toContain(`#8 <@${owen.slackId}> GitHub / Write (okta 00g2write) since 2026-01-06 18:00 UTC, ends 2026-01-06 19:00 UTC (in 1h)`);
    expect(second.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(8);
    expect(second).toContain('Page 2 of 2.');
    expect(second).toContain(`• #5 <@${priya.slackId}> Figma / Editor (by hand) since 2026-01-06 16:40 UTC, standing (no end)`);
    expect(tooFar).toBe('There is no page 3: 33 item(s) make 2 page(s).');
    expect(priyas.split('\n').filter((l) => l.startsWith('• ')).map((l) => l.split(' ')[1])).toEqual(['#2', '#1', '#5']);
    expect(priyas.split('\n')[0]).toBe(`*Active grants of <@${priya.slackId}>*: 3, time-bound first (soonest end first), then standing`);
    expect(github.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(5);
    expect(pending.split('\n')).toEqual([
      '*Waiting*: 1 request(s), oldest first',
      `• #6 <@${eve.slackId}> Salesforce / System Admin, filed 2026-01-06 16:40 UTC (1h 20m ago): stage 1 of 2 (manager) waiting since 2026-01-06 16:40 UTC on <@${owen.slackId}> · <${h.jira.url}/browse/${h.store.requests.get(6)!.jiraKey}|${h.store.requests.get(6)!.jiraKey}>`,
    ]);
    for (const answer of [first, second, priyas, github, pending]) expect(answer.length).toBeLessThan(40_000);
  });

  it('audits a denied request, a manual one, one waiting, and one that failed, was retried and whose removal fails', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await history(h);
    const link = (id: number) => `<${h!.jira.url}/browse/${h!.store.requests.get(id)!.jiraKey}|${h!.store.requests.get(id)!.jiraKey}>`;

    const answers: string[] = [];
    for (const id of [4, 5, 6, 7]) {
      await h.driver.command(ada.slackId, '/access-admin', `audit ${id}`);
      await h.settle();
      answers.push(h.slack.ephemerals(ada.slackId).at(-1)?.text ?? '');
    }

    const refused = 'Okta refused to add user 00uPRIYA to group 00g2write (HTTP 403: HTTP 403 ); check OKTA_API_TOKEN and that its admin role covers the group';
    expect(answers.map((a) => a.split('\n'))).toEqual([
      [
        `*Request #4*: Data Warehouse / Analyst for <@${sam.slackId}> · ${link(4)} · denied`,
        `• Asked by <@${sam.slackId}> (Sam Okafor, sam@acme.com, Security Engineer, Security) at 2026-01-06 15:20 UTC for okta group 00g3analyst (standing access): “checking the churn numbers”`,
        `• Stage 1 of 1 (group:self-review): denied by <@${priya.slackId}> at 2026-01-06 15:30 UTC: “use the staging copy”`,
      ],
      [
        `*Request #5*: Figma / Editor for <@${priya.slackId}> · ${link(5)} · active`,
        `• Asked by <@${priya.slackId}> (Priya Shah, priya@acme.com, Data Engineer, Data) at 2026-01-06 15:30 UTC for Figma, set up by hand (standing access): “drawing the new onboarding”`,
        `• Stage 1 of 1 (manager): approved by <@UMARCO> at 2026-01-06 15:40 UTC`,
        `• Granted by hand in Figma by <@${sam.slackId}> at 2026-01-06 16:40 UTC (fulfilment task); standing access (no end)`,
        '• Used since granted: cannot tell (Figma is a manual app, with no sign-in record in an identity provider)',
      ],
      [
        `*Request #6*: Salesforce / System Admin for <@${eve.slackId}> · ${link(6)} · waiting for approval`,
        `• Asked by <@${eve.slackId}> (Eve Stone, eve@acme.com, Account Executive, Sales) at 2026-01-06 16:40 UTC for okta groups 00g1admin, 00g1audit (1h): “=SUM(A1:A2) for the quarterly audit”`,
        `• Stage 1 of 2 (manager): waiting since 2026-01-06 16:40 UTC on <@${owen.slackId}>`,
      ],
      [
        `*Request #7*: GitHub / Write for <@${priya.slackId}> · ${link(7)} · active`,
        `• Asked by <@${priya.slackId}> (Priya Shah, priya@acme.com, Data Engineer, Data) at 2026-01-06 16:40 UTC for okta group 00g2write (standing access): “tagging the release”`,
        `• Stage 1 of 1 (group:security): approved by <@USARA> at 2026-01-06 17:00 UTC; also asked, did not decide: <@${sam.slackId}>`,
        `• Failed at 2026-01-06 17:00 UTC: ${refused}`,
        '• Provisioning undone at 2026-01-06 17:00 UTC: no group had been added, nothing was held',
        `• Retried by <@${ada.slackId}> at 2026-01-06 17:30 UTC`,
        `• Granted in okta (user ${priya.oktaId}) at 2026-01-06 17:30 UTC: 00g2write added at 2026-01-06 17:30 UTC, each add confirmed by okta; standing access (no end)`,
        `• Ending since 2026-01-06 17:50 UTC: revoked by <@${ada.slackId}>: “left the project”; still holds 00g2write (last error at 2026-01-06 17:50 UTC: ${refused.replace('add user 00uPRIYA to', 'remove user 00uPRIYA from')})`,
        "• Used since granted: no sign-in anywhere (okta tells only the last sign-in overall, not GitHub's) on record in okta",
      ],
    ]);
    // The lines above are the records: the step, the task, the failure and the held group as stored.
    expect(h.store.requests.steps(4)[0]).toMatchObject({ status: 'denied', decidedBy: priya.slackId, reason: 'use the staging copy' });
    expect(h.store.insight.tasksOf([5])[0]).toMatchObject({ kind: 'grant', status: 'done', decidedBy: sam.slackId });
    expect(h.store.grants.held(h.store.grants.forRequest(7)!.id)).toMatchObject([{ groupId: '00g2write', lastError: refused.replace('add user 00uPRIYA to', 'remove user 00uPRIYA from') }]);
  });

  it.each(['audit 1', 'audit <@UPRIYA>', 'audit ACCESS-1 --to-jira', 'export', 'stats 7d', 'grants', 'grants salesforce', 'pending'])('refuses `%s` to someone who is not an admin, and records the refusal', async (text) => {
    h = await Harness.start({ catalogYaml: CATALOG });

    const answer = await h.driver.command(priya.slackId, '/access-admin', text);
    await h.settle();

    expect(answer.body).toContain('`/access-admin` is for Keycard admins');
    expect(h.slack.ephemerals(priya.slackId)).toEqual([]);
    expect(h.store.audit.all().filter((e) => e.action === 'admin.refused').map((e) => [e.actor, e.data['text']])).toEqual([[`user:${priya.slackId}`, text]]);
    expect(h.jira.issues()).toEqual([]);
    expect(h.store.jobs.list()).toEqual([]);
  });

  it.each([
    ['audit', 'Usage: `/access-admin audit <request id | JIRA-KEY> [--to-jira]`'],
    ['audit 1 2', 'Usage: `/access-admin audit <request id | JIRA-KEY> [--to-jira]`'],
    ['audit salesforce', "'salesforce' names no request or person."],
    ['audit priya@acme.com --to-jira', '`--to-jira` posts a request\'s chain on its Jira issue'],
    ['export yesterday', "'yesterday' is not a date (YYYY-MM-DD) or app=<app id>. Usage: `/access-admin export"],
    ['export 2026-02-30', "'2026-02-30' is not a date"],
    ['export 2026-01-06 2026-01-01', 'The range is empty: from 2026-01-06 is after to.'],
    ['export 2026-01-01 2026-01-02 2026-01-03', 'At most two dates (from and to).'],
    ['export app=salesfroce', "No app 'salesfroce' in the catalog or in Keycard's records. Did you mean: salesforce?"],
    ['export 2025-01-01 2025-01-31', 'No requests were filed 2025-01-01 to 2025-01-31: nothing to export.'],
    ['stats forever', "'forever' is not a period. Usage: `/access-admin stats [period]`"],
    ['stats 400d', 'A period of at most 366d.'],
    ['grants salesforce github', 'Usage: `/access-admin grants [app | @user] [page=N]`'],
    ['grants page=0', 'Usage: `/access-admin grants [app | @user] [page=N]`'],
    ['grants salesfroce', "No app 'salesfroce' in the catalog or in Keycard's records. Did you mean: salesforce?"],
    ['grants nobody@acme.com', "Nobody with the email nobody@acme.com is in Slack or in Keycard's records."],
    ['pending later', 'Usage: `/access-admin pending [page=N]`'],
  ])('answers `%s` with what is wrong and how to ask', async (text, expected) => {
    h = await Harness.start({ catalogYaml: CATALOG });

    const answer = await adminSays(h, text);

    expect(answer).toContain(expected);
    expect(h.slack.ephemerals(ada.slackId)).toEqual([]);
    expect(h.store.jobs.list()).toEqual([]);
    expect(h.store.audit.all().filter((e) => e.action === 'admin.command').map((e) => e.data['text'])).toEqual([text]);
  });
});
