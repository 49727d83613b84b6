/**
 * The customs side of the sandbox without HTTP: takes submission bodies, answers with
 * `DecImportResponse`, and walks accepted declarations through their business receipts.
 */
import { randomInt } from 'node:crypto';
import { toGatewayError, type GatewayError } from '../core/errors.js';
import {
  FAULT_REASON,
  reasonOf,
  type DeskSettings,
  type ImportAnswer,
  type ReceiptListener,
  type SubmitContext,
  type SubmitOutcome,
} from './desk-types.js';
import { parseDom } from './dom.js';
import { isDecMessage, peekClientSeqNo, readDeclaration } from './declaration.js';
import { ReceiptFeed, type FeedPage } from './feed.js';
import { NumberAllocator } from './numbers.js';
import { buildDecImportResponse, buildDecResult } from './receipts.js';
import { receiptPlan, scenarioFor, type ReceiptStep } from './scenario.js';
import { TimerSet } from './scheduler.js';
import { StatsCounter, type SandboxStats } from './stats.js';
import { parseSubmission, type ParsedSubmission } from './submission.js';
import { verifyEnvelopedSignature } from './verify.js';
import { formatCompactDate } from './china-time.js';
import { buildCebReturn, cebPlan, isCebDeclaration, readCeb } from './ceb.js';
import { buildMt9999, isManifest, readManifest } from './manifest.js';
import { buildHzApprovalReceipt, fileNameFromKey, isDecModRequest, readDecMod } from './decmod.js';
import {
  agreementProblem,
  buildAgrConfirmation,
  buildAgrResponse,
  isAgreementRequest,
  readAgreement,
} from './agreement.js';
import { createHash } from 'node:crypto';
import {
  buildCommonResponse,
  buildJin2Receipt,
  documentNumber,
  isJin2,
  isUnsignedEnveloping,
  readJin2,
} from './jin2.js';
import { chinaYear } from './china-time.js';
import { buildTrnResult, readTransit, trnPreIdFor, type TransitFacts } from './transit.js';

export {
  FAULT_REASON,
  type DeskSettings,
  type ReceiptListener,
  type SubmitContext,
  type SubmitOutcome,
} from './desk-types.js';

export class CustomsDesk {
  private readonly stats = new StatsCounter();
  private readonly feed = new ReceiptFeed();
  private readonly timers = new TimerSet();
  private readonly numbers = new NumberAllocator();
  /** Accepted imports by ClientSeqNo. */
  private readonly accepted = new Map<string, ImportAnswer>();
  /** Answers by Idempotency-Key. */
  private readonly byKey = new Map<string, ImportAnswer>();
  private received = 0;
  /** 金二 预录入统一编号 and document numbers: a random base per sandbox, then a counter. */
  private readonly jin2Base = randomInt(1, 100_000_000);
  private jin2Seq = 0;
  private readonly listeners: ReceiptListener[] = [];

  constructor(private readonly settings: DeskSettings) {}

  /** Also hands every emitted business receipt to `fn` (the client simulator's InBox writer). */
  onReceipt(fn: ReceiptListener): void {
    this.listeners.push(fn);
  }

  private emit(fileName: string, xml: string, key: string): void {
    this.feed.append(fileName, xml);
    for (const fn of this.listeners) fn(fileName, xml, key);
  }

  /** Verifies the signature, or, for a client-signed route, accepts an unsigned message as signed by the client. */
  private verify(
    parsed: ParsedSubmission,
    ctx: SubmitContext,
  ): { ok: true; signedXml: string } | { ok: false; zh: string; en: string } {
    const check = verifyEnvelopedSignature(parsed.text, parsed.doc, {
      ...(this.settings.trusted ? { trusted: this.settings.trusted } : {}),
    });
    if (!check.ok && check.failure === 'missing' && ctx.clientSigns)
      return { ok: true, signedXml: parsed.text };
    return check;
  }

