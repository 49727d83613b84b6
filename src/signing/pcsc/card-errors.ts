/**
 * GatewayErrors for card signing, with the operator texts in Chinese and English. The mapping
 * from PC/SC and status-word failures decides what the sign queue does: transient codes pause and
 * retry, permanent ones fail the message and alert.
 */
import { GatewayError, isGatewayError } from '../../core/errors.js';
import { CardCapabilityError } from './apdu-session.js';
import type { CardProfile } from './profile.js';
import { ReaderError } from './reader-errors.js';
import type { AbsenceReason } from './reader-watch.js';
import { CardStatusError } from './status-words.js';

const ABSENCE_TEXT: Readonly<Record<AbsenceReason, { zh: string; en: string }>> = {
  starting: { zh: '尚未检测到操作员卡', en: 'no card seen yet' },
  'no-reader': { zh: '没有找到匹配的读卡器', en: 'no matching card reader found' },
  'card-removed': { zh: '操作员卡已拔出', en: 'the card was removed' },
  'reader-gone': { zh: '读卡器已断开', en: 'the card reader went away' },
  'service-lost': {
    zh: 'PC/SC 服务（pcscd）不可用',
    en: 'the PC/SC service (pcscd) is not available',
  },
  closed: { zh: '签名器已关闭', en: 'the signer is closed' },
};

/** GW_ERR_SIGN_CARD_ABSENT (transient): the gateway pauses this card's queue until `ready`. */
export function cardAbsentError(reason: AbsenceReason, where: string): GatewayError {
  const t = ABSENCE_TEXT[reason];
  return new GatewayError('GW_ERR_SIGN_CARD_ABSENT', {
    where,
    zh: t.zh,
    en: t.en,
    fixZh: '插入操作员卡并确认读卡器已连接、pcscd 正在运行',
    fixEn: 'insert the operator card and check that the reader is connected and pcscd is running',
  });
}

/** GW_ERR_SIGN_PIN (permanent): wrong or blocked PIN. The signer stops and never retries by itself. */
export function pinWrongError(where: string, triesLeft: number | undefined): GatewayError {
  const blocked = triesLeft === 0;
  return new GatewayError('GW_ERR_SIGN_PIN', {
    where,
    zh: blocked
      ? '卡 PIN 已锁定'
      : `卡 PIN 错误${triesLeft !== undefined ? `，剩余 ${triesLeft} 次尝试` : ''}，签名已停止`,
    en: blocked
      ? 'the card PIN is blocked'
      : `wrong card PIN${triesLeft !== undefined ? `, ${triesLeft} tries left` : ''}; signing stopped`,
    fixZh: blocked
      ? '用管理员口令（PUK/PW3）解锁后更新配置中的 PIN，再重启签名器'
      : '更正配置中的 PIN 后重启签名器（不会自动重试，以免锁卡）',
    fixEn: blocked
      ? 'unblock the PIN with the admin PIN (PUK/PW3), fix the configured PIN, then restart the signer'
      : 'fix the configured PIN and restart the signer (no automatic retry, so the card does not lock)',
  });
}

/** GW_ERR_SIGN_PIN_LOW (permanent): one try or fewer left, so the gateway does not present the PIN. */
export function pinLowError(where: string, triesLeft: number): GatewayError {
  return new GatewayError('GW_ERR_SIGN_PIN_LOW', {
    where,
    zh: `卡 PIN 只剩 ${triesLeft} 次尝试，网关不再校验 PIN，以免锁卡`,
    en: `the card PIN has only ${triesLeft} try left; the gateway will not present it, so the card does not lock`,
    fixZh: '确认 PIN 正确后，在可信的终端上校验一次 PIN（计数器会复位），再重启签名器',
    fixEn:
      'make sure the PIN is right, verify it once on a trusted terminal (this resets the counter), then restart the signer',
  });
}

/** GW_ERR_SIGN_CERT_EXPIRED for the card's certificate. */
export function cardCertificateExpiredError(
  where: string,
  certNo: string,
  notAfter: Date,
): GatewayError {
  return new GatewayError('GW_ERR_SIGN_CERT_EXPIRED', {
    where,
    zh: `签名证书（证书号 ${certNo}）已于 ${notAfter.toISOString()} 过期`,
    en: `the signing certificate (no. ${certNo}) expired at ${notAfter.toISOString()}`,
    fixZh: '到电子口岸办理证书更新，或换用有效的操作员卡',
    fixEn: 'renew the certificate with China E-Port, or use a card with a valid certificate',
  });
}

