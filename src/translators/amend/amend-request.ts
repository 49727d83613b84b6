/**
 * The enterprise file of a 修撤单 (modification / withdrawal of a declared 报关单), JSON or CSV:
 *
 * JSON: `{ "declaration": "<ClientSeqNo or 统一编号>", "type": "modify" | "withdraw" (or 1 / 2),
 *          "reason": "...", "contact": "...", "phone": "...",
 *          "fields": [{ "field": "GrossWet", "value": "6100" }, { "field": "DecList[2].GQty", "value": "10" }] }`
 * CSV:  header `declaration,type,reason,contact,phone,field,value`, one row per changed field
 *       (a withdrawal has one row with field and value empty); the head columns must agree.
 *
 * Field names are DecMessage element names: a DecHead child (`GrossWet`), or `DecList[n].Name`
 * for item n (1-based, the GNo order of the sent message).
 */
import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import { decodeText } from '../source/text-encoding.js';

export type AmendType = 'modify' | 'withdraw';

export interface AmendFieldChange {
  readonly field: string;
  readonly value: string;
  /** Where the change was written (file, row or JSON path). */
  readonly where: string;
}

export interface AmendRequest {
  /** ClientSeqNo, 统一编号 (SeqNo) or message id of the sent declaration. */
  readonly declaration: string;
  readonly type: AmendType;
  readonly reason: string;
  readonly contact?: string;
  readonly phone?: string;
  readonly fields: readonly AmendFieldChange[];
}

const FIELD = /^(?:[A-Za-z][A-Za-z0-9]*|DecList\[[1-9]\d{0,2}\]\.[A-Za-z][A-Za-z0-9]*)$/;
const CSV_COLUMNS = [
  'declaration',
  'type',
  'reason',
  'contact',
  'phone',
  'field',
  'value',
] as const;

function bad(
  where: string,
  field: string,
  zh: string,
  en: string,
  fixZh: string,
  fixEn: string,
): ErrorDetail {
  return { where, field, rule: 'amend-request', zh, en, fixZh, fixEn };
}

function typeOf(raw: string): AmendType | undefined {
  const t = raw.trim().toLowerCase();
  if (t === '1' || t === 'modify' || t === '修改') return 'modify';
  if (t === '2' || t === 'withdraw' || t === '撤销') return 'withdraw';
  return undefined;
}

