import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isGatewayError } from '../../core/errors.js';
import {
  defineTransportContract,
  type TransportHarness,
} from '../../../test/contract/transport.contract.js';
import type { FakeOutcome } from '../fake-transport.js';
import type { OutboundMessage, Transport } from '../transport.js';
import { clientFileName, clientStem } from './client-file-name.js';
import { SwClientTransport } from './sw-client-transport.js';

const roots: string[] = [];
async function impPath(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
  roots.push(root);
  for (const box of ['OutBox', 'InBox', 'SentBox', 'FailBox'])
    await mkdir(join(root, 'Deccus001', box), { recursive: true });
  return root;
}
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/**
 * Contract harness: the far side is the OutBox on disk. Faults are real: "transient" takes the
 * module folder away for one send (a share not mounted), "permanent" fills the client folders
 * with twenty other messages of the same name, so no name is left to write under.
 */
async function harness(): Promise<TransportHarness> {
  const root = await impPath();
  const real = new SwClientTransport({ name: 'client', impPath: root });
  const script: FakeOutcome[] = [];
  const keys = new Map<string, string>();
  const transport: Transport = {
    name: real.name,
    send: async (message, o) => {
      const fault = script.shift() ?? 'ok';
      const stem = clientStem(message.businessKey, message.messageId);
      if (fault === 'transient') await rename(join(root, 'Deccus001'), join(root, 'away'));
      if (fault === 'permanent')
        for (let n = 1; n <= 20; n += 1)
          await writeFile(
            join(root, 'Deccus001', 'SentBox', clientFileName(stem, n)),
            `other ${n}`,
          );
      try {
        const ack = await real.send(message, o);
        keys.set(clientFileName(stem), o.idempotencyKey);
        return ack;
      } finally {
        if (fault === 'transient') await rename(join(root, 'away'), join(root, 'Deccus001'));
        if (fault === 'permanent')
          for (let n = 1; n <= 20; n += 1)
            await rm(join(root, 'Deccus001', 'SentBox', clientFileName(stem, n)));
      }
    },
    close: () => real.close(),
  };
  return {
    transport,
    failNext: (...o) => void script.push(...o),
    received: async () => {
      const dir = join(root, 'Deccus001', 'OutBox');
      const names = new Set(await readdir(dir));
      const out: { bytes: Buffer; idempotencyKey: string }[] = [];
      for (const [name, key] of keys)
        if (names.has(name))
          out.push({ bytes: await readFile(join(dir, name)), idempotencyKey: key });
      return out;
    },
    close: () => real.close(),
  };
}

defineTransportContract('sw-client (Single Window client OutBox on disk)', harness);

const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: 'a'.repeat(32),
  businessKey: 'EPGW20260105000101',
  messageType: 'DecMessage',
  fileName: '报关单.xml',
  bytes: Buffer.from('<DecMessage xmlns="http://www.chinaport.gov.cn/dec"/>'),
  ...over,
});

