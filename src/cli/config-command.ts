import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseConfigText } from '../config/load.js';
import { configSchema } from '../config/schema.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('check or describe configuration / 配置检查');
  config
    .command('check')
    .description('validate a configuration file and list every problem with a fix / 校验配置文件')
    .argument('<file>', 'YAML configuration file')
    .action((file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        console.error(`cannot read ${file}: ${(err as Error).message} / 无法读取配置文件`);
        process.exit(2);
      }
      const { config: ok, problems } = parseConfigText(text, file);
      if (!ok) {
        console.error(`${file}: ${problems.length} problem(s) / ${problems.length} 处错误`);
        for (const p of problems) console.error(`  ✗ ${p.path}: ${p.message}${p.fix ? `\n      fix / 修正: ${p.fix}` : ''}`);
        process.exit(1);
      }
      console.log(`${file}: OK / 配置正确 (${ok.channels.length} channel(s): ${ok.channels.map((c) => c.name).join(', ')})`);
    });
  config
    .command('schema')
    .description('print the JSON Schema of the configuration / 输出配置的 JSON Schema')
    .action(() => {
      console.log(JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), null, 2));
    });
}
