/**
 * Signing throughput: our enveloped XML-DSig fast path vs xml-crypto vs xmlsec1, and the raw
 * signature primitive as the ceiling. Run: node --import tsx bench/sign.bench.ts
 *
 * Method (as in reference/node-stack.md): one ~24 KB DecMessage, warm-up, then 5 trials of ~1.5 s,
 * median ops/s. xmlsec1 runs as a child process over N template files: "batch" signs all N in one
 * process (process start amortised), "per_process" runs one process per file from a shell loop.
 * Results are merged into bench/results.json.
 */
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignedXml } from 'xml-crypto';
import { C14N_URI, ENVELOPED_SIGNATURE_URI, resolveProfile } from '../src/signing/algorithms.js';
import { canonicalizeSubtree } from '../src/signing/c14n.js';
import { findTool, runTool } from '../test/helpers/tools.js';
import { sampleDecMessage } from '../test/helpers/sample-dec-message.js';
import { generateSelfSignedIdentity } from '../src/signing/self-signed.js';
import type { SignatureAlgorithm, Signer } from '../src/signing/signer.js';
import { sm2KeyFromKeyObject, sm2Sign, sm2Z } from '../src/signing/sm2.js';
import { loadSoftKeySigner } from '../src/signing/soft-key.js';
import { registerSmAlgorithms } from '../src/signing/xml-crypto-sm.js';
import { signEnveloped, verifyEnveloped } from '../src/signing/xmldsig.js';
import { machineInfo, mergeResults } from './results-file.js';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const WORK = join(BENCH, '.work', 'sign');
const TRIALS = 5;
const TRIAL_MS = 1500;
const WARMUP_MS = 700;

type PerAlg = Partial<Record<SignatureAlgorithm, number | null>>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median ops/s of `fn` over TRIALS trials of TRIAL_MS after a warm-up. */
async function measure(label: string, fn: () => unknown): Promise<number> {
  const runFor = async (ms: number): Promise<number> => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      const r = fn();
      if (r instanceof Promise) await r;
      n++;
      now = performance.now();
    }
    return (n * 1000) / (now - start);
  };
  await runFor(WARMUP_MS);
  const rates: number[] = [];
  for (let t = 0; t < TRIALS; t++) rates.push(await runFor(TRIAL_MS));
  const m = median(rates);
  console.log(
    `${label.padEnd(34)} ${m.toFixed(1).padStart(9)} /s   (trials: ${rates.map((r) => r.toFixed(0)).join(', ')})`,
  );
  return Math.round(m * 10) / 10;
}

/** xml-crypto signing of the same document: enveloped, inclusive C14N, same URIs and key. */
function xmlCryptoSigner(
  algorithm: SignatureAlgorithm,
  key: KeyObject,
  certPem: string,
): (xml: string) => string {
  const profile = resolveProfile(algorithm);
  return (xml: string) => {
    const sig = new SignedXml({
      privateKey: key,
      publicCert: certPem,
      signatureAlgorithm: profile.signatureMethodUri,
      canonicalizationAlgorithm: C14N_URI,
    });
    registerSmAlgorithms(sig);
    sig.addReference({
      xpath: '/*',
      transforms: [ENVELOPED_SIGNATURE_URI],
      digestAlgorithm: profile.digestMethodUri,
      uri: '',
      isEmptyUri: true,
    });
    sig.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
    return sig.getSignedXml();
  };
}

/** An xmlsec1 signing template: the document with an empty ds:Signature for the key to fill. */
function xmlsecTemplate(doc: string, algorithm: 'rsa-sha1' | 'rsa-sha256'): string {
  const p = resolveProfile(algorithm);
  const sig =
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
    `<ds:CanonicalizationMethod Algorithm="${C14N_URI}"/><ds:SignatureMethod Algorithm="${p.signatureMethodUri}"/>` +
    `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE_URI}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${p.digestMethodUri}"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>` +
    '<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data></ds:X509Data></ds:KeyInfo></ds:Signature>';
  const end = doc.lastIndexOf('</DecMessage>');
  return doc.slice(0, end) + sig + doc.slice(end);
}

