import type { ConsoleSession } from '../console-session.js';
import { statusText, t, type Lang } from '../console-text.js';
import { html, query, SafeHtml } from '../html.js';
import type { GatewayStatus } from '../../receipts/status.js';
import { isNegativeStatus } from '../../receipts/status.js';

/** What every page is drawn with: the language, who is logged in, the notice of the last action. */
export interface PageContext {
  readonly lang: Lang;
  readonly session?: ConsoleSession;
  /** The page's own path and query, for the language switch to come back to. */
  readonly path: string;
  readonly flash?: { text: string; kind: 'ok' | 'error' } | undefined;
  /** Current SLA alerts, for the header (pages that read them). */
  readonly alerts?: number;
}

const STYLE = `
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif;margin:0;color:#1d2733;background:#f5f7fa;font-size:14px}
header{background:#17324d;color:#fff;display:flex;align-items:center;gap:18px;padding:10px 20px;flex-wrap:wrap}
header a{color:#dbe8f5;text-decoration:none}header a:hover{text-decoration:underline}
header .brand{font-weight:600;color:#fff;margin-right:12px}header .right{margin-left:auto;display:flex;gap:12px;align-items:center}
main{padding:16px 20px;max-width:1280px}h1{font-size:20px;margin:4px 0 14px}h2{font-size:16px;margin:22px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:8px}th,td{border:1px solid #d8dee6;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eaf0f6;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;background:#e3ebf3}
.bad{background:#fde2e1;color:#8f1d18}.good{background:#dff3e4;color:#1c6b34}.warn{background:#fff1d6;color:#7a5200}
.flash{padding:8px 12px;border-radius:4px;margin-bottom:12px}.flash.ok{background:#dff3e4}.flash.error{background:#fde2e1}
form.inline{display:inline-flex;gap:4px;margin:0}input,select,button{font:inherit;padding:3px 6px}button{cursor:pointer}
.muted{color:#66737f}dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;background:#fff;padding:10px;border:1px solid #d8dee6}
dl.fields dt{color:#4d5b69}dl.fields dd{margin:0;word-break:break-all}code{font-size:12px}
`;

/** A status as a badge, in the page's language. */
export function statusBadge(lang: Lang, status: GatewayStatus): SafeHtml {
  const cls = isNegativeStatus(status)
    ? 'bad'
    : status === 'closed' || status === 'released'
      ? 'good'
      : '';
  return html`<span class="badge ${cls}" data-status="${status}"
    >${statusText(lang, status)}</span
  >`;
}

/** A POST form with the session's CSRF secret and where to come back to. */
export function actionForm(
  ctx: PageContext,
  action: string,
  label: string,
  opts: { reason?: boolean; back?: string; name?: string } = {},
): SafeHtml {
  if (!ctx.session) return html``;
  return html`<form
    class="inline"
    method="post"
    action="${action}"
    ${opts.name ? html` data-action="${opts.name}"` : ''}
  >
    <input type="hidden" name="_csrf" value="${ctx.session.csrf}" /><input
      type="hidden"
      name="back"
      value="${opts.back ?? ctx.path}"
    />
    ${opts.reason ? html`<input name="reason" placeholder="${t(ctx.lang, 'reason')}" maxlength="500" size="14" />` : ''}<button
      type="submit"
    >
      ${label}
    </button>
  </form>`;
}

/** The frame of every page: navigation, language switch, who is logged in, the notice, the body. */
export function layout(ctx: PageContext, title: string, body: SafeHtml): string {
  const { lang, session } = ctx;
  const other = lang === 'zh' ? 'en' : 'zh';
  const nav = session
    ? html`<a href="/console/">${t(lang, 'nav.overview')}</a
        ><a href="/console/messages">${t(lang, 'nav.messages')}</a>
        <a href="/console/problems">${t(lang, 'nav.problems')}</a
        ><a href="/console/receipts/unclaimed">${t(lang, 'nav.unclaimed')}</a>
        ${session.scopes.has('admin') ? html`<a href="/console/queues">${t(lang, 'nav.board')}</a>` : ''}
        ${ctx.alerts !== undefined ? html`<a href="/console/#alerts" id="alert-count" class="badge ${ctx.alerts ? 'bad' : 'good'}">${t(lang, 'alerts.count', { n: ctx.alerts })}</a>` : ''}`
    : html``;
  const right = html`<a href="/console/lang/${other}${query({ back: ctx.path })}" lang="${other}"
      >${t(lang, 'nav.otherLang')}</a
    >
    ${
      session
        ? html`<span class="muted">${t(lang, 'signedInAs')}: <b>${session.name}</b></span
            >${actionForm(ctx, '/console/logout', t(lang, 'logout'), { name: 'logout' })}`
        : ''
    }`;
  return html`<!doctype html>
    <html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title} · ${t(lang, 'title')}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <span class="brand">${t(lang, 'title')}</span>${nav}<span class="right">${right}</span>
        </header>
        <main>
          <h1>${title}</h1>
          ${ctx.flash ? html`<div class="flash ${ctx.flash.kind}" role="status">${ctx.flash.text}</div>` : ''}${body}
        </main>
      </body>
    </html>`.text;
}
