import { describe, expect, it } from 'vitest';
import { closestMatches, editDistance } from '../../src/domain/suggest.js';

const APPS = ['salesforce', 'slack', 'github', 'gitlab', 'google-workspace', 'jira', 'aws-prod'];

describe('editDistance', () => {
  it.each([
    ['salesforce', 'salesforce', 0],
    ['salesfroce', 'salesforce', 1],
    ['salesforc', 'salesforce', 1],
    ['salesfxrce', 'salesforce', 1],
    ['ca', 'abc', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
  ])('%j to %j is %d', (a, b, expected) => {
    const distance = editDistance(a, b);

    expect(distance).toBe(expected);
  });
});

describe('closestMatches', () => {
  it.each([
    ['salesfroce', ['salesforce']],
    ['SalesForce', ['salesforce']],
    ['sales', ['salesforce']],
    ['gitlub', ['github', 'gitlab']],
    ['jria', ['jira']],
    ['goog', ['google-workspace']],
    ['zzzzzzzz', []],
    ['', []],
  ])('%j -> %j', (input, expected) => {
    const matches = closestMatches(input, APPS);

    expect(matches).toEqual(expected);
  });

  it('orders by distance, best first', () => {
    const matches = closestMatches('abcd', ['abxy', 'abcx', 'abcd']);

    expect(matches).toEqual(['abcd', 'abcx', 'abxy']);
  });

  it('ranks near misses before distant prefix matches', () => {
    const matches = closestMatches('git', ['github-enterprise', 'gut']);

    expect(matches).toEqual(['gut', 'github-enterprise']);
  });

  it('returns at most max matches', () => {
    const matches = closestMatches('ab', ['aa', 'ab', 'ac', 'ad', 'ae'], 2);

    expect(matches).toEqual(['ab', 'aa']);
  });

  it('allows more edits for longer input', () => {
    const matches = closestMatches('googleworkspaec', ['google-workspace']);

    expect(matches).toEqual(['google-workspace']);
  });

  it('keeps the candidate spelling and drops case duplicates', () => {
    const matches = closestMatches('jira', ['Jira', 'JIRA']);

    expect(matches).toEqual(['Jira']);
  });
});