export interface FailureContext {
  readonly where: string;
  readonly profile: CardProfile;
  /** 'open' = connecting and selecting; 'sign' = VERIFY and signature commands. */
  readonly phase: 'open' | 'sign';
}

/** Any failure during card work as a GatewayError (already-mapped errors pass through). */
export function toCardError(err: unknown, ctx: FailureContext): GatewayError {
  if (isGatewayError(err)) return err;
  const { where } = ctx;
  if (err instanceof ReaderError) {
    switch (err.failure) {
      case 'card-absent':
        return new GatewayError(
          'GW_ERR_SIGN_CARD_ABSENT',
          {
            where,
            zh: `操作员卡不在读卡器中（${err.message}）`,
            en: `the card is not in the reader (${err.message})`,
          },
          { cause: err },
        );
      case 'reader-unavailable':
        return new GatewayError(
          'GW_ERR_SIGN_CARD_ABSENT',
          {
            where,
            zh: `读卡器不可用（${err.message}）`,
            en: `the reader is not available (${err.message})`,
          },
          { cause: err },
        );
      case 'card-reset':
        return new GatewayError(
          'GW_ERR_SIGN_READER',
          {
            where,
            zh: '卡片被其他程序复位，将重新连接',
            en: 'the card was reset by another program; reconnecting',
          },
          { cause: err },
        );
      case 'sharing-violation':
        return new GatewayError(
          'GW_ERR_SIGN_READER',
          {
            where,
            zh: '操作员卡正被其他程序独占使用',
            en: 'another program holds the card exclusively',
            fixZh: '关闭占用该卡的程序（如浏览器插件、客户端控件）',
            fixEn: 'close the program holding the card (browser plug-in, client control)',
          },
          { cause: err },
        );
      case 'no-service':
        return new GatewayError(
          'GW_ERR_SIGN_READER',
          {
            where,
            zh: 'PC/SC 服务（pcscd）不可用',
            en: 'the PC/SC service (pcscd) is not available',
            fixZh: '启动 pcscd',
            fixEn: 'start pcscd',
          },
          { cause: err },
        );
      case 'no-driver':
        return new GatewayError(
          'GW_ERR_SIGN_READER',
          {
            where,
            zh: `无法加载 pcsclite 原生模块：${err.message}`,
            en: `cannot load the pcsclite native module: ${err.message}`,
            fixZh: '安装 libpcsclite-dev 后执行 npm rebuild pcsclite',
            fixEn: 'install libpcsclite-dev, then run npm rebuild pcsclite',
          },
          { cause: err },
        );
      default:
        return new GatewayError(
          'GW_ERR_SIGN_READER',
          {
            where,
            zh: `读卡器通信错误：${err.message}`,
            en: `reader communication error: ${err.message}`,
          },
          { cause: err },
        );
    }
  }
  if (err instanceof CardStatusError) {
    if (ctx.phase === 'open' && err.reason === 'not-found' && /^SELECT/.test(err.command)) {
      return new GatewayError(
        'GW_ERR_SIGN_KEY',
        {
          where,
          zh: `卡上没有 ${ctx.profile.name} 应用（${err.zh}）`,
          en: `the card has no ${ctx.profile.name} application (${err.message})`,
          fixZh: '检查签名器配置的卡类型（profile）是否与卡相符',
          fixEn: "check that the signer's profile matches the card",
        },
        { cause: err },
      );
    }
    return new GatewayError(
      'GW_ERR_SIGN_FAILED',
      { where, zh: err.zh, en: err.message },
      { cause: err },
    );
  }
  if (err instanceof CardCapabilityError) {
    return new GatewayError(
      'GW_ERR_SIGN_KEY',
      {
        where,
        zh: `卡片不支持所需的命令长度：${err.message}`,
        en: `the card cannot take the command: ${err.message}`,
      },
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayError(
    'GW_ERR_SIGN_FAILED',
    { where, zh: `智能卡签名失败：${message}`, en: `card signing failed: ${message}` },
    { cause: err },
  );
}
