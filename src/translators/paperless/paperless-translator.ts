import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import { isBundle, unpackBundle, type BundleFile } from '../../core/document-bundle.js';
import type { CodeTables } from '../codes/code-tables.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { insertPaperless, readDecDocument } from './dec-insert.js';
import { EMPTY_MANIFEST, parseEdocManifest, type EdocManifest } from './edoc-manifest.js';
import { DEFAULT_SPLIT_ATTACHMENTS, itemsBeyond, shareForPart } from './edoc-split.js';
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
 * DecMarkLob entries from the attachments and the manifest; a file that splits into linked parts
 * gives each part its share (edoc-split.ts). Every problem of the attachments is
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
    for (const msg of messages)
      if (msg.messageType !== 'DecMessage')
        throw new GatewayError('GW_ERR_EDOC_ATTACHMENT', {
          where: bundle.document.name,
          rule: 'edoc-message-type',
          zh: `随附单据只能随报关单 DecMessage 申报，此通道产生 ${msg.messageType}`,
          en: `attachments go with a DecMessage only; this channel makes ${msg.messageType}`,
        });
    const manifest = bundle.manifest
      ? parseEdocManifest(bundle.manifest.bytes, bundle.manifest.name)
      : EMPTY_MANIFEST;
    const decs = messages.map((m) => readDecDocument(m.xml, bundle.document.name));
    const plan = (dec: (typeof decs)[number], m: EdocManifest, files: readonly BundleFile[]) =>
      planPaperless({
        docName: bundle.document.name,
        files,
        manifest: m,
        decl: dec.facts,
        edocTypes: this.codes.get('edoc-types'),
        limits: this.limits,
      });
    if (decs.length === 1) {
      const one = plan(decs[0]!, manifest, bundle.attachments);
      if (one.problems.length > 0) throw new GatewayError('GW_ERR_EDOC_ATTACHMENT', one.problems);
      return [{ ...messages[0]!, xml: insertPaperless(decs[0]!, one) }];
    }
    // A file split into linked declarations (ClientSeqNo -1, -2…): each part its share.
    const total = decs.reduce((n, d) => n + d.facts.itemCount, 0);
    const problems: ErrorDetail[] = itemsBeyond(manifest, bundle.document.name, total);
    const mode = this.limits.splitAttachments ?? DEFAULT_SPLIT_ATTACHMENTS;
    let offset = 0;
    const plans = decs.map((dec, i) => {
      const part = { n: i + 1, offset, count: dec.facts.itemCount };
      offset += dec.facts.itemCount;
      const named = new Set(dec.facts.existing.map((e) => e.copId));
      const share = shareForPart(manifest, bundle.attachments, part, mode, named);
      const p = plan(dec, share.manifest, share.files);
      problems.push(...p.problems);
      return p;
    });
    const seen = new Set<string>();
    const unique = problems.filter((p) => {
      const k = `${p.where}\0${p.rule}\0${p.en}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    if (unique.length > 0) throw new GatewayError('GW_ERR_EDOC_ATTACHMENT', unique);
    return messages.map((m, i) => ({ ...m, xml: insertPaperless(decs[i]!, plans[i]!) }));
  }
}