/** docs/s of xmlsec1 over `n` templates: one process for all, or one process per file. */
function xmlsecRate(
  dir: string,
  files: string[],
  keyArg: string,
  mode: 'batch' | 'per_process',
): number {
  const rates: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const start = performance.now();
    const r =
      mode === 'batch'
        ? runTool('xmlsec1', ['--sign', '--privkey-pem', keyArg, ...files], { cwd: dir })
        : runTool(
            'sh',
            [
              '-c',
              `for f in ${files.join(' ')}; do xmlsec1 --sign --privkey-pem ${keyArg} --output /dev/null "$f" || exit 1; done`,
            ],
            { cwd: dir },
          );
    const secs = (performance.now() - start) / 1000;
    if (r.status !== 0) throw new Error(`xmlsec1 failed: ${r.stderr.slice(0, 300)}`);
    rates.push(files.length / secs);
  }
  const m = median(rates);
  console.log(
    `${`xmlsec1 ${mode}`.padEnd(34)} ${m.toFixed(1).padStart(9)} /s   (trials: ${rates.map((r) => r.toFixed(0)).join(', ')})`,
  );
  return Math.round(m * 10) / 10;
}

async function sm2Identity(): Promise<
  { signer: Signer; key: KeyObject; certPem: string } | undefined