  /** Handles one `POST /dec/submit` body. Never throws. */
  submit(body: Uint8Array, idempotencyKey?: string, ctx: SubmitContext = {}): SubmitOutcome {
    this.stats.add('submissions');
    this.received += 1;
    let parsed: ParsedSubmission | undefined;
    let refused: GatewayError | undefined;
    try {
      parsed = parseSubmission(body);
    } catch (err) {
      refused = toGatewayError(err);
    }
    const peeked = parsed
      ? isCebDeclaration(parsed.doc)
        ? readCeb(parsed.doc).key
        : isManifest(parsed.doc)
          ? readManifest(parsed.doc).messageId
          : isJin2(parsed.doc)
            ? readJin2(parsed.doc).key
            : peekClientSeqNo(parsed.doc)
      : '';
    this.stats.addClientSubmission(peeked);

    if (this.faultNow()) {
      this.stats.add('faults');
      this.settings.logger?.info({ clientSeqNo: peeked }, 'sandbox: injected 503 / 注入故障');
      return { status: 503, reason: FAULT_REASON };
    }
    if (!parsed) {
      this.stats.add('rejected');
      const reason = refused ? reasonOf(refused) : 'unreadable body';
      this.settings.logger?.warn({ reason }, 'sandbox: body refused / 报文无法读取');
      return { status: 400, reason };
    }
    const known = idempotencyKey ? this.byKey.get(idempotencyKey) : undefined;
    if (known) {
      this.stats.add('duplicates');
      return { ...known, duplicate: true };
    }
    const answer = this.importMessage(parsed, peeked, {
      ...ctx,
      ...(ctx.fileName ? {} : { fileName: fileNameFromKey(idempotencyKey) }),
    });
    if (idempotencyKey) this.byKey.set(idempotencyKey, { ...answer, duplicate: false });
    return answer;
  }

  /** A page of the business-receipt feed. */
  receipts(after: number, limit: number): FeedPage {
    return this.feed.page(after, limit);
  }

  snapshot(): SandboxStats {
    return this.stats.snapshot();
  }

  /** Stops emitting receipts; pending ones are dropped. Idempotent. */
  stop(): void {
    this.timers.stop();
  }

  private faultNow(): boolean {
    if (this.received <= this.settings.failFirst) return true;
    const rate = this.settings.failRate;
    return rate > 0 && (this.settings.random ?? Math.random)() < rate;
  }

  private failure(clientSeqNo: string, zh: string, en: string): ImportAnswer {
    this.stats.add('rejected');
    this.settings.logger?.warn(
      { clientSeqNo, reason: en },
      `sandbox: import failed / 导入失败：${zh}`,
    );
    const xml = buildDecImportResponse({
      responseCode: 1,
      errorMessage: `${zh} / ${en}`,
      clientSeqNo,
      seqNo: '',
    });
    return { status: 200, xml, responseCode: '1', clientSeqNo, duplicate: false };
  }

