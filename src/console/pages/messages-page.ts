import type { MessageRecord } from '../../queues/ledger-port.js';
import { GATEWAY_STATUSES } from '../../receipts/status.js';
import { SCAN_LIMIT, type Problems, type SearchQuery } from '../console-data.js';
import { statusText, t, type Lang } from '../console-text.js';
import { html, when, type SafeHtml } from '../html.js';
import { actionForm, layout, statusBadge, type PageContext } from './layout.js';

/** Messages as rows: time, channel, file (linked to its page), status, keys; `actions` adds a last column. */
export function messageTable(
  ctx: PageContext,
  recs: readonly MessageRecord[],
  actions?: (r: MessageRecord) => SafeHtml | string,
  id = 'messages',
): SafeHtml {
  const { lang } = ctx;
  if (!recs.length) return html`<p class="muted" id="${id}-none">${t(lang, 'search.none')}</p>`;
  return html`<table id="${id}">
    <thead>
      <tr>
        <th>${t(lang, 'col.time')}</th>
        <th>${t(lang, 'col.channel')}</th>
        <th>${t(lang, 'col.file')}</th>
        <th>${t(lang, 'col.status')}</th>
        <th>${t(lang, 'col.businessKey')}</th>
        <th>${t(lang, 'col.seqNo')}</th>
        <th>${t(lang, 'col.entryId')}</th>
        ${actions ? html`<th>${t(lang, 'col.actions')}</th>` : ''}
      </tr>
    </thead>
    <tbody>
      ${recs.map(
        (r) =>
          html`<tr data-message="${r.id}">
            <td>${when(r.updatedAt)}</td>
            <td>${r.channel}</td>
            <td>
              <a href="/console/messages/${r.id}">${r.sourceName}</a
              >${r.part ? html` <span class="muted">#${r.part}</span>` : ''}
            </td>
            <td>
              ${statusBadge(lang, r.status)}${r.errorCode ? html` <code>${r.errorCode}</code>` : ''}
            </td>
            <td>${r.businessKey ?? ''}</td>
            <td>${r.seqNo ?? ''}</td>
            <td>${r.entryId ?? ''}</td>
            ${actions ? html`<td>${actions(r)}</td>` : ''}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function options(
  lang: Lang,
  values: readonly string[],
  selected: string | undefined,
  label: (v: string) => string,
): SafeHtml {
  return html`<option value="">${t(lang, 'search.all')}</option>
    ${values.map((v) => html`<option value="${v}" ${v === selected ? html` selected` : ''}>${label(v)}</option>`)}`;
}

/** The search form and its result. */
export function messagesPage(
  ctx: PageContext,
  q: SearchQuery,
  channels: readonly string[],
  recs: readonly MessageRecord[],
): string {
  const { lang } = ctx;
  const form = html`<form method="get" action="/console/messages" id="search">
    <input
      name="q"
      value="${q.q ?? ''}"
      placeholder="${t(lang, 'search.q')}"
      size="48"
      aria-label="${t(lang, 'search.q')}"
    />
    <select name="channel" aria-label="${t(lang, 'col.channel')}">
      ${options(lang, channels, q.channel, (v) => v)}
    </select>
    <select name="status" aria-label="${t(lang, 'col.status')}">
      ${options(lang, GATEWAY_STATUSES, q.status, (v) => `${statusText(lang, v as never)}`)}
    </select>
    <label
      >${t(lang, 'search.from')}
      <input type="date" name="from" value="${q.from ?? ''}" id="search-from"
    /></label>
    <label
      >${t(lang, 'search.to')} <input type="date" name="to" value="${q.to ?? ''}" id="search-to"
    /></label>
    <button type="submit">${t(lang, 'search.submit')}</button>
  </form>`;
  const scope = q.q ? '' : html`<p class="muted">${t(lang, 'search.scope', { n: SCAN_LIMIT })}</p>`;
  return layout(ctx, t(lang, 'search.title'), html`${form}${scope}${messageTable(ctx, recs)}`);
}

/** Dead messages with their retry action, failed ones, and those on hold with release. */
export function problemsPage(ctx: PageContext, p: Problems): string {
  const { lang } = ctx;
  const operate = ctx.session?.scopes.has('operate') ?? false;
  const retry = (r: MessageRecord) =>
    operate
      ? actionForm(ctx, `/console/messages/${r.id}/retry`, t(lang, 'action.retry'), {
          name: 'retry',
        })
      : '';
  const release = (r: MessageRecord) =>
    operate
      ? actionForm(ctx, `/console/messages/${r.id}/release`, t(lang, 'action.release'), {
          name: 'release',
        })
      : '';
  return layout(
    ctx,
    t(lang, 'problems.title'),
    html`<p class="muted">${t(lang, 'search.scope', { n: SCAN_LIMIT })}</p>
      <h2>${t(lang, 'problems.waiting')}</h2>
      ${messageTable(ctx, p.waiting, undefined, 'waiting')}
      <h2>${t(lang, 'problems.dead')}</h2>
      ${messageTable(ctx, p.dead, retry, 'dead')}
      <h2>${t(lang, 'problems.failed')}</h2>
      ${messageTable(ctx, p.failed, undefined, 'failed')}
      <h2>${t(lang, 'problems.held')}</h2>
      ${messageTable(ctx, p.held, release, 'held')}`,
  );
}
