/**
 * Opening a card for signing: connect, choose short/extended/chained APDUs from the ATR, select
 * the profile's application, get the certificate (configured or read from the card) and check that
 * it belongs to the card's key. Everything here is undone by closing the connection.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { GatewayError } from '../../core/errors.js';
import { describeCertificate } from '../key-signer.js';
import type { SignerCertificate } from '../signer.js';
import { ApduSession, type ApduTrace, type SessionCapabilities } from './apdu-session.js';
import { parseAtr } from './atr.js';
import { CardConnection, type ShareMode } from './card-connection.js';
import type { PcscReader } from './pcsclite-binding.js';
import type { CardProfile, OpenedApplication } from './profile.js';

/** A connected card with its application selected. Lives until the card leaves or the signer closes. */
export interface CardSession {
  readonly connection: CardConnection;
  readonly apdu: ApduSession;
  readonly app: OpenedApplication;
  readonly certificate: SignerCertificate;
  readonly publicKey: KeyObject;
  readonly modulusBytes: number;
  /** PW1 is verified and still good for a signature (only kept when the card allows several). */
  pinVerified: boolean;
}

export interface OpenSessionArgs {
  readonly reader: PcscReader;
  readonly atr: Buffer | undefined;
  readonly profile: CardProfile;
  readonly shareMode: ShareMode;
  readonly timeoutMs: number;
  /** The configured certificate; when absent it is read from the card. */
  readonly certificateDer?: Buffer;
  readonly certNo?: string;
  readonly trace?: ApduTrace;
}

/** What the ATR states, else the profile's assumption. PIV mandates chaining whatever the ATR says. */
export function capabilitiesFor(
  atr: Buffer | undefined,
  profile: CardProfile,
): SessionCapabilities {
  const info = atr ? parseAtr(atr) : undefined;
  return {
    extendedLength: info?.extendedLength ?? profile.defaultCapabilities.extendedLength,
    chaining: (info?.chaining ?? false) || profile.defaultCapabilities.chaining,
  };
}

function spkiOf(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** Certificate facts plus its RSA public key; GW_ERR_SIGN_KEY / GW_ERR_SIGN_ALGORITHM when unusable. */
export function inspectCertificate(
  der: Buffer,
  certNo: string | undefined,
  where: string,
): { certificate: SignerCertificate; publicKey: KeyObject; modulusBytes: number } {
  let x509: X509Certificate;
  let certificate: SignerCertificate;
  try {
    x509 = new X509Certificate(der);
    certificate = describeCertificate(der, certNo);
  } catch (err) {
    throw new GatewayError(
      'GW_ERR_SIGN_KEY',
      {
        where,
        zh: `证书无法解析：${String(err)}`,
        en: `the certificate cannot be parsed: ${String(err)}`,
      },
      { cause: err },
    );
  }
  const publicKey = x509.publicKey;
  const bits = publicKey.asymmetricKeyDetails?.modulusLength;
  if (publicKey.asymmetricKeyType !== 'rsa' || !bits) {
    throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
      where,
      zh: `证书中的密钥类型为 ${publicKey.asymmetricKeyType ?? '未知'}，智能卡签名只支持 RSA`,
      en: `the certificate holds a ${publicKey.asymmetricKeyType ?? 'unknown'} key; card signing supports RSA only`,
    });
  }
  return { certificate, publicKey, modulusBytes: Math.ceil(bits / 8) };
}

/** Connects and prepares the card; on failure the connection is closed again and the error rethrown. */
export async function openCardSession(args: OpenSessionArgs): Promise<CardSession> {
  const where = args.reader.name;
  const connection = await CardConnection.connect(args.reader, args.shareMode, args.timeoutMs);
  try {
    const apdu = new ApduSession(connection, capabilitiesFor(args.atr, args.profile), args.trace);
    const app = await args.profile.open(apdu);
    const der = args.certificateDer ?? (await args.profile.readCertificate(apdu));
    if (!der) {
      throw new GatewayError('GW_ERR_SIGN_KEY', {
        where,
        zh: `卡上（${args.profile.name}）没有签名证书`,
        en: `the card (${args.profile.name}) holds no signing certificate`,
        fixZh: '把证书写入卡中，或在签名器配置中设置 certificatePem',
        fixEn:
          'store the certificate on the card, or set certificatePem in the signer configuration',
      });
    }
    const { certificate, publicKey, modulusBytes } = inspectCertificate(der, args.certNo, where);
    if (app.publicKey && !spkiOf(app.publicKey).equals(spkiOf(publicKey))) {
      throw new GatewayError('GW_ERR_SIGN_KEY', {
        where,
        zh: `证书（证书号 ${certificate.certNo}）与卡上的签名密钥不匹配`,
        en: `the certificate (no. ${certificate.certNo}) does not belong to the card's signature key`,
        fixZh: '检查签名器配置的证书，或换用正确的卡',
        fixEn: 'check the configured certificate, or insert the right card',
      });
    }
    return { connection, apdu, app, certificate, publicKey, modulusBytes, pinVerified: false };
  } catch (err) {
    // LEAVE, not RESET: no PIN was presented yet, and pcscd 1.9.9 marks the reader "absent" for
    // good when a reset fails on a card that was pulled and put back between two presence polls.
    await connection.close('leave');
    throw err;
  }
}
