/**
 * Writes docs/errors.md from the error catalogue (src/core/error-catalogue.ts and
 * notice-catalogue.ts) and its fixes (src/core/error-fixes.ts): every code, its class, its Chinese
 * and English text and its fix.
 *
 *   npm run docs:errors             rewrite docs/errors.md
 *   npm run docs:errors -- --check  exit 1 when docs/errors.md is not what the catalogue gives
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderErrorDocs } from './error-docs-render.js';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'errors.md');

const wanted = renderErrorDocs();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(FILE, 'utf8');
  } catch {
    // missing: not current
  }
  if (current !== wanted) {
    console.error(
      'docs/errors.md is not current with the error catalogue: run `npm run docs:errors` and commit it / docs/errors.md 与错误目录不一致，请运行 npm run docs:errors',
    );
    process.exit(1);
  }
  console.log('docs/errors.md is current');
} else {
  writeFileSync(FILE, wanted);
  console.log(`wrote ${FILE}`);
}
