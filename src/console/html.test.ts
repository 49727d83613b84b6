import { describe, expect, it } from 'vitest';
import { escapeHtml, html, query } from './html.js';
import { safeBack } from './console-auth.js';
import { cookie, parseCookies, sameSecret } from './console-session.js';
import { t } from './console-text.js';

describe('console markup and its inputs', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = `<img src=x onerror="alert(1)">&'\``;
    const out = html`<a title="${name}" href="/console/messages?q=${name}">${name}</a>`.text;
    expect(out).not.toContain('<img');
    expect(out).not.toMatch(/"alert/);
    expect(out).toBe(
      '<a title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;&#96;" href="/console/messages?q=&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;&#96;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;&#96;</a>',
    );
    expect(escapeHtml('报关单 <1>')).toBe('报关单 &lt;1&gt;');
  });

  it('keeps nested markup made by html, joins arrays, drops empty values', () => {
    const rows = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    // prettier-ignore
    const list = html`<ul>${rows}${undefined}${null}${false}</ul>`;
    expect(list.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
    // A plain string that looks like markup is still text.
    expect(html`${'<b>x</b>' as string}`.text).toBe('&lt;b&gt;x&lt;/b&gt;');
  });

  it('sends the browser back only to console pages', () => {
    expect(safeBack('/console/messages?q=1')).toBe('/console/messages?q=1');
    expect(safeBack('/console')).toBe('/console');
    for (const bad of [
      'https://evil.example/',
      '//evil.example/console/',
      '/console//evil',
      '/consolex',
      '/console/\r\nSet-Cookie: a=b',
      '/v1/messages',
      undefined,
      42,
    ]) {
      expect(safeBack(bad)).toBe('/console/');
    }
  });

  it('reads and writes cookies (HttpOnly, SameSite=Strict, Secure over TLS)', () => {
    expect(parseCookies('a=1; eport_console=x%3Dy; a=2; junk; bad=%E0%A4%A')).toEqual({
      a: '1',
      eport_console: 'x=y',
    });
    expect(cookie('eport_console', 'v', { secure: true, maxAgeSeconds: 60 })).toBe(
      'eport_console=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure',
    );
    expect(cookie('eport_lang', 'en', { secure: false })).toBe(
      'eport_lang=en; Path=/; HttpOnly; SameSite=Strict',
    );
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });

  it('builds query strings and fills text placeholders in both languages', () => {
    expect(query({ q: '报关 单', channel: undefined, status: '' })).toBe(
      '?q=%E6%8A%A5%E5%85%B3+%E5%8D%95',
    );
    expect(t('zh', 'hold.waiting', { n: 3 })).toBe('3 个报文等待');
    expect(t('en', 'hold.waiting', { n: 3 })).toBe('3 message(s) waiting');
  });
});
