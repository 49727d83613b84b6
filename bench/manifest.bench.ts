/**
 * Translates a generated 20,000-bill MT1101 CSV with the streaming manifest translator and
 * reports wall time and peak memory (process.memoryUsage sampled every 20 ms), merged into
 * bench/results.json as `manifest.translate_20k`. Run: node --import tsx bench/manifest.bench.ts
 */
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestTranslator } from '../src/translators/manifest/manifest-translator.js';
import { loadManifestMapping } from '../src/translators/manifest/mapping.js';
import { loadCodeTables } from '../src/translators/codes/code-tables.js';
import { mergeResults } from './results-file.js';

const BILLS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'manifest-bench-'));
const input = join(dir, 'mt1101-20k.csv');
const output = join(dir, 'mt1101-20k.xml');

// Input: the sample's header and voyage, then 20k bills with distinct numbers and a long description (tens of MB).
const sample = readFileSync('samples/manifest/mt1101-sea.csv', 'utf8').split('\n');
const w = createWriteStream(input);
w.write(`${sample[0]}\n${sample[1]}\n`);
const desc = '机械零件 MACHINE PARTS AND ACCESSORIES, SPARE PARTS FOR INDUSTRIAL EQUIPMENT '.repeat(
  6,
);
for (let i = 0; i < BILLS; i++) {
  if (
    !w.write(
      `B,,,,,,COSU${String(6100000000 + i)},HB${i},120,22,15800.5,32.1,USLAX,CNSHA,上海某贸易有限公司,ACME INC,CSQU3054383;MSCU1234566,"${desc}${i}"\n`,
    )
  )
    await once(w, 'drain');
}
w.end();
await once(w, 'close');

const translator = new ManifestTranslator({
  mapping: loadManifestMapping('samples/manifest/mt1101-sea.yaml'),
  codes: loadCodeTables(),
});
let peakRss = 0;
let peakHeap = 0;
const sampleMemory = (): void => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const timer = setInterval(sampleMemory, 20);
const started = process.hrtime.bigint();
const out = createWriteStream(output);
const result = await translator.translateStream(
  createReadStream(input),
  async (chunk) => {
    if (!out.write(chunk)) await once(out, 'drain');
  },
  'mt1101-20k.csv',
);
out.end();
await once(out, 'close');
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
sampleMemory();
clearInterval(timer);

const MiB = 1024 * 1024;
const round = (n: number): number => Math.round(n * 10) / 10;
const entry = {
  seconds: Math.round(seconds * 100) / 100,
  peakRssMiB: round(peakRss / MiB),
  peakHeapMiB: round(peakHeap / MiB),
  inputMiB: round(statSync(input).size / MiB),
  outputMiB: round(statSync(output).size / MiB),
};
console.log(`bills ${result.bills}`, entry);
rmSync(dir, { recursive: true, force: true });

mergeResults({ 'manifest.translate_20k': entry });
