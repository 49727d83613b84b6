// A legacy receipt poller as a separate process: GET /v1/receipts (long poll, no cursor: the
// server resumes after this client's last acknowledgement), print what came, then either die by
// SIGKILL before acknowledging (mode "crash") or acknowledge the last cursor (mode "ack").
// Usage: node receipt-poll-client.mjs URL TOKEN CHANNEL MODE WAIT_SECONDS
const [url, token, channel, mode, wait] = process.argv.slice(2);
const headers = { authorization: `Bearer ${token}` };
const res = await fetch(`${url}/v1/receipts?channel=${channel}&wait=${wait}&limit=500`, {
  headers,
});
const page = await res.json();
process.stdout.write(
  `${JSON.stringify({ status: res.status, cursors: page.receipts.map((r) => r.cursor), files: page.receipts.map((r) => r.fileName), next: page.next })}\n`,
);
if (mode === 'crash') {
  // Received, not acknowledged: the worst moment to die.
  process.kill(process.pid, 'SIGKILL');
}
if (mode === 'ack' && page.receipts.length) {
  const ack = await fetch(`${url}/v1/receipts/ack`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ channel, cursor: page.next }),
  });
  process.stdout.write(`${JSON.stringify({ ack: ack.status, body: await ack.json() })}\n`);
}
