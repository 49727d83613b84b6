import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALLOWED, checkStructure, type StructureRules } from '../../scripts/check-structure.js';

const RULES: StructureRules = {
  allowed: {
    core: [],
    config: ['core'],
    stage: ['core'],
    queues: ['core', 'stage'],
    'app.ts': ['core', 'config', 'stage', 'queues'],
  },
  registryMayAlsoImport: ['config'],
  maxLines: 10,
};

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A tiny tree under a temporary root: path -> file text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'structure-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const CLEAN = {
  'src/core/ids.ts': 'export const id = 1;\n',
  'src/config/resolve.ts':
    "import { id } from '../core/ids.js';\nexport type Resolved = { id: typeof id };\n",
  'src/stage/port.ts':
    "import type { id } from '../core/ids.js';\nexport interface Port { x: typeof id }\n",
  'src/stage/stage-registry.ts':
    "import type { Resolved } from '../config/resolve.js';\nimport type { Port } from './port.js';\nexport const make = (r: Resolved): Port => ({ x: r.id });\n",
  'src/queues/worker.ts':
    "import {\n  make,\n} from '../stage/stage-registry.js';\nexport const w = make;\n",
  'src/app.ts': "import { w } from './queues/worker.js';\nexport default w;\n",
  'src/stage/port.test.ts': "import { w } from '../queues/worker.js';\n",
};

describe('structure check', () => {
  it('passes a tree that follows the table (registries may read config; tests are left out)', () => {
    expect(checkStructure(tree(CLEAN), RULES)).toEqual([]);
  });

  it('finds an import circle, type-only ones included', () => {
    const root = tree({
      ...CLEAN,
      'src/config/load.ts':
        "import { resolve } from './resolve-all.js';\nexport interface Problem { p: string }\nexport const load = resolve;\n",
      'src/config/resolve-all.ts':
        "import type { Problem } from './load.js';\nexport const resolve = (p: Problem) => p;\n",
    });
    const problems = checkStructure(root, RULES);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'circle', file: 'src/config/load.ts' });
    expect(problems[0]!.message).toContain('src/config/load.ts -> src/config/resolve-all.ts');
  });

  it('finds an upward import, with the file and line, static or dynamic', () => {
    const root = tree({
      ...CLEAN,
      'src/stage/adapter.ts':
        "import { id } from '../core/ids.js';\n\nimport type { w } from '../queues/worker.js';\nexport const later = () => import('../config/resolve.js');\n",
    });
    const problems = checkStructure(root, RULES);
    expect(problems.map((p) => [p.kind, p.file])).toEqual([
      ['upward', 'src/stage/adapter.ts:3'],
      ['upward', 'src/stage/adapter.ts:4'],
    ]);
    expect(problems[0]!.message).toContain('stage may not import queues');
  });

  it('finds a file over the line limit and a folder missing from the table', () => {
    const root = tree({
      ...CLEAN,
      'src/core/long.ts': 'export const a = 1;\n'.repeat(11),
      'src/extra/x.ts': 'export const x = 1;\n',
    });
    expect(
      checkStructure(root, RULES)
        .map((p) => p.kind)
        .sort(),
    ).toEqual(['too-long', 'unknown-folder']);
  });

  it('says when the table itself has a circle', () => {
    const problems = checkStructure(tree(CLEAN), {
      ...RULES,
      allowed: { ...RULES.allowed, core: ['queues'] },
    });
    expect(problems.some((p) => p.kind === 'table-circle')).toBe(true);
  });

  it("the project's own table has no circle and names app.ts and the kernel", () => {
    expect(ALLOWED['core']).toEqual([]);
    expect(ALLOWED['app.ts']).toBeDefined();
    expect(
      checkStructure(tree({ 'src/core/a.ts': 'export {};\n' })).filter(
        (p) => p.kind === 'table-circle',
      ),
    ).toEqual([]);
  });
});
