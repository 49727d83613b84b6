/**
 * What the simulated Single Window client checks in a declaration package (`<stem>.zip` with
 * `<stem>.xml` and the attached files, seed-subsystems.md §4.2): exactly one XML named like the
 * zip, one file per `EdocRealation/EdocCopId`, file count = those + 1, every attachment a PDF.
 * Written independently of the gateway's packer, so each checks the other.
 */
import JSZip from 'jszip';
import { isPdf } from '../core/edoc-files.js';
import { stemOf } from '../receipts/naming.js';

/** The package's message bytes, or the client's bilingual reason for refusing it. */
export async function openClientPackage(
  name: string,
  bytes: Buffer,
): Promise<{ xml: Buffer } | { reason: string }> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    return { reason: '压缩包无法打开 / the zip cannot be opened' };
  }
  const stem = stemOf(name);
  const files = Object.values(zip.files).filter((f) => !f.dir);
  const xmls = files.filter((f) => f.name.toLowerCase().endsWith('.xml'));
  if (xmls.length !== 1 || xmls[0]!.name !== `${stem}.xml`) {
    return {
      reason: `压缩包须恰含一个与其同名的报文 ${stem}.xml / the zip must hold exactly one message named ${stem}.xml`,
    };
  }
  const xml = await xmls[0]!.async('nodebuffer');
  const ids = [
    ...xml.toString('utf8').matchAll(/<(?:\w+:)?EdocCopId>([^<]+)<\/(?:\w+:)?EdocCopId>/g),
  ].map((m) => m[1]!.trim());
  if (files.length !== ids.length + 1) {
    return {
      reason: `随附单据数 ${ids.length} 与文件数 ${files.length - 1} 不符 / ${ids.length} attachments declared, ${files.length - 1} files in the zip`,
    };
  }
  for (const id of ids) {
    const f = zip.file(id);
    if (!f)
      return { reason: `EdocCopId ${id} 在压缩包中找不到 / EdocCopId ${id} is not in the zip` };
    if (!isPdf(await f.async('nodebuffer')))
      return { reason: `${id} 不是 PDF / ${id} is not a PDF` };
  }
  return { xml };
}
