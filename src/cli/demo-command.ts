import type { Command } from 'commander';
import { copyFile, mkdir, readdir, writeFile, access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startGateway } from '../app.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../core/logger.js';
import { startSandbox } from '../sandbox/server.js';
import { generateSelfSignedIdentity } from '../signing/self-signed.js';
import { demoConfigYaml } from './demo-config.js';
import { packageRoot } from './package-root.js';
import { runUntilSignal } from './run-until-signal.js';
import { watchOutbox } from './outbox-watcher.js';

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the customs sandbox and the gateway with a demo config / 运行演示（模拟海关 + 网关）')
    .option('-d, --dir <dir>', 'demo folder (created if missing)', './demo')
    .option('--seed', 'drop the bundled sample declarations into the inbox / 放入示例报关单')
    .option('--sandbox-port <port>', 'port of the customs sandbox (0 = any free port)', '0')
    .option('--step-ms <ms>', 'delay between business receipts', '700')
    .action(async (opts: { dir: string; seed?: boolean; sandboxPort: string; stepMs: string }) => {
      const dir = resolve(opts.dir);
      const log = createLogger({ level: process.env.EPORT_LOG_LEVEL ?? 'warn' });
      const say = (line: string): void => void process.stdout.write(`${line}\n`);
      for (const sub of ['inbox', 'outbox', 'sent', 'failed']) await mkdir(join(dir, 'declaration', sub), { recursive: true });
      await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });
      const keyFile = join(dir, 'keys', 'demo-signer.pem');
      if (!(await exists(keyFile))) {
        const id = generateSelfSignedIdentity({ commonName: '演示企业操作员 Demo Operator', days: 365 });
        await writeFile(keyFile, `${id.keyPem}${id.certPem}`, { mode: 0o600 });
        say(`generated a demo signing key / 已生成演示签名密钥: ${keyFile}`);
      }
      const sandbox = await startSandbox({ port: Number(opts.sandboxPort), stepMs: Number(opts.stepMs), logger: log });
      const configFile = join(dir, 'eport.yaml');
      await writeFile(configFile, demoConfigYaml({ sandboxUrl: sandbox.url, redisUrl: process.env.REDIS_URL, prefix: process.env.EPORT_REDIS_PREFIX }));
      let gateway;
      try {
        gateway = await startGateway(loadConfig(configFile), log);
      } catch (err) {
        await sandbox.close();
        console.error(`${(err as Error).message}`);
        process.exit(1);
      }
      const inbox = join(dir, 'declaration', 'inbox');
      say(`
eport demo is running / 演示已启动
  customs sandbox / 模拟海关:  ${sandbox.url}
  config / 配置:               ${configFile}
  drop DecMessage XML into / 将报关单放入:  ${inbox}
  receipts appear in / 回执输出:           ${join(dir, 'declaration', 'outbox')}
  status / 查询状态:  npx eport status --config ${configFile}
  stop / 停止: Ctrl-C
`);
      const stopWatch = watchOutbox(join(dir, 'declaration', 'outbox'), say);
      if (opts.seed) {
        const samples = join(packageRoot(), 'samples', 'declaration');
        const files = (await readdir(samples)).filter((f) => f.toLowerCase().endsWith('.xml'));
        for (const f of files) await copyFile(join(samples, f), join(inbox, f));
        say(`seeded ${files.length} sample declarations / 已放入 ${files.length} 份示例报关单`);
      }
      await runUntilSignal(
        async () => {
          stopWatch();
          await gateway.close();
          await sandbox.close();
        },
        (_s, forced) => say(forced ? 'forced exit / 强制退出' : 'stopping / 正在停止…'),
      );
      say('demo stopped / 演示已停止');
    });
}
