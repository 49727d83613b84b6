/**
 * Structure check: fails on an import circle, on an import between the folders of src/ that runs
 * against the direction of the architecture (docs: the layout in the architecture notes), and on a
 * source file over the line limit. Plain Node, no dependencies: `npm run check:structure`.
 *
 * Test files (`*.test.ts`) are left out: a test may reach anywhere to set its scene.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What each part of src/ may import, besides itself. A folder is named by its name, a file at the
 * top of src/ by its file name. The table must stay free of circles (the check says so if not):
 *
 * - core: the shared kernel, imports nothing of ours.
 * - amqp, translators, records: toolkits and pure functions on top of the kernel.
 * - receipts and signing: receipt parsing, the status machine and receipt formats; signatures.
 * - config: the schema and its resolution; it names translator options and receipt forms.
 * - transports, gateway, sandbox: customs-side and enterprise-side adapters; they take resolved
 *   configuration.
 * - queues: joins the stages through their ports.
 * - console: the web console reads the ledger, queues and signers (bound in app.ts).
 * - app.ts is the composition root; cli/ and main.ts sit on top.
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  amqp: ['core'],
  translators: ['core'],
  records: ['core'],
  receipts: ['core', 'amqp'],
  signing: ['core'],
  config: ['core', 'translators', 'receipts'],
  transports: ['core', 'amqp', 'receipts'],
  gateway: ['core', 'config', 'receipts'],
  // signing: only for the opt-in fast verifier (sandbox/verify-own.ts); xml-crypto by default.
  sandbox: ['core', 'amqp', 'receipts', 'signing'],
  queues: [
    'core',
    'config',
    'records',
    'translators',
    'receipts',
    'signing',
    'transports',
    'gateway',
  ],
  console: ['core', 'config', 'receipts', 'signing', 'gateway', 'queues'],
  'app.ts': [
    'core',
    'config',
    'records',
    'translators',
    'receipts',
    'signing',
    'transports',
    'gateway',
    'queues',
    'console',
  ],
  cli: [
    'core',
    'amqp',
    'config',
    'records',
    'translators',
    'receipts',
    'signing',
    'transports',
    'gateway',
    'sandbox',
    'queues',
    'console',
    'app.ts',
  ],
  'main.ts': ['cli'],
};

/**
 * A stage's registry (`*-registry.ts`) is where the composition root's choice of adapter is made
 * from resolved configuration, so it may also import these.
 */
export const REGISTRY_MAY_ALSO_IMPORT: readonly string[] = ['config'];

/** No source file over this many lines. */
export const MAX_LINES = 400;

export interface StructureProblem {
  readonly kind: 'circle' | 'upward' | 'unknown-folder' | 'too-long' | 'table-circle';
  readonly file: string;
  readonly message: string;
}

export interface StructureRules {
  readonly allowed: Readonly<Record<string, readonly string[]>>;
  readonly registryMayAlsoImport: readonly string[];
  readonly maxLines: number;
}

const DEFAULT_RULES: StructureRules = {
  allowed: ALLOWED,
  registryMayAlsoImport: REGISTRY_MAY_ALSO_IMPORT,
  maxLines: MAX_LINES,
};

interface Edge {
  readonly to: string;
  readonly line: number;
}

const IMPORT_RE =
  /(?:^|[\n;])[ \t]*(?:import|export)\b(?:[^'";]*?\bfrom)?\s*['"]([^'"\n]+)['"]|\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts'))
      out.push(path);
  }
  return out;
}

/** Relative imports of one file, resolved to source paths (`./x.js` is `./x.ts`). */
function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (spec === undefined || !spec.startsWith('.')) continue;
    const start = (m.index ?? 0) + m[0].length;
    const line = text.slice(0, start).split('\n').length;
    edges.push({ to: resolve(dirname(file), spec.replace(/\.js$/, '.ts')), line });
  }
  return edges;
}

/** The part of src/ a file belongs to: its top folder, or its own name at the top. */
function partOf(srcDir: string, file: string): string {
  const parts = relative(srcDir, file).split(sep);
  return parts[0] ?? '';
}

const isRegistry = (file: string): boolean => file.endsWith('-registry.ts');

/** Strongly connected components with more than one file, or a file importing itself. */
function circles(graph: ReadonlyMap<string, readonly Edge[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!graph.has(to)) continue;
      if (!idx.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, idx.get(to)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).some((e) => e.to === v);
      if (scc.length > 1 || selfLoop) found.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

function tableCircles(allowed: Readonly<Record<string, readonly string[]>>): string[][] {
  const graph = new Map<string, Edge[]>();
  for (const [from, tos] of Object.entries(allowed))
    graph.set(
      from,
      tos.map((to) => ({ to, line: 0 })),
    );
  return circles(graph);
}

/** Checks the tree under `root` (which holds src/) and returns every problem found. */
export function checkStructure(
  root: string,
  rules: StructureRules = DEFAULT_RULES,
): StructureProblem[] {
  const problems: StructureProblem[] = [];
  for (const c of tableCircles(rules.allowed)) {
    problems.push({
      kind: 'table-circle',
      file: 'scripts/check-structure.ts',
      message: `the table of allowed imports has a circle: ${c.join(' <-> ')}`,
    });
  }
  const srcDir = join(root, 'src');
  const files = sourceFiles(srcDir);
  const graph = new Map<string, Edge[]>();
  const rel = (f: string): string => relative(root, f).split(sep).join('/');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > rules.maxLines) {
      problems.push({
        kind: 'too-long',
        file: rel(file),
        message: `${lines} lines, more than ${rules.maxLines}: split it by job`,
      });
    }
    const edges = importsOf(file, text);
    graph.set(file, edges);
    const from = partOf(srcDir, file);
    const allowed = rules.allowed[from];
    if (allowed === undefined) {
      problems.push({
        kind: 'unknown-folder',
        file: rel(file),
        message: `src/${from} is not in the table of allowed imports in scripts/check-structure.ts: add it where it belongs`,
      });
      continue;
    }
    for (const e of edges) {
      if (!e.to.startsWith(srcDir + sep)) continue;
      const to = partOf(srcDir, e.to);
      if (to === from) continue;
      if (allowed.includes(to)) continue;
      if (isRegistry(file) && rules.registryMayAlsoImport.includes(to)) continue;
      problems.push({
        kind: 'upward',
        file: `${rel(file)}:${e.line}`,
        message: `${from} may not import ${to} (${rel(e.to)}); ${from} may import: ${allowed.join(', ') || 'nothing of ours'}`,
      });
    }
  }
  for (const c of circles(graph)) {
    problems.push({
      kind: 'circle',
      file: rel(c[0]!),
      message: `import circle: ${c.map(rel).join(' -> ')}`,
    });
  }
  return problems;
}

function main(): void {
  const root = resolve(process.argv[2] ?? process.cwd());
  const problems = checkStructure(root);
  for (const p of problems) console.error(`${p.file}: ${p.kind}: ${p.message}`);
  if (problems.length > 0) {
    console.error(`structure check: ${problems.length} problem(s)`);
    process.exitCode = 1;
  } else {
    console.log('structure check: no circles, no upward imports, no file over the line limit');
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main();
