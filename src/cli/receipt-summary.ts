/** The readable parts of a receipt the gateway wrote itself (error, dead, duplicate, cancelled). */
function gatewaySummary(bytes: Buffer, namespace: string): string | undefined {
  const text = bytes.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    try {
      const r = JSON.parse(text) as {
        receipt?: string;
        kind?: string;
        code?: string;
        status?: string;
        zh?: string;
        en?: string;
      };
      if (r.receipt === 'eport-gateway/1')
        return `${r.kind} ${r.code} [${r.status}] ${r.zh} / ${r.en}`;
    } catch {
      return undefined;
    }
    return undefined;
  }
  if (!text.includes(namespace)) return undefined;
  // Our own fixed layout (gateway-receipt.ts): the top-level elements come before any Details.
  const top = text.split('<Details>')[0]!;
  const el = (name: string): string =>
    new RegExp(`<${name}>([^<]*)</${name}>`).exec(top)?.[1] ?? '';
  const kind = /<GatewayReceipt[^>]*\skind="([^"]+)"/.exec(text)?.[1] ?? 'gateway';
  const unescape = (s: string): string =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  return unescape(`${kind} ${el('Code')} [${el('Status')}] ${el('TextZh')} / ${el('TextEn')}`);
}

/**
 * One line for an outbox file, as the demo prints it: the gateway's own receipts by their kind,
 * code and status; customs receipts by their kind, code and text.
 */
export async function summarizeReceipt(bytes: Buffer, name: string): Promise<string> {
  const { GATEWAY_RECEIPT_NS } = await import('../receipts/gateway-receipt.js');
  const own = gatewaySummary(bytes, GATEWAY_RECEIPT_NS);
  if (own) return own;
  const { parseReceipt } = await import('../receipts/parse.js');
  try {
    const r = parseReceipt(bytes, name);
    return `${r.kind} ${r.code} ${r.text}`;
  } catch {
    return '';
  }
}
