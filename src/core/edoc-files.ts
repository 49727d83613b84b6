/**
 * Rules on attachment files (随附单据) shared by the translator, the Single Window client packer
 * and the folder intake (seed-subsystems.md §4).
 */

/** EdocCopId and EdocID: 64 characters [R]. */
export const MAX_EDOC_NAME = 64;

/**
 * Largest attachment (PDF) the client takes, in bytes. Not in the sources the gateway follows:
 * 4 MB is the limit commonly quoted for 单一窗口 随附单据 uploads [M]; configurable per channel
 * (`translation.paperless.maxAttachmentBytes`) and per sw-client transport.
 */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024;
/** DecMarkLob/Attachment: base64 of at most 1 MB [R]; applied to the file before encoding. */
export const DEFAULT_MAX_MARK_BYTES = 1024 * 1024;
/**
 * Most attachment files one declaration may carry. No source gives a client limit: this bounds
 * what one upload or folder can make the gateway hold (`translation.paperless.maxAttachments`).
 */
export const DEFAULT_MAX_ATTACHMENTS = 100;
/** Acrobat accepts the `%PDF-` header anywhere in the first 1024 bytes; so does this check. */
export function isPdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024));
  return head.indexOf('%PDF-', 0, 'latin1') >= 0;
}

/** Characters Windows refuses in a file name, and control characters. */
const UNSAFE_NAME = /[\\/:*?"<>|\u0000-\u001f]/;

/** Why a name cannot be a file in the client package, or undefined when it can. */
export function unsafeFileName(name: string): { zh: string; en: string } | undefined {
  if (UNSAFE_NAME.test(name) || name === '.' || name === '..' || /[. ]$/.test(name)) {
    return {
      zh: '文件名含 Windows 不允许的字符（\\ / : * ? " < > | 或控制字符）或以点、空格结尾',
      en: 'the file name holds a character Windows refuses (\\ / : * ? " < > | or a control character) or ends in a dot or space',
    };
  }
  if ([...name].length > MAX_EDOC_NAME)
    return {
      zh: `文件名超过 ${MAX_EDOC_NAME} 个字符（EdocCopId 上限）`,
      en: `the file name is longer than ${MAX_EDOC_NAME} characters (the EdocCopId limit)`,
    };
  return undefined;
}
