import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { SignatureAlgorithm } from '../signing/signer.js';
import { reportError } from './format-error.js';

const ALGS: readonly SignatureAlgorithm[] = ['rsa-sha1', 'rsa-sha256', 'sm2-sm3'];

function fail(err: unknown): never {
  reportError(err);
  process.exit(1);
}

export function registerSignCommands(program: Command): void {
  program
    .command('sign')
    .description('sign an XML message (enveloped XML-DSig) and write it to stdout / 对报文加签')
    .argument('<file>', 'XML file (UTF-8, GBK or GB18030, as its declaration says)')
    .requiredOption(
      '-k, --key <path>',
      'PEM file with private key and certificate, or a PKCS#12 file',
    )
    .option('-a, --alg <alg>', `algorithm: ${ALGS.join(' | ')}`, 'rsa-sha1')
    .option('--uris <preset>', 'SM2 URI preset: chinaport-2022 | w3-sm2', 'chinaport-2022')
    .option('--pass-file <path>', 'file holding the key passphrase (default: $EPORT_KEY_PASS)')
    .action(
      async (file: string, opts: { key: string; alg: string; uris: string; passFile?: string }) => {
        try {
          if (!ALGS.includes(opts.alg as SignatureAlgorithm))
            throw new Error(`--alg must be one of ${ALGS.join(', ')}`);
          const { decodeXml, encodeXml, checkXml } = await import('../core/xml-text.js');
          const { loadSoftKeySigner } = await import('../signing/soft-key.js');
          const { signEnveloped } = await import('../signing/xmldsig.js');
          const { readInput } = await import('./read-input.js');
          const passphrase = opts.passFile
            ? readFileSync(opts.passFile, 'utf8').replace(/\r?\n$/, '')
            : process.env.EPORT_KEY_PASS;
          const signer = await loadSoftKeySigner({
            name: 'cli',
            path: opts.key,
            ...(passphrase !== undefined ? { passphrase } : {}),
          });
          const decoded = decodeXml(readInput(file), file);
          checkXml(decoded.text, file);
          const signed = await signEnveloped(decoded.text, signer, {
            algorithm: opts.alg as SignatureAlgorithm,
            uris: opts.uris as 'chinaport-2022' | 'w3-sm2',
          });
          // Same encoding (and BOM) as the input: only the signature is added.
          const out = encodeXml(signed, decoded.encoding);
          process.stdout.write(
            decoded.hadBom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), out]) : out,
          );
          await signer.close();
        } catch (err) {
          fail(err);
        }
      },
    );

  program
    .command('verify')
    .description('verify the enveloped signature of an XML message; exit 1 if invalid / 验签')
    .argument('<file>', 'signed XML file')
    .option(
      '--cert <path>',
      'trust only this certificate (PEM); default: the one embedded in the signature',
    )
    .action(async (file: string, opts: { cert?: string }) => {
      try {
        const { decodeXml, checkXml } = await import('../core/xml-text.js');
        const { verifyEnveloped } = await import('../signing/xmldsig.js');
        const { readInput } = await import('./read-input.js');
        const { text } = decodeXml(readInput(file), file);
        checkXml(text, file);
        const trustedCertDer = opts.cert
          ? new X509Certificate(readFileSync(opts.cert)).raw
          : undefined;
        const r = verifyEnveloped(text, trustedCertDer ? { trustedCertDer } : {});
        if (r.ok) {
          const subject = r.certificateDer
            ? new X509Certificate(r.certificateDer).subject.replace(/\n/g, ', ')
            : '';
          console.log(
            `OK: signature valid / 验签通过 (${r.algorithm ?? ''}, KeyName ${r.certNo ?? '-'}${subject ? `, ${subject}` : ''})`,
          );
          if (!trustedCertDer)
            console.log(
              'note: checked against the embedded certificate; use --cert to require a specific signer',
            );
          return;
        }
        console.error(`INVALID: ${r.reason ?? 'signature invalid'} / 验签失败`);
        process.exit(1);
      } catch (err) {
        fail(err);
      }
    });
}
