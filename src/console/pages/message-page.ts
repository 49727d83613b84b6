import type { LedgerEvent } from '../../queues/ledger-port.js';
import { RETRYABLE } from '../../queues/operator.js';
import type { MessageDetail } from '../console-data.js';
import { t, type TextKey } from '../console-text.js';
import { html, when, type SafeHtml } from '../html.js';
import { actionForm, layout, statusBadge, type PageContext } from './layout.js';

const FILE_LABEL: Record<string, TextKey> = {
  original: 'file.original',
  message: 'file.message',
  signed: 'file.signed',
  delivered: 'file.delivered',
  receipt: 'file.receipt',
};

function fileLink(
  ctx: PageContext,
  id: string,
  kind: string,
  ref: string | undefined,
): SafeHtml | string {
  if (!ref) return '';
  const label = FILE_LABEL[kind];
  return html`<a
    class="download"
    href="/console/messages/${id}/files/${ref.replace(/^sha256:/, '')}?kind=${kind}"
    >${label ? t(ctx.lang, label) : kind}</a
  > `;
}

function eventRow(ctx: PageContext, id: string, e: LedgerEvent): SafeHtml {
  return html`<tr data-stage="${e.stage}">
    <td>${when(e.at)}</td>
    <td>${e.stage}</td>
    <td>${e.status ? statusBadge(ctx.lang, e.status) : ''}</td>
    <td>${e.text}${e.code ? html` <code>${e.code}</code>` : ''}</td>
    <td>${Object.entries(e.refs ?? {}).map(([k, ref]) => fileLink(ctx, id, k, ref))}</td>
  </tr>`;
}

/** One message: its fields, actions, downloads, receipts (Chinese status text) and whole timeline. */
export function messagePage(ctx: PageContext, d: MessageDetail): string {
  const { lang } = ctx;
  const r = d.record;
  const operate = ctx.session?.scopes.has('operate') ?? false;
  const actions = operate
    ? html`${RETRYABLE.has(r.status) ? actionForm(ctx, `/console/messages/${r.id}/retry`, t(lang, 'action.retry'), { name: 'retry' }) : ''}
      ${r.heldBy ? actionForm(ctx, `/console/messages/${r.id}/release`, t(lang, 'action.release'), { name: 'release' }) : ''}
      ${!r.heldBy && !r.deliveredAt ? actionForm(ctx, `/console/messages/${r.id}/hold`, t(lang, 'action.hold'), { reason: true, name: 'hold' }) : ''}
      ${!r.deliveredAt ? actionForm(ctx, `/console/messages/${r.id}/cancel`, t(lang, 'action.cancel'), { name: 'cancel' }) : ''}`
    : '';
  const field = (label: string, value: unknown) =>
    value === undefined || value === ''
      ? ''
      : html`<dt>${label}</dt>
          <dd>${value as string}</dd>`;
  const fields = html`<dl class="fields" id="fields">
    ${field(t(lang, 'col.status'), statusBadge(lang, r.status))}${field(t(lang, 'col.channel'), r.channel)}${field(t(lang, 'col.file'), r.sourceName)}
    ${field(t(lang, 'col.businessKey'), r.businessKey)}${field(t(lang, 'col.seqNo'), r.seqNo)}${field(t(lang, 'col.entryId'), r.entryId)}
    ${field(t(lang, 'detail.messageType'), r.messageType)}${field(t(lang, 'detail.created'), when(r.createdAt))}${field(t(lang, 'detail.updated'), when(r.updatedAt))}
    ${field(t(lang, 'detail.delivered'), r.deliveredAt ? when(r.deliveredAt) : undefined)}${field(t(lang, 'detail.heldBy'), r.heldBy ? `${r.heldBy}, ${when(r.heldAt)}` : undefined)}
    ${field(t(lang, 'detail.error'), r.errorCode)}${field(t(lang, 'col.id'), r.id)}
  </dl>`;
  const downloads = html`<p id="downloads">
    ${t(lang, 'detail.downloads')}:
    ${fileLink(ctx, r.id, 'original', r.docRef)}${fileLink(ctx, r.id, 'message', r.messageRef)}${fileLink(ctx, r.id, 'signed', r.signedRef)}
  </p>`;
  const receipts = d.events.filter((e) => e.stage === 'receipt' && e.refs?.receipt);
  const receiptTable = receipts.length
    ? html`<table id="receipts">
        <thead>
          <tr>
            <th>${t(lang, 'col.time')}</th>
            <th>${t(lang, 'col.status')}</th>
            <th>${t(lang, 'col.text')}</th>
            <th>${t(lang, 'detail.downloads')}</th>
          </tr>
        </thead>
        <tbody>
          ${receipts.map(
            (e) =>
              html`<tr>
                <td>${when(e.at)}</td>
                <td>${e.status ? statusBadge(lang, e.status) : ''}</td>
                <td>${e.text}</td>
                <td>${fileLink(ctx, r.id, 'receipt', e.refs?.receipt)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    : html`<p class="muted" id="receipts-none">${t(lang, 'detail.noReceipts')}</p>`;
  const collected = d.collected.length
    ? html`<h2>${t(lang, 'detail.collected')}</h2>
        <table id="collected">
          <thead>
            <tr>
              <th>${t(lang, 'col.time')}</th>
              <th>${t(lang, 'col.client')}</th>
              <th>${t(lang, 'col.file')}</th>
            </tr>
          </thead>
          <tbody>
            ${d.collected.map(
              (c) =>
                html`<tr>
                  <td>${when(c.at)}</td>
                  <td>${c.client}</td>
                  <td>${c.fileName}</td>
                </tr>`,
            )}
          </tbody>
        </table>`
    : '';
  const timeline = html`<table id="timeline">
    <thead>
      <tr>
        <th>${t(lang, 'col.time')}</th>
        <th>${t(lang, 'col.stage')}</th>
        <th>${t(lang, 'col.status')}</th>
        <th>${t(lang, 'col.text')}</th>
        <th>${t(lang, 'detail.downloads')}</th>
      </tr>
    </thead>
    <tbody>
      ${d.events.map((e) => eventRow(ctx, r.id, e))}
    </tbody>
  </table>`;
  return layout(
    ctx,
    `${t(lang, 'detail.title')} ${r.sourceName}`,
    html`<p id="actions">${actions}</p>
      ${fields}${downloads}
      <h2>${t(lang, 'detail.receipts')}</h2>
      ${receiptTable}${collected}
      <h2>${t(lang, 'detail.timeline')}</h2>
      ${timeline}`,
  );
}
