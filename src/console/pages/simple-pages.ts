import { LIST_LIMIT, type UnclaimedFeed } from '../console-data.js';
import { t } from '../console-text.js';
import { html, when } from '../html.js';
import { layout, type PageContext } from './layout.js';

/** The login form: one token, as configured under http.tokens. */
export function loginPage(ctx: PageContext, failed: boolean, next: string): string {
  const { lang } = ctx;
  return layout(
    ctx,
    t(lang, 'login.title'),
    html`${failed ? html`<div class="flash error" role="alert">${t(lang, 'login.failed')}</div>` : ''}
      <form method="post" action="/console/login" id="login">
        <input type="hidden" name="next" value="${next}" />
        <p>
          <label
            >${t(lang, 'login.token')}<br /><input
              type="password"
              name="token"
              autocomplete="current-password"
              size="48"
              required
              autofocus
          /></label>
        </p>
        <p><button type="submit">${t(lang, 'login.submit')}</button></p>
      </form>
      <p class="muted">${t(lang, 'login.hint')}</p>`,
  );
}

/** A refusal page (missing scope, unknown message, expired form). */
export function messagePageOf(ctx: PageContext, title: string, text: string): string {
  return layout(ctx, title, html`<p class="flash error" role="alert">${text}</p>`);
}

/** Receipts no API client acknowledged, per channel, and the orphans. */
export function unclaimedPage(
  ctx: PageContext,
  feeds: readonly UnclaimedFeed[] | undefined,
): string {
  const { lang } = ctx;
  if (!feeds)
    return layout(
      ctx,
      t(lang, 'unclaimed.title'),
      html`<p class="muted" id="no-pollers">${t(lang, 'unclaimed.noPollers')}</p>`,
    );
  const sections = feeds.map(({ feed, entries }) => {
    const title =
      feed === 'orphans' ? t(lang, 'unclaimed.orphans') : `${t(lang, 'col.channel')} ${feed}`;
    const rows = entries.slice(0, LIST_LIMIT).map(
      (e) =>
        html`<tr>
          <td>${when(e.writtenAt)}</td>
          <td>${e.kind}</td>
          <td>${e.fileName}</td>
          <td>
            ${e.messageId ? html`<a href="/console/messages/${e.messageId}">${e.messageId}</a>` : ''}
          </td>
        </tr>`,
    );
    return html`<h2>${title}</h2>
      ${
        entries.length
          ? html`<table data-feed="${feed}">
                <thead>
                  <tr>
                    <th>${t(lang, 'col.time')}</th>
                    <th>${t(lang, 'col.kind')}</th>
                    <th>${t(lang, 'col.file')}</th>
                    <th>${t(lang, 'col.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
              ${entries.length > LIST_LIMIT ? html`<p class="muted">${t(lang, 'unclaimed.more', { n: LIST_LIMIT })}</p>` : ''}`
          : html`<p class="muted">${t(lang, 'none')}</p>`
      }`;
  });
  return layout(ctx, t(lang, 'unclaimed.title'), html`${sections}`);
}
