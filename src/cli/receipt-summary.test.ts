import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderGatewayReceiptAs, type GatewayReceipt } from '../receipts/gateway-receipt.js';
import { summarizeReceipt } from './receipt-summary.js';

const base: Omit<GatewayReceipt, 'kind' | 'code' | 'status' | 'zh' | 'en'> = {
  messageId: 'm1',
  channel: 'declaration',
  sourceFile: 'copy.xml',
  details: [],
  time: new Date(0),
};

describe('summarizeReceipt (the line the demo prints per outbox file)', () => {
  it.each(['xml', 'json'] as const)(
    'shows error and duplicate receipts (%s) with their kind, code and status, not as unknown',
    async (format) => {
      const error = renderGatewayReceiptAs(
        {
          ...base,
          kind: 'error',
          code: 'GW_ERR_XML_MALFORMED',
          status: 'failed',
          zh: 'XML 格式不正确',
          en: 'XML is not well-formed <here>',
          details: [{ zh: '第 3 行', en: 'line 3' }],
        },
        format,
      );
      expect(await summarizeReceipt(error, 'broken.error.01.xml')).toBe(
        'error GW_ERR_XML_MALFORMED [failed] XML 格式不正确 / XML is not well-formed <here>',
      );
      const dup = renderGatewayReceiptAs(
        {
          ...base,
          kind: 'duplicate',
          code: 'GW_DUPLICATE',
          status: 'closed',
          zh: '与已接收的文件相同',
          en: 'identical to dec-01.xml',
        },
        format,
      );
      expect(await summarizeReceipt(dup, 'copy.duplicate.07.xml')).toBe(
        'duplicate GW_DUPLICATE [closed] 与已接收的文件相同 / identical to dec-01.xml',
      );
    },
  );

  it('shows customs receipts by their kind and code', async () => {
    const file = join(
      import.meta.dirname,
      '..',
      '..',
      'test',
      'fixtures',
      'receipts',
      'CEB312Message.xml',
    );
    const line = await summarizeReceipt(readFileSync(file), 'order.ceb-return.01.xml');
    expect(line).toMatch(/^\S+ \S+/);
    expect(line).not.toMatch(/^unknown|GatewayReceipt/);
  });
});
