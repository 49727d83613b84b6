import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { exitCodeAfter, runUntilSignal } from './run-until-signal.js';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('run the local customs simulator on loopback / 运行本地模拟海关')
    .option('--host <host>', 'listen address (loopback only by design)', '127.0.0.1')
    .option('-p, --port <port>', 'port (0 = any free port)', '8471')
    .option('--step-ms <ms>', 'delay between business receipts', '300')
    .option('--fail-first <n>', 'answer 503 to the first N submissions (fault injection)', '0')
    .option('--fail-rate <p>', 'answer 503 to this fraction of submissions (0..1)', '0')
    .option('--trust <pem...>', 'accept only signatures by these certificates (PEM files)')
    .addOption(
      new Option(
        '--verifier <kind>',
        "signature check: xml-crypto (independent of the gateway's signing code) or own (the gateway's C14N, ~20x faster, for benchmarks)",
      )
        .choices(['xml-crypto', 'own'])
        .default('xml-crypto'),
    )
    .option(
      '--imppath <dir>',
      'also simulate the Single Window client on this ImpPath folder / 同时模拟单一窗口客户端',
    )
    .option(
      '--client-modules <folders>',
      'module folders the simulated client serves, comma-separated',
      'Deccus001',
    )
    .option('--client-stopped', 'simulated client not running: nothing leaves OutBox (fault)')
    .option(
      '--pickup-delay-ms <ms>',
      'simulated client takes a file only after it waited this long',
      '0',
    )
    .option(
      '--client-fail-rate <p>',
      'fraction of files the simulated client refuses into FailBox (0..1)',
      '0',
    )
    .option(
      '--duplicate-rate <p>',
      'fraction of receipts the simulated client writes twice (0..1)',
      '0',
    )
    .option(
      '--reorder-ms <ms>',
      'random extra delay up to this, so receipts arrive out of order',
      '0',
    )
    .option(
      '--amqp <url>',
      'also take submissions from RabbitMQ and answer there, e.g. amqp://guest:guest@127.0.0.1:5672',
    )
    .option(
      '--amqp-prefix <name>',
      'stem of the exchange and queue names on RabbitMQ',
      'eport.sandbox',
    )
    .action(
      async (opts: {
        host: string;
        port: string;
        stepMs: string;
        failFirst: string;
        failRate: string;
        trust?: string[];
        verifier: 'xml-crypto' | 'own';
        imppath?: string;
        clientModules: string;
        clientStopped?: boolean;
        pickupDelayMs: string;
        clientFailRate: string;
        duplicateRate: string;
        reorderMs: string;
        amqp?: string;
        amqpPrefix: string;
      }) => {
        const { createLogger } = await import('../core/logger.js');
        const { startSandbox } = await import('../sandbox/server.js');
        const log = createLogger({ level: 'info' });
        const sandbox = await startSandbox({
          host: opts.host,
          port: Number(opts.port),
          stepMs: Number(opts.stepMs),
          failFirst: Number(opts.failFirst),
          failRate: Number(opts.failRate),
          verifier: opts.verifier,
          ...(opts.trust
            ? { trustedCertsPem: opts.trust.map((f) => readFileSync(f, 'utf8')) }
            : {}),
          ...(opts.amqp ? { amqp: { url: opts.amqp, prefix: opts.amqpPrefix } } : {}),
          logger: log,
          ...(opts.imppath
            ? {
                impPath: opts.imppath,
                clientModules: opts.clientModules
                  .split(',')
                  .map((m) => m.trim())
                  .filter(Boolean),
                clientFaults: {
                  stopped: Boolean(opts.clientStopped),
                  pickupDelayMs: Number(opts.pickupDelayMs),
                  failRate: Number(opts.clientFailRate),
                  duplicateRate: Number(opts.duplicateRate),
                  reorderMs: Number(opts.reorderMs),
                },
              }
            : {}),
        });
        console.log(
          `customs sandbox listening / 模拟海关已启动: ${sandbox.url}  (POST /dec/submit, GET /receipts, GET /stats)`,
        );
        if (opts.imppath)
          console.log(
            `simulated Single Window client on / 模拟单一窗口客户端: ${opts.imppath} (${opts.clientModules})`,
          );
        if (sandbox.amqp) {
          const n = sandbox.amqp;
          console.log(
            `AMQP / RabbitMQ: submissions to exchange "${n.exchange}" key "${n.submitKey}" (queue ${n.submissions}); ` +
              `receipts in queue "${n.receipts}" / 报文发往交换机 ${n.exchange}（路由键 ${n.submitKey}），回执在队列 ${n.receipts}`,
          );
        }
        const outcome = await runUntilSignal({ stop: () => sandbox.close() }, () => {});
        process.exitCode = exitCodeAfter(outcome);
      },
    );
}
