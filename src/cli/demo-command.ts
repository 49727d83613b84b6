import type { Command } from 'commander';
import { copyFile, cp, mkdir, readdir, readFile, stat, writeFile, access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DEMO_CHANNELS, demoConfigYaml } from './demo-config.js';
import { packageRoot } from './package-root.js';
import { exitCodeAfter, runUntilSignal } from './run-until-signal.js';
import { watchOutbox } from './outbox-watcher.js';
import { formatError } from './format-error.js';

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the customs sandbox and the gateway with a demo config / 运行演示（模拟海关 + 网关）',
    )
    .option('-d, --dir <dir>', 'demo folder (created if missing)', './demo')
    .option(
      '--seed',
      'drop the bundled samples (DecMessage XML, ERP CSV/Excel, CEB JSON) into the inboxes / 放入示例文件',
    )
    .option('--sandbox-port <port>', 'port of the customs sandbox (0 = any free port)', '0')
    .option('--step-ms <ms>', 'delay between business receipts', '700')
    .action(async (opts: { dir: string; seed?: boolean; sandboxPort: string; stepMs: string }) => {
      // Loaded here, not at CLI start: the gateway and the sandbox are most of the code.
      const [
        { startGateway },
        { loadConfig },
        { createLogger },
        { startSandbox },
        { generateSelfSignedIdentity },
      ] = await Promise.all([
        import('../app.js'),
        import('../config/load.js'),
        import('../core/logger.js'),
        import('../sandbox/server.js'),
        import('../signing/self-signed.js'),
      ]);
      const dir = resolve(opts.dir);
      const log = createLogger({ level: process.env.EPORT_LOG_LEVEL ?? 'warn' });
      const say = (line: string): void => void process.stdout.write(`${line}\n`);
      for (const ch of DEMO_CHANNELS) {
        for (const sub of ['inbox', 'outbox', 'sent', 'failed'])
          await mkdir(join(dir, ch.name, sub), { recursive: true });
      }
      await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });
      const keyFile = join(dir, 'keys', 'demo-signer.pem');
      if (!(await exists(keyFile))) {
        const id = generateSelfSignedIdentity({
          commonName: '演示企业操作员 Demo Operator',
          days: 365,
        });
        await writeFile(keyFile, `${id.keyPem}${id.certPem}`, { mode: 0o600 });
        say(`generated a demo signing key / 已生成演示签名密钥: ${keyFile}`);
      }
      // The sandbox trusts the demo key: 金二 messages carry only its KeyName (the XSDs' KeyInfo).
      const keyText = await readFile(keyFile, 'utf8');
      const certPem = keyText.slice(keyText.indexOf('-----BEGIN CERTIFICATE-----'));
      // The sandbox also plays the Single Window client on DIR/imppath for the sw-client channel.
      const sandbox = await startSandbox({
        trustedCertsPem: [certPem],
        port: Number(opts.sandboxPort),
        stepMs: Number(opts.stepMs),
        logger: log,
        impPath: join(dir, 'imppath'),
        clientModules: ['Deccus001', 'Decsub', 'Acd'],
      });
      const configFile = join(dir, 'eport.yaml');
      await writeFile(
        configFile,
        demoConfigYaml({
          sandboxUrl: sandbox.url,
          samples: join(packageRoot(), 'samples'),
          redisUrl: process.env.REDIS_URL,
          prefix: process.env.EPORT_REDIS_PREFIX,
        }),
      );
      let gateway;
      try {
        gateway = await startGateway(loadConfig(configFile), log);
      } catch (err) {
        await sandbox.close();
        // Operators read this one: both languages and the fix (e.g. the PID holding the data directory).
        console.error(formatError(err));
        process.exit(1);
      }
      const channelLines = DEMO_CHANNELS.map(
        (c) => `  ${c.name.padEnd(13)} ${join(dir, c.name, 'inbox')}  (${c.title})`,
      ).join('\n');
      say(`
eport demo is running / 演示已启动
  customs sandbox / 模拟海关:  ${sandbox.url}
  Single Window client (simulated) / 模拟单一窗口客户端:  ${join(dir, 'imppath')}
  config / 配置:               ${configFile}
  drop files into an inbox / 将文件放入收件箱:
${channelLines}
  receipts appear in each channel's outbox / 回执输出到各通道的 outbox
  status / 查询状态:  npx eport status --config ${configFile}
  stop / 停止: Ctrl-C
`);
      const stops = DEMO_CHANNELS.map((c) =>
        watchOutbox(join(dir, c.name, 'outbox'), (line) => say(`${c.name.padEnd(13)}${line}`)),
      );
      if (opts.seed) {
        const samples = join(packageRoot(), 'samples');
        const list = async (d: string): Promise<string[]> =>
          (await readdir(join(samples, d))).sort();
        let n = 0;
        for (const c of DEMO_CHANNELS) {
          for (const f of await c.seed(samples, list)) {
            const target = join(dir, c.name, 'inbox', basename(f));
            // An attachment folder (通关无纸化) is copied whole, before its declaration.
            if ((await stat(join(samples, f))).isDirectory())
              await cp(join(samples, f), target, { recursive: true });
            else if (c.reseed) await writeFile(target, c.reseed(await readFile(join(samples, f))));
            else await copyFile(join(samples, f), target);
            n++;
          }
        }
        say(`seeded ${n} sample files / 已放入 ${n} 份示例文件`);
      }
      const outcome = await runUntilSignal(
        {
          stop: async () => {
            for (const stop of stops) stop();
            await gateway.close();
            await sandbox.close();
          },
          hurry: () => gateway.hurry(),
        },
        (_s, stage) =>
          say(
            stage === 'graceful'
              ? 'stopping / 正在停止…'
              : stage === 'hurry'
                ? 'stopping faster / 加快停止'
                : 'forced exit / 强制退出',
          ),
        // The demo's shutdownMs plus time for the sandbox and the managed redis-server.
        30_000,
      );
      say('demo stopped / 演示已停止');
      process.exit(exitCodeAfter(outcome));
    });
}
