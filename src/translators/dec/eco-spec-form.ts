import { recordsOf, type DecModel, type DecRecord } from '../model/record.js';

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
