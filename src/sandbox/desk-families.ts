/**
 * The desk's import of each non-报关单 message family: 跨境电商 CEB, 舱单, 金二, 代理报关委托 and
 * 修撤单. Each takes the desk's shared state and answers like the platform's route for it.
 */
import { createHash } from 'node:crypto';
import { isSignedEnveloping, verifyEnvelopingSignature } from './verify-enveloping.js';
import type { DeskState, ImportAnswer, SubmitContext } from './desk-types.js';
import { parseDom } from './dom.js';
import type { ParsedSubmission } from './submission.js';
import { chinaYear } from './china-time.js';
import { buildCebReturn, cebPlan, readCeb } from './ceb.js';
import { buildMt9999, readManifest } from './manifest.js';
import { buildHzApprovalReceipt, readDecMod } from './decmod.js';
import {
  agreementProblem,
  buildAgrConfirmation,
  buildAgrResponse,
  readAgreement,
} from './agreement.js';
import {
  buildCommonResponse,
  buildJin2Receipt,
  documentNumber,
  isUnsignedEnveloping,
  readJin2,
} from './jin2.js';

/**
 * A CEB311/CEB621: verified like a 报关单; acknowledged with an empty 200 (the DXP route has no
 * import response), then its return messages appear on the feed. Same key again = duplicate.
 */
export function importCeb(
  d: DeskState,
  parsed: ParsedSubmission,
  ctx: SubmitContext,
): ImportAnswer {
  const check = d.verify(parsed, ctx);
  const facts = check.ok
    ? readCeb(parseDom(check.signedXml, 'signed content'))
    : readCeb(parsed.doc);
  if (!check.ok) {
    d.stats.add('rejected');
    // The platform answers a bad signature with a -xxx029 验签失败 return, not an HTTP error.
    d.emit(
      `Receipt_${facts.kind}_${facts.key}_sig.xml`,
      buildCebReturn(
        facts,
        facts.kind === 'CEB311Message' ? '-301029' : '-621029',
        `验签失败：${check.zh}`,
        new Date(),
      ),
      facts.key,
    );
    return { status: 200, xml: '', responseCode: '1', clientSeqNo: facts.key, duplicate: false };
  }
  const prior = d.accepted.get(`${facts.kind}:${facts.key}`);
  if (prior) {
    d.stats.add('duplicates');
    return { ...prior, duplicate: true };
  }
  const answer: ImportAnswer = {
    status: 200,
    xml: '',
    responseCode: '0',
    clientSeqNo: facts.key,
    duplicate: false,
  };
  d.accepted.set(`${facts.kind}:${facts.key}`, answer);
  d.stats.add('accepted');
  d.stats.addClientAccepted(facts.key);
  const plan = cebPlan(facts.kind);
  const emit = (i: number): void => {
    const step = plan[i];
    if (!step) return;
    d.timers.after(d.settings.stepMs, () => {
      d.emit(
        `Receipt_${facts.kind}_${facts.key}_${String(i + 1).padStart(2, '0')}.xml`,
        buildCebReturn(facts, step[0], step[1], new Date()),
        facts.key,
      );
      d.stats.add('receiptsEmitted');
      emit(i + 1);
    });
  };
  emit(0);
  return answer;
}

/** A 舱单: verified, acknowledged with an empty 200, answered by one MT9999 per message. */
export function importManifest(
  d: DeskState,
  parsed: ParsedSubmission,
  ctx: SubmitContext,
): ImportAnswer {
  const check = d.verify(parsed, ctx);
  if (!check.ok) {
    d.stats.add('rejected');
    return { status: 200, xml: '', responseCode: '1', clientSeqNo: '', duplicate: false };
  }
  const facts = readManifest(parseDom(check.signedXml, 'signed content'));
  const prior = d.accepted.get(`manifest:${facts.messageId}`);
  if (prior) {
    d.stats.add('duplicates');
    return { ...prior, duplicate: true };
  }
  const answer: ImportAnswer = {
    status: 200,
    xml: '',
    responseCode: '0',
    clientSeqNo: facts.messageId,
    duplicate: false,
  };
  d.accepted.set(`manifest:${facts.messageId}`, answer);
  d.stats.add('accepted');
  d.stats.addClientAccepted(facts.messageId);
  const seq = d.received();
  d.timers.after(d.settings.stepMs, () => {
    d.emit(`MT9999_${facts.messageId}.xml`, buildMt9999(facts, new Date(), seq), facts.messageId);
    d.stats.add('receiptsEmitted');
  });
  return answer;
}

/**
 * A 金二 message (INV101, SAS101, SAS111, SAS121): verified, answered with CommonResponeMessage
 * (DealFlag 0 and a new 预录入统一编号, or -1 for a bad signature), then one audit receipt
 * (INV201, SAS201, SAS211, SAS221). Same key again = duplicate, same answer, no new receipt.
 */
