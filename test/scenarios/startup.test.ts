/**
 * Start-up as an operator meets it: `src/main.ts` in its own process against the fakes, with one setting
 * wrong at a time. Each class of failure (a refused token, a missing permission, a host that refuses
 * connections or does not exist, a database that cannot be opened) is one line naming the service, what it
 * said in plain words and the setting to look at; the process exits non-zero with no stack trace.
 * Also: `.env` in the working directory is read, and the environment wins over it.
 *
 * Each test has its own fakes, database and port; they run one after another, as concurrent children starve
 * each other of the two cores here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { harnessEnv, startFakes, type Fakes } from '../support/harness.js';
import { TEST_CATALOG } from '../support/people.js';
import { freePort } from '../support/ports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// By path, so the child finds tsx and Keycard from any working directory (the .env test runs elsewhere).
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MAIN = join(ROOT, 'src/main.ts');
const DEADLINE_MS = 30_000;
/** A stack frame as Node prints it: what an operator must never have to read. */
const STACK_FRAME = /^\s+at .+[(:]\d+/m;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface World {
  readonly fakes: Fakes;
  readonly dir: string;
  env(extra?: Record<string, string>): Record<string, string>;
}

const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});


async function world(): Promise<World> {
  const fakes = await startFakes();
  const dir = mkdtempSync(join(tmpdir(), 'keycard-startup-'));
  writeFileSync(join(dir, 'catalog.yaml'), TEST_CATALOG);
  cleanups.push(async () => {
    await Promise.all([fakes.slack.stop(), fakes.jira.stop(), fakes.okta.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    fakes,
    dir,
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ...harnessEnv(fakes, join(dir, 'keycard.db'), { CATALOG_PATH: join(dir, 'catalog.yaml'), LOG_LEVEL: 'info', KEYCARD_SCHEDULE_AUDIT_CHECKPOINT: '0 0 0 1 1 *', ...extra }),
    }),
  };
}

/** Runs Keycard until it exits (start-up refused) or, with `untilLog`, until that log line appears (then SIGTERM). */
function run(env: Record<string, string>, options: { readonly cwd?: string; readonly untilLog?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', TSX, MAIN], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`Keycard did not exit within ${DEADLINE_MS} ms; stderr:\n${stderr}\nstdout:\n${stdout}`));
    }, DEADLINE_MS);
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.untilLog && stdout.includes(options.untilLog)) proc.kill('SIGTERM');
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectRefused(result: Run): void {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stderr).toContain('Keycard start-up checks failed:');
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stderr).not.toContain('triggerUncaughtException');
}

describe.sequential('start-up checks, as a process', () => {
  it('names the permission when Okta answers 403', async () => {
    const w = await world();
    w.fakes.okta.inject({ method: 'GET', path: '/api/v1/users', status: 403, times: Infinity, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorCauses: [] } });

    const result = await run(w.env());

    expectRefused(result);
    expect(result.stderr).toContain('  - Okta: the token lacks permission okta.users.read');
    expect(result.stderr).toContain('check OKTA_API_TOKEN\n');
  }, 60_000);

  it('names SLACK_BOT_TOKEN when Slack answers invalid_auth, and lists every failure at once', async () => {
    const w = await world();

    const result = await run(w.env({ SLACK_BOT_TOKEN: 'xoxb-revoked-token', JIRA_API_TOKEN: 'not-the-token' }));

    expectRefused(result);
    expect(result.stderr).toContain('  - Slack: the token was refused (An API error occurred: invalid_auth); check SLACK_BOT_TOKEN\n');
    expect(result.stderr).toContain('  - Jira: the token was refused (Request failed with status code 401); check JIRA_EMAIL and JIRA_API_TOKEN\n');
  }, 60_000);

  it('names JIRA_HOST when nothing listens there (ECONNREFUSED)', async () => {
    const w = await world();
    const closed = await freePort();

    const result = await run(w.env({ JIRA_HOST: `http://127.0.0.1:${closed}` }));

    expectRefused(result);
    expect(result.stderr).toContain(`  - Jira: cannot reach 127.0.0.1:${closed} (connection refused); check JIRA_HOST and the network\n`);
  }, 60_000);

  it('names the URL setting when its host does not resolve (ENOTFOUND)', async () => {
    const w = await world();

    const result = await run(w.env({ OKTA_ORG_URL: 'https://keycard-test.invalid', SLACK_API_URL: 'https://keycard-test.invalid/api/' }));

    expectRefused(result);
    expect(result.stderr).toContain('  - Slack: cannot reach keycard-test.invalid (no such host); check SLACK_API_URL and the network\n');
    expect(result.stderr).toContain('  - Okta: cannot reach keycard-test.invalid (no such host); check OKTA_ORG_URL and the network\n');
  }, 60_000);

  it('names DATABASE_PATH when the database cannot be opened, and OKTA_API_TOKEN when Okta refuses the token (401), in one list', async () => {
    const w = await world();
    const path = join(w.dir, 'catalog.yaml', 'keycard.db');

    const result = await run(w.env({ DATABASE_PATH: path, OKTA_API_TOKEN: 'not-the-token' }));

    expectRefused(result);
    expect(result.stderr).toContain(`  - Database: cannot open ${path} (a file stands where a folder is needed); check DATABASE_PATH\n`);
    expect(result.stderr).toContain('  - Okta: the token was refused (Okta HTTP 401 E0000011 Invalid token provided); check OKTA_API_TOKEN\n');
  }, 60_000);
});

describe.sequential('.env in the working directory', () => {
  it('is read, the environment wins over it, and the log says which file was read', async () => {
    const w = await world();
    const { PATH, HOME, SLACK_BOT_TOKEN, ...settings } = w.env({ PORT: String(await freePort()) });
    // The file's bot token is wrong: Keycard starts only if the environment's token wins.
    writeFileSync(join(w.dir, '.env'), [...Object.entries(settings).map(([name, value]) => `${name}="${value}"`), 'SLACK_BOT_TOKEN=xoxb-from-the-file', ''].join('\n'));

    const result = await run({ PATH: PATH ?? '', HOME: HOME ?? w.dir, SLACK_BOT_TOKEN: SLACK_BOT_TOKEN ?? '' }, { cwd: w.dir, untilLog: '"msg":"Keycard started"' });

    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`"file":"${join(w.dir, '.env')}"`);
    expect(result.stdout).toContain('settings read from the environment and .env (the environment wins)');
    expect(result.stdout).toContain('"msg":"Keycard started"');
    expect(result.code).toBe(0);
  }, 60_000);

  it('says so when there is none, and names it on a configuration error', async () => {
    const w = await world();

    const result = await run({ PATH: process.env.PATH ?? '', HOME: w.dir }, { cwd: w.dir });

    expect(result.code).toBe(78);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN is required');
    expect(result.stderr).toContain(`Settings were read from the environment only: there is no .env in ${w.dir}.`);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  }, 60_000);
});
