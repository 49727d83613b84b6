import { EventEmitter } from 'node:events';
import type { GatewayError } from '../core/errors.js';
import type {
  SignatureAlgorithm,
  SignerCertificate,
  SignerState,
  SupervisedSigner,
} from './signer.js';

/**
 * Stands in for a signer that cannot sign at start (its certificate has expired): the gateway
 * still starts, that signer's queue stays paused with its messages waiting, the other channels
 * run, and the error says what to renew. Replacing the key and restarting brings it back.
 */
export class UnavailableSigner extends EventEmitter implements SupervisedSigner {
  readonly kind = 'unavailable' as const;
  readonly algorithms: readonly SignatureAlgorithm[] = ['rsa-sha1', 'rsa-sha256', 'sm2-sm3'];
  readonly state: SignerState;

  constructor(
    readonly name: string,
    readonly reason: GatewayError,
    state: SignerState = 'expired',
  ) {
    super();
    this.state = state;
  }

  async certificate(): Promise<SignerCertificate> {
    throw this.reason;
  }

  async sign(): Promise<Buffer> {
    throw this.reason;
  }

  async close(): Promise<void> {}
}
