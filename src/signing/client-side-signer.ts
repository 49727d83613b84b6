import { GatewayError } from '../core/errors.js';
import type { SignatureAlgorithm, Signer, SignerCertificate } from './signer.js';

/**
 * `signer: client`: the Single Window client signs with the operator card plugged into its own
 * host, as enterprises using the client do today, so the gateway hands the message over
 * unsigned. The sign stage recognises this kind and passes the message through; nothing may
 * ask it for a signature.
 */
export class ClientSideSigner implements Signer {
  readonly kind = 'client' as const;
  readonly algorithms: readonly SignatureAlgorithm[] = [];

  constructor(readonly name: string) {}

  private refuse(): GatewayError {
    return new GatewayError('GW_ERR_CONFIG', {
      where: `signer ${this.name}`,
      zh: '该通道由单一窗口客户端签名，网关不持有签名密钥',
      en: 'this channel is signed by the Single Window client; the gateway holds no key for it',
    });
  }

  async certificate(): Promise<SignerCertificate> {
    throw this.refuse();
  }

  async sign(): Promise<Buffer> {
    throw this.refuse();
  }

  async close(): Promise<void> {}
}
