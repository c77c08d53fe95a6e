// Process entry: read the environment, start the hub (app/compose.ts), stop cleanly on SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../hub/config.ts';
import { createLogger } from '../hub/logger.ts';
import { startHub } from './compose.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger(config.logLevel);

try {
  const hub = await startHub(config, logger);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await hub.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  logger.fatal({ err: (error as Error).message }, 'contact-hub could not start');
  process.exit(1);
}