  private importMessage(
    parsed: ParsedSubmission,
    peeked: string,
    ctx: SubmitContext,
  ): ImportAnswer {
    if (isCebDeclaration(parsed.doc)) return this.importCeb(parsed, ctx);
    if (isManifest(parsed.doc)) return this.importManifest(parsed, ctx);
    if (isAgreementRequest(parsed.doc)) return this.importAgreement(parsed, ctx);
    if (isJin2(parsed.doc)) return this.importJin2(parsed, ctx);
    if (isDecModRequest(parsed.doc)) return this.importDecMod(parsed, ctx);
    if (!isDecMessage(parsed.doc)) {
      return this.failure(
        peeked,
        '不是报关单报文：根元素应为命名空间 http://www.chinaport.gov.cn/dec 下的 DecMessage',
        'not a DecMessage: the root must be DecMessage in namespace http://www.chinaport.gov.cn/dec',
      );
    }
    const check = this.verify(parsed, ctx);
    if (!check.ok) return this.failure(peeked, check.zh, check.en);

    // From here on only the signed content counts.
    const signedDoc = parseDom(check.signedXml, 'signed content');
    const facts = readDeclaration(signedDoc);
    if (!facts.hasHead) return this.failure(peeked, '缺少表头 DecHead', 'DecHead missing');
    if (!facts.clientSeqNo) {
      return this.failure(
        '',
        '缺少客户端统一编号 DecSign/ClientSeqNo',
        'ClientSeqNo missing (DecSign/ClientSeqNo)',
      );
    }
    if (facts.ieFlag !== 'I' && facts.ieFlag !== 'E') {
      return this.failure(
        facts.clientSeqNo,
        `进出口标志 IEFlag 应为 I 或 E（实际为“${facts.ieFlag}”）`,
        `IEFlag must be I or E (got "${facts.ieFlag}")`,
      );
    }
    const prior = this.accepted.get(facts.clientSeqNo);
    if (prior) {
      this.stats.add('duplicates');
      this.settings.logger?.info(
        { clientSeqNo: facts.clientSeqNo },
        'sandbox: duplicate submission / 重复申报，返回原回执',
      );
      return { ...prior, duplicate: true };
    }

    const now = new Date();
    const { seqNo, entryId } = this.numbers.allocate(facts.ieFlag, facts.customMaster, now);
    const transit = readTransit(signedDoc);
    const trnPreId = transit ? trnPreIdFor(seqNo) : '';
    const xml = buildDecImportResponse({
      responseCode: 0,
      errorMessage: '导入成功',
      clientSeqNo: facts.clientSeqNo,
      seqNo,
      trnPreId,
    });
    const answer: ImportAnswer = {
      status: 200,
      xml,
      responseCode: '0',
      clientSeqNo: facts.clientSeqNo,
      duplicate: false,
    };
    this.accepted.set(facts.clientSeqNo, answer);
    this.stats.add('accepted');
    this.stats.addClientAccepted(facts.clientSeqNo);
    const scenario = scenarioFor(facts.noteS);
    this.settings.logger?.info(
      { clientSeqNo: facts.clientSeqNo, seqNo, scenario, envelope: parsed.envelope },
      'sandbox: imported / 导入成功',
    );
    this.walk(receiptPlan(scenario), 0, {
      seqNo,
      entryId,
      clientSeqNo: facts.clientSeqNo,
      customMaster: facts.customMaster,
      ieDate: facts.ieDate,
      dDate: formatCompactDate(now),
    });
    if (transit) this.answerTransit(seqNo, trnPreId, transit, facts.clientSeqNo);
    return answer;
  }

  /** A transit declaration's 转关单 is answered by one TRN_RESULT after a step. */
  private answerTransit(
    seqNo: string,
    trnPreId: string,
    transit: TransitFacts,
    clientSeqNo: string,
  ): void {
    this.timers.after(this.settings.stepMs, () => {
      const xml = buildTrnResult({
        cusCiqNo: seqNo,
        spTrnSeqNo: trnPreId,
        transDclNo: transit.turnNo,
        billNo: transit.billNo,
        noticeDate: new Date(),
        procResult: '1',
        note: '转关单已接受（沙箱模拟；处理结果代码表未公开）',
      });
      this.emit(`Receipt_TRN_${trnPreId}.xml`, xml, clientSeqNo);
      this.stats.add('receiptsEmitted');
    });
  }

