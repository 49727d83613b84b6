import { GatewayError } from '../../core/errors.js';
import type { StandardMessage, Translator, TranslateContext } from '../translator.js';
import { readAmendRequest } from './amend-request.js';
import { buildAmendXml, DEFAULT_AMEND_ROOT } from './amend-xml.js';

export interface AmendTranslatorOptions {
  /** 修撤单 root element; unverified, default DecModMessage. */
  readonly rootElement?: string;
}

/**
 * Channel kind `amend`: an enterprise 修撤单 file (JSON or CSV, see amend-request.ts) -> the
 * DECCUS102 request. The sent declaration comes from the pipeline (`ctx.findSent`): old values
 * are read from the message the gateway built, never from the enterprise's file.
 */
export class AmendTranslator implements Translator {
  readonly name = 'amend';
  private readonly root: string;

  constructor(opts: AmendTranslatorOptions = {}) {
    this.root = opts.rootElement ?? DEFAULT_AMEND_ROOT;
  }

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    const req = readAmendRequest(bytes, ctx.fileName);
    if (!ctx.findSent) {
      throw new GatewayError('GW_ERR_CONFIG', {
        where: ctx.fileName,
        zh: '修撤单需要网关台账中的原报关单，只能在网关运行时（或 eport amend/withdraw）转换',
        en: 'a 修撤单 needs the sent declaration from the ledger: it is translated by the running gateway (or eport amend/withdraw) only',
      });
    }
    const sent = await ctx.findSent(req.declaration);
    if (!sent) {
      throw new GatewayError('GW_ERR_TRANSLATE_FIELD', {
        where: `${ctx.fileName}: declaration`,
        field: 'declaration',
        rule: 'amend-target',
        zh: `网关没有发送过 ClientSeqNo 或统一编号为 ${req.declaration} 的报关单`,
        en: `the gateway sent no declaration with ClientSeqNo or 统一编号 ${req.declaration}`,
        fixZh: '用 eport status 查到原报关单，写它的 ClientSeqNo 或统一编号',
        fixEn: 'find the declaration with eport status and write its ClientSeqNo or 统一编号',
      });
    }
    const built = buildAmendXml(req, sent, { rootElement: this.root });
    return [
      {
        messageType: this.root,
        xml: built.xml,
        businessKey: built.businessKey,
        amends: { messageId: sent.messageId, type: req.type },
      },
    ];
  }
}
