import { GatewayError } from '../core/errors.js';

/** Where the enterprise put the file: the advice differs (drop vs upload). */
export type InboxKind = 'folder' | 'sftp';

/** Errors every intake gives for a file it refuses before reading it as a document. */
export const intakeRefusals = {
  tooLarge(name: string, size: number, max: number): GatewayError {
    return new GatewayError('GW_ERR_INTAKE_TOO_LARGE', {
      where: name,
      zh: `文件 ${size} 字节，超过上限 ${max}`,
      en: `file is ${size} bytes, over the limit of ${max}`,
      fixZh: '拆分文件，或调高通道的 maxBytes',
      fixEn: 'split the file, or raise the channel intake maxBytes',
    });
  },

  empty(name: string, inbox: InboxKind): GatewayError {
    return new GatewayError('GW_ERR_INTAKE_EMPTY', {
      where: name,
      zh: '文件为空（0 字节）',
      en: 'the file is empty (0 bytes)',
      ...(inbox === 'sftp'
        ? {
            fixZh: '检查导出程序；上传时先用临时名（.part），写完再改名',
            fixEn:
              'check the exporting system; upload under a temporary name (.part) and rename when done',
          }
        : {
            fixZh: '检查导出程序；文件写完后再放入收件箱',
            fixEn: 'check the exporting system; move files into the inbox only once written',
          }),
    });
  },

  blocked(name: string, reason: string): GatewayError {
    return new GatewayError('GW_ERR_INTAKE_BLOCKED', {
      where: name,
      zh: `文件无法从收件箱取走（${reason}），已留在原处`,
      en: `the file cannot be taken from the inbox (${reason}); it is left where it is`,
      fixZh: '检查文件权限和属性（lsattr / chattr -i），或删除后重新放入',
      fixEn:
        'check the file permissions and attributes (lsattr / chattr -i), or remove it and drop it again',
    });
  },

  unreadable(name: string, reason: string): GatewayError {
    return new GatewayError('GW_ERR_INTAKE_BLOCKED', {
      where: name,
      zh: `SFTP 服务器无法读取该文件（${reason}），已移到 failed 目录`,
      en: `the SFTP server cannot read the file (${reason}); moved to failed`,
      fixZh: '检查文件在服务器上的权限（网关登录用户须可读），然后重新上传',
      fixEn:
        'check the file permissions on the server (the gateway login must be able to read it), then upload it again',
    });
  },

  undecodableName(name: string): GatewayError {
    return new GatewayError('GW_ERR_INTAKE_UNSAFE_NAME', {
      where: name,
      zh: '文件名不是有效的 UTF-8，无法通过 SFTP 取走，已留在原处',
      en: 'the file name is not valid UTF-8, so it cannot be taken over SFTP; it is left where it is',
      fixZh: '在服务器上把文件改为 UTF-8 文件名，或以 UTF-8 文件名重新上传',
      fixEn: 'rename the file on the server to a UTF-8 name, or upload it again under one',
    });
  },

  symlink(name: string, inbox: InboxKind): GatewayError {
    return new GatewayError('GW_ERR_INTAKE_UNSAFE_NAME', {
      where: name,
      ...(inbox === 'sftp'
        ? {
            zh: 'SFTP 收件箱中的符号链接不被接受，已移到 failed 目录',
            en: 'symbolic links are not accepted in the SFTP inbox; moved to failed',
            fixZh: '请上传真实文件，而不是链接',
            fixEn: 'upload the real file, not a link',
          }
        : {
            zh: '收件箱中的符号链接不被接受，已移到 failed 目录',
            en: 'symbolic links are not accepted in the inbox; moved to failed',
            fixZh: '请放入真实文件，而不是链接',
            fixEn: 'drop the real file, not a link',
          }),
    });
  },
};
