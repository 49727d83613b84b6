/**
 * The name a message gets in a client OutBox. The client echoes the stem in its import response
 * (`Successed_{stem}_{timestamp}.xml`), so the stem is what ties the response back to the message;
 * it must also be a name the Windows host accepts: ASCII letters, digits, `_` and `-`, no
 * reserved device name, at most 100 characters with the extension.
 */
import { createHash } from 'node:crypto';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;
/** Longest stem: 100 characters minus `.xml` and room for a `_t-N` retry suffix. */
export const MAX_CLIENT_STEM = 90;

/**
 * The stem for a message: its business key (ClientSeqNo, orderNo…) when that is already a safe
 * ASCII name, since operators and the client's own logs know that number; otherwise `EP` and a
 * hash of the key and message id, which the gateway binds to the message so responses still
 * correlate.
 */
export function clientStem(businessKey: string, messageId: string): string {
  if (SAFE.test(businessKey) && businessKey.length <= MAX_CLIENT_STEM && !DEVICE.test(businessKey))
    return businessKey;
  return `EP${createHash('sha256').update(businessKey).update('\0').update(messageId).digest('hex').slice(0, 30).toUpperCase()}`;
}

/** The file name for `stem` on try `n` (1 = first): `stem.xml`, then `stem_t-2.xml`… */
export function clientFileName(stem: string, n = 1, ext = 'xml'): string {
  return n <= 1 ? `${stem}.${ext}` : `${stem}_t-${n}.${ext}`;
}
