import { describe, expect, it } from 'vitest';
import { parsePersonArg, parseRequestArg } from '../../src/domain/admin-args.js';

describe('/access-admin arguments', () => {
  it.each([
    ['<@UPRIYA|priya>', { kind: 'slack', slackId: 'UPRIYA' }],
    ['<@UPRIYA>', { kind: 'slack', slackId: 'UPRIYA' }],
    ['UPRIYA', { kind: 'slack', slackId: 'UPRIYA' }],
    ['Priya@Acme.com', { kind: 'email', email: 'priya@acme.com' }],
    ['<mailto:priya@acme.com|priya@acme.com>', { kind: 'email', email: 'priya@acme.com' }],
    ['priya', null],
    ['@priya', null],
  ])('person %j', (word, expected) => {
    expect(parsePersonArg(word)).toEqual(expected);
  });

  it.each([
    ['42', { kind: 'id', id: 42 }],
    ['#42', { kind: 'id', id: 42 }],
    ['ACCESS-12', { kind: 'jira', key: 'ACCESS-12' }],
    ['access-12', { kind: 'jira', key: 'ACCESS-12' }],
    ['0', null],
    ['ACCESS-', null],
    ['12abc', null],
  ])('request %j', (word, expected) => {
    expect(parseRequestArg(word)).toEqual(expected);
  });
});
