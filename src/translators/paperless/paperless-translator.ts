import { GatewayError } from '../../core/errors.js';
import { isBundle, unpackBundle } from '../../core/document-bundle.js';
import type { CodeTables } from '../codes/code-tables.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { insertPaperless, readDecDocument } from './dec-insert.js';
import { EMPTY_MANIFEST, parseEdocManifest } from './edoc-manifest.js';
import { planPaperless, type PaperlessLimits } from './edoc-plan.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES, DEFAULT_MAX_MARK_BYTES } from './edoc-rules.js';

export const DEFAULT_PAPERLESS_LIMITS: PaperlessLimits = {
  maxAttachmentBytes: DEFAULT_MAX_ATTACHMENT_BYTES,
  maxMarkBytes: DEFAULT_MAX_MARK_BYTES,
};

/**
 * 通关无纸化 around any 报关单 translator: a plain document goes to the inner translator untouched;
 * a bundle (declaration + attachments, made by the folder intake) is unpacked, its declaration
 * translated by the inner translator, and the DecMessage gets its EdocRealation, EcoRelation and
 * DecMarkLob entries from the attachments and the manifest. Every problem of the attachments is
 * reported at once (GW_ERR_EDOC_ATTACHMENT), each naming the file and the rule. Pure.
 */
export class PaperlessTranslator implements Translator {
  readonly name: string;

  constructor(
    private readonly inner: Translator,
    private readonly codes: CodeTables,
    private readonly limits: PaperlessLimits = DEFAULT_PAPERLESS_LIMITS,
  ) {
    this.name = inner.name;
  }

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    if (!isBundle(bytes)) return this.inner.translate(bytes, ctx);
    const bundle = await unpackBundle(bytes);
    const messages = await this.inner.translate(bundle.document.bytes, {
      ...ctx,
      fileName: bundle.document.name,
    });
    if (messages.length !== 1) {
      throw new GatewayError('GW_ERR_EDOC_ATTACHMENT', {
        where: bundle.document.name,
        rule: 'edoc-split',
        zh: `此文件拆分为 ${messages.length} 份报关单，随附单据无法分配到各份`,
        en: `this file splits into ${messages.length} declarations; the attachments cannot be apportioned to them`,
        fixZh: '每份报关单单独投递，各带自己的随附单据',
        fixEn: 'drop each declaration on its own, each with its own attachments',
      });
    }
    const msg = messages[0]!;
    if (msg.messageType !== 'DecMessage') {
      throw new GatewayError('GW_ERR_EDOC_ATTACHMENT', {
        where: bundle.document.name,
        rule: 'edoc-message-type',
        zh: `随附单据只能随报关单 DecMessage 申报，此通道产生 ${msg.messageType}`,
        en: `attachments go with a DecMessage only; this channel makes ${msg.messageType}`,
      });
    }
    const manifest = bundle.manifest
      ? parseEdocManifest(bundle.manifest.bytes, bundle.manifest.name)
      : EMPTY_MANIFEST;
    const dec = readDecDocument(msg.xml, bundle.document.name);
    const plan = planPaperless({
      docName: bundle.document.name,
      files: bundle.attachments,
      manifest,
      decl: dec.facts,
      edocTypes: this.codes.get('edoc-types'),
      limits: this.limits,
    });
    if (plan.problems.length > 0) throw new GatewayError('GW_ERR_EDOC_ATTACHMENT', plan.problems);
    return [{ ...msg, xml: insertPaperless(dec, plan) }];
  }
}
