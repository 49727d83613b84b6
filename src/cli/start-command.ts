import type { Command } from 'commander';
import { formatError } from './format-error.js';
import { loadConfigOrReport } from './load-config-or-report.js';
import { runUntilSignal } from './run-until-signal.js';

/** Beyond shutdownMs, time for the last steps (Redis, the managed redis-server) before a forced exit. */
const SHUTDOWN_MARGIN_MS = 10_000;

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the gateway daemon in the foreground / 启动网关守护进程')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { config: string }) => {
      const config = await loadConfigOrReport(opts.config);
      if (!config) return;
      const { createLogger } = await import('../core/logger.js');
      const { startGateway } = await import('../app.js');
      const log = createLogger({ level: config.log.level, ...(config.log.pretty !== undefined ? { pretty: config.log.pretty } : {}) });
      let gateway;
      try {
        gateway = await startGateway(config, log);
      } catch (err) {
        log.fatal({ err }, 'gateway failed to start / 网关启动失败');
        log.flush();
        console.error(`eport: gateway failed to start / 网关启动失败\n${formatError(err)}`);
        process.exit(1);
      }
      await runUntilSignal(
        () => gateway.close(),
        (signal, forced) =>
          forced
            ? log.warn({ signal }, 'second signal: forcing exit / 再次收到信号，强制退出')
            : log.info({ signal }, 'shutting down: intake stops, workers drain / 正在关闭'),
        config.shutdownMs + SHUTDOWN_MARGIN_MS,
      );
      log.info('stopped / 已停止');
      log.flush();
      // Closed is closed: a reconnect timer of a client whose Redis is gone must not keep us alive.
      process.exit(0);
    });
}
