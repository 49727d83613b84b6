// Real published receipts (copied byte-for-byte into test/fixtures/receipts) must classify right.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReceipt } from './parse.js';

const FIXTURES = new URL('../../test/fixtures/receipts/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const parseFixture = (name: string) => parseReceipt(fixture(name), name);

describe('CEB receipts (official 202205 samples)', () => {
  it('CEB312 order receipt: default namespace, ten identical returns collapse to one', () => {
    const r = parseFixture('CEB312Message.xml');
    expect(r).toMatchObject({
      family: 'ceb',
      kind: 'ceb-return',
      messageType: 'CEB312Message',
      code: '2',
      status: 'declared',
      terminal: false,
      negative: false,
      text: '新增申报成功[4CDE1CFD-EDED-46B1-946C-B8022E42FC94]',
      noticeTime: '20160428182238000',
    });
    expect(r.keys).toEqual({
      guid: '4CDE1CFD-EDED-46B1-946C-B8022E42FC94',
      orderNo: 'order20160321116420545',
    });
    expect(r.records).toBeUndefined();
  });

  it('CEB622 inventory receipt: copNo and preNo correlate', () => {
    const r = parseFixture('CEB622Message.xml');
    expect(r).toMatchObject({
      family: 'ceb',
      kind: 'ceb-return',
      messageType: 'CEB622Message',
      code: '1',
    });
    expect(r.status).toBe('imported');
    expect(r.text).toBe('暂存');
    expect(r.keys).toEqual({
      guid: '4CDE1CFD-EDED-46B1-946C-B8022E42FC94',
      copNo: 'cop2016032211000',
      preNo: 'B20160512000001882',
    });
  });

  it('CEB304 export receipt: UTF-8 BOM and ceb: prefixes', () => {
    const r = parseFixture('CEB304Message.xml');
    expect(r).toMatchObject({ family: 'ceb', kind: 'ceb-return', messageType: 'CEB304Message' });
    expect(r).toMatchObject({ code: '2', status: 'declared' });
    expect(r.keys).toEqual({
      guid: '311af125-6fed-4603-8c5d-49b1fa4b4b9b',
      orderNo: 'order2018050711340001',
    });
    expect(r.noticeTime).toBe('20180507153001001');
  });
});

describe('金二 receipts (gx-customs-bridge samples)', () => {
  it('INV201 核注清单 audit receipt: default xmldsig namespace, no XML declaration', () => {
    const r = parseFixture('INV201.xml');
    expect(r).toMatchObject({
      family: 'sas',
      kind: 'sas-receipt',
      messageType: 'INV201',
      code: '4',
      status: 'audited',
      terminal: false,
      negative: false,
      text: '',
      noticeTime: '2024-07-30 11:48:02',
    });
    expect(r.keys).toEqual({
      seqNo: '202400000122717119',
      businessId: 'QD311124E000098849',
      invtNo: 'QD311124E000098849',
      etpsPreentNo: 'COSU6391946850D',
    });
  });

  it('SAS221 核放单 audit receipt', () => {
    const r = parseFixture('SAS221.xml');
    expect(r).toMatchObject({ family: 'sas', kind: 'sas-receipt', messageType: 'SAS221' });
    expect(r).toMatchObject({ code: '1', status: 'audited' });
    expect(r.keys).toEqual({ seqNo: '202400000069440319', businessId: 'Z3111I240728000000000003' });
    expect(r.noticeTime).toBe('2024-07-28 00:44:26');
  });

  it('Successed_ CommonResponeMessage: DealFlag 0 = imported, stem recovered from the name', () => {
    const name = 'Successed_INV101_E_fef3da4f-86c8-4bf2-bb60-a5f03bdcbd30.xml';
    const r = parseFixture(name);
    expect(r).toMatchObject({
      family: 'sas',
      kind: 'sas-response',
      messageType: 'CommonResponeMessage',
      code: '0',
      status: 'imported',
      terminal: false,
      negative: false,
      text: '保税核注清单申报服务调用成功',
    });
    expect(r.keys).toEqual({
      seqNo: '202400000122534496',
      etpsPreentNo: '278792851A',
      sourceStem: 'INV101_E_fef3da4f-86c8-4bf2-bb60-a5f03bdcbd30',
    });
  });

  it('Failed_ CommonResponeMessage: DealFlag -1 = rejected, terminal and negative', () => {
    const name = 'Failed_SAS121_I_9f0895a2-12f6-4d7b-9588-d53d3560e501.xml';
    const r = parseFixture(name);
    expect(r).toMatchObject({ family: 'sas', kind: 'sas-response', code: '-1' });
    expect(r).toMatchObject({ status: 'rejected', terminal: true, negative: true });
    expect(r.keys).toEqual({
      etpsPreentNo: '浙B2M765',
      sourceStem: 'SAS121_I_9f0895a2-12f6-4d7b-9588-d53d3560e501',
    });
    expect(r.text).toMatch(/^报文类型为SAS121,/);
    expect(r.text).toContain('【202300000059988116】');
  });

  it('works without a file name (no sourceStem, same classification)', () => {
    const r = parseReceipt(fixture('Failed_SAS121_I_9f0895a2-12f6-4d7b-9588-d53d3560e501.xml'));
    expect(r.keys.sourceStem).toBeUndefined();
    expect(r.status).toBe('rejected');
  });
});
