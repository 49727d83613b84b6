import type { BlockSpec, FieldKind, FieldSpec } from './field-spec.js';
import { recordsOf, type DecModel, type DecRecord } from './model.js';

/**
 * `EcoRelation` (原产地证明/随附单证 ↔ 商品项号, seed-subsystems.md §4.3 [R×2]), repeated directly
 * under the root after the EdocRealation entries, from an enterprise mapping section. Written
 * only when the mapping gives records.
 */
const text = (max: number): FieldKind => ({ t: 'text', max });
const gno: FieldKind = {
  t: 'pattern',
  re: /^[1-9]\d{0,8}$/,
  zh: '1 至 9 位正整数',
  en: 'a positive whole number of at most 9 digits',
};
const f = (name: string, zh: string, kind: FieldKind, required = false): FieldSpec => ({
  name,
  zh,
  kind,
  ...(required ? { required: true } : {}),
});

export const ECO_RELATION: BlockSpec = {
  key: 'EcoRelation',
  zh: '原产地证明对应关系',
  repeated: true,
  optional: true,
  fields: [
    f('CertType', '单证类型', text(3), true),
    f('EcoCertNo', '原产地证明编号', text(64), true),
    f('DecGNo', '报关单商品项号', gno, true),
    f('EcoGNo', '原产地证明商品项号', gno, true),
    f('ExtendFiled', '扩展字段', text(255)),
  ],
};

/**
 * The spec form of a preferential origin proof [R]: CertType `Y` + 协定代码 (`Y03`) and EcoCertNo
 * proof type C/D + number. CargoWise writes CertType `Y` and EcoCertNo `<03>C123…` instead; the
 * sources conflict and the spec text wins, so that form is rewritten to the spec form.
 */
export function ecoInSpecForm(model: DecModel): DecModel {
  const recs = recordsOf(model, 'EcoRelation');
  if (recs.length === 0) return model;
  const fixed = recs.map((r): DecRecord => {
    const type = r.fields.get('CertType');
    const no = r.fields.get('EcoCertNo');
    const cw = /^<(\d{2})>([CD].*)$/.exec(no?.value.trim() ?? '');
    if (type?.value.trim() !== 'Y' || !cw || !no) return r;
    const fields = new Map(r.fields);
    fields.set('CertType', { ...type, value: `Y${cw[1]}` });
    fields.set('EcoCertNo', { ...no, value: cw[2]! });
    return { ...r, fields };
  });
  const blocks = new Map(model.blocks);
  blocks.set('EcoRelation', fixed);
  return { ...model, blocks };
}
