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
  type DeskState,
  type ImportAnswer,
  type ReceiptListener,
  type SubmitContext,
  type SubmitOutcome,
  type VerifyResult,
} from './desk-types.js';
import { parseDom } from './dom.js';
import { isDecMessage, peekClientSeqNo, readDeclaration } from './declaration.js';
import { ReceiptFeed, type FeedPage } from './feed.js';
import { NumberAllocator } from './numbers.js';
import { buildDecImportResponse } from './receipts.js';
import { receiptPlan, scenarioFor } from './scenario.js';
import { TimerSet } from './scheduler.js';
import { StatsCounter, type SandboxStats } from './stats.js';
import { parseSubmission, type ParsedSubmission } from './submission.js';
import { verifyEnvelopedSignature } from './verify.js';
import { formatCompactDate } from './china-time.js';
import { isCebDeclaration, readCeb } from './ceb.js';
import { isManifest, readManifest } from './manifest.js';
import { fileNameFromKey, isDecModRequest } from './decmod.js';
import { isAgreementRequest } from './agreement.js';
import { isJin2, readJin2 } from './jin2.js';
import { readTransit, trnPreIdFor } from './transit.js';
import {
  importAgreement,
  importCeb,
  importDecMod,
  importJin2,
  importManifest,
} from './desk-families.js';
import { answerTransit, walkReceipts } from './desk-dec-receipts.js';

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

  /** What the message families' imports see of the desk. */
  private readonly state: DeskState;

  constructor(private readonly settings: DeskSettings) {
    this.state = {
      settings: this.settings,
      stats: this.stats,
      timers: this.timers,
      numbers: this.numbers,
      accepted: this.accepted,
      emit: (fileName, xml, key) => this.emit(fileName, xml, key),
      verify: (parsed, ctx) => this.verify(parsed, ctx),
      failure: (clientSeqNo, zh, en) => this.failure(clientSeqNo, zh, en),
      received: () => this.received,
      jin2Base: this.jin2Base,
      nextJin2Seq: () => (this.jin2Seq += 1),
    };
  }

  /** Also hands every emitted business receipt to `fn` (the client simulator's InBox writer). */
  onReceipt(fn: ReceiptListener): void {
    this.listeners.push(fn);
  }

  private emit(fileName: string, xml: string, key: string): void {
    this.feed.append(fileName, xml);
    for (const fn of this.listeners) fn(fileName, xml, key);
  }

  /** Verifies the signature, or, for a client-signed route, accepts an unsigned message as signed by the client. */
  private verify(parsed: ParsedSubmission, ctx: SubmitContext): VerifyResult {
    const check = verifyEnvelopedSignature(parsed.text, parsed.doc, {
      ...(this.settings.trusted ? { trusted: this.settings.trusted } : {}),
      ...(this.settings.verifier ? { verifier: this.settings.verifier } : {}),
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
    if (isCebDeclaration(parsed.doc)) return importCeb(this.state, parsed, ctx);
    if (isManifest(parsed.doc)) return importManifest(this.state, parsed, ctx);
    if (isAgreementRequest(parsed.doc)) return importAgreement(this.state, parsed, ctx);
    if (isJin2(parsed.doc)) return importJin2(this.state, parsed, ctx);
    if (isDecModRequest(parsed.doc)) return importDecMod(this.state, parsed, ctx);
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
    walkReceipts(this.state, receiptPlan(scenario), 0, {
      seqNo,
      entryId,
      clientSeqNo: facts.clientSeqNo,
      customMaster: facts.customMaster,
      ieDate: facts.ieDate,
      dDate: formatCompactDate(now),
    });
    if (transit) answerTransit(this.state, seqNo, trnPreId, transit, facts.clientSeqNo);
    return answer;
  }
}
