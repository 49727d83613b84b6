import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The installed package's root folder (dist/cli/.. /..), where samples/ and config/ live. */
export function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}
