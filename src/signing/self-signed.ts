/**
 * Self-signed RSA identities for the demo, the sandbox and tests. The key comes from node:crypto;
 * node-forge only assembles and signs the certificate (a one-off cost, so forge's slow RSA is fine).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface SelfSignedOptions {
  /** Subject CN; may be Chinese (written as UTF8String). */
  readonly commonName: string;
  /** Validity in days from notBefore. */
  readonly days: number;
  readonly algorithm?: 'rsa';
  /** RSA modulus size, default 2048. */
  readonly bits?: number;
  /** Subject O, optional (UTF8String). */
  readonly organization?: string;
  /** Start of validity; default now minus one minute (clock skew). Use a past date for expired test certificates. */
  readonly notBefore?: Date;
  /** Serial number in hex; default 8 random bytes. */
  readonly serialNumber?: string;
}

export interface SelfSignedIdentity {
  /** PKCS#8 PEM private key. */
  readonly keyPem: string;
  readonly certPem: string;
}

/** Generates an RSA key and a self-signed X.509 v3 certificate (sha256WithRSAEncryption) for it. */
export function generateSelfSignedIdentity(options: SelfSignedOptions): SelfSignedIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: options.bits ?? 2048,
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  // A DER INTEGER serial must be positive: keep the top bit clear.
  const serial =
    options.serialNumber ??
    randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, (c) => (parseInt(c, 16) - 8).toString(16));
  cert.serialNumber = serial.length % 2 === 0 ? serial : `0${serial}`;
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + options.days * 86_400_000);
  const attrs: forge.pki.CertificateField[] = [
    {
      name: 'commonName',
      value: options.commonName,
      valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
    },
  ];
  if (options.organization) {
    attrs.push({
      name: 'organizationName',
      value: options.organization,
      valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
    });
  }
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  cert.sign(forgeKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem: forge.pki.certificateToPem(cert),
  };
}
