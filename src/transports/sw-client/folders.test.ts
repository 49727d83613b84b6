import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultModuleFor } from '../../core/client-modules.js';
import { isGatewayError } from '../../core/errors.js';
import { clientReceiptFileName } from '../../receipts/naming.js';
import { clientFileName, clientStem, MAX_CLIENT_STEM } from './client-file-name.js';
import { moduleLayout, resolveOnDisk } from './folders.js';
import { parseClientSettings } from './settings-file.js';

const settingsXml = () =>
  readFile(new URL('../../../test/fixtures/sw-client/DFWJobSettings.xml', import.meta.url));

describe('DFWJobSettings.xml', () => {
  it("reads each module's boxes, FormIds and attribute names matched case-insensitively", async () => {
    const s = parseClientSettings(await settingsXml());
    expect(s.get('DECCUS001')).toMatchObject({
      OutBox: 'C:\\ImpPath\\DecCus001\\OutBox',
      FailBox: 'C:\\ImpPath\\DecCus001\\FailBox',
    });
    expect(s.get('SAS')).toEqual({ OutBox: '/srv/imppath/Sas/OutBox' });
    expect([...s.keys()].sort()).toEqual(['DECCUS001', 'MFT', 'SAS']);
  });

  it('refuses a file that is not the client settings, and a DTD', () => {
    const wrong = (() => {
      try {
        parseClientSettings(Buffer.from('<Config/>'));
      } catch (e) {
        return e;
      }
    })();
    expect(isGatewayError(wrong) && wrong.code).toBe('GW_ERR_CONFIG');
    expect(() =>
      parseClientSettings(Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><Settings/>')),
    ).toThrow();
  });
});

describe('module layout', () => {
  it('maps Windows paths from the settings file under our ImpPath, and keeps POSIX ones', async () => {
    const s = parseClientSettings(await settingsXml());
    expect(moduleLayout('deccus001', s).OutBox).toEqual(['DecCus001', 'OutBox']);
    expect(moduleLayout('MFT', s).InBox).toEqual(['Manifest', 'InBox']);
    expect(moduleLayout('SAS', s).OutBox).toEqual(['/srv/imppath/Sas/OutBox']);
    // A box the settings do not name falls back to the module's default folder.
    expect(moduleLayout('SAS', s).InBox).toEqual(['Sas', 'InBox']);
  });

  it('uses the client defaults, then overrides, and refuses an unknown module', () => {
    expect(moduleLayout('DECCUS001').SentBox).toEqual(['Deccus001', 'SentBox']);
    expect(moduleLayout('DECCUS001', undefined, { deccus001: 'DecCus001' }).SentBox).toEqual([
      'DecCus001',
      'SentBox',
    ]);
    expect(() => moduleLayout('NOPE01')).toThrow(/unknown Single Window client module/);
  });

  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('finds folders on disk whatever their letter case', async () => {
    root = await mkdtemp(join(tmpdir(), 'eport-swc-'));
    await mkdir(join(root, 'DECCUS001', 'outbox'), { recursive: true });
    expect(await resolveOnDisk(root, ['Deccus001', 'OutBox'])).toBe(
      join(root, 'DECCUS001', 'outbox'),
    );
    expect(await resolveOnDisk(root, ['Mft', 'InBox'])).toBe(join(root, 'Mft', 'InBox'));
  });
});

describe('names in the client folders', () => {
  it('keeps a safe business key as the stem, and hashes anything a Windows host may refuse', () => {
    expect(clientStem('EPGW20260105000101', 'm1')).toBe('EPGW20260105000101');
    for (const key of [
      '报关单001',
      'a/b',
      'CON',
      'x'.repeat(MAX_CLIENT_STEM + 1),
      'ok.dot',
      ' lead',
    ]) {
      const stem = clientStem(key, 'm1');
      expect(stem).toMatch(/^EP[0-9A-F]{30}$/);
      expect(clientFileName(stem, 20).length).toBeLessThanOrEqual(100);
    }
    expect(clientStem('报关单001', 'm1')).not.toBe(clientStem('报关单001', 'm2'));
    expect(clientFileName('K1')).toBe('K1.xml');
    expect(clientFileName('K1', 2)).toBe('K1_t-2.xml');
  });

  it('names receipts like the client in the imppath layout', () => {
    const at = new Date('2026-11-30T08:00:00.123Z');
    expect(
      clientReceiptFileName({
        stem: 'export.1',
        kind: 'import-response',
        seq: 1,
        negative: false,
        at,
      }),
    ).toBe('Successed_export.1_20261130160000123.xml');
    expect(
      clientReceiptFileName({
        stem: 'export',
        kind: 'import-response',
        seq: 1,
        negative: true,
        at,
      }),
    ).toBe('Failed_export_20261130160000123.xml');
    expect(
      clientReceiptFileName({ stem: 'export.1', kind: 'dec-result', seq: 3, negative: false, at }),
    ).toBe('Receipt_export_1_dec-result_03.xml');
  });

  it('sends each message type to its default module', () => {
    expect(defaultModuleFor('DecMessage')).toBe('DECCUS001');
    expect(defaultModuleFor('MT2101')).toBe('MFT');
    expect(defaultModuleFor('CEB311Message')).toBe('IMPCEB');
    expect(defaultModuleFor('CEB621Message')).toBe('IMPCEB');
    expect(defaultModuleFor('CEB303Message')).toBe('EXPCEB');
    expect(defaultModuleFor('SAS121')).toBe('SAS');
    expect(defaultModuleFor('Whatever')).toBeUndefined();
  });
});
