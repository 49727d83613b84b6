import type { Overview, SignerRow } from '../console-data.js';
import { t, type Lang } from '../console-text.js';
import { html, when, type SafeHtml } from '../html.js';
import { actionForm, layout, statusBadge, type PageContext } from './layout.js';

/** Kinds of signer whose PIN lives on a card (the others have no PIN to run out of). */
const CARD_KINDS = new Set(['pcsc-card', 'eport-service']);

function pinTries(lang: Lang, s: SignerRow): SafeHtml | string {
  if (s.pinTriesLeft !== undefined)
    return html`<span class="badge ${s.pinTriesLeft > 1 ? 'good' : 'bad'}"
      >${s.pinTriesLeft}</span
    >`;
  return CARD_KINDS.has(s.kind) ? html`<span class="muted">${t(lang, 'pin.unknown')}</span>` : '';
}

const COUNTS = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Queue depths per stage; per channel its breaker, hold (with the hold/release action), last receipt and uncollected receipts. */
export function overviewPage(ctx: PageContext, o: Overview): string {
  const { lang } = ctx;
  const canOperate = ctx.session?.scopes.has('operate') ?? false;
  const queues = html`<table id="queues">
    <thead>
      <tr>
        <th>${t(lang, 'col.queue')}</th>
        ${COUNTS.map((c) => html`<th>${t(lang, `col.${c}`)}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${Object.entries(o.queues).map(
        ([q, c]) =>
          html`<tr data-queue="${q}">
            <td>${q}</td>
            ${COUNTS.map((k) => html`<td class="num">${c[k] ?? 0}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
  const rows = o.channels.map((ch) => {
    const b = ch.breaker;
    const breaker = b
      ? html`<span class="badge ${b.state === 'closed' ? 'good' : 'bad'}"
            >${t(lang, `breaker.${b.state}`)}</span
          >
          ${b.since ? t(lang, 'breaker.since', { at: when(b.since) }) : ''}${b.state !== 'closed' && b.lastError ? html`<div class="muted">${b.lastError.slice(0, 160)}</div>` : ''}`
      : '';
    const hold = ch.hold
      ? html`<span class="badge warn" data-held="1"
            >${t(lang, 'hold.held', { by: ch.hold.by, at: when(ch.hold.at) })}</span
          >${ch.hold.reason ? html` <span class="muted">${ch.hold.reason}</span>` : ''}
          <div>${t(lang, 'hold.waiting', { n: ch.hold.waiting })}</div>`
      : html`<span class="badge good" data-held="0">${t(lang, 'hold.none')}</span>`;
    const last = ch.lastReceipt
      ? html`${when(ch.lastReceipt.writtenAt)}<br />${ch.lastReceipt.messageId ? html`<a href="/console/messages/${ch.lastReceipt.messageId}">${ch.lastReceipt.fileName}</a>` : ch.lastReceipt.fileName}`
      : html`<span class="muted">${t(lang, 'none')}</span>`;
    const action = canOperate
      ? ch.hold
        ? actionForm(
            ctx,
            `/console/channels/${encodeURIComponent(ch.name)}/release`,
            t(lang, 'action.release'),
            { name: 'release-channel' },
          )
        : actionForm(
            ctx,
            `/console/channels/${encodeURIComponent(ch.name)}/hold`,
            t(lang, 'action.hold'),
            { reason: true, name: 'hold-channel' },
          )
      : '';
    return html`<tr data-channel="${ch.name}">
      <td><a href="/console/messages?channel=${encodeURIComponent(ch.name)}">${ch.name}</a></td>
      <td>${ch.transport}</td>
      <td>${breaker}</td>
      <td>${hold}</td>
      <td>${last}</td>
      <td class="num">
        ${ch.unclaimed === undefined ? '' : html`<a href="/console/receipts/unclaimed">${ch.unclaimed > 200 ? '200+' : ch.unclaimed}</a>`}
      </td>
      <td>${action}</td>
    </tr>`;
  });
  const channels = html`<table id="channels">
    <thead>
      <tr>
        <th>${t(lang, 'col.channel')}</th>
        <th>${t(lang, 'col.transport')}</th>
        <th>${t(lang, 'col.breaker')}</th>
        <th>${t(lang, 'col.hold')}</th>
        <th>${t(lang, 'col.lastReceipt')}</th>
        <th>${t(lang, 'col.unclaimed')}</th>
        <th>${t(lang, 'col.actions')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
  const signers = html`<table id="signers">
    <thead>
      <tr>
        <th>${t(lang, 'col.signer')}</th>
        <th>${t(lang, 'col.state')}</th>
        <th>${t(lang, 'col.certificate')}</th>
        <th>${t(lang, 'col.expiry')}</th>
        <th>${t(lang, 'col.pinTries')}</th>
      </tr>
    </thead>
    <tbody>
      ${o.signers.map((s) => {
        const c = s.certificate;
        const days = c
          ? c.level === 'expired'
            ? t(lang, 'cert.expired')
            : t(lang, 'cert.daysLeft', { n: c.daysLeft })
          : '';
        return html`<tr data-signer="${s.name}">
          <td>${s.name} <span class="muted">${s.kind}</span></td>
          <td><span class="badge ${s.state === 'ready' ? 'good' : 'bad'}">${s.state}</span></td>
          <td>
            ${
              c
                ? html`${c.subject}
                    <div class="muted">${c.certNo}</div>`
                : html`<span class="muted">${s.problem ?? ''}</span>`
            }
          </td>
          <td>
            ${c ? html`${when(c.notAfter.getTime())} <span class="badge ${c.level === 'ok' ? 'good' : c.level === 'expired' ? 'bad' : 'warn'}">${days}</span>` : ''}
          </td>
          <td class="num" data-pin-tries="${s.pinTriesLeft ?? ''}">${pinTries(lang, s)}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
  const alerts = o.alerts.length
    ? html`<table id="alerts">
        <thead>
          <tr>
            <th>${t(lang, 'col.time')}</th>
            <th>${t(lang, 'col.channel')}</th>
            <th>${t(lang, 'col.file')}</th>
            <th>${t(lang, 'col.status')}</th>
            <th>${t(lang, 'col.businessKey')}</th>
          </tr>
        </thead>
        <tbody>
          ${o.alerts.map(
            (a) =>
              html`<tr data-alert="${a.record.id}">
                <td>
                  ${when(a.at)}
                  <span class="muted">${t(lang, a.raised ? 'alerts.raised' : 'alerts.due')}</span>
                </td>
                <td>${a.record.channel}</td>
                <td><a href="/console/messages/${a.record.id}">${a.record.sourceName}</a></td>
                <td>${statusBadge(lang, a.record.status)}</td>
                <td>${a.record.businessKey ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    : html`<p class="muted" id="alerts-none">${t(lang, 'alerts.none')}</p>`;
  return layout(
    { ...ctx, alerts: o.alerts.length },
    t(lang, 'nav.overview'),
    html`<h2 id="alerts-title">${t(lang, 'alerts.title', { n: o.alerts.length })}</h2>
      <p class="muted">${t(lang, 'alerts.about')}</p>
      ${alerts}
      <h2>${t(lang, 'overview.channels')}</h2>
      ${channels}
      <h2>${t(lang, 'overview.signers')}</h2>
      ${signers}
      <h2>${t(lang, 'overview.queues')}</h2>
      ${queues}`,
  );
}
