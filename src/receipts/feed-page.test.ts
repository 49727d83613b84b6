import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../core/errors.js';
import { entrySeq, feedEntry, parseFeedPage } from './feed-page.js';

const URL = 'https://customs.example/receipts';

function codeAndDetail(fn: () => unknown): { code: string; en: string; transient: boolean } {
  try {
    fn();
  } catch (err) {
    if (!isGatewayError(err)) throw err;
    return { code: err.code, en: err.details[0]?.en ?? '', transient: err.transient };
  }
  expect.unreachable('parseFeedPage accepted the page');
}

describe('parseFeedPage', () => {
  it('reads a page, with receipts defaulting to none', () => {
    expect(parseFeedPage('{"receipts":[{"seq":1}],"next":1,"feedId":"run-1"}', URL)).toEqual({
      receipts: [{ seq: 1 }],
      next: 1,
      feedId: 'run-1',
    });
    expect(parseFeedPage('{}', URL)).toEqual({ receipts: [] });
  });

  it.each([
    ['not JSON', '<html>502 Bad Gateway</html>', 'not JSON'],
    ['not an object', '[1,2]', 'page'],
    ['null', 'null', 'page'],
    ['receipts not a list', '{"receipts":"none","next":5}', 'receipts'],
    ['a cursor that is not a whole number', '{"receipts":[],"next":"5"}', 'next'],
    ['a negative cursor', '{"receipts":[],"next":-1}', 'next'],
    ['a cursor past the safe integers', `{"receipts":[],"next":${2 ** 60}}`, 'next'],
    ['an empty feedId', '{"receipts":[],"feedId":""}', 'feedId'],
  ])(
    'refuses %s with GW_ERR_FEED_MALFORMED (transient, the cursor stays)',
    (_what, text, where) => {
      const e = codeAndDetail(() => parseFeedPage(text, URL));
      expect(e).toMatchObject({ code: 'GW_ERR_FEED_MALFORMED', transient: true });
      expect(e.en).toContain(where);
    },
  );
});

describe('feedEntry', () => {
  it('takes an entry with a seq, a file name and base64 content', () => {
    expect(feedEntry({ seq: 3, fileName: 'r.xml', content: 'PGE+PC9hPg==' })).toEqual({
      seq: 3,
      fileName: 'r.xml',
      content: 'PGE+PC9hPg==',
    });
  });

  it.each([
    ['no content', { seq: 2, fileName: 'a.xml', content: null }],
    ['no file name', { seq: 3, content: 'PGE+' }],
    ['a file name that is not text', { seq: 4, fileName: 7, content: 'PGE+' }],
    ['content that is not base64', { seq: 5, fileName: 'a.xml', content: 'not base64 ✗' }],
    ['a fractional seq', { seq: 1.5, fileName: 'a.xml', content: 'PGE+' }],
    ['not an object', 'r.xml'],
  ])('leaves an entry with %s to be parked', (_what, raw) => {
    expect(feedEntry(raw)).toBeUndefined();
  });

  it('still finds the seq of a bad entry, so the cursor can pass it', () => {
    expect(entrySeq({ seq: 4, fileName: 7 })).toBe(4);
    expect(entrySeq({ seq: '4' })).toBeUndefined();
    expect(entrySeq(null)).toBeUndefined();
  });
});
