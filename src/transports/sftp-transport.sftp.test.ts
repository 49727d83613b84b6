import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { isGatewayError } from '../core/errors.js';
import {
  defineTransportContract,
  type TransportHarness,
} from '../../test/contract/transport.contract.js';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import { skipWithout } from '../../test/helpers/tools.js';
import type { FakeOutcome } from './fake-transport.js';
import { remoteFileName, SftpTransport, type SftpTransportOptions } from './sftp-transport.js';
import type { OutboundMessage, Transport } from './transport.js';

const skip = skipWithout('SFTP transport tests', sshdUnavailable());

let sshd: TestSshd | undefined;
let dirs = 0;
/** One sshd for the whole file: starting one costs ~0.1 s, but there is no reason to pay it per test. */
async function server(): Promise<TestSshd> {
  sshd ??= await startSshd();
  return sshd;
}
afterAll(async () => {
  await sshd?.dispose();
});

async function options(extra: Partial<SftpTransportOptions> = {}): Promise<SftpTransportOptions> {
  const s = await server();
  const remoteDir = join(s.dataDir, `out-${++dirs}`);
  await mkdir(remoteDir);
  return {
    name: 'sftp-test',
    host: s.host,
    port: s.port,
    username: s.username,
    privateKey: s.privateKey,
    knownHostKey: s.hostKeyFingerprint,
    remoteDir,
    timeoutMs: 3000,
    ...extra,
  };
}

/**
 * The contract harness for SFTP. The far side cannot see the idempotency key (SFTP carries only
 * a file), so the harness notes which key each remote name was sent with; the bytes come from
 * the server's disk. Faults are real: "transient" stops sshd for one send (connection refused),
 * "permanent" withdraws the client key from authorized_keys for one send (login refused).
 */
async function sftpHarness(): Promise<TransportHarness> {
  const s = await server();
  const opts = await options();
  const real = new SftpTransport(opts);
  const script: FakeOutcome[] = [];
  const keys = new Map<string, string>();
  const transport: Transport = {
    name: real.name,
    send: async (message, o) => {
      const fault = script.shift() ?? 'ok';
      if (fault === 'transient') await s.stop();
      if (fault === 'permanent') await s.setAuthorized(false);
      try {
        const ack = await real.send(message, o);
        keys.set(remoteFileName(message), o.idempotencyKey);
        return ack;
      } finally {
        if (fault === 'transient') await s.start();
        if (fault === 'permanent') await s.setAuthorized(true);
      }
    },
    close: () => real.close(),
  };
  return {
    transport,
    failNext: (...o) => void script.push(...o),
    received: async () => {
      const names = new Set((await readdir(opts.remoteDir)).filter((n) => !n.startsWith('.')));
      const out: { bytes: Buffer; idempotencyKey: string }[] = [];
      for (const [name, key] of keys)
        if (names.has(name))
          out.push({ bytes: await readFile(join(opts.remoteDir, name)), idempotencyKey: key });
      return out;
    },
    close: () => real.close(),
  };
}

const gbk = iconv.encode('<DecHead><OwnerName>上海某某进出口有限公司</OwnerName></DecHead>', 'gbk');
const msg: OutboundMessage = {
  messageId: 'm1',
  businessKey: 'EPGW2026000042',
  messageType: 'DecMessage',
  fileName: 'dec.xml',
  bytes: gbk,
};

