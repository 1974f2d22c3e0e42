/**
 * What only the Okta adapter does: the last sign-in to one app, from the System Log's
 * `user.authentication.sso` events, through the real SDK client against the fake.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OktaProvider } from '../../src/identity/okta/okta.js';
import { OktaFake } from '../fakes/okta.js';

const NOW = Date.parse('2026-01-06T14:00:00Z');
const TOKEN = 'okta-test-token';
const APP_X = '0oaAPPX';
const APP_Y = '0oaAPPY';
const SSO = 'user.authentication.sso';

let fake: OktaFake;

function provider(): OktaProvider {
  return new OktaProvider({ orgUrl: fake.url, token: TOKEN, now: () => NOW });
}

beforeEach(async () => {
  fake = new OktaFake({ token: TOKEN, now: () => NOW });
  await fake.start();
  fake.addUser({ id: '00uALICE', login: 'alice@acme.com', email: 'alice@acme.com', firstName: 'Alice', lastName: 'Ng', lastLogin: '2026-01-06T08:00:00Z' });
  fake.addUser({ id: '00uBOB', login: 'bob@acme.com', email: 'bob@acme.com', firstName: 'Bob', lastName: 'Ito' });
});

afterEach(async () => {
  fake.assertNoUnexpected();
  await fake.stop();
});

describe('Okta adapter: last sign-in to one app', () => {
  it("returns the user's newest sign-in to that app with scope 'app'", async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2025-12-20T10:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-03T09:15:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2025-12-29T16:45:00.000Z' });

    const answer = await provider().lastSignIn('00uALICE', APP_X);

    expect(answer).toEqual({ at: new Date('2026-01-03T09:15:00.000Z'), scope: 'app' });
    const call = fake.callsTo('GET', '/api/v1/logs')[0];
    expect(call?.query.get('filter')).toBe(`eventType eq "${SSO}" and outcome.result eq "SUCCESS" and actor.id eq "00uALICE" and target.id eq "${APP_X}"`);
    expect(call?.query.get('sortOrder')).toBe('DESCENDING');
    expect(call?.query.get('limit')).toBe('1');
  });

  it("ignores sign-ins to other apps, other users' sign-ins, other events and failed attempts", async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-02T09:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_Y, published: '2026-01-05T09:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uBOB', targetId: APP_X, published: '2026-01-05T10:00:00.000Z' });
    fake.addLogEvent({ eventType: 'user.session.start', actorId: '00uALICE', targetId: APP_X, published: '2026-01-05T11:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-05T12:00:00.000Z', outcome: 'FAILURE' });

    expect(await provider().lastSignIn('00uALICE', APP_X)).toEqual({ at: new Date('2026-01-02T09:00:00.000Z'), scope: 'app' });
  });

  it('finds a sign-in older than the System Log default 7-day window', async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2025-11-01T09:00:00.000Z' });

    expect(await provider().lastSignIn('00uALICE', APP_X)).toEqual({ at: new Date('2025-11-01T09:00:00.000Z'), scope: 'app' });
  });

  it('answers null when the user never signed in to that app', async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_Y, published: '2026-01-05T09:00:00.000Z' });

    expect(await provider().lastSignIn('00uALICE', APP_X)).toEqual({ at: null, scope: 'app' });
  });

  it('keeps the overall answer from lastLogin when no app is given', async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-03T09:15:00.000Z' });

    expect(await provider().lastSignIn('00uALICE')).toEqual({ at: new Date('2026-01-06T08:00:00Z'), scope: 'overall' });
    expect(fake.callsTo('GET', '/api/v1/logs')).toHaveLength(0);
  });
});
