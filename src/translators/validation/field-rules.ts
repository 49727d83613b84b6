import type { CodeTables } from '../codes/code-tables.js';
import { digitCounts, parseDecimal } from '../decimal.js';
import type { FieldSpec } from '../model/field-spec.js';
import {
  containerCheckDigit,
  containerProblem,
  usccCheckCharacter,
  usccProblem,
} from './check-digits.js';

/** What is wrong with one value, without the where (the caller knows it). */
export interface ValueIssue {
  readonly rule: string;
  readonly zh: string;
  readonly en: string;
  readonly fixZh?: string;
  readonly fixEn?: string;
}

const CONTROL = /[\u0000-\u001F\u007F]/;

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Checks one non-empty value against its field spec: shape, length, N-format numbers, calendar
 * dates, code-table membership and check characters. `required` is the caller's business.
 */
export function checkValue(
  value: string,
  spec: FieldSpec,
  codes: CodeTables,
): ValueIssue | undefined {
  if (CONTROL.test(value)) {
    return {
      rule: 'control-chars',
      zh: '含换行、制表符等控制字符',
      en: 'contains line breaks, tabs or other control characters',
      fixZh: '删除单元格中的换行和制表符',
      fixEn: 'remove line breaks and tabs from the cell',
    };
  }
  const k = spec.kind;
  switch (k.t) {
    case 'text':
      return [...value].length > k.max
        ? {
            rule: 'max-length',
            zh: `长度 ${[...value].length} 超过上限 ${k.max} 个字符`,
            en: `length ${[...value].length} exceeds the limit of ${k.max} characters`,
          }
        : undefined;
    case 'enum':
      return k.values.includes(value)
        ? undefined
        : {
            rule: 'enum',
            zh: `“${value}”不是允许的值（可用：${k.values.join('、')}）`,
            en: `"${value}" is not allowed (use one of ${k.values.join(', ')})`,
          };
    case 'pattern':
      return k.re.test(value)
        ? undefined
        : {
            rule: 'format',
            zh: `“${value}”格式不对：应为${k.zh}`,
            en: `"${value}" has the wrong format: expected ${k.en}`,
          };
    case 'code': {
      const table = codes.get(k.table);
      if (table.has(value)) return undefined;
      const suggestion = table.lookup(value);
      return {
        rule: 'code',
        zh: `“${value}”不在${table.titleZh}代码表中`,
        en: `"${value}" is not in the ${table.titleEn} code table`,
        fixZh: suggestion
          ? `应填代码 ${suggestion}（${table.nameOf(suggestion) ?? ''}），或在映射中为此列配置 lookup`
          : `填写代码表中的代码，例如 ${table.sample()}`,
        fixEn: suggestion
          ? `write the code ${suggestion}, or give this column a lookup in the mapping`
          : `use a code from the table, e.g. ${table.sample()}`,
      };
    }
    case 'number': {
      if (value.startsWith('-') && parseDecimal(value)) {
        return {
          rule: 'negative',
          zh: `不能为负数（${value}）`,
          en: `must not be negative (${value})`,
        };
      }
      const counts = /^\d+(\.\d+)?$/.test(value) ? digitCounts(value) : undefined;
      const fmt = `N${k.int + k.frac},${k.frac}`;
      if (!counts) {
        return {
          rule: 'number',
          zh: `“${value}”不是数字（格式 ${fmt}）`,
          en: `"${value}" is not a number (format ${fmt})`,
          fixZh: '只填数字和小数点，不要带单位、千分位或空格',
          fixEn:
            'write digits and a decimal point only, without units, thousands separators or spaces',
        };
      }
      if (counts.int > k.int || counts.frac > k.frac) {
        return {
          rule: 'number-format',
          zh: `“${value}”超出格式 ${fmt}（最多 ${k.int} 位整数、${k.frac} 位小数）`,
          en: `"${value}" exceeds ${fmt} (at most ${k.int} integer digits and ${k.frac} decimals)`,
        };
      }
      if (k.positive && !/[1-9]/.test(value))
        return { rule: 'positive', zh: '必须大于 0', en: 'must be greater than 0' };
      return undefined;
    }
    case 'date': {
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
      return m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))
        ? undefined
        : {
            rule: 'date',
            zh: `“${value}”不是有效日期（yyyyMMdd）`,
            en: `"${value}" is not a valid date (yyyyMMdd)`,
          };
    }
    case 'datetime': {
      const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
      const ok =
        m &&
        validDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
        Number(m[4]) < 24 &&
        Number(m[5]) < 60 &&
        Number(m[6]) < 60;
      return ok
        ? undefined
        : {
            rule: 'datetime',
            zh: `“${value}”不是有效时间（yyyyMMddHHmmss）`,
            en: `"${value}" is not a valid time (yyyyMMddHHmmss)`,
          };
    }
    case 'uscc': {
      const p = usccProblem(value);
      if (!p) return undefined;
      if (p === 'length')
        return {
          rule: 'uscc-length',
          zh: `统一社会信用代码应为 18 位，实际 ${value.length} 位`,
          en: `a unified social credit code has 18 characters, found ${value.length}`,
        };
      if (p === 'charset')
        return {
          rule: 'uscc-charset',
          zh: '统一社会信用代码只能含数字和大写字母（不含 I、O、S、V、Z）',
          en: 'a unified social credit code holds digits and capitals except I, O, S, V, Z',
        };
      return {
        rule: 'uscc-check',
        zh: `统一社会信用代码校验位错误：第 18 位应为 ${usccCheckCharacter(value.slice(0, 17)) ?? '?'}，实际为 ${value[17]}`,
        en: `unified social credit code check character wrong: expected ${usccCheckCharacter(value.slice(0, 17)) ?? '?'}, found ${value[17]}`,
        fixZh: '核对营业执照上的代码，可能有字符录错',
        fixEn: 'check the code on the business licence; a character was probably mistyped',
      };
    }
    case 'hs':
      return /^\d{10}$/.test(value)
        ? undefined
        : {
            rule: 'hs-code',
            zh: `商品编号“${value}”应为 10 位数字`,
            en: `HS code "${value}" must be 10 digits`,
            fixZh: '填写 10 位商品编号（8 位税则号 + 2 位附加码）',
            fixEn: 'write the 10-digit code (8-digit tariff line + 2-digit national suffix)',
          };
    case 'container': {
      const p = containerProblem(value);
      if (!p) return undefined;
      if (p === 'shape') {
        return {
          rule: 'container-format',
          zh: `集装箱号“${value}”格式不对：应为 4 位字母（第 4 位 U/J/Z）+ 7 位数字`,
          en: `container number "${value}" has the wrong shape: 4 letters (4th U, J or Z) + 7 digits`,
        };
      }
      const expect = containerCheckDigit(value.slice(0, 10));
      return {
        rule: 'container-check',
        zh: `集装箱号“${value}”校验位错误（ISO 6346）：最后一位应为 ${expect}`,
        en: `container number "${value}" fails the ISO 6346 check digit: the last digit should be ${expect}`,
        fixZh: '核对箱号，可能有字符录错',
        fixEn: 'check the container number; a character was probably mistyped',
      };
    }
  }
}