if (skip) describe.skip('SftpTransport (sshd missing)', () => {});
else {
  beforeAll(async () => {
    await server();
  });

  defineTransportContract('sftp (OpenSSH sshd on loopback)', sftpHarness);

  describe('SftpTransport specifics', () => {
    it('names the remote file after the file name and business key, safely', () => {
      expect(remoteFileName({ fileName: '报关单-1.xml', businessKey: 'EPGW1' })).toBe(
        '报关单-1_EPGW1.xml',
      );
      expect(remoteFileName({ fileName: '../../etc/.passwd', businessKey: 'K/1' })).toBe(
        'passwd_K_1',
      );
      expect(remoteFileName({ fileName: 'EPGW1.xml', businessKey: 'EPGW1' })).toBe('EPGW1.xml');
    });

    it('uploads under the final name only (no .part left), GBK bytes unchanged, and a resend overwrites', async () => {
      const opts = await options();
      const t = new SftpTransport(opts);
      try {
        const ack = await t.send(msg, { idempotencyKey: 'k' });
        expect(ack.reference).toBe(
          `sftp://127.0.0.1:${opts.port}${join(opts.remoteDir, 'dec_EPGW2026000042.xml')}`,
        );
        expect(await readdir(opts.remoteDir)).toEqual(['dec_EPGW2026000042.xml']);
        expect((await readFile(join(opts.remoteDir, 'dec_EPGW2026000042.xml'))).equals(gbk)).toBe(
          true,
        );
        const again = Buffer.concat([gbk, Buffer.from('<!-- resent -->')]);
        await t.send({ ...msg, bytes: again }, { idempotencyKey: 'k' });
        expect(await readdir(opts.remoteDir)).toEqual(['dec_EPGW2026000042.xml']);
        expect((await readFile(join(opts.remoteDir, 'dec_EPGW2026000042.xml'))).equals(again)).toBe(
          true,
        );
      } finally {
        await t.close();
      }
    });

    it('never shows a partial file under the final name while uploading', async () => {
      const opts = await options();
      const t = new SftpTransport(opts);
      const big = Buffer.alloc(4 * 1024 * 1024, 0x41);
      const final = join(opts.remoteDir, 'dec_EPGW2026000042.xml');
      let watching = true;
      const sizes: number[] = [];
      const watch = (async () => {
        while (watching) {
          const st = await stat(final).catch(() => undefined);
          if (st) sizes.push(st.size);
          await new Promise((r) => setImmediate(r));
        }
      })();
      try {
        await t.send({ ...msg, bytes: big }, { idempotencyKey: 'k' });
      } finally {
        // Let the watcher see the finished file at least once, so the check below is not vacuous.
        await new Promise((r) => setTimeout(r, 20));
        watching = false;
        await watch;
        await t.close();
      }
      expect(sizes.length).toBeGreaterThan(0);
      expect(sizes.every((n) => n === big.length)).toBe(true);
    });

    it('a wrong client key is permanent (GW_ERR_SFTP_AUTH)', async () => {
      const s = await server();
      const t = new SftpTransport(await options({ privateKey: s.strangerKey }));
      const err = await t.send(msg, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      await t.close();
      expect(isGatewayError(err) && [err.code, err.kind]).toEqual([
        'GW_ERR_SFTP_AUTH',
        'permanent',
      ]);
    });

    it('a host key other than the pinned one is permanent (GW_ERR_SFTP_HOST_KEY)', async () => {
      const t = new SftpTransport(
        await options({ knownHostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
      );
      const err = await t.send(msg, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      await t.close();
      expect(isGatewayError(err) && [err.code, err.kind]).toEqual([
        'GW_ERR_SFTP_HOST_KEY',
        'permanent',
      ]);
    });

    it('sshd stopped is transient, also on a kept connection, and the next send reconnects', async () => {
      const s = await server();
      const opts = await options();
      const t = new SftpTransport(opts);
      try {
        await t.send(msg, { idempotencyKey: 'k' });
        await s.stop();
        try {
          const err = await t.send(msg, { idempotencyKey: 'k' }).catch((e: unknown) => e);
          expect(isGatewayError(err) && [err.code, err.kind]).toEqual([
            'GW_ERR_SFTP_CONNECT',
            'transient',
          ]);
        } finally {
          await s.start();
        }
        await t.send({ ...msg, businessKey: 'EPGW2026000043' }, { idempotencyKey: 'k2' });
        expect((await readdir(opts.remoteDir)).sort()).toEqual([
          'dec_EPGW2026000042.xml',
          'dec_EPGW2026000043.xml',
        ]);
      } finally {
        await t.close();
      }
    });

    it('a missing remote directory is permanent (GW_ERR_SFTP_PATH)', async () => {
      const opts = await options();
      const t = new SftpTransport({ ...opts, remoteDir: join(opts.remoteDir, 'missing') });
      const err = await t.send(msg, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      await t.close();
      expect(isGatewayError(err) && [err.code, err.kind]).toEqual([
        'GW_ERR_SFTP_PATH',
        'permanent',
      ]);
    });
  });
}
