/**
 * The Graph and Google fakes throttle membership writes like the services: a sliding one-minute window,
 * Graph's 429 TooManyRequests and Google's 403 userRateLimitExceeded, each with Retry-After.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GoogleFake } from './google.js';
import { GraphFake } from './graph.js';

const TOKEN = 'rate-test-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('directory fakes rate-limit membership writes', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  it('Graph answers 429 with Retry-After once the minute is full, and accepts again when it slides', async () => {
    let now = Date.parse('2026-01-06T14:00:00Z');
    const graph = new GraphFake({ token: TOKEN });
    await graph.start();
    stops.push(() => graph.stop());
    for (const id of ['u1', 'u2', 'u3']) graph.addUser({ id, userPrincipalName: `${id}@acme.com`, displayName: id });
    graph.addGroup({ id: 'g1', displayName: 'g1' });
    graph.setRateLimit({ perMinute: 2, now: () => now });
    const add = (user: string) =>
      fetch(`${graph.graphBaseUrl}/groups/g1/members/$ref`, { method: 'POST', headers: auth, body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user}` }) });

    const first = await add('u1');
    now += 20_000;
    const second = await add('u2');
    const third = await add('u3');
    now += 40_001;
    const afterSlide = await add('u3');

    expect([first.status, second.status, third.status, afterSlide.status]).toEqual([204, 204, 429, 204]);
    expect(third.headers.get('retry-after')).toBe('40');
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
    expect(graph.members('g1')).toEqual(['u1', 'u2', 'u3']);
  });

  it('Google answers 403 userRateLimitExceeded with Retry-After once the minute is full', async () => {
    let now = Date.parse('2026-01-06T14:00:00Z');
    const google = new GoogleFake({ token: TOKEN });
    await google.start();
    stops.push(() => google.stop());
    google.addUser({ id: '1', primaryEmail: 'a@acme.com', givenName: 'A', familyName: 'A' });
    google.addGroup({ id: '03g1', email: 'g1@acme.com', name: 'g1' });
    google.addMember('g1@acme.com', '1');
    google.setRateLimit({ perMinute: 1, now: () => now });
    const remove = () => fetch(`${google.url}/admin/directory/v1/groups/g1@acme.com/members/1`, { method: 'DELETE', headers: auth });
    const insert = () => fetch(`${google.url}/admin/directory/v1/groups/g1@acme.com/members`, { method: 'POST', headers: auth, body: JSON.stringify({ email: 'a@acme.com', role: 'MEMBER' }) });

    const removed = await remove();
    now += 1_000;
    const refused = await insert();

    expect(removed.status).toBe(204);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('retry-after')).toBe('59');
    expect(((await refused.json()) as { error: { errors: Array<{ reason: string; domain: string }> } }).error.errors[0]).toEqual({ message: 'User Rate Limit Exceeded', domain: 'usageLimits', reason: 'userRateLimitExceeded' });
    expect(google.members('g1@acme.com')).toEqual([]);
  });
});
