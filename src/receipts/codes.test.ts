import { describe, expect, it } from 'vitest';
import { CEB_RETURN_CODES, CHANNEL_CODES, channelStatus, codeInfo, describeCode } from './codes.js';
import type { GatewayStatus } from './status.js';

describe('channelStatus (报关单 CHANNEL)', () => {
  const expected: Record<string, GatewayStatus | undefined> = {
    '0': 'imported',
    '1': 'rejected',
    '2': 'declared',
    '6': 'declared',
    '7': 'declared',
    L: 'accepted',
    J: 'audited',
    G: 'audited',
    W: 'audited',
    C: 'inspection',
    S: 'inspection',
    T: 'tax-due',
    P: 'released',
    I: 'released',
    F: 'released',
    B: 'released',
    K: 'released',
    R: 'closed',
    E: 'rejected',
    Y: 'rejected',
    Z: 'rejected',
    v: 'rejected',
    D: 'cancelled',
    A: 'cancelled',
    '4': 'rejected',
    '8': 'rejected',
    '9': 'rejected',
    N: 'rejected',
    M: 'accepted',
    X: 'audited',
    '#': 'audited',
    SpL: 'accepted',
    SpE: 'rejected',
    SpJ: 'audited',
    Sp1: 'audited',
    SpC: 'inspection',
    SpK: 'released',
    // Codes that claim no progress: conflicting (3), client-side (5), suspended (H).
    '3': undefined,
    '5': undefined,
    H: undefined,
  };

  it.each(Object.entries(expected))('CHANNEL %s → %s', (code, status) => {
    expect(channelStatus(code)).toBe(status);
  });

  it('covers every code of the reference table and nothing else', () => {
    expect([...CHANNEL_CODES].sort()).toEqual(Object.keys(expected).sort());
  });

  it('flags the codes an operator must look at', () => {
    for (const c of ['1', '4', 'E', 'Y', 'Z', 'v', 'D', 'A', 'H', '5'])
      expect(codeInfo('dec', c)?.negative).toBe(true);
    for (const c of ['0', '7', 'L', 'J', 'P', 'R', 'C', 'T'])
      expect(codeInfo('dec', c)?.negative).toBe(false);
  });

  it('tolerates whitespace and letter-case drift, but not unknown codes', () => {
    expect(channelStatus(' p ')).toBe('released');
    expect(channelStatus('V')).toBe('rejected');
    expect(channelStatus('Q')).toBeUndefined();
  });
});

describe('channelStatus (CEB returnStatus)', () => {
  const expected: Record<string, GatewayStatus> = {
    '1': 'imported',
    '2': 'declared',
    '3': 'declared',
    '4': 'rejected',
    '100': 'rejected',
    '120': 'accepted',
    '300': 'accepted',
    '399': 'audited',
    '500': 'inspection',
    '501': 'inspection',
    '502': 'inspection',
    '503': 'inspection',
    '599': 'inspection',
    '700': 'rejected',
    '800': 'released',
    '899': 'closed',
  };

  it.each(Object.entries(expected))('returnStatus %s → %s', (code, status) => {
    expect(channelStatus(code, 'ceb')).toBe(status);
  });

  it('covers every listed returnStatus', () => {
    expect([...CEB_RETURN_CODES].sort()).toEqual(Object.keys(expected).sort());
  });

  it('treats the whole 501–599 range as held, and held as negative', () => {
    expect(channelStatus('550', 'ceb')).toBe('inspection');
    expect(codeInfo('ceb', '550')?.negative).toBe(true);
    expect(codeInfo('ceb', '500')?.negative).toBe(false);
  });

  it('treats negative numbers as processing errors', () => {
    expect(channelStatus('-621004', 'ceb')).toBe('rejected');
    expect(describeCode('ceb', '-621004').zh).toContain('-621004');
  });
});

describe('describeCode', () => {
  it('labels codes in Chinese and English', () => {
    expect(describeCode('dec', 'P')).toEqual({ zh: '海关已放行', en: 'released by customs' });
    expect(describeCode('ceb', '800')).toEqual({ zh: '放行', en: 'released' });
    expect(describeCode('dec', '0', 'import-response').zh).toBe('导入成功');
    expect(describeCode('dec', '-3', 'import-response').zh).toBe('导入失败');
  });

  it('picks the 金二 table by code shape when no kind is given', () => {
    expect(describeCode('sas', '-1').zh).toBe('导入失败');
    expect(describeCode('sas', '0').zh).toBe('导入成功');
    expect(describeCode('sas', '1').zh).toBe('通过（已审批）');
  });

  it('labels DXP platform codes', () => {
    expect(describeCode('dxp-rep', '2001').zh).toBe('指定的接收方不存在');
    expect(codeInfo('dxp-rep', '0000')?.status).toBe('sent');
    expect(codeInfo('dxp-rep', '3002')?.status).toBeUndefined();
    expect(codeInfo('dxp-rep', '3002')?.negative).toBe(true);
  });

  it('names unknown codes instead of failing', () => {
    expect(describeCode('dec', 'Q')).toEqual({ zh: '未知代码 Q', en: 'unknown code Q' });
    expect(describeCode('unknown', '')).toEqual({ zh: '无代码', en: 'no code' });
  });

  it('has a label in both languages for every listed code', () => {
    for (const c of CHANNEL_CODES) {
      const { zh, en } = describeCode('dec', c);
      expect(zh.length * en.length).toBeGreaterThan(0);
      expect(zh).not.toMatch(/^未知代码/);
    }
    for (const c of CEB_RETURN_CODES) expect(describeCode('ceb', c).zh).not.toMatch(/^未知代码/);
  });
});
