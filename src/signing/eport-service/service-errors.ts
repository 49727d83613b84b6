/**
 * What the E-Port client control's failures mean for the gateway: which GatewayError code, whether
 * to retry, and what to tell the operator (in Chinese and English).
 *
 * Only the reader-failure texts are documented (reference §6.3: `[读卡器底层库]复位读卡器失败:错误码=50070`,
 * `Err:Custom50070`; peers also list 50200 打开读卡器失败). The wording of a wrong-PIN reply is not
 * published anywhere we could find, so PIN failures are recognised by keywords (口令/密码/PIN plus
 * 错误/失败/锁/剩余…) — check this against a real card before relying on the retry count.
 */
import { GatewayError, type ErrorCode } from '../../core/errors.js';
import { succeeded, type EportReply } from './protocol.js';

/** Reader/card texts: card pulled, reader reset failed, USB key gone dark. */
const CARD_PATTERN =
  /读卡器|未插|无卡|没有.{0,6}卡|找不到.{0,6}(卡|设备|key)|卡片|设备未|Custom50(070|200)|\b50(070|200)\b|card|reader|u-?key|ikey/i;
/** PIN texts: the word for PIN together with a word for "wrong", "locked" or "tries left". */
const PIN_WORD = /口令|密码|PIN/i;
const PIN_FAILURE = /错|误|失败|不正确|不符|锁|剩余|wrong|incorrect|invalid|fail|lock|block|retr/i;
const PIN_LOCKED = /锁|lock|block/i;
const TRIES_LEFT = /(?:剩余|还可|还有|remaining|left)[^0-9]{0,12}(\d+)|(\d+)\s*次/i;

/** Replaces every secret (the PIN) in a text the control sent back, in case it ever echoes one. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('[redacted]');
  return out;
}

/** What a PIN failure says about the card. */
export interface PinFailure {
  readonly locked: boolean;
  /** Tries left, when the control says. */
  readonly triesLeft?: number;
}

/** Recognises a PIN failure among the control's error texts, or undefined. */
export function pinFailureOf(errors: readonly string[]): PinFailure | undefined {
  const text = errors.join(' ');
  if (!PIN_WORD.test(text) || !PIN_FAILURE.test(text)) return undefined;
  const m = TRIES_LEFT.exec(text);
  const triesLeft = m ? Number(m[1] ?? m[2]) : undefined;
  return {
    locked: PIN_LOCKED.test(text) || triesLeft === 0,
    ...(triesLeft !== undefined ? { triesLeft } : {}),
  };
}

/**
 * The PIN tries left after a reply: what a PIN refusal says (0 when locked); unknown once a PIN was
 * accepted (the card's counter goes back to a maximum the control does not tell); else as before.
 */
export function pinTriesAfter(
  reply: EportReply,
  sentPin: boolean,
  before: number | undefined,
): number | undefined {
  if (succeeded(reply)) return sentPin ? undefined : before;
  const pin = pinFailureOf(reply.errors);
  return pin ? (pin.locked ? 0 : pin.triesLeft) : before;
}

/**
 * The GatewayError for a reply the control marked as failed (`Result` false or `_status` not "00").
 * PIN → GW_ERR_SIGN_PIN (permanent: a second wrong try brings the card closer to locking);
 * reader/card → GW_ERR_SIGN_CARD_ABSENT (transient: the sign queue pauses until the card is back);
 * anything else → GW_ERR_SIGN_FAILED (transient), with the control's own texts.
 */
