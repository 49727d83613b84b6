import { GatewayError } from '../../core/errors.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../../core/input-limits.js';
import { problem, type TranslateProblem } from './problems.js';
import { lineAt, scanCsv, scanJson, scanXml, type LimitHit } from './text-scan.js';
import { checkXlsx, type ZipHit } from './xlsx-guard.js';

/** By content, not name: a DecMessage saved as .txt is still XML to the scanner. */
function kindOf(bytes: Uint8Array): 'zip' | 'xml' | 'json' | 'csv' {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'zip';
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x3c) return 'xml';
  if (bytes[i] === 0x7b || bytes[i] === 0x5b) return 'json';
  return 'csv';
}

const FIX = {
  fixZh:
    '检查文件是否由正确的程序导出、是否误粘贴了大段内容；确属正常的大文件请拆分，或调高配置 limits',
  fixEn:
    'check the file was exported by the right program and nothing large was pasted into it; split a genuinely large file, or raise the limits in the configuration',
};

function textProblem(hit: LimitHit, bytes: Uint8Array, file: string): TranslateProblem {
  const pos = { file, line: lineAt(bytes, hit.offset) };
  switch (hit.rule) {
    case 'field-length':
      return problem(
        'field-length',
        pos,
        `字段过长（${hit.found} 字节，上限 ${hit.limit}）`,
        `a field is too long (${hit.found} bytes, limit ${hit.limit})`,
        FIX,
      );
    case 'max-rows':
      return problem(
        'max-rows',
        pos,
        `行数超过上限 ${hit.limit}`,
        `more than ${hit.limit} rows`,
        FIX,
      );
    case 'max-elements':
      return problem(
        'max-elements',
        pos,
        `元素或值的数量超过上限 ${hit.limit}`,
        `more than ${hit.limit} elements or values`,
        FIX,
      );
    case 'max-depth':
      return problem(
        'max-depth',
        pos,
        `嵌套超过 ${hit.limit} 层`,
        `nested deeper than ${hit.limit} levels`,
        FIX,
      );
  }
}

function zipProblem(hit: ZipHit, file: string): TranslateProblem {
  const where = { file, ...(hit.entry ? { sheet: hit.entry } : {}) };
  switch (hit.rule) {
    case 'zip-entries':
      return problem(
        'zip-entries',
        where,
        `压缩包内文件过多（${hit.found}，上限 ${hit.limit}）`,
        `too many entries in the workbook (${hit.found}, limit ${hit.limit})`,
        FIX,
      );
    case 'unzipped-size':
      return problem(
        'unzipped-size',
        where,
        `解压后超过 ${hit.limit} 字节（可能是压缩炸弹或超大工作表）`,
        `unpacks to more than ${hit.limit} bytes (a zip bomb or an oversized sheet)`,
        FIX,
      );
    case 'max-cells':
      return problem(
        'max-cells',
        where,
        `单元格数超过上限 ${hit.limit}`,
        `more than ${hit.limit} cells`,
        FIX,
      );
    case 'max-rows':
      return problem(
        'max-rows',
        where,
        `行数超过上限 ${hit.limit}`,
        `more than ${hit.limit} rows`,
        FIX,
      );
    case 'field-length':
      return problem(
        'field-length',
        where,
        `单元格内容过长（${hit.found} 字节，上限 ${hit.limit}）`,
        `a cell is too long (${hit.found} bytes, limit ${hit.limit})`,
        FIX,
      );
    default:
      return problem(hit.rule, where, '工作簿超出限制', 'the workbook exceeds a limit', FIX);
  }
}

/**
 * Refuses an input that exceeds the limits, looking only at its bytes (and, for .xlsx, its zip
 * directory and sheets inflated under a cap). Runs before any parser, so the cost of a hostile
 * file is one scan. Throws GW_ERR_INPUT_LIMIT (permanent) with where and how to fix.
 */
export function guardInput(
  bytes: Uint8Array,
  file: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): void {
  const kind = kindOf(bytes);
  if (kind === 'zip') {
    const hit = checkXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), limits);
    if (hit) throw new GatewayError('GW_ERR_INPUT_LIMIT', zipProblem(hit, file));
    return;
  }
  const hit =
    kind === 'xml'
      ? scanXml(bytes, limits)
      : kind === 'json'
        ? scanJson(bytes, limits)
        : scanCsv(bytes, limits);
  if (hit) throw new GatewayError('GW_ERR_INPUT_LIMIT', textProblem(hit, bytes, file));
}
