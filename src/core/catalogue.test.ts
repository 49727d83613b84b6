import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS, NOTICES } from './errors.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * Every TypeScript file under these folders, tests included (a test must not invent codes either).
 * Hidden folders are skipped: a bench's work folder (bench/.work) holds tens of thousands of files.
 */
function sources(...dirs: string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.name.startsWith('.')
        ? []
        : e.isDirectory()
          ? walk(join(dir, e.name))
          : e.name.endsWith('.ts')
            ? [join(dir, e.name)]
            : [],
    );
  return dirs.flatMap((d) => walk(join(root, d)));
}

describe('the code catalogue', () => {
  it('has every GW_ code the code base writes as a literal, errors and notices alike', () => {
    const known = new Set([...Object.keys(ERRORS), ...Object.keys(NOTICES)]);
    const unknown: string[] = [];
    for (const file of sources('src', 'test', 'bench', 'scripts')) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/['"`](GW_[A-Z0-9_]+)['"`]/g)) {
        if (!known.has(code!)) unknown.push(`${code} in ${file.slice(root.length + 1)}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('gives no code two meanings: a notice is not also an error', () => {
    expect(Object.keys(NOTICES).filter((c) => c in ERRORS)).toEqual([]);
    for (const [code, text] of Object.entries({ ...ERRORS, ...NOTICES })) {
      expect(code).toMatch(/^GW_[A-Z0-9_]+$/);
      expect(text.zh && text.en, code).toBeTruthy();
    }
  });
});
