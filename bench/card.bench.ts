/**
 * What the gateway adds to a card signature: signs a declaration N times through the real PC/SC
 * stack (the daemon's card signer → pcsclite → libpcsclite → pcscd → vpcd → emulated OpenPGP card,
 * the card tests' harness) and subtracts the time the card emulator spends computing its answers.
 * Run: node --import tsx bench/card.bench.ts   (root; pcscd and vsmartcard-vpcd installed)
 *
 * Per signature: the wall time of signEnveloped() with the card signer (the sign worker's call),
 * the part of it inside signer.sign() (DigestInfo, PC/SC round trips, signature check), and the
 * emulator's own answer time and APDU count, read from the emulator after each signature (outside
 * the timed part). card.overhead_ms = median(gateway) − median(emulator). The card is set up as
 * the daemon meets a card whose PIN stays valid for many signatures (OpenPGP PW1 status 01): the
 * PIN is presented once, in the warm-up, then every document is one PSO:CDS.
 * Knobs: CARD_SIGS (200), CARD_WARMUP (30), CARD_ALG (rsa-sha256 | rsa-sha1),
 * CARD_DRY=1 (print only, results.json is left alone). Merged into bench/results.json under `card`.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadPcsclite } from '../src/signing/pcsc/pcsclite-binding.js';
import type { SignatureAlgorithm, Signer } from '../src/signing/signer.js';
import { createSigner } from '../src/signing/signer-registry.js';
import { signEnveloped, verifyEnveloped } from '../src/signing/xmldsig.js';
import { cardIdentity } from '../test/card/fixtures.js';
import { cardStackAvailability, startCardStack, type CardStack } from '../test/card/harness.js';
import { sampleDecMessage } from '../test/helpers/sample-dec-message.js';
import { machineInfo, mergeResults } from './results-file.js';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const N = Number(process.env.CARD_SIGS ?? 200);
const WARMUP = Number(process.env.CARD_WARMUP ?? 30);
const ALG = (process.env.CARD_ALG ?? 'rsa-sha256') as SignatureAlgorithm;
const PIN = '123456';

interface Sample {
  gatewayMs: number;
  signerMs: number;
  emulatorMs: number;
  apdus: number;
}

/** Nearest-rank percentile. */
function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const spread = (xs: readonly number[]) => ({ p50: round3(pct(xs, 50)), p99: round3(pct(xs, 99)) });

function toolVersion(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .split('\n')[0]!
      .trim();
  } catch {
    return null;
  }
}

/** The card signer with the time spent inside each sign() call recorded. */
function timedSigner(inner: Signer, record: (ms: number) => void): Signer {
  return {
    name: inner.name,
    kind: inner.kind,
    algorithms: inner.algorithms,
    certificate: () => inner.certificate(),
    close: () => inner.close(),
    async sign(data, algorithm, options) {
      const t0 = performance.now();
      try {
        return await inner.sign(data, algorithm, options);
      } finally {
        record(performance.now() - t0);
      }
    },
  };
}

/** Why the bench cannot run here, or undefined. */
function missing(): string | undefined {
  const stack = cardStackAvailability();
  if (!stack.ok) return stack.reason;
  try {
    loadPcsclite();
  } catch {
    return 'the pcsclite native module is not built (npm install pcsclite; needs libpcsclite-dev)';
  }
  return undefined;
}

async function signOnce(
  stack: CardStack,
  signer: Signer,
  lastSign: () => number,
  doc: string,
): Promise<Sample & { xml: string }> {
  const before = await stack.emulator.answerTime(0);
  const t0 = performance.now();
  const xml = await signEnveloped(doc, signer, { algorithm: ALG });
  const gatewayMs = performance.now() - t0;
  const after = await stack.emulator.answerTime(0);
  return {
    xml,
    gatewayMs,
    signerMs: lastSign(),
    emulatorMs: (after.answerUs - before.answerUs) / 1000,
    apdus: after.apdus - before.apdus,
  };
}

function summarise(samples: readonly Sample[]) {
  const gateway = samples.map((s) => s.gatewayMs);
  const emulator = samples.map((s) => s.emulatorMs);
  return {
    overhead_ms: round3(pct(gateway, 50) - pct(emulator, 50)),
    gateway_ms: spread(gateway),
    signer_call_ms: spread(samples.map((s) => s.signerMs)),
    pcsc_overhead_ms: spread(samples.map((s) => s.signerMs - s.emulatorMs)),
    xml_ms: spread(samples.map((s) => s.gatewayMs - s.signerMs)),
    emulator_ms: spread(emulator),
    apdus_per_signature: spread(samples.map((s) => s.apdus)),
  };
}

function print(title: string, r: ReturnType<typeof summarise>): void {
  const line = (label: string, x: { p50: number; p99: number }) =>
    `  ${label.padEnd(24)} p50 ${x.p50.toFixed(3).padStart(7)} ms   p99 ${x.p99.toFixed(3).padStart(7)} ms`;
  console.log(
    [
      `${title}: APDUs per signature p50 ${r.apdus_per_signature.p50}, p99 ${r.apdus_per_signature.p99}`,
      line('gateway per signature', r.gateway_ms),
      line('  inside signer.sign()', r.signer_call_ms),
      line('  XML work around it', r.xml_ms),
      line("emulator's own answer", r.emulator_ms),
      line('signer call - emulator', r.pcsc_overhead_ms),
      `  overhead (p50 gateway - p50 emulator) = ${r.overhead_ms} ms`,
    ].join('\n'),
  );
}

