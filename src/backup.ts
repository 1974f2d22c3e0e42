/**
 * `npm run backup -- <file>`: a consistent copy of DATABASE_PATH (default ./data/keycard.db) taken while
 * Keycard runs. It reads only DATABASE_PATH, so it needs none of Keycard's other settings or secrets.
 */
import { resolve } from 'node:path';
import { backupDatabase } from './store/backup.js';

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target || process.argv.length > 3) {
    process.stderr.write('usage: npm run backup -- <backup file>   (copies DATABASE_PATH, default ./data/keycard.db)\n');
    process.exit(64); // EX_USAGE
  }
  const source = process.env.DATABASE_PATH?.trim() || './data/keycard.db';
  if (resolve(source) === resolve(target)) {
    process.stderr.write('the backup file must not be the database itself\n');
    process.exit(64);
  }
  const result = await backupDatabase(source, target);
  process.stdout.write(`backed up ${source} to ${result.path}: ${result.pages} pages, ${result.requests} requests, ${result.auditEvents} audit events, check ${result.check}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
