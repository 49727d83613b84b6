/**
 * Regenerates the sample declarations in this folder and their README.
 *
 *   node --import tsx samples/declaration/generate.ts
 *
 * Output is deterministic: running it twice gives the same bytes. GBK files are encoded with
 * iconv-lite and checked to round-trip, so no character silently becomes '?'.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { isValidUscc } from './codes.js';
import { SAMPLES } from './data.js';
import { netKg, renderDecMessage, type Sample } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Refuses a sample that breaks a rule a validator would enforce (eport-formats.md §10). */
function check(s: Sample): void {
  const problems: string[] = [];
  const codes = [s.trade.code, s.owner.code, s.agent.code];
  if (codes.some((c) => !/^[0-9A-Z]{10}$/.test(c)))
    problems.push('customs codes must be 10 characters');
  if ([s.trade.scc, s.owner.scc, s.agent.scc].some((c) => !isValidUscc(c)))
    problems.push('invalid 统一社会信用代码');
  if (s.items.length < 1 || s.items.length > 20) problems.push('1..20 items');
  if (!(s.grossKg >= netKg(s) && netKg(s) > 0))
    problems.push(`GrossWet ${s.grossKg} < NetWt ${netKg(s)}`);
  for (const [i, item] of s.items.entries()) {
    if (!/^\d{10}$/.test(item.codeTs)) problems.push(`item ${i + 1}: CodeTS must be 10 digits`);
    if (!/^\d\|\d\|/.test(item.gModel))
      problems.push(`item ${i + 1}: GModel must start with brand type|preference`);
    if (![item.originCountry, item.destinationCountry].every((c) => /^[A-Z]{3}$/.test(c)))
      problems.push(`item ${i + 1}: countries alpha-3`);
  }
  for (const c of s.containers) {
    if (!/^[A-Z]{4}\d{7}$/.test(c.id)) problems.push(`container ${c.id}: 11 characters`);
    if (c.goods.some((g) => g < 1 || g > s.items.length))
      problems.push(`container ${c.id}: unknown GNo`);
  }
  if (!/^EPGW2026\d{10}$/.test(s.sign.clientSeqNo))
    problems.push('ClientSeqNo must be EPGW2026 + 10 digits');
  if (problems.length > 0) throw new Error(`${s.file}: ${problems.join('; ')}`);
}

function encode(s: Sample, text: string): Buffer {
  if (s.encoding === 'GBK') {
    const bytes = iconv.encode(text, 'gbk');
    if (iconv.decode(bytes, 'gbk') !== text)
      throw new Error(`${s.file}: text does not round-trip through GBK`);
    return bytes;
  }
  const utf8 = Buffer.from(text, 'utf8');
  return s.encoding === 'UTF-8-BOM' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]) : utf8;
}

function readme(): string {
  const encodingLabel = (s: Sample): string =>
    s.encoding === 'GBK'
      ? 'GBK (declared `GBK`)'
      : s.encoding === 'UTF-8-BOM'
        ? 'UTF-8 with BOM'
        : 'UTF-8, no BOM';
  const rows = SAMPLES.map(
    (s) =>
      `| \`${s.file}\` | ${encodingLabel(s)}${s.prefix ? `, prefix \`${s.prefix}:\`` : ''} | ${s.ieFlag} | ${s.items.length} | ${s.containers.length} | \`${s.sign.clientSeqNo}\` | ${s.summary} |`,
  );
  return `# Sample declarations / 报关单样例报文

Unsigned \`DecMessage\` files (namespace \`http://www.chinaport.gov.cn/dec\`) as an enterprise would hand
them to the gateway: \`DecSign/Sign\`, \`SignDate\`, \`Certificate\` and \`HostId\` are empty, the gateway signs.
企业提交给网关的未签名报关单报文，由网关加签。

All companies, people, vessels, containers and document numbers are **invented for this project**
(company names contain 演示 / DEMO). Customs codes are 10 characters; 统一社会信用代码 (GB 32100-2015)
and the embedded 组织机构代码 (GB 11714) carry valid check characters; container numbers carry a valid
ISO 6346 check digit. Countries are ISO alpha-3, currencies ISO letters, other codes from
\`eport-formats.md\` §9. Child order: DecHead, DecLists, DecContainers, DecLicenseDocus, DecRequestCerts,
DecOtherPacks, DecCopLimits, DecUsers, DecFreeTxt, DecSign, EdocRealation.
所有企业、人员、船名、箱号、单证号均为虚构。

| File | Encoding | IEFlag | Items | Containers | ClientSeqNo | Content |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Sandbox markers (see \`src/sandbox/README.md\`): \`dec-06\` carries \`SANDBOX:INSPECT\` in \`NoteS\` (receipts
7 → L → J → C → P → R), \`dec-07\` carries \`SANDBOX:REJECT\` (7 → L → E). The others walk 7 → L → J → P → R.
沙箱标记：dec-06 备注含 SANDBOX:INSPECT（查验），dec-07 含 SANDBOX:REJECT（退单）。

Regenerate (deterministic) / 重新生成：

\`\`\`sh
node --import tsx samples/declaration/generate.ts
\`\`\`

Sources: \`data.ts\` (the declarations), \`render.ts\` (XML layout), \`codes.ts\` (check digits),
\`generate.ts\` (encoding and this README).
`;
}

const clientSeqNos = new Set<string>();
for (const s of SAMPLES) {
  check(s);
  if (clientSeqNos.has(s.sign.clientSeqNo))
    throw new Error(`duplicate ClientSeqNo ${s.sign.clientSeqNo}`);
  clientSeqNos.add(s.sign.clientSeqNo);
  writeFileSync(join(here, s.file), encode(s, renderDecMessage(s)));
  console.log(
    `wrote ${s.file} (${s.encoding}, ${s.ieFlag}, ${s.items.length} items, ${s.sign.clientSeqNo})`,
  );
}
writeFileSync(join(here, 'README.md'), readme());
console.log('wrote README.md');
