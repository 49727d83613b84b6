import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS, lineProblem, type AuditEntry } from './audit-chain.js';
import { auditFiles } from './audit-files.js';

export interface BrokenEntry {
  readonly file: string;
  /** 1-based line number in the file. */
  readonly line: number;
  readonly seq?: number;
  readonly problem: string;
}

export interface VerifyResult {
  readonly files: number;
  readonly entries: number;
  /** The earliest entry (by position in the chain) that fails; undefined when the chain is intact. */
  readonly firstBroken?: BrokenEntry;
  readonly lastSeq: number;
}

interface Located {
  readonly e: AuditEntry;
  readonly file: string;
  readonly line: number;
}

/**
 * Checks every audit file in `dir`: each line's hash over its content, then the chain across all
 * files in sequence order (no entry missing, each `prev` is the hash of the entry before, the
 * first one starts from the genesis hash). Files of several nodes are merged by sequence number;
 * an entry written twice (a writer repeating a batch after a crash) must be byte-identical.
 */
export async function verifyAuditDir(dir: string): Promise<VerifyResult> {
  const names = await auditFiles(dir);
  const good: Located[] = [];
  // Problems found, each with its place in the chain: a line that cannot be read sits after the
  // last good entry before it in its file.
  const problems: { order: number; b: BrokenEntry }[] = [];
  for (const file of names) {
    const text = await readFile(join(dir, file), 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    else if (lines.length) lines[lines.length - 1] += '\u0000'; // an unterminated last line is incomplete
    let lastSeq = 0;
    lines.forEach((line, i) => {
      const problem = line.endsWith('\u0000')
        ? 'incomplete last line / 最后一行不完整'
        : lineProblem(line);
      if (problem) {
        // The sequence number it claims, when it can still be read (it may be the changed part).
        const claimed = (() => {
          try {
            return (JSON.parse(line) as { seq?: unknown }).seq;
          } catch {
            return undefined;
          }
        })();
        problems.push({
          order: lastSeq + 0.5,
          b: {
            file,
            line: i + 1,
            ...(typeof claimed === 'number' ? { seq: claimed } : {}),
            problem,
          },
        });
        return;
      }
      const e = JSON.parse(line) as AuditEntry;
      lastSeq = e.seq;
      good.push({ e, file, line: i + 1 });
    });
  }
  good.sort((a, b) => a.e.seq - b.e.seq);
  let prev: Located | undefined;
  for (const cur of good) {
    const b = (problem: string): void =>
      void problems.push({
        order: cur.e.seq,
        b: { file: cur.file, line: cur.line, seq: cur.e.seq, problem },
      });
    if (!prev) {
      if (cur.e.seq !== 1 || cur.e.prev !== GENESIS)
        b(
          `the chain does not start here: entries before ${cur.e.seq} are missing / 此前的记录缺失`,
        );
    } else if (cur.e.seq === prev.e.seq) {
      if (cur.e.hash !== prev.e.hash)
        b(
          `two different entries with sequence ${cur.e.seq} (also ${prev.file} line ${prev.line}) / 序号重复且内容不同`,
        );
      continue;
    } else if (cur.e.seq !== prev.e.seq + 1) {
      b(`entries ${prev.e.seq + 1}..${cur.e.seq - 1} are missing / 记录缺失`);
    } else if (cur.e.prev !== prev.e.hash) {
      b(
        `does not link to entry ${prev.e.seq} (${prev.file} line ${prev.line}) / 与上一条记录不衔接`,
      );
    }
    prev = cur;
  }
  problems.sort((a, b) => a.order - b.order);
  const first = problems[0]?.b;
  return {
    files: names.length,
    entries: good.length,
    lastSeq: prev?.e.seq ?? 0,
    ...(first ? { firstBroken: first } : {}),
  };
}
