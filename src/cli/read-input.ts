import { readFileSync } from 'node:fs';
import { GatewayError } from '../core/errors.js';

/** A file named on the command line; a missing or unreadable one is a GatewayError like any other. */
export function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new GatewayError('GW_ERR_INPUT_MISSING', {
      where: file,
      zh: code === 'ENOENT' ? '文件不存在' : `无法读取文件（${code}）`,
      en: code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`,
      fixZh: '检查文件路径和读取权限',
      fixEn: 'check the path and that you may read the file',
    });
  }
}
