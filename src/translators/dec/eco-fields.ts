import type { BlockSpec, FieldKind, FieldSpec } from '../model/field-spec.js';

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
