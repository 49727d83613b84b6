import { z } from 'zod';
import { GatewayError } from '../core/errors.js';

/**
 * The shape of a receipt feed page (`GET url?after=CURSOR`), checked before anything in it is used:
 * a page that is not one fails the poll (the cursor stays), while a single bad entry only parks
 * that entry (see FeedEntrySchema), so one broken receipt cannot stop the feed.
 */
const FeedPageSchema = z.object({
  receipts: z.array(z.unknown()).default([]),
  /** The cursor to continue from; the largest seq of the page when absent. */
  next: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  /** Identifies one run of the feed; a new value means its sequence started again. */
  feedId: z.string().min(1).optional(),
});

export type FeedPage = z.infer<typeof FeedPageSchema>;

const FeedEntrySchema = z.object({
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  fileName: z.string().min(1),
  content: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'not base64'),
});

export type FeedEntry = z.infer<typeof FeedEntrySchema>;

/** Parses a page's text; GW_ERR_FEED_MALFORMED (transient: the cursor stays) when it is not one. */
export function parseFeedPage(text: string, url: string): FeedPage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw malformed(url, 'not JSON', { cause: err });
  }
  const page = FeedPageSchema.safeParse(json);
  if (!page.success) {
    const issue = page.error.issues[0];
    throw malformed(
      url,
      issue ? `${issue.path.join('.') || 'page'}: ${issue.message}` : 'not a page',
    );
  }
  return page.data;
}

/** A usable entry, or undefined for one to park (no content, no file name, not base64). */
export function feedEntry(raw: unknown): FeedEntry | undefined {
  const entry = FeedEntrySchema.safeParse(raw);
  return entry.success ? entry.data : undefined;
}

/** The entry's own seq when it has a usable one (even if the rest of it is bad). */
export function entrySeq(raw: unknown): number | undefined {
  const seq = FeedEntrySchema.shape.seq.safeParse((raw as { seq?: unknown } | null)?.seq);
  return seq.success ? seq.data : undefined;
}

function malformed(url: string, what: string, options?: { cause?: unknown }): GatewayError {
  return new GatewayError(
    'GW_ERR_FEED_MALFORMED',
    {
      where: url,
      zh: `回执源的应答不是回执页：${what}`,
      en: `the receipt feed's answer is not a feed page: ${what}`,
      fixZh: '检查回执源 url 是否指向回执接口（应答 {"receipts":[…],"next":N}）',
      fixEn:
        'check that the receipt source url points at the receipt feed (answers {"receipts":[…],"next":N})',
    },
    options,
  );
}