describe('SwClientTransport', () => {
  it('writes one file named after the business key into the module OutBox, leaving no temp file', async () => {
    const root = await impPath();
    const t = new SwClientTransport({ name: 'c', impPath: root });
    const ack = await t.send(msg(), { idempotencyKey: 'k' });
    expect(ack.reference).toBe('DECCUS001/OutBox/EPGW20260105000101.xml');
    expect(ack.correlationKeys).toBeUndefined();
    expect(await readdir(join(root, 'Deccus001', 'OutBox'))).toEqual(['EPGW20260105000101.xml']);
  });

  it('never hands the same message over twice: a re-run finds it in OutBox, SentBox or FailBox', async () => {
    const root = await impPath();
    const t = new SwClientTransport({ name: 'c', impPath: root });
    await t.send(msg(), { idempotencyKey: 'k' });
    // Re-run while the file waits in OutBox (e.g. after a kill -9 before the send was recorded).
    expect((await t.send(msg(), { idempotencyKey: 'k' })).reference).toMatch(
      /OutBox\/EPGW20260105000101\.xml \(already handed over/,
    );
    for (const [from, box] of [
      ['OutBox', 'SentBox'],
      ['SentBox', 'FailBox'],
    ] as const) {
      await rename(
        join(root, 'Deccus001', from, 'EPGW20260105000101.xml'),
        join(root, 'Deccus001', box, 'EPGW20260105000101.xml'),
      );
      expect((await t.send(msg(), { idempotencyKey: 'k' })).reference).toContain(
        `${box}/EPGW20260105000101.xml (already`,
      );
      expect(await readdir(join(root, 'Deccus001', 'OutBox'))).toEqual([]);
    }
  });

  it('writes an operator replay as its own file once, bound for correlation', async () => {
    const root = await impPath();
    const t = new SwClientTransport({ name: 'c', impPath: root });
    await t.send(msg(), { idempotencyKey: 'k' });
    const ack = await t.send(msg(), { idempotencyKey: 'k:replay-1', replay: 1 });
    expect(ack.reference).toBe('DECCUS001/OutBox/EPGW20260105000101_r-1.xml');
    expect(ack.correlationKeys).toEqual(['EPGW20260105000101_r-1']);
    expect((await t.send(msg(), { idempotencyKey: 'k:replay-1', replay: 1 })).reference).toContain(
      '(already handed over',
    );
    expect((await readdir(join(root, 'Deccus001', 'OutBox'))).sort()).toEqual([
      'EPGW20260105000101.xml',
      'EPGW20260105000101_r-1.xml',
    ]);
  });

  it('gives another message with the same business key a new name and binds it', async () => {
    const root = await impPath();
    const t = new SwClientTransport({ name: 'c', impPath: root });
    await writeFile(
      join(root, 'Deccus001', 'SentBox', 'epgw20260105000101.XML'),
      'an earlier, different declaration',
    );
    const ack = await t.send(msg(), { idempotencyKey: 'k' });
    expect(ack.reference).toBe('DECCUS001/OutBox/EPGW20260105000101_t-2.xml');
    expect(ack.correlationKeys).toEqual(['EPGW20260105000101_t-2']);
  });

  it('hashes a business key a Windows host may refuse, and binds the stem', async () => {
    const root = await impPath();
    const t = new SwClientTransport({ name: 'c', impPath: root });
    const ack = await t.send(msg({ businessKey: '订单/001' }), { idempotencyKey: 'k' });
    const [name] = await readdir(join(root, 'Deccus001', 'OutBox'));
    expect(name).toMatch(/^EP[0-9A-F]{30}\.xml$/);
    expect(ack.correlationKeys).toEqual([name!.slice(0, -4)]);
  });

  it('follows the client settings file and the folder case on disk', async () => {
    const root = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    roots.push(root);
    await mkdir(join(root, 'DECCUS001', 'outbox'), { recursive: true });
    const settings = join(root, 'DFWJobSettings.xml');
    await writeFile(
      settings,
      await readFile(
        new URL('../../../test/fixtures/sw-client/DFWJobSettings.xml', import.meta.url),
      ),
    );
    const t = new SwClientTransport({ name: 'c', impPath: root, settingsFile: settings });
    await t.send(msg(), { idempotencyKey: 'k' });
    expect(await readdir(join(root, 'DECCUS001', 'outbox'))).toEqual(['EPGW20260105000101.xml']);
  });

  it('says transient, with a fix, when the OutBox is missing; config error for a type with no module', async () => {
    const root = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    roots.push(root);
    const t = new SwClientTransport({ name: 'c', impPath: root });
    const err = await t.send(msg(), { idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(isGatewayError(err) && [err.code, err.kind, Boolean(err.details[0]?.fixEn)]).toEqual([
      'GW_ERR_CLIENT_FOLDER',
      'transient',
      true,
    ]);
    const bad = await t
      .send(msg({ messageType: 'Unknown' }), { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(isGatewayError(bad) && [bad.code, bad.kind]).toEqual(['GW_ERR_CONFIG', 'permanent']);
  });
});
