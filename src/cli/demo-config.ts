/** The demo's configuration, written to DIR/eport.yaml so the user can read and reuse it. */
export function demoConfigYaml(opts: { sandboxUrl: string; redisUrl?: string | undefined; prefix?: string | undefined }): string {
  return `# Demo configuration written by \`eport demo\`. Paths are relative to this file.
# 演示配置：由 eport demo 生成。
dataDir: ./data
redis:
${opts.redisUrl ? `  url: ${JSON.stringify(opts.redisUrl)}` : '  # no url: the gateway runs its own redis-server (unix socket in data/redis)'}
  prefix: ${opts.prefix ?? 'eport-demo'}
log:
  level: info
http:
  enabled: false
retry:
  schedule: "1s, 2s, 5s*3, 30s*5"
  jitter: 0.2
  maxAge: 1h
signers:
  - name: demo-key
    type: soft-key
    key: ./keys/demo-signer.pem
transports:
  - name: sandbox
    type: http
    url: ${opts.sandboxUrl}/dec/submit
    timeoutMs: 10s
receiptSources:
  - name: sandbox-feed
    type: http-pull
    url: ${opts.sandboxUrl}/receipts
    intervalMs: 300ms
channels:
  - name: declaration
    messageType: DecMessage
    translator: dec-xml
    dir: ./declaration
    intake:
      - type: folder
        pattern: "*.xml"
        stableMs: 500ms
        pollMs: 250ms
    signer: demo-key
    signature:
      algorithm: rsa-sha1
    transport: sandbox
`;
}
