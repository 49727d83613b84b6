import type { GatewayConfig } from '../config/resolve.js';
import { reportError } from './format-error.js';

/**
 * Loads the configuration for a command; on a problem prints it the way every command does
 * (bilingual, with the path and fix) and sets the exit code, returning undefined.
 */
export async function loadConfigOrReport(file: string): Promise<GatewayConfig | undefined> {
  const { loadConfig } = await import('../config/load.js');
  try {
    return loadConfig(file);
  } catch (err) {
    reportError(err);
    return undefined;
  }
}