  /**
   * A CEB311/CEB621: verified like a 报关单; acknowledged with an empty 200 (the DXP route has no
   * import response), then its return messages appear on the feed. Same key again = duplicate.
   */
  private importCeb(parsed: ParsedSubmission, ctx: SubmitContext): ImportAnswer {
    const check = this.verify(parsed, ctx);
    const facts = check.ok
      ? readCeb(parseDom(check.signedXml, 'signed content'))
      : readCeb(parsed.doc);
    if (!check.ok) {
      this.stats.add('rejected');
      // The platform answers a bad signature with a -xxx029 验签失败 return, not an HTTP error.
      this.emit(
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
    const prior = this.accepted.get(`${facts.kind}:${facts.key}`);
    if (prior) {
      this.stats.add('duplicates');
      return { ...prior, duplicate: true };
    }
    const answer: ImportAnswer = {
      status: 200,
      xml: '',
      responseCode: '0',
      clientSeqNo: facts.key,
      duplicate: false,
    };
    this.accepted.set(`${facts.kind}:${facts.key}`, answer);
    this.stats.add('accepted');
    this.stats.addClientAccepted(facts.key);
    const plan = cebPlan(facts.kind);
    const emit = (i: number): void => {
      const step = plan[i];
      if (!step) return;
      this.timers.after(this.settings.stepMs, () => {
        this.emit(
          `Receipt_${facts.kind}_${facts.key}_${String(i + 1).padStart(2, '0')}.xml`,
          buildCebReturn(facts, step[0], step[1], new Date()),
          facts.key,
        );
        this.stats.add('receiptsEmitted');
        emit(i + 1);
      });
    };
    emit(0);
    return answer;
  }

  /** A 舱单: verified, acknowledged with an empty 200, answered by one MT9999 per message. */
  private importManifest(parsed: ParsedSubmission, ctx: SubmitContext): ImportAnswer {
    const check = this.verify(parsed, ctx);
    if (!check.ok) {
      this.stats.add('rejected');
      return { status: 200, xml: '', responseCode: '1', clientSeqNo: '', duplicate: false };
    }
    const facts = readManifest(parseDom(check.signedXml, 'signed content'));
    const prior = this.accepted.get(`manifest:${facts.messageId}`);
    if (prior) {
      this.stats.add('duplicates');
      return { ...prior, duplicate: true };
    }
    const answer: ImportAnswer = {
      status: 200,
      xml: '',
      responseCode: '0',
      clientSeqNo: facts.messageId,
      duplicate: false,
    };
    this.accepted.set(`manifest:${facts.messageId}`, answer);
    this.stats.add('accepted');
    this.stats.addClientAccepted(facts.messageId);
    const seq = this.received;
    this.timers.after(this.settings.stepMs, () => {
      this.emit(
        `MT9999_${facts.messageId}.xml`,
        buildMt9999(facts, new Date(), seq),
        facts.messageId,
      );
      this.stats.add('receiptsEmitted');
    });
    return answer;
  }

  /**
   * A 金二 message (INV101, SAS101, SAS111, SAS121): verified, answered with CommonResponeMessage
   * (DealFlag 0 and a new 预录入统一编号, or -1 for a bad signature), then one audit receipt
   * (INV201, SAS201, SAS211, SAS221). Same key again = duplicate, same answer, no new receipt.
   */
  private importJin2(parsed: ParsedSubmission, ctx: SubmitContext): ImportAnswer {
    // Signature/Object/Package without SignedInfo is the unsigned shape the client signs itself.
    const check =
      ctx.clientSigns && isUnsignedEnveloping(parsed.doc)
        ? ({ ok: true, signedXml: parsed.text } as const)
        : this.verify(parsed, ctx);
    const facts = readJin2(check.ok ? parseDom(check.signedXml, 'signed content') : parsed.doc);
    if (!check.ok) {
      this.stats.add('rejected');
      const xml = buildCommonResponse(facts, '', false, `${check.zh} / ${check.en}`);
      return { status: 200, xml, responseCode: '-1', clientSeqNo: facts.key, duplicate: false };
    }
    const prior = this.accepted.get(`jin2:${facts.key}`);
    if (prior) {
      this.stats.add('duplicates');
      return { ...prior, duplicate: true };
    }
    const now = new Date();
    this.jin2Seq += 1;
    const seqNo = `${chinaYear(now)}${String(this.jin2Base + this.jin2Seq).padStart(14, '0')}`;
    const answer: ImportAnswer = {
      status: 200,
      xml: buildCommonResponse(facts, seqNo, true),
      responseCode: '0',
      clientSeqNo: facts.key,
      duplicate: false,
    };
    this.accepted.set(`jin2:${facts.key}`, answer);
    this.stats.add('accepted');
    this.stats.addClientAccepted(facts.key);
    const seq = this.jin2Seq;
    this.timers.after(this.settings.stepMs, () => {
      const at = new Date();
      this.emit(
        `Receipt_${facts.kind}_${seqNo}.xml`,
        buildJin2Receipt(facts, seqNo, documentNumber(facts, at, this.jin2Base + seq), at, seq),
        facts.key,
      );
      this.stats.add('receiptsEmitted');
    });
    return answer;
  }

  /**
   * A 代理报关委托 request: answered at once with ImportAgrResponse (a new ConsignNo), then the
   * counter-party confirmation on the feed. The ConsignNo is the key receipts go out under.
   */
  private importAgreement(parsed: ParsedSubmission, ctx: SubmitContext): ImportAnswer {
    const check = this.verify(parsed, ctx);
    const facts = readAgreement(
      check.ok ? parseDom(check.signedXml, 'signed content') : parsed.doc,
    );
    const key = `acd:${createHash('sha256')
      .update(check.ok ? check.signedXml : parsed.text)
      .digest('hex')}`;
    const prior = this.accepted.get(key);
    if (prior) {
      this.stats.add('duplicates');
      return { ...prior, duplicate: true };
    }
    const problem = check.ok ? agreementProblem(facts) : `${check.zh} / ${check.en}`;
    if (problem) {
      this.stats.add('rejected');
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
        ? `000${String(Date.now()).slice(-8)}${String(this.accepted.size + 1).padStart(6, '0')}`
        : facts.consignNo;
    const answer: ImportAnswer = {
      status: 200,
      xml: buildAgrResponse(facts, consignNo),
      responseCode: '0',
      clientSeqNo: consignNo,
      duplicate: false,
    };
    this.accepted.set(key, answer);
    this.stats.add('accepted');
    this.stats.addClientAccepted(consignNo);
    this.timers.after(this.settings.stepMs, () => {
      this.emit(
        `Receipt_ACD_${consignNo}.xml`,
        buildAgrConfirmation(facts, consignNo, new Date()),
        consignNo,
      );
      this.stats.add('receiptsEmitted');
    });
    return answer;
  }

  /**
   * A 修撤单: verified, acknowledged with an empty 200, answered by one HzApprovalResult. The
   * same request again (same file name, or same content) is a duplicate.
   */
  private importDecMod(parsed: ParsedSubmission, ctx: SubmitContext): ImportAnswer {
    const check = this.verify(parsed, ctx);
    if (!check.ok) return this.failure('', check.zh, check.en);
    const facts = readDecMod(parseDom(check.signedXml, 'signed content'));
    const dupKey = `decmod:${ctx.fileName ?? check.signedXml}`;
    const prior = this.accepted.get(dupKey);
    if (prior) {
      this.stats.add('duplicates');
      return { ...prior, duplicate: true };
    }
    const now = new Date();
    const decModSeqNo = `M${this.numbers.allocate('I', '0000', now).seqNo.slice(1)}`;
    const answer: ImportAnswer = {
      status: 200,
      xml: '',
      responseCode: '0',
      clientSeqNo: decModSeqNo,
      duplicate: false,
    };
    this.accepted.set(dupKey, answer);
    this.stats.add('accepted');
    this.settings.logger?.info(
      { decModSeqNo, decSeqNo: facts.decSeqNo, modType: facts.modType },
      'sandbox: 修撤单 received / 收到修撤单',
    );
    this.timers.after(this.settings.decModStepMs ?? this.settings.stepMs, () => {
      this.emit(
        `HzApprovalResult_${decModSeqNo}.xml`,
        buildHzApprovalReceipt(facts, decModSeqNo, ctx.fileName, new Date()),
        decModSeqNo,
      );
      this.stats.add('receiptsEmitted');
    });
    return answer;
  }

  /** Emits step `i` after stepMs, then the next one, until the plan ends. */
  private walk(
    steps: readonly ReceiptStep[],
    i: number,
    d: {
      seqNo: string;
      entryId: string;
      clientSeqNo: string;
      customMaster: string;
      ieDate: string;
      dDate: string;
    },
  ): void {
    const step = steps[i];
    if (!step) return;
    this.timers.after(this.settings.stepMs, () => {
      const xml = buildDecResult({
        cusCiqNo: d.seqNo,
        entryId: d.entryId,
        noticeDate: new Date(),
        channel: step.channel,
        note: step.note(d.seqNo),
        customMaster: d.customMaster,
        ieDate: d.ieDate,
        dDate: d.dDate,
        clientSeqNo: d.clientSeqNo,
      });
      const fileName = `Receipt_DEC_${d.seqNo}_${String(i + 1).padStart(2, '0')}_${step.channel}.xml`;
      this.emit(fileName, xml, d.clientSeqNo);
      this.stats.add('receiptsEmitted');
      this.walk(steps, i + 1, d);
    });
  }
}
