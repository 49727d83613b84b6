import { Command } from 'commander';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerTranslate } from '../cli/translate-command.js';
import { expandInputs, registerValidate, table, validateFiles } from '../cli/validate-command.js';

const samples = join(import.meta.dirname, '..', '..', 'samples');
const ent = join(samples, 'enterprise');

async function run(
  register: (p: Command) => void,
  args: string[],
): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  const program = new Command().exitOverride();
  register(program);
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'eport', ...args]);
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: out.join('\n'), err: err.join('\n'), exitCode };
}

afterEach(() => {
  process.exitCode = 0;
});

describe('eport translate', () => {
  it('writes every message of a split input into --out, named by ClientSeqNo', async () => {
    const out = mkdtempSync(join(tmpdir(), 'translate-'));
    const r = await run(registerTranslate, [
      'translate',
      join(ent, 'ent-08-export-tools-split.csv'),
      '--mapping',
      join(ent, 'mapping-zh.yaml'),
      '--out',
      out,
    ]);
    expect(r.exitCode).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['EPGW202601090108-1.xml', 'EPGW202601090108-2.xml']);
    expect(readFileSync(join(out, 'EPGW202601090108-2.xml'), 'utf8')).toBe(
      readFileSync(join(ent, 'expected', 'ent-08-export-tools-split-2.xml'), 'utf8'),
    );
  });

  it('prints one message to stdout, and errors in both languages with exit code 1', async () => {
    const ok = await run(registerTranslate, [
      'translate',
      join(ent, 'ent-06-export-ceramics-gbk.xml'),
      '-m',
      join(ent, 'mapping-xml.yaml'),
    ]);
    expect(ok.out).toBe(
      readFileSync(join(ent, 'expected', 'ent-06-export-ceramics-gbk.xml'), 'utf8'),
    );
    const bad = await run(registerTranslate, [
      'translate',
      join(samples, '..', 'test', 'fixtures', 'bad-inputs', 'bad-21-bad-uscc-check.csv'),
      '-m',
      join(ent, 'mapping-zh.yaml'),
    ]);
    expect(bad.exitCode).toBe(1);
    expect(bad.err).toContain(
      'GW_ERR_VALIDATION: 报文未通过填制规范校验 / the message fails the filling rules',
    );
    expect(bad.err).toContain('row 2, column I (收发货人信用代码)');
    expect(bad.err).toContain('修正 / fix:');
  });

  it('joins a CSV head file and items file given as a pair', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pair-'));
    const text = readFileSync(join(ent, 'ent-05-export-tools-gbk-sections.csv'));
    const { writeFileSync } = await import('node:fs');
    const iconv = (await import('iconv-lite')).default;
    const parts = iconv.decode(text, 'gbk').split(/\[[^\]]+\]\r\n/);
    // parts: '', head, items, containers, edocs; the pair carries head and items only.
    writeFileSync(join(dir, 'head.csv'), iconv.encode(parts[1]!, 'gbk'));
    writeFileSync(join(dir, 'items.csv'), iconv.encode(parts[2]!, 'gbk'));
    const r = await run(registerTranslate, [
      'translate',
      join(dir, 'head.csv'),
      '--items',
      join(dir, 'items.csv'),
      '-m',
      join(ent, 'mapping-zh.yaml'),
    ]);
    expect(r.err).toBe('');
    expect((r.out.match(/<DecList>/g) ?? []).length).toBe(20);
  });
});

describe('eport validate', () => {
  it('expands folders and checks each file; standard XML needs no mapping', async () => {
    const files = expandInputs([join(samples, 'declaration')]);
    expect(files.filter((f) => f.endsWith('.xml'))).toHaveLength(7);
    const results = await validateFiles(
      files.filter((f) => f.endsWith('.xml')),
      {},
    );
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('prints a summary table and exits 1 on any error; --json for machines', async () => {
    const args = [
      'validate',
      join(ent, 'ent-01-import-components-utf8-bom.csv'),
      join(ent, 'ent-02-export-apparel.json'),
      '-m',
      join(ent, 'mapping-zh.yaml'),
    ];
    const human = await run(registerValidate, args);
    expect(human.exitCode).toBe(1);
    expect(human.out).toContain('文件 File');
    expect(human.out).toContain('OK 通过');
    expect(human.out).toContain('GW_ERR_INPUT_COLUMNS');
    expect(human.out).toContain('2 个文件 file(s), 1 通过 passed, 1 未通过 failed');
    const machine = await run(registerValidate, [...args, '--json']);
    const report = JSON.parse(machine.out) as {
      files: number;
      failed: number;
      results: { ok: boolean; error?: { code: string } }[];
    };
    expect(report).toMatchObject({ files: 2, failed: 1 });
    expect(report.results[1]!.error!.code).toBe('GW_ERR_INPUT_COLUMNS');
  });

  it('lines up columns holding Chinese text', () => {
    expect(
      table([
        ['名称', 'b'],
        ['ab', 'c'],
      ]).split('\n'),
    ).toEqual(['名称  b', '----  -', 'ab    c']);
  });
});
