import { describe, expect, it } from 'vitest';
import { runHealthChecks } from '../../src/jobs/health.js';

function failAfter(ms: number, message: string): () => Promise<never> {
  return () => new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms));
}

describe('runHealthChecks', () => {
  it('resolves when every check passes', async () => {
    await expect(runHealthChecks([{ name: 'Jira', run: async () => 'ok' }, { name: 'Slack', run: async () => undefined }])).resolves.toBeUndefined();
  });

  it('names every failure in one message, in the order of the checks', async () => {
    const checks = [
      { name: 'Jira', run: failAfter(20, 'HTTP 401 from /myself') },
      { name: 'Slack', run: async () => ({ ok: true }) },
      { name: 'okta', run: failAfter(0, 'token expired') },
      {
        name: 'entra',
        run: () => {
          throw 'no tenant';
        },
      },
    ];

    await expect(runHealthChecks(checks)).rejects.toThrow('Keycard start-up checks failed:\n  - Jira: HTTP 401 from /myself\n  - okta: token expired\n  - entra: no tenant');
  });

  it('starts every check at once rather than one after another', async () => {
    const started: string[] = [];
    const check = (name: string) => ({
      name,
      run: async () => {
        started.push(name);
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
    });

    const done = runHealthChecks([check('Jira'), check('Slack'), check('okta')]);

    expect(started).toEqual(['Jira', 'Slack', 'okta']);
    await done;
  });
});