export function failureError(
  method: string,
  errors: readonly string[],
  status: string | undefined,
  secrets: readonly string[],
): GatewayError {
  const said =
    redact(errors.join('; '), secrets) ||
    (status !== undefined ? `_status=${status}` : 'no error text');
  const where = `E-Port client control ${method}`;
  const pin = pinFailureOf(errors);
  if (pin) {
    const tries = pin.triesLeft !== undefined ? `（剩余 ${pin.triesLeft} 次）` : '';
    const triesEn = pin.triesLeft !== undefined ? ` (${pin.triesLeft} tries left)` : '';
    return new GatewayError('GW_ERR_SIGN_PIN', {
      where,
      zh: pin.locked ? `操作员卡口令已锁定：${said}` : `操作员卡口令错误${tries}：${said}`,
      en: pin.locked
        ? `operator card PIN is blocked: ${said}`
        : `operator card PIN is wrong${triesEn}: ${said}`,
      fixZh: pin.locked
        ? '口令已锁定，需到数据分中心或用“卡介质解锁”功能解锁后，再更新网关配置中的 PIN'
        : '网关不会自动重试。请核对配置中的 PIN（出厂默认 88888888），修正后重新加载签名器；再错几次卡会被锁定',
      fixEn: pin.locked
        ? 'the PIN is blocked; have the card unlocked (data centre / card unlock tool), then update the PIN in the gateway configuration'
        : 'the gateway will not retry. Check the configured PIN (factory default 88888888), fix it and reload the signer; more wrong tries lock the card',
    });
  }
  if (CARD_PATTERN.test(errors.join(' '))) {
    return new GatewayError('GW_ERR_SIGN_CARD_ABSENT', {
      where,
      zh: `读卡器或操作员卡不可用：${said}`,
      en: `card reader or operator card not usable: ${said}`,
      fixZh:
        '检查操作员卡/U-key 是否插好；如反复出现，重启电子口岸客户端控件（SetAccessControl.exe -restart -i）',
      fixEn:
        'check that the operator card / U-key is inserted; if it keeps happening, restart the E-Port client control (SetAccessControl.exe -restart -i)',
    });
  }
  return new GatewayError('GW_ERR_SIGN_FAILED', {
    where,
    zh: `签名服务返回失败：${said}`,
    en: `signing service reported a failure: ${said}`,
  });
}

/** GW_ERR_SIGN_SERVICE_UNAVAILABLE: not connected, connection refused or dropped. */
export function unavailableError(url: string, why: string): GatewayError {
  return new GatewayError('GW_ERR_SIGN_SERVICE_UNAVAILABLE', {
    where: url,
    zh: `无法连接电子口岸客户端控件 ${url}：${why}`,
    en: `cannot reach the E-Port client control at ${url}: ${why}`,
    fixZh:
      '确认“中国电子口岸客户端控件”已安装并在运行（进程 CnEport.Pub.WebSocketServer.exe），必要时执行 SetAccessControl.exe -restart -i',
    fixEn:
      'make sure the E-Port client control is installed and running (process CnEport.Pub.WebSocketServer.exe); if needed run SetAccessControl.exe -restart -i',
  });
}

/** GW_ERR_SIGN_TIMEOUT: the request was sent but no reply came within the time limit. */
export function timeoutError(url: string, method: string, ms: number): GatewayError {
  return new GatewayError('GW_ERR_SIGN_TIMEOUT', {
    where: `${url} ${method}`,
    zh: `${method} 在 ${ms} 毫秒内没有应答（卡可能忙或失去响应）`,
    en: `${method} got no answer within ${ms} ms (the card may be busy or unresponsive)`,
    fixZh: '稍后自动重试；如持续超时，拔插操作员卡或重启电子口岸客户端控件',
    fixEn:
      'will retry; if it keeps timing out, re-insert the card or restart the E-Port client control',
  });
}

/** GW_ERR_SIGN_SERVICE_REPLY: a reply that cannot be understood (bad JSON, wrong shape, bad data). */
export function replyError(
  url: string,
  method: string,
  reason: string,
  excerpt?: string,
  secrets: readonly string[] = [],
): GatewayError {
  const shown = excerpt !== undefined ? `: ${redact(excerpt, secrets)}` : '';
  return new GatewayError('GW_ERR_SIGN_SERVICE_REPLY', {
    where: `${url} ${method}`,
    zh: `${method} 的应答无法识别（${reason}）${shown}`,
    en: `reply to ${method} not understood (${reason})${shown}`,
    fixZh: '确认 61232 端口上运行的是电子口岸客户端控件，且版本受支持',
    fixEn:
      'check that the service on port 61232 is the E-Port client control and a supported version',
  });
}

/** Codes that say the service, not the card, is the problem. */
const SERVICE_CODES: ReadonlySet<ErrorCode> = new Set([
  'GW_ERR_SIGN_SERVICE_UNAVAILABLE',
  'GW_ERR_SIGN_TIMEOUT',
  'GW_ERR_SIGN_SERVICE_REPLY',
]);

/** True for errors about reaching or understanding the service (as opposed to the card). */
export function isServiceError(code: ErrorCode): boolean {
  return SERVICE_CODES.has(code);
}
