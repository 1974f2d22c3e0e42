// The npm registry reachable here serves only some of rollup's per-platform binaries (an optional
// dependency of vitest's bundler). `npm install` silently skips the ones it cannot fetch and leaves them
// out of package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds an entry for
// each missing one, marked optional with the os/cpu/libc it needs, so `npm ci` skips them as foreign
// platforms, exactly as it would with entries written on a machine that could fetch them.
// Run after any `npm install` that changes the lockfile: `node .ci/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const [os, cpu, abi] = name.replace(/^@rollup\/rollup-/, '').split('-');
  const entry = { os: [os], cpu: [cpu === 'arm' ? 'arm' : cpu] };
  if (os === 'linux') entry.libc = [abi?.startsWith('musl') ? 'musl' : 'glibc'];
  return entry;
}

let added = 0;
for (const [key, info] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(info.optionalDependencies ?? {})) {
    if (!dep.startsWith('@rollup/rollup-')) continue;
    const where = `${key ? `${key}/` : ''}node_modules/${dep}`.replace(/^node_modules\/(.*)\/node_modules\//, 'node_modules/');
    const hoisted = `node_modules/${dep}`;
    if (packages[where] || packages[hoisted]) continue;
    packages[hoisted] = { version, dev: info.dev ?? undefined, license: 'MIT', optional: true, ...platformOf(dep) };
    added += 1;
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: added ${added} optional platform entries`);
