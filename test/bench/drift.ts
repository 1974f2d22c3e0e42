/**
 * `npm run bench -- drift` (issue 12): `/access-admin sync` at scale, on the access review benchmark's
 * organisation (review-org.ts): 20 apps on Okta, Entra ID and Google, 5,000 memberships of which about three
 * in ten were granted through Keycard (grants with their held groups, written straight into the store), a
 * few groups named like the apps that no role maps, every identity provider fake adding 50 ms to each call.
 *
 * Reports the check's wall time through the worker (command → report DM'd), the calls made to each provider
 * against the fewest the member listings need (each group read once), and checks the findings against the
 * organisation: every membership not granted through Keycard found, nothing else, every suspended account.
 */
import { ManualClock } from '../../src/domain/clock.js';
import { lastDrift } from '../../src/workflows/drift/index.js';
import { Harness, startFakes, stopFakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';
import { buildOrg, callKind, catalogYaml, minimumCalls, seconds, seedFakes, seedOrgGrants, identityCalls, type BenchOrg } from './review-org.js';

const { ada } = PEOPLE;
const LATENCY_MS = 50;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** What the check must find: per app, the people in one of its groups without a Keycard grant holding it. */
function expected(org: BenchOrg): { handAdded: number; inactive: number } {
  let handAdded = 0;
  const inactive = new Set<string>();
  for (const app of org.apps) {
    const people = new Set<number>();
    for (const role of app.roles) {
      role.members.forEach((members) => {
        for (const index of members) {
          if (!org.granted.has(`${app.id}/${role.id}/${index}`)) people.add(index);
          if (org.people[index]?.suspended) inactive.add(`${app.provider}:${index}`);
        }
      });
    }
    handAdded += people.size;
  }
  return { handAdded, inactive: inactive.size };
}

export async function benchDrift(): Promise<void> {
  const wall = performance.now();
  const org = buildOrg();
  const clock = new ManualClock('2026-01-06T14:00:00Z');
  const fakes = await startFakes(['entra', 'google']);
  let h: Harness | undefined;
  try {
    seedFakes(fakes, org, clock.now().getTime());
    // Every fourth app has a group named after it that no role maps.
    const unmapped = org.apps.filter((_, i) => i % 4 === 0);
    for (const app of unmapped) {
      if (app.provider === 'okta') fakes.okta.addGroup({ id: `00gleg${app.id.slice(-2)}`, name: `${app.id}-legacy-admins` });
      else if (app.provider === 'entra') fakes.graph?.addGroup({ id: `legacy-${app.id}`, displayName: `${app.id}-legacy-admins` });
      else fakes.google?.addGroup({ id: `03gleg${app.id.slice(-2)}`, email: `${app.id}-legacy@acme.com`, name: `${app.id}-legacy-admins` });
    }
    h = await Harness.start({ fakes, clock, catalogYaml: catalogYaml(org) });
    const grants = seedOrgGrants(h, org, { why: 'seeded for the drift benchmark', startsAt: h.clock.now().getTime(), held: true });
    const want = expected(org);
    print(`\nDrift check at scale: ${org.items.toLocaleString('en')} memberships over ${org.apps.length} apps, ${grants.toLocaleString('en')} granted through Keycard, ${unmapped.length} unmapped groups (seeded in ${seconds(performance.now() - wall)})`);

    for (const fake of [fakes.okta, fakes.graph, fakes.google]) if (fake) fake.latencyMs = LATENCY_MS;
    const marks = identityCalls(fakes, 'drift').map((f) => f.calls.length);
    const dmsBefore = h.slack.dms(ada.slackId).length;
    const started = performance.now();
    await h.driver.command(ada.slackId, '/access-admin', 'sync');
    await h.settle();
    const done = performance.now();
    for (const fake of [fakes.okta, fakes.graph, fakes.google]) if (fake) fake.latencyMs = 0;
    const report = lastDrift(h.keycard.deps)?.report;
    if (!report || h.slack.dms(ada.slackId).length !== dmsBefore + 1) throw new Error('the drift check did not report to the admin');

    const found = report.apps.reduce((n, a) => n + a.handAdded.length, 0);
    const ok = (a: number, b: number) => (a === b ? 'as expected' : `EXPECTED ${b}`);
    print(`  /access-admin sync → report DM'd: ${seconds(done - started)} (+${LATENCY_MS} ms per identity-provider call)`);
    print(`    found: ${found.toLocaleString('en')} people added by hand (${ok(found, want.handAdded)}), ${report.inactive.length} suspended accounts (${ok(report.inactive.length, want.inactive)}), ${report.unmappedGroups.length} unmapped groups (${ok(report.unmappedGroups.length, unmapped.length)}), ${report.missingGroups.length} missing groups (${ok(report.missingGroups.length, 0)})`);
    print(`    ${'provider'.padEnd(8)} ${'member pages made / minimum'.padEnd(28)} ${'user reads'.padEnd(11)} group listing + searches`);
    identityCalls(fakes, 'drift').forEach(({ provider, calls }, i) => {
      const made = (calls.slice(marks[i]) ?? []).filter((c) => callKind(provider, c.path) !== 'auth');
      const members = made.filter((c) => callKind(provider, c.path) === 'members').length;
      const users = made.filter((c) => callKind(provider, c.path) === 'users').length;
      const other = made.filter((c) => callKind(provider, c.path) === 'other').length;
      print(`    ${provider.padEnd(8)} ${`${members} / ${minimumCalls(org, provider).members}`.padEnd(28)} ${String(users).padEnd(11)} ${other} (apps: ${org.apps.filter((a) => a.provider === provider).length})`);
    });
    print(`    user reads: what a listing lacks (Okta's managers, Google's profiles); searches: the app's id and its name, per app`);
    for (const fake of [h.slack, h.jira, h.okta, h.graph, h.google]) fake.assertNoUnexpected();
    print(`  whole drift benchmark: ${seconds(performance.now() - wall)}`);
  } finally {
    if (h) await h.stop();
    else await stopFakes(fakes);
  }
}