/** Opens the daemon's card signer (signer registry) and signs `doc` WARMUP + N times. */
async function phase(stack: CardStack, doc: string, trustedCertDer: Buffer): Promise<Sample[]> {
  let last = 0;
  const card = await createSigner(
    {
      type: 'pcsc-card',
      name: 'bench-card',
      reader: stack.readerName(0),
      profile: 'openpgp',
      pin: PIN,
    },
    pino({ level: 'silent' }),
  );
  const signer = timedSigner(card, (ms) => (last = ms));
  try {
    const first = await signOnce(stack, signer, () => last, doc);
    const check = verifyEnveloped(first.xml, { trustedCertDer });
    if (!check.ok) throw new Error(`card signature does not verify: ${check.reason}`);
    for (let i = 1; i < WARMUP; i++) await signOnce(stack, signer, () => last, doc);
    const samples: Sample[] = [];
    for (let i = 0; i < N; i++) samples.push(await signOnce(stack, signer, () => last, doc));
    return samples;
  } finally {
    await signer.close();
  }
}

async function main(): Promise<void> {
  const why = missing();
  if (why) {
    console.log(`card bench skipped / 跳过智能卡基准: ${why}; nothing written`);
    return;
  }
  const load0 = loadavg()[0]!;
  const id = cardIdentity('基准测试操作员卡 bench card');
  const doc = sampleDecMessage({ items: 20 });
  let stack: CardStack;
  try {
    stack = await startCardStack({
      cards: [
        {
          extendedLength: true,
          openpgp: { keyPem: id.keyPem, certPem: id.certPem, pin: PIN, pw1Multi: true },
        },
      ],
    });
  } catch (err) {
    // e.g. not root: pcscd cannot create its socket directory. The other benches still run.
    const msg = (err instanceof Error ? err.message : String(err)).trim();
    console.log(
      `card bench skipped / 跳过智能卡基准: pcscd + vpcd did not start: ${msg}; nothing written`,
    );
    return;
  }
  try {
    if (stack.mode !== 'netns')
      console.log(
        'WARN: no private network namespace: vpcd 3.3 stalls ~40 ms per APDU on delayed ACKs, so the figures below are mostly that',
      );
    console.log(
      `document: DecMessage, ${Buffer.byteLength(doc)} bytes; ${ALG}; ${N} signatures after ${WARMUP} warm-up; harness ${stack.mode} (${JSON.stringify(stack.timings)})`,
    );
    // The card keeps PW1 verified: the PIN is presented once, then one PSO:CDS per document.
    const pinOnce = summarise(await phase(stack, doc, id.certDer));
    print('PIN once (PW1 valid for many signatures)', pinOnce);
    // A card with a forced signature PIN (the OpenPGP default): PIN status, VERIFY and PSO:CDS each time.
    await stack.emulator.request({ cmd: 'setPw1Multi', slot: 0, value: false });
    const pinEach = summarise(await phase(stack, doc, id.certDer));
    print('PIN before every signature (forced signature PIN)', pinEach);
    const load1 = loadavg()[0]!;
    const result = {
      ...pinOnce,
      pin_each_signature: pinEach,
      signatures: N,
      warmup: WARMUP,
      algorithm: ALG,
      document: { kind: 'DecMessage', bytes: Buffer.byteLength(doc), items: 20 },
      machine: {
        ...machineInfo(),
        pcscd: toolVersion(cardStackAvailability().pcscd!, ['--version']),
        vpcd: toolVersion('dpkg-query', ['-W', '-f', '${Version}', 'vsmartcard-vpcd']),
        harness: stack.mode,
        loadavg1m: Math.round(load0 * 100) / 100,
        loadavg1mAfter: Math.round(load1 * 100) / 100,
      },
      method:
        'per signature: wall time of signEnveloped() with the daemon card signer (signer registry, OpenPGP profile; PIN valid for many signatures and verified once in the warm-up; pin_each_signature: forced signature PIN), and the emulator-side time inside VirtualCard.process() for the same APDUs; overhead_ms = p50(gateway_ms) - p50(emulator_ms); signer_call_ms = inside signer.sign(); pcsc_overhead_ms = signer call minus emulator, per signature; xml_ms = gateway minus signer call (C14N, digests, assembly)',
    };
    console.log(
      `card.overhead_ms = ${result.overhead_ms} ms   (load average ${result.machine.loadavg1m} -> ${result.machine.loadavg1mAfter})`,
    );
    if (process.env.CARD_DRY) return;
    mergeResults({ card: result });
    console.log(`results merged into ${join(BENCH, 'results.json')} under "card"`);
  } finally {
    await stack.stop();
  }
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
}
// pcsclite keeps the event loop alive after close().
process.exit();
