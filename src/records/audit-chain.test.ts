import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chainNext,
  EMPTY_HEAD,
  entryLine,
  headOf,
  lineProblem,
  type AuditEntry,
} from './audit-chain.js';
import { verifyAuditDir } from './audit-verify.js';

/** A chain of `n` message events starting at `head`, one second apart. */
function chain(n: number, head = EMPTY_HEAD, t0 = Date.UTC(2026, 10, 30, 8)): AuditEntry[] {
  const out: AuditEntry[] = [];
  let h = head;
  for (let i = 0; i < n; i++) {
    const e = chainNext(h, `${t0 + (h.seq + 1) * 1000}-0`, {
      type: 'message',
      messageId: `m${h.seq + 1}`,
      stage: 'receipt',
      text: '放行 P',
      refs: { receipt: `sha256:${'ab'.repeat(32)}` },
    });
    out.push(e);
    h = headOf(e);
  }
  return out;
}

describe('audit chain', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'eport-audit-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('an entry is a pure function of the previous head and the stream entry', () => {
    const [a] = chain(1);
    const [b] = chain(1);
    expect(entryLine(a!)).toBe(entryLine(b!));
    expect(lineProblem(entryLine(a!))).toBeUndefined();
  });

  it('verifies a chain split over days and nodes, ordered by sequence', async () => {
    const entries = chain(6);
    await writeFile(
      join(dir, '2026-11-30.node-a.jsonl'),
      entries.slice(0, 4).map(entryLine).join('\n') + '\n',
    );
    // the writer moved to node b, which repeated entry 4 after a crash and went on
    await writeFile(
      join(dir, '2026-12-01.node-b.jsonl'),
      entries.slice(3).map(entryLine).join('\n') + '\n',
    );
    expect(await verifyAuditDir(dir)).toEqual({ files: 2, entries: 7, lastSeq: 6 });
  });

  it('detects a change of any single byte and names the entry it is in', async () => {
    const file = join(dir, '2026-11-30.node.jsonl');
    const lines = chain(2).map(entryLine);
    const original = Buffer.from(lines.join('\n') + '\n');
    const lineOf = (pos: number): number =>
      original.subarray(0, pos).toString('latin1').split('\n').length;
    for (let pos = 0; pos < original.length; pos++) {
      const changed = Buffer.from(original);
      changed[pos] = changed[pos]! ^ 0x01;
      await writeFile(file, changed);
      const r = await verifyAuditDir(dir);
      expect(r.firstBroken, `byte ${pos}`).toBeDefined();
      // a changed line end joins two lines: the break is named at the first of them
      expect(r.firstBroken!.line, `byte ${pos}`).toBe(lineOf(pos));
    }
    await writeFile(file, original);
    expect((await verifyAuditDir(dir)).firstBroken).toBeUndefined();
  });

  it('detects a removed entry, a removed first day and an unterminated last line', async () => {
    const file = join(dir, '2026-11-30.node.jsonl');
    const lines = chain(4).map(entryLine);
    await writeFile(file, [lines[0], lines[1], lines[3]].join('\n') + '\n');
    expect((await verifyAuditDir(dir)).firstBroken).toMatchObject({
      line: 3,
      seq: 4,
      problem: expect.stringContaining('entries 3..3 are missing'),
    });
    await writeFile(file, lines.slice(2).join('\n') + '\n');
    expect((await verifyAuditDir(dir)).firstBroken).toMatchObject({ line: 1, seq: 3 });
    await writeFile(file, lines.join('\n'));
    expect((await verifyAuditDir(dir)).firstBroken).toMatchObject({
      line: 4,
      problem: expect.stringContaining('incomplete'),
    });
  });

  it('refuses reformatted JSON with the same values', async () => {
    const [e] = chain(1);
    const file = join(dir, '2026-11-30.node.jsonl');
    await writeFile(file, JSON.stringify(e, null, 0).replace('"seq":1', '"seq": 1') + '\n');
    expect((await verifyAuditDir(dir)).firstBroken?.problem).toContain('canonical');
    expect(await readFile(file, 'utf8')).toContain('"seq": 1');
  });
});
