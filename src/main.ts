/**
 * The composition root's entry point: `npm start`. Reads the environment and the catalog, starts Keycard,
 * and stops it gracefully on SIGINT/SIGTERM.
 */
import pino from 'pino';
import { ConfigError, loadCatalog, loadConfig, loadEnvFile, missingProviderSettings } from './config.js';
import { KeycardError } from './domain/errors.js';
import { startKeycard } from './keycard.js';

const HELP = 'See README.md ("Set-up") for every setting, or run `npm run demo` to see Keycard work with no credentials at all.';

function settingsSource(envFile: string | null): string {
  return envFile ? `Settings were read from the environment and ${envFile} (the environment wins).` : `Settings were read from the environment only: there is no .env in ${process.cwd()}.`;
}

async function main(): Promise<void> {
  let config;
  let catalog;
  let envFile: string | null = null;
  try {
    envFile = loadEnvFile(process.env);
    config = loadConfig(process.env);
    catalog = loadCatalog(config.catalogPath);
    const missing = missingProviderSettings(config, catalog);
    if (missing.length > 0) throw new ConfigError(missing);
  } catch (error) {
    if (error instanceof KeycardError) {
      process.stderr.write(`${error.message}\n\n${settingsSource(envFile)}\n${HELP}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { app: 'keycard' } });
  // Which file the settings came from: a setting that "does not take" is most often a .env in another folder.
  if (envFile) logger.info({ file: envFile }, 'settings read from the environment and .env (the environment wins)');
  else logger.info({ cwd: process.cwd() }, 'settings read from the environment only (no .env in the working directory)');
  // Another process took over the database because this one stalled: it must not write any more.
  const keycard = await startKeycard({ config, catalog, logger, onLeaseLost: () => process.exit(75) }); // EX_TEMPFAIL
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    keycard.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: String(error) }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
  process.exit(1);
});
