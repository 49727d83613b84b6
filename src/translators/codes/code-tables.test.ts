import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { CODE_TABLE_NAMES, loadCodeTables } from './code-tables.js';

describe('code tables', () => {
  const codes = loadCodeTables();

  it('loads every table from data files, with names and aliases', () => {
    for (const n of CODE_TABLE_NAMES) expect(codes.get(n).entries.length, n).toBeGreaterThan(0);
    expect(codes.get('trade-modes').lookup('一般贸易')).toBe('0110');
    expect(codes.get('currencies').lookup('美元')).toBe('USD');
    expect(codes.get('currencies').lookup('澳元')).toBe('AUD');
    expect(codes.get('units').lookup('千克')).toBe('035');
    expect(codes.get('units').lookup('ｋｇ')).toBe('035');
    expect(codes.get('countries').lookup('中国香港')).toBe('HKG');
    expect(codes.get('transaction-modes').lookup('CFR')).toBe('2');
    expect(codes.get('units').lookup('打包')).toBeUndefined();
  });

  it('accepts subordinate customs areas under a listed XX00 area', () => {
    const areas = codes.get('customs-areas');
    expect(areas.has('2248')).toBe(true);
    expect(areas.has('5141')).toBe(true);
    expect(areas.has('1234')).toBe(false);
    expect(areas.has('22000')).toBe(false);
  });

  it('an override folder replaces a table without code changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codes-'));
    writeFileSync(
      join(dir, 'currencies.json'),
      JSON.stringify({
        table: 'currencies',
        titleZh: '币制',
        titleEn: 'currency',
        entries: [
          ['CNY', '人民币'],
          ['XTS', '测试币', '测试'],
        ],
      }),
    );
    const custom = loadCodeTables({ overrideDir: dir });
    expect(custom.get('currencies').lookup('测试')).toBe('XTS');
    expect(custom.get('currencies').has('USD')).toBe(false);
    expect(custom.get('units').has('035')).toBe(true);
  });

  it('refuses a malformed or unknown override file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codes-'));
    writeFileSync(join(dir, 'units.json'), JSON.stringify({ table: 'units', entries: [] }));
    let e: GatewayError | undefined;
    try {
      loadCodeTables({ overrideDir: dir });
    } catch (err) {
      e = err as GatewayError;
    }
    expect(e?.code).toBe('GW_ERR_CONFIG');
    expect(e?.details[0]?.where).toContain('units.json');
    const dir2 = mkdtempSync(join(tmpdir(), 'codes-'));
    writeFileSync(join(dir2, 'ports.json'), '{}');
    expect(() => loadCodeTables({ overrideDir: dir2 })).toThrow(/unknown code-table files/);
  });
});
