/**
 * `npm run demo:check`: writes the demo's HTML page, opens it in headless Chromium and checks that it
 * renders: the page holds every button a person presses in the journey and the screenshot is a real,
 * non-empty PNG. Not part of `npm test` (Chromium is an optional system package: `apt-get install chromium`).
 * Usage: npm run demo:check [-- --out <dir>]  (default: a temporary directory; the paths are printed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const BUTTONS = ['Approve', 'Deny', 'Cancel request', 'Extend', "I'm done"] as const;
const CHROMIUMS = ['chromium', 'chromium-browser', 'google-chrome'] as const;

function fail(message: string): never {
  process.stderr.write(`demo:check failed: ${message}\n`);
  process.exit(1);
}

function findChromium(): string {
  for (const name of CHROMIUMS) {
    try {
      execFileSync('which', [name], { stdio: 'pipe' });
      return name;
    } catch {
      // not this one; try the next name
    }
  }
  return fail(`no Chromium found (tried ${CHROMIUMS.join(', ')}); on Debian: apt-get install -y chromium`);
}

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function main(): void {
  const at = process.argv.indexOf('--out');
  const dir = at >= 0 && process.argv[at + 1] ? resolve(process.argv[at + 1] ?? '.') : mkdtempSync(join(tmpdir(), 'keycard-demo-'));
  const html = join(dir, 'demo.html');
  const png = join(dir, 'demo.png');

  execFileSync(process.execPath, ['--import', 'tsx', 'test/demo/run.ts', '--html', html], { stdio: ['ignore', 'ignore', 'inherit'] });
  const page = readFileSync(html, 'utf8');
  const missing = BUTTONS.filter((b) => !page.includes(`>${b.replace("'", '&#39;')}</button>`) && !page.includes(`>${b}</button>`));
  if (missing.length > 0) fail(`${html} has no button ${missing.join(', ')}`);
  if (/<@U|:[a-z_]+:/.test(page.replace(/<style>[\s\S]*<\/style>/, ''))) fail(`${html} still shows raw Slack markup`);

  const chromium = findChromium();
  execFileSync(
    chromium,
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--screenshot=${png}`, '--window-size=1000,3000', pathToFileURL(html).href],
    { stdio: 'pipe', timeout: 60_000 },
  );
  const bytes = readFileSync(png);
  const size = pngSize(bytes);
  if (!size) fail(`${png} is not a PNG`);
  if (size.width < 100 || size.height < 100 || statSync(png).size < 20_000) fail(`${png} looks empty (${size.width}x${size.height}, ${bytes.length} bytes)`);
  process.stdout.write(`demo:check ok: ${html} has every button (${BUTTONS.join(', ')}); ${png} is ${size.width}x${size.height}, ${bytes.length} bytes\n`);
}

main();
