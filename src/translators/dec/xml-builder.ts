import { GatewayError } from '../../core/errors.js';
import { DEC_NAMESPACE } from './namespace.js';
import { BLOCKS, type BlockSpec } from './fields.js';
import { EMPTY_RECORD, type DecModel, type DecRecord } from '../model/record.js';
import { isTransitBlock, isTransitDeclaration } from './transit.js';

/** XML 1.0 forbids these C0 controls outright; a declaration must never carry them. */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * Escapes element text. `\r` becomes a character reference because a parser would otherwise
 * normalise it away; attribute-only characters (quotes) need no escaping in text.
 */
export function escapeText(text: string): string {
  if (FORBIDDEN.test(text)) {
    throw new GatewayError('GW_ERR_VALIDATION', {
      zh: '字段含 XML 不允许的控制字符',
      en: 'a field holds a control character XML does not allow',
    });
  }
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

function leaf(lines: string[], depth: number, name: string, value: string): void {
  const pad = '  '.repeat(depth);
  lines.push(value === '' ? `${pad}<${name}/>` : `${pad}<${name}>${escapeText(value)}</${name}>`);
}

function record(
  lines: string[],
  depth: number,
  element: string,
  spec: BlockSpec,
  rec: DecRecord,
): void {
  const pad = '  '.repeat(depth);
  lines.push(`${pad}<${element}>`);
  for (const f of spec.fields) {
    const value = rec.fields.get(f.name)?.value ?? '';
    if (value === '' && f.omitEmpty) continue;
    leaf(lines, depth + 1, f.name, value);
  }
  lines.push(`${pad}</${element}>`);
}

/**
 * Writes the DecMessage: default namespace, version attribute (`Version` unless the model says
 * `version`), blocks in the documented order (DecHead, DecLists, DecContainers, DecLicenseDocus,
 * DecRequestCerts, DecOtherPacks, DecCopLimits, DecUsers, DecFreeTxt, DecSign, EdocRealation*,
 * then for a 转关 declaration TrnHead, TrnList*, TrnContainers, TrnContaGoodsList), every known
 * element present (empty as `<X/>`) except the optional blocks without records and the newer
 * fields without a value, two-space indentation, UTF-8 declaration. DecSign/Sign stays empty:
 * the signer fills it. Transit blocks are never written for a declaration that is not 转关.
 */
export function buildDecXml(model: DecModel): string {
  const attr = model.versionAttribute ?? 'Version';
  const lines: string[] = [
    `<DecMessage xmlns="${DEC_NAMESPACE}" ${attr}="${escapeAttr(model.version)}">`,
  ];
  const transit = isTransitDeclaration(model);
  for (const spec of BLOCKS) {
    const recs = model.blocks.get(spec.key) ?? [];
    if (spec.optional && recs.length === 0) continue;
    if (isTransitBlock(spec.key) && !transit) continue;
    if (!spec.repeated) {
      record(lines, 1, spec.key, spec, recs[0] ?? EMPTY_RECORD);
    } else if (spec.wrapper) {
      if (recs.length === 0) {
        lines.push(`  <${spec.wrapper}/>`);
        continue;
      }
      lines.push(`  <${spec.wrapper}>`);
      for (const r of recs) record(lines, 2, spec.key, spec, r);
      lines.push(`  </${spec.wrapper}>`);
    } else {
      for (const r of recs) record(lines, 1, spec.key, spec, r);
    }
  }
  lines.push('</DecMessage>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${lines.join('\n')}\n`;
}
