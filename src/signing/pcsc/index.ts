/**
 * Signing with an operator card through PC/SC (pcscd + pcsclite): OpenPGP card and PIV profiles.
 * See README.md in this folder for card setup on Linux.
 */
export {
  createPcscCardSigner,
  type CardState,
  type PcscCardSigner,
  type PcscCardSignerOptions,
  type StateDetail,
  type StateListener,
} from './card-signer.js';
export type { CardLog } from './card-log.js';
export type { CardProfileId } from './profile.js';
export type { ShareMode } from './card-connection.js';
export {
  ApduSession,
  CardCapabilityError,
  type ApduTransport,
  type SessionCapabilities,
} from './apdu-session.js';
export {
  encodeExtended,
  encodeShort,
  splitResponse,
  type CommandApdu,
  type ResponseApdu,
} from './apdu.js';
export { CardStatusError, describeSw, type SwReason } from './status-words.js';
export { ReaderError, type ReaderFailure } from './reader-errors.js';
export { openPgpProfile } from './openpgp-profile.js';
export { pivProfile } from './piv-profile.js';
