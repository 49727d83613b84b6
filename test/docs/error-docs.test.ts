import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/process.js';
import { ERRORS } from '../../src/core/errors.js';
import { renderErrorDocs } from '../../scripts/error-docs-render.js';

/** docs/errors.md is what the catalogue gives (regenerate with `npm run docs:errors`). */
describe('docs/errors.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');

  it('is current with the error catalogue and its fixes', () => {
    expect(doc, 'run `npm run docs:errors` and commit docs/errors.md').toBe(renderErrorDocs());
  });

  it('has a row with class and fix for every code', () => {
    for (const [code, e] of Object.entries(ERRORS))
      expect(doc).toMatch(new RegExp(`^\\| \`${code}\` \\| ${e.kind} \\|(?: [^|]+ \\|){4}$`, 'm'));
  });
});
