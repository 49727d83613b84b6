import { z } from 'zod';
import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import { decodeText } from '../source/text-encoding.js';
import type { CodeTables } from '../codes/code-tables.js';
import { escapeText } from '../dec/xml-builder.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { ACD_ROOT, ACD_SCHEMA_LOCATION, IMPORT_INFO_FIELDS, OPER_TYPES } from './acd-layout.js';

/**
 * The enterprise file of an agency agreement: JSON with the business reference the gateway keys
 * receipts on (`clientRef`, also the client file stem), the operation, the declaring company and
 * the ImportInfo fields by their element names.
 */
const acdFileSchema = z
  .object({
    clientRef: z
      .string()
      .describe('your own number of this agreement request: letters, digits, _ and -, at most 40'),
    operType: z.string().describe('1 / add / 新增, 2 / change / 变更, 3 / delete / 删除'),
    copCusCode: z
      .string()
      .describe('OperInfo/CopCusCode: customs code of the company that sends the request'),
    consignNo: z
      .string()
      .optional()
      .describe('委托编号 of the agreement to change or delete (from its ImportAgrResponse)'),
    importInfo: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  })
  .strict();

const line = (name: string, value: string, pad: string): string =>
  value === '' ? `${pad}<${name}/>` : `${pad}<${name}>${escapeText(value)}</${name}>`;

/**
 * Enterprise JSON -> 代理报关委托 `ImportAgrRequest` (OperInfo + ImportInfo). For a change or a
 * delete the agreement is named by `ImportInfo/ConsignNo` [M: not in the sources; the element the
 * real client expects is unverified]. Every problem of a file is reported at once. Pure.
 */
export class AcdTranslator implements Translator {
  readonly name = 'acd';

  constructor(private readonly codes: CodeTables) {}

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    const file = ctx.fileName;
    let raw: unknown;
    try {
      raw = JSON.parse(decodeText(bytes, 'auto', file).text);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw new GatewayError('GW_ERR_INPUT_FORMAT', {
        where: file,
        rule: 'acd-json',
        zh: `委托协议文件不是有效的 JSON：${(err as Error).message}`,
        en: `the agreement file is not valid JSON: ${(err as Error).message}`,
        fixZh: '按 README“代理报关委托”一节的格式导出',
        fixEn: 'export it in the format of the README section on agency agreements',
      });
    }
    const parsed = acdFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new GatewayError(
        'GW_ERR_TRANSLATE_FIELD',
        parsed.error.issues.map((i) => ({
          where: `${file}, $.${i.path.join('.')}`,
          rule: 'acd-shape',
          zh: `字段无效：${i.message}`,
          en: `field invalid: ${i.message}`,
        })),
      );
    }
    const f = parsed.data;
    const problems: ErrorDetail[] = [];
    const bad = (
      path: string,
      field: string,
      zh: string,
      en: string,
      fix?: { fixZh: string; fixEn: string },
    ): void => {
      problems.push({
        where: `${file}, $.${path}`,
        field,
        rule: 'acd-field',
        zh,
        en,
        ...(fix ?? {}),
      });
    };
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(f.clientRef))
      bad(
        'clientRef',
        'clientRef',
        `clientRef“${f.clientRef}”只能包含字母、数字、_ 和 -，最长 40 位`,
        `clientRef "${f.clientRef}" may hold letters, digits, _ and - only, at most 40`,
      );
    const operType = OPER_TYPES[f.operType.trim().toLowerCase()] ?? OPER_TYPES[f.operType.trim()];
    if (!operType)
      bad(
        'operType',
        'OperType',
        `操作类型“${f.operType}”无效`,
        `operation "${f.operType}" is invalid`,
        {
          fixZh: '填 1/add/新增、2/change/变更 或 3/delete/删除',
          fixEn: 'use 1/add/新增, 2/change/变更 or 3/delete/删除',
        },
      );
    if (!/^[0-9A-Z]{10}$/.test(f.copCusCode))
      bad(
        'copCusCode',
        'CopCusCode',
        `CopCusCode“${f.copCusCode}”应为 10 位海关编码`,
        `CopCusCode "${f.copCusCode}" must be a 10-character customs code`,
      );
    if (operType && operType !== '1' && !f.consignNo?.trim())
      bad(
        'consignNo',
        'ConsignNo',
        '变更或删除委托协议须填写原协议的委托编号 consignNo',
        'a change or delete must name the agreement by its consignNo',
        {
          fixZh: '填写该协议导入回执 ImportAgrResponse 中的 ConsignNo',
          fixEn: "use the ConsignNo of the agreement's ImportAgrResponse",
        },
      );
    const known = new Set(IMPORT_INFO_FIELDS.map((x) => x.name));
    for (const k of Object.keys(f.importInfo))
      if (!known.has(k))
        bad(`importInfo.${k}`, k, `未知字段 ${k}`, `unknown field ${k}`, {
          fixZh: `可用字段：${[...known].join('、')}`,
          fixEn: `known fields: ${[...known].join(', ')}`,
        });
    const values = new Map<string, string>();
    for (const spec of IMPORT_INFO_FIELDS) {
      const rawValue = f.importInfo[spec.name];
      let v = rawValue === undefined ? '' : String(rawValue).trim();
      const path = `importInfo.${spec.name}`;
      if (v === '') {
        if (spec.required && operType === '1')
          bad(
            path,
            spec.name,
            `缺少必填项 ${spec.name}（${spec.zh}）`,
            `${spec.name} (${spec.zh}) is required for a new agreement`,
          );
      } else {
        if (spec.table) {
          const code = this.codes.get(spec.table).lookup(v);
          if (!code)
            bad(
              path,
              spec.name,
              `${spec.zh}“${v}”不在代码表中`,
              `${spec.name} "${v}" is not in the code table`,
              {
                fixZh: `如 ${this.codes.get(spec.table).sample(3)}`,
                fixEn: `e.g. ${this.codes.get(spec.table).sample(3)}`,
              },
            );
          else v = code;
        }
        if (spec.rule && !spec.rule.re.test(v))
          bad(
            path,
            spec.name,
            `${spec.zh}“${v}”应为${spec.rule.zh}`,
            `${spec.name} "${v}" must be ${spec.rule.en}`,
          );
        if ([...v].length > spec.max)
          bad(
            path,
            spec.name,
            `${spec.zh}超过 ${spec.max} 个字符`,
            `${spec.name} is longer than ${spec.max} characters`,
          );
      }
      values.set(spec.name, v);
    }
    if (problems.length > 0) throw new GatewayError('GW_ERR_TRANSLATE_FIELD', problems);
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<${ACD_ROOT} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="${ACD_SCHEMA_LOCATION}">`,
      '  <OperInfo>',
      line('CopCusCode', f.copCusCode, '    '),
      line('Sign', '', '    '),
      line('OperType', operType!, '    '),
      '  </OperInfo>',
      '  <ImportInfo>',
      ...(operType !== '1' ? [line('ConsignNo', f.consignNo!.trim(), '    ')] : []),
      ...IMPORT_INFO_FIELDS.map((s) => line(s.name, values.get(s.name) ?? '', '    ')),
      '  </ImportInfo>',
      `</${ACD_ROOT}>`,
    ];
    return [{ messageType: ACD_ROOT, xml: `${lines.join('\n')}\n`, businessKey: f.clientRef }];
  }
}