/** Checks a request's head and changes; every problem at once, GW_ERR_TRANSLATE_FIELD. */
export function checkAmendRequest(
  file: string,
  head: { declaration?: string; type?: string; reason?: string; contact?: string; phone?: string },
  fields: readonly AmendFieldChange[],
): AmendRequest {
  const problems: ErrorDetail[] = [];
  const declaration = (head.declaration ?? '').trim();
  if (!declaration) {
    problems.push(
      bad(
        file,
        'declaration',
        '缺少要修撤的报关单（ClientSeqNo 或统一编号）',
        'the declaration to amend is missing (ClientSeqNo or 统一编号)',
        '填写原报关单的 ClientSeqNo 或 18 位统一编号',
        "write the sent declaration's ClientSeqNo or 18-digit 统一编号",
      ),
    );
  }
  const type = typeOf(head.type ?? '');
  if (!type) {
    problems.push(
      bad(
        file,
        'type',
        `修撤类型“${head.type ?? ''}”无效`,
        `amendment type "${head.type ?? ''}" is not valid`,
        'type 填 modify（1，修改）或 withdraw（2，撤销）',
        'set type to modify (1) or withdraw (2)',
      ),
    );
  }
  const reason = (head.reason ?? '').trim();
  if (!reason) {
    problems.push(
      bad(
        file,
        'reason',
        '缺少修撤原因（DecModNote）',
        'the reason (DecModNote) is missing',
        '填写修改或撤销的原因',
        'write why the declaration is modified or withdrawn',
      ),
    );
  } else if (reason.length > 255) {
    problems.push(
      bad(
        file,
        'reason',
        `修撤原因长 ${reason.length} 字，超过 255`,
        `the reason is ${reason.length} characters, over 255`,
        '缩短原因',
        'shorten the reason',
      ),
    );
  }
  if (type === 'modify' && fields.length === 0) {
    problems.push(
      bad(
        file,
        'fields',
        '修改申请至少要有一个修改字段',
        'a modification needs at least one changed field',
        '列出要修改的字段及新值',
        'list the fields to change and their new values',
      ),
    );
  }
  if (type === 'withdraw' && fields.length > 0) {
    problems.push(
      bad(
        fields[0]!.where,
        'fields',
        '撤销申请不能带修改字段',
        'a withdrawal cannot change fields',
        '撤销时去掉 field/value，或改为 modify',
        'drop field/value for a withdrawal, or make it a modify',
      ),
    );
  }
  const seen = new Set<string>();
  for (const f of fields) {
    if (!FIELD.test(f.field)) {
      problems.push(
        bad(
          f.where,
          f.field,
          `字段名“${f.field}”无效`,
          `field name "${f.field}" is not valid`,
          '写报关单表头元素名（如 GrossWet）或 DecList[项号].元素名（如 DecList[2].GQty）',
          'write a DecHead element name (e.g. GrossWet) or DecList[n].Name (e.g. DecList[2].GQty)',
        ),
      );
    } else if (seen.has(f.field)) {
      problems.push(
        bad(
          f.where,
          f.field,
          `字段 ${f.field} 重复修改`,
          `field ${f.field} is changed twice`,
          '每个字段只写一次',
          'change each field once',
        ),
      );
    }
    seen.add(f.field);
  }
  if (problems.length) throw new GatewayError('GW_ERR_TRANSLATE_FIELD', problems);
  return {
    declaration,
    type: type!,
    reason,
    ...(head.contact?.trim() ? { contact: head.contact.trim() } : {}),
    ...(head.phone?.trim() ? { phone: head.phone.trim() } : {}),
    fields,
  };
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function formatError(file: string, zh: string, en: string): GatewayError {
  return new GatewayError('GW_ERR_INPUT_FORMAT', {
    where: file,
    zh,
    en,
    fixZh:
      '修撤单文件为 JSON（declaration、type、reason、fields）或 CSV（表头 declaration,type,reason,contact,phone,field,value）',
    fixEn:
      'an amendment file is JSON (declaration, type, reason, fields) or CSV (header declaration,type,reason,contact,phone,field,value)',
  });
}

function fromJson(text: string, file: string): AmendRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw formatError(
      file,
      `JSON 无法解析：${(err as Error).message}`,
      `JSON cannot be parsed: ${(err as Error).message}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw formatError(file, 'JSON 顶层应为对象', 'the JSON top level must be an object');
  const o = doc as Record<string, unknown>;
  const list = o.fields ?? [];
  if (!Array.isArray(list))
    throw formatError(`${file}: fields`, 'fields 应为数组', 'fields must be an array');
  const fields = list.map((f: unknown, i): AmendFieldChange => {
    const e = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    return { field: str(e.field) ?? '', value: str(e.value) ?? '', where: `${file}: fields[${i}]` };
  });
  return checkAmendRequest(
    file,
    {
      declaration: str(o.declaration),
      type: str(o.type),
      reason: str(o.reason),
      contact: str(o.contact),
      phone: str(o.phone),
    },
    fields,
  );
}

/** RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

function fromCsv(text: string, file: string): AmendRequest {
  const [header, ...rows] = csvRows(text);
  const cols = (header ?? []).map((h) => h.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => c !== 'contact' && c !== 'phone' && !cols.includes(c));
  if (missing.length)
    throw formatError(
      `${file}, line 1`,
      `CSV 表头缺少列：${missing.join(', ')}`,
      `the CSV header lacks column(s): ${missing.join(', ')}`,
    );
  const head: Record<string, string> = {};
  const fields: AmendFieldChange[] = [];
  const problems: ErrorDetail[] = [];
  rows.forEach((r, i) => {
    const where = `${file}, line ${i + 2}`;
    const get = (c: string): string => (r[cols.indexOf(c)] ?? '').trim();
    for (const c of ['declaration', 'type', 'reason', 'contact', 'phone']) {
      const v = get(c);
      if (!v) continue;
      if (head[c] !== undefined && head[c] !== v) {
        problems.push(
          bad(
            `${where}, column ${c}`,
            c,
            `${c} 与前面的行不一致（“${v}” ≠ “${head[c]}”）`,
            `${c} differs from an earlier row ("${v}" vs "${head[c]}")`,
            '一个文件只修撤一份报关单，各行表头列相同',
            'one file amends one declaration: the head columns must agree on every row',
          ),
        );
      } else head[c] = v;
    }
    if (get('field') || get('value'))
      fields.push({ field: get('field'), value: get('value'), where });
  });
  if (problems.length) throw new GatewayError('GW_ERR_TRANSLATE_FIELD', problems);
  return checkAmendRequest(file, head, fields);
}

/** Reads an amendment file; JSON when it starts with `{`, CSV otherwise. */
export function readAmendRequest(bytes: Uint8Array, file: string): AmendRequest {
  const { text } = decodeText(bytes, 'auto', file);
  return text.trimStart().startsWith('{') ? fromJson(text, file) : fromCsv(text, file);
}
