import { recordsOf, valueOf, type DecModel } from '../model/record.js';
import type { TranslateProblem } from '../source/problems.js';
import type { CrossRuleOptions } from './cross-rules.js';
import { fieldProblem } from './field-problem.js';

/**
 * EcoRelation (原产地证明对应关系) from a mapping, after the CargoWise form was rewritten to the
 * spec form (dec/eco-fields.ts): a preferential CertType is `Y` + 2-digit agreement code with an
 * EcoCertNo starting C (certificate) or D (declaration), and DecGNo names an item of this
 * declaration (seed-subsystems.md §4.3).
 */
type Rule = (m: DecModel, o: CrossRuleOptions, out: TranslateProblem[]) => void;

const ecoRelation: Rule = (m, o, out) => {
  const items = recordsOf(m, 'DecList').length;
  recordsOf(m, 'EcoRelation').forEach((r, i) => {
    const type = valueOf(r, 'CertType');
    const no = valueOf(r, 'EcoCertNo');
    const gno = valueOf(r, 'DecGNo');
    if (type.startsWith('Y') && !/^Y\d{2}$/.test(type))
      out.push(
        fieldProblem(
          'eco-cert-type',
          'EcoRelation',
          i,
          'CertType',
          r,
          o.file,
          `优惠贸易协定的单证类型应为 Y + 2 位协定代码（如 Y03），实际“${type}”`,
          `a preferential CertType is Y and the 2-digit agreement code (e.g. Y03), found "${type}"`,
          {
            fixZh:
              '按规范写 CertType=Y+协定代码、EcoCertNo=C/D+编号（或 CertType=Y、EcoCertNo=<协定代码>C/D编号，网关会转换）',
            fixEn:
              'write CertType = Y + agreement code and EcoCertNo = C/D + number (or CertType Y with EcoCertNo <code>C/D…, which the gateway converts)',
          },
        ),
      );
    else if (/^Y\d{2}$/.test(type) && !/^[CD]/.test(no))
      out.push(
        fieldProblem(
          'eco-cert-no',
          'EcoRelation',
          i,
          'EcoCertNo',
          r,
          o.file,
          `优惠贸易协定原产地证明编号应以 C（原产地证书）或 D（原产地声明）开头，实际“${no}”`,
          `a preferential origin proof number starts with C (certificate) or D (declaration), found "${no}"`,
        ),
      );
    if (/^\d+$/.test(gno) && Number(gno) > items)
      out.push(
        fieldProblem(
          'eco-items',
          'EcoRelation',
          i,
          'DecGNo',
          r,
          o.file,
          `报关单商品项号 ${gno} 超出本报关单的 ${items} 项商品`,
          `declaration item ${gno} is beyond this declaration's ${items} items`,
        ),
      );
  });
};

export const ECO_RULES: readonly Rule[] = [ecoRelation];