export function importJin2(
  d: DeskState,
  parsed: ParsedSubmission,
  ctx: SubmitContext,
): ImportAnswer {
  // Signature/Object/Package without SignedInfo is the unsigned shape the client signs itself.
  // Signature{SignedInfo…, Object{Package}} is the customs-side enveloping form a gateway signs.
  const check =
    ctx.clientSigns && isUnsignedEnveloping(parsed.doc)
      ? ({ ok: true, signedXml: parsed.text } as const)
      : isSignedEnveloping(parsed.doc)
        ? verifyEnvelopingSignature(parsed.text, parsed.doc, {
            ...(d.settings.trusted ? { trusted: d.settings.trusted } : {}),
          })
        : d.verify(parsed, ctx);
  const facts = readJin2(check.ok ? parseDom(check.signedXml, 'signed content') : parsed.doc);
  if (!check.ok) {
    d.stats.add('rejected');
    const xml = buildCommonResponse(facts, '', false, `${check.zh} / ${check.en}`);
    return { status: 200, xml, responseCode: '-1', clientSeqNo: facts.key, duplicate: false };
  }
  const prior = d.accepted.get(`jin2:${facts.key}`);
  if (prior) {
    d.stats.add('duplicates');
    return { ...prior, duplicate: true };
  }
  const now = new Date();
  const seq = d.nextJin2Seq();
  const seqNo = `${chinaYear(now)}${String(d.jin2Base + seq).padStart(14, '0')}`;
  const answer: ImportAnswer = {
    status: 200,
    xml: buildCommonResponse(facts, seqNo, true),
    responseCode: '0',
    clientSeqNo: facts.key,
    duplicate: false,
  };
  d.accepted.set(`jin2:${facts.key}`, answer);
  d.stats.add('accepted');
  d.stats.addClientAccepted(facts.key);
  d.timers.after(d.settings.stepMs, () => {
    const at = new Date();
    d.emit(
      `Receipt_${facts.kind}_${seqNo}.xml`,
      buildJin2Receipt(facts, seqNo, documentNumber(facts, at, d.jin2Base + seq), at, seq),
      facts.key,
    );
    d.stats.add('receiptsEmitted');
  });
  return answer;
}

/**
 * A 代理报关委托 request: answered at once with ImportAgrResponse (a new ConsignNo), then the
 * counter-party confirmation on the feed. The ConsignNo is the key receipts go out under.
 */
export function importAgreement(
  d: DeskState,
  parsed: ParsedSubmission,
  ctx: SubmitContext,
): ImportAnswer {
  const check = d.verify(parsed, ctx);
  const facts = readAgreement(check.ok ? parseDom(check.signedXml, 'signed content') : parsed.doc);
  const key = `acd:${createHash('sha256')
    .update(check.ok ? check.signedXml : parsed.text)
    .digest('hex')}`;
  const prior = d.accepted.get(key);
  if (prior) {
    d.stats.add('duplicates');
    return { ...prior, duplicate: true };
  }
  const problem = check.ok ? agreementProblem(facts) : `${check.zh} / ${check.en}`;
  if (problem) {
    d.stats.add('rejected');
    return {
      status: 200,
      xml: buildAgrResponse(facts, undefined, problem),
      responseCode: '1',
      clientSeqNo: '',
      duplicate: false,
    };
  }
  const consignNo =
    facts.operType === '1'
      ? `000${String(Date.now()).slice(-8)}${String(d.accepted.size + 1).padStart(6, '0')}`
      : facts.consignNo;
  const answer: ImportAnswer = {
    status: 200,
    xml: buildAgrResponse(facts, consignNo),
    responseCode: '0',
    clientSeqNo: consignNo,
    duplicate: false,
  };
  d.accepted.set(key, answer);
  d.stats.add('accepted');
  d.stats.addClientAccepted(consignNo);
  d.timers.after(d.settings.stepMs, () => {
    d.emit(
      `Receipt_ACD_${consignNo}.xml`,
      buildAgrConfirmation(facts, consignNo, new Date()),
      consignNo,
    );
    d.stats.add('receiptsEmitted');
  });
  return answer;
}

/**
 * A 修撤单: verified, acknowledged with an empty 200, answered by one HzApprovalResult. The
 * same request again (same file name, or same content) is a duplicate.
 */
export function importDecMod(
  d: DeskState,
  parsed: ParsedSubmission,
  ctx: SubmitContext,
): ImportAnswer {
  const check = d.verify(parsed, ctx);
  if (!check.ok) return d.failure('', check.zh, check.en);
  const facts = readDecMod(parseDom(check.signedXml, 'signed content'));
  const dupKey = `decmod:${ctx.fileName ?? check.signedXml}`;
  const prior = d.accepted.get(dupKey);
  if (prior) {
    d.stats.add('duplicates');
    return { ...prior, duplicate: true };
  }
  const now = new Date();
  const decModSeqNo = `M${d.numbers.allocate('I', '0000', now).seqNo.slice(1)}`;
  const answer: ImportAnswer = {
    status: 200,
    xml: '',
    responseCode: '0',
    clientSeqNo: decModSeqNo,
    duplicate: false,
  };
  d.accepted.set(dupKey, answer);
  d.stats.add('accepted');
  d.settings.logger?.info(
    { decModSeqNo, decSeqNo: facts.decSeqNo, modType: facts.modType },
    'sandbox: 修撤单 received / 收到修撤单',
  );
  d.timers.after(d.settings.decModStepMs ?? d.settings.stepMs, () => {
    d.emit(
      `HzApprovalResult_${decModSeqNo}.xml`,
      buildHzApprovalReceipt(facts, decModSeqNo, ctx.fileName, new Date()),
      decModSeqNo,
    );
    d.stats.add('receiptsEmitted');
  });
  return answer;
}
