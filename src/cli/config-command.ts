import type { Command } from 'commander';
import { reportError } from './format-error.js';

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('check or describe configuration / 配置检查');
  config
    .command('check')
    .description(
      'validate a configuration file and every file it names; list every problem with a fix / 校验配置文件',
    )
    .argument('[file]', 'YAML configuration file (or --config)')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (positional: string | undefined, opts: { config?: string }) => {
      if (positional && opts.config && positional !== opts.config) {
        console.error(
          `two configuration files given (${positional}, ${opts.config}); give one / 只能指定一个配置文件`,
        );
        process.exitCode = 2;
        return;
      }
      const file = opts.config ?? positional;
      if (!file) {
        console.error(
          'give the configuration file: eport config check --config FILE / 请指定配置文件',
        );
        process.exitCode = 2;
        return;
      }
      const { checkConfigFile } = await import('../config/check.js');
      const { describeProblems } = await import('../config/problem-text.js');
      try {
        const { config: ok, problems } = await checkConfigFile(file);
        if (problems.length || !ok) {
          console.error(describeProblems(file, problems));
          process.exitCode = 1;
          return;
        }
        const { configuredRedis, describeRedis } = await import('../queues/redis-connection.js');
        const target = configuredRedis(ok.redis);
        console.log(
          `${file}: OK / 配置正确 (${ok.channels.length} channel(s): ${ok.channels.map((c) => c.name).join(', ')}; redis: ${target ? describeRedis(target) : 'managed / 内置'})`,
        );
      } catch (err) {
        reportError(err);
      }
    });
  config
    .command('schema')
    .description('print the JSON Schema of the configuration / 输出配置的 JSON Schema')
    .action(async () => {
      const { z } = await import('zod');
      const { configSchema } = await import('../config/schema.js');
      console.log(
        JSON.stringify(
          z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
          null,
          2,
        ),
      );
    });
}