> {
  if (!findTool('openssl')) return undefined;
  const run = (args: string[]) => {
    const r = runTool('openssl', args, { cwd: WORK });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  run(['genpkey', '-algorithm', 'SM2', '-out', 'sm2.key']);
  run([
    'req',
    '-x509',
    '-new',
    '-key',
    'sm2.key',
    '-sm3',
    '-sigopt',
    'distid:1234567812345678',
    '-subj',
    '/CN=bench-sm2',
    '-days',
    '2',
    '-out',
    'sm2.crt',
  ]);
  const certPem = readFileSync(join(WORK, 'sm2.crt'), 'utf8');
  const keyPem = readFileSync(join(WORK, 'sm2.key'), 'utf8');
  writeFileSync(join(WORK, 'sm2.pem'), certPem + keyPem);
  return {
    signer: await loadSoftKeySigner({ name: 'bench-sm2', path: join(WORK, 'sm2.pem') }),
    key: createPrivateKey(keyPem),
    certPem,
  };
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const doc = sampleDecMessage({ items: 20 });
  console.log(
    `document: DecMessage, ${Buffer.byteLength(doc)} bytes, ${(doc.match(/<[A-Za-z]/g) ?? []).length} elements`,
  );

  const rsa = generateSelfSignedIdentity({ commonName: 'bench-rsa', days: 2 });
  writeFileSync(join(WORK, 'rsa.pem'), rsa.keyPem + rsa.certPem);
  writeFileSync(join(WORK, 'rsa.key'), rsa.keyPem);
  writeFileSync(join(WORK, 'rsa.crt'), rsa.certPem);
  const rsaSigner = await loadSoftKeySigner({ name: 'bench-rsa', path: join(WORK, 'rsa.pem') });
  const rsaKey = createPrivateKey(rsa.keyPem);
  const sm2 = await sm2Identity();

  const ours: PerAlg = {};
  const xmlCrypto: PerAlg = {};
  const ceiling: PerAlg = {};
  const cases: [SignatureAlgorithm, Signer, KeyObject, string][] = [
    ['rsa-sha1', rsaSigner, rsaKey, rsa.certPem],
    ['rsa-sha256', rsaSigner, rsaKey, rsa.certPem],
  ];
  if (sm2) cases.push(['sm2-sm3', sm2.signer, sm2.key, sm2.certPem]);

  for (const [alg, signer, key, certPem] of cases) {
    console.log(`\n== ${alg}`);
    // Sanity: both produce signatures that verify, so they do the same work.
    const mine = await signEnveloped(doc, signer, { algorithm: alg });
    const theirs = xmlCryptoSigner(alg, key, certPem)(doc);
    for (const [who, xml] of [
      ['ours', mine],
      ['xml-crypto', theirs],
    ] as const) {
      const v = verifyEnveloped(xml);
      if (!v.ok) throw new Error(`${who} ${alg} signature does not verify: ${v.reason}`);
    }
    ours[alg] = await measure(`ours ${alg}`, () => signEnveloped(doc, signer, { algorithm: alg }));
    const xc = xmlCryptoSigner(alg, key, certPem);
    xmlCrypto[alg] = await measure(`xml-crypto ${alg}`, () => xc(doc));
    const signedInfo = Buffer.from(
      canonicalizeSubtree(mine, (e) => e.localName === 'SignedInfo'),
      'utf8',
    );
    if (alg === 'sm2-sm3') {
      const k = sm2KeyFromKeyObject(key);
      if (!k) throw new Error('not an SM2 key');
      const z = sm2Z(k.publicKey);
      ceiling[alg] = await measure(`ceiling sm2 sign (sm-crypto-v2)`, () =>
        sm2Sign(signedInfo, k, z),
      );
    } else {
      const hash = alg === 'rsa-sha1' ? 'sha1' : 'sha256';
      ceiling[alg] = await measure(`ceiling node:crypto RSA-2048 ${hash}`, () =>
        cryptoSign(hash, signedInfo, key),
      );
    }
  }
  if (!sm2) {
    ours['sm2-sm3'] = null;
    xmlCrypto['sm2-sm3'] = null;
    ceiling['sm2-sm3'] = null;
  }

  const xmlsecBatch: PerAlg = {};
  const xmlsecLoop: PerAlg = {};
  let xmlsecVersion: string | null = null;
  if (findTool('xmlsec1')) {
    xmlsecVersion = runTool('xmlsec1', ['--version']).stdout.toString().trim();
    for (const alg of ['rsa-sha1', 'rsa-sha256'] as const) {
      console.log(`\n== xmlsec1 ${alg}`);
      const files: string[] = [];
      for (let i = 0; i < 200; i++) {
        const f = `t-${alg}-${i}.xml`;
        writeFileSync(join(WORK, f), xmlsecTemplate(doc, alg));
        files.push(f);
      }
      xmlsecBatch[alg] = xmlsecRate(WORK, files, 'rsa.key,rsa.crt', 'batch');
      xmlsecLoop[alg] = xmlsecRate(WORK, files.slice(0, 60), 'rsa.key,rsa.crt', 'per_process');
    }
  } else {
    console.log('xmlsec1 not installed: skipped');
  }
  // xmlsec1 1.2.x has no SM2.
  xmlsecBatch['sm2-sm3'] = null;
  xmlsecLoop['sm2-sm3'] = null;

  mergeResults({
    'sign.ours': ours,
    'sign.xml_crypto': xmlCrypto,
    'sign.xmlsec1': xmlsecBatch,
    'sign.xmlsec1_per_process': xmlsecLoop,
    'sign.rsa_ceiling': ceiling,
    'sign.machine': {
      ...machineInfo(),
      openssl: process.versions.openssl,
      xmlsec1: xmlsecVersion,
      document: { kind: 'DecMessage', bytes: Buffer.byteLength(doc), items: 20 },
      method: `median of ${TRIALS} trials x ${TRIAL_MS} ms after ${WARMUP_MS} ms warm-up; one core; xmlsec1: 200 files per batch process, 60 files one process each`,
      notes:
        'sign.rsa_ceiling is node:crypto RSA-2048 sign of the SignedInfo bytes; its sm2-sm3 entry is sm-crypto-v2 SM2 sign of the same. xmlsec1 1.2.x has no SM2.',
    },
  });
  console.log(`\nresults merged into ${join(BENCH, 'results.json')}`);
  rmSync(WORK, { recursive: true, force: true });
}

await main();
