import { recordsOf, singleOf, valueOf, type DecModel } from '../model/record.js';
import type { TranslateProblem } from '../source/problems.js';
import type { CrossRuleOptions } from './cross-rules.js';
import { fieldProblem } from './field-problem.js';

/**
 * 减免税 on the 报关单 (seed-subsystems.md §6). No 减免税 message format is public, so only what
 * the sources give is checked: a duty-exempt declaration (a 减免税 征免性质 in CutMode and an item
 * whose DutyMode reduces or waives duty) carries its 征免税证明编号 in ManualNo, and the
 * guarantee documents 10000002/10000003 belong to 减免税 declarations only.
 */
type Rule = (m: DecModel, o: CrossRuleOptions, out: TranslateProblem[]) => void;

function isDutyFreeNature(cutMode: string, o: CrossRuleOptions): boolean {
  return cutMode !== '' && o.rules.dutyFree.levyNaturePrefixes.some((p) => cutMode.startsWith(p));
}

/** ManualNo of a duty-exempt declaration is a 12-character 征免税证明编号. */
const certificate: Rule = (m, o, out) => {
  const head = singleOf(m, 'DecHead');
  const cut = valueOf(head, 'CutMode');
  if (!isDutyFreeNature(cut, o)) return;
  const exempt = recordsOf(m, 'DecList').findIndex((r) =>
    o.rules.dutyFree.exemptDutyModes.includes(valueOf(r, 'DutyMode')),
  );
  if (exempt < 0) return;
  const manual = valueOf(head, 'ManualNo');
  const mode = valueOf(recordsOf(m, 'DecList')[exempt]!, 'DutyMode');
  const why = {
    zh: `征免性质 ${cut} 且第 ${exempt + 1} 项商品征减免税方式为 ${mode}`,
    en: `levy nature ${cut} and item ${exempt + 1} has duty mode ${mode}`,
  };
  if (manual === '') {
    out.push(
      fieldProblem(
        'duty-free-certificate',
        'DecHead',
        undefined,
        'ManualNo',
        head,
        o.file,
        `${why.zh}，是减免税报关单，备案号须填征免税证明编号`,
        `${why.en}: a duty-exempt declaration carries its 征免税证明 (duty exemption certificate) number in ManualNo`,
        {
          fixZh: '填写 12 位征免税证明编号；不享受减免税时改正征免性质或征减免税方式',
          fixEn:
            'write the 12-character certificate number; if no exemption applies, correct CutMode or DutyMode',
        },
      ),
    );
  } else if (!new RegExp(o.rules.dutyFree.certificatePattern).test(manual)) {
    out.push(
      fieldProblem(
        'duty-free-certificate',
        'DecHead',
        undefined,
        'ManualNo',
        head,
        o.file,
        `${why.zh}，备案号“${manual}”不是征免税证明编号（12 位：5 位前缀 + 2 位年份 + 5 位序号）`,
        `${why.en}; ManualNo "${manual}" is not a 征免税证明 number (12 characters: 5-character prefix, 2-digit year, 5-digit number)`,
        {
          fixZh: '按征免税证明上的编号填写',
          fixEn: 'copy the number from the certificate',
        },
      ),
    );
  }
};

/** 减免税货物税款担保证明 / 延期证明 only on a 减免税 declaration. */
const guaranteeEdocs: Rule = (m, o, out) => {
  const cut = valueOf(singleOf(m, 'DecHead'), 'CutMode');
  if (isDutyFreeNature(cut, o)) return;
  recordsOf(m, 'EdocRealation').forEach((r, i) => {
    const code = valueOf(r, 'EdocCode');
    if (!o.rules.dutyFree.guaranteeEdocCodes.includes(code)) return;
    out.push(
      fieldProblem(
        'duty-free-guarantee',
        'EdocRealation',
        i,
        'EdocCode',
        r,
        o.file,
        `随附单据 ${code}（减免税货物税款担保证明/延期证明）只用于减免税报关单，本单征免性质为“${cut}”`,
        `attached document ${code} (减免税 tax guarantee or its extension) belongs to duty-exempt declarations only; CutMode here is "${cut}"`,
        {
          fixZh: '去掉该随附单据，或改正征免性质',
          fixEn: 'remove the attachment, or correct CutMode',
        },
      ),
    );
  });
};

export const DUTY_FREE_RULES: readonly Rule[] = [certificate, guaranteeEdocs];
