import { stat } from 'node:fs/promises';
import type { GatewayConfig } from '../../config/resolve.js';
import type { Finding } from './finding.js';

/** Where libpcsclite looks for pcscd (PCSCLITE_CSOCK_NAME overrides it, as in libpcsclite). */
export function pcscdSocket(env: NodeJS.ProcessEnv = process.env): string {
  return env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

/** Card signers talk to pcscd through its socket: without it no card is ever seen. */
export async function checkPcscd(
  config: GatewayConfig,
  socket = pcscdSocket(),
): Promise<Finding[]> {
  if (!config.signers.some((s) => s.type === 'pcsc-card')) return [];
  const st = await stat(socket).catch(() => undefined);
  if (st?.isSocket())
    return [{ level: 'ok', what: 'pcscd', detail: `${socket} / 读卡器服务在运行` }];
  return [
    {
      level: 'fail',
      what: 'pcscd',
      detail: `no pcscd socket at ${socket}: card readers cannot be reached / 读卡器服务未运行`,
      fix: "apt-get install pcscd && systemctl enable --now pcscd.socket; in a container mount the host's socket: -v /run/pcscd:/run/pcscd / 安装并启动 pcscd",
    },
  ];
}

/** The fix for what the certificate check found. */
export function certificateFix(level: 'ok' | 'warn' | 'fail', notAfter: Date): string | undefined {
  if (level === 'ok') return undefined;
  const day = notAfter.toISOString().slice(0, 10);
  return level === 'fail'
    ? 'the certificate has expired: renew it with the card issuer (证书更新 at 中国电子口岸 / your CA), then replace the key file or card certificate and restart / 证书已过期，请办理证书更新'
    : `renew the certificate before ${day} (证书更新), then replace the key file or card certificate and restart / 请在 ${day} 前办理证书更新`;
}
