/**
 * Helpers for tests that talk to the sandbox: a throw-away RSA identity with a self-signed
 * certificate, an enveloped signer producing what the sandbox verifies, and a DxpMsg wrapper.
 * For tests and demos only: the key is generated in memory and never stored.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import forge from 'node-forge';
import { SignedXml } from 'xml-crypto';
import { DXP_NS } from '../../src/sandbox/namespaces.js';
import { formatNoticeDate } from '../../src/sandbox/china-time.js';
import { escapeXml } from '../../src/sandbox/xml-escape.js';

/** A signing identity for tests. */
export interface TestIdentity {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  /** Serial number in hex, used as `ds:KeyName` like a card certificate number. */
  readonly certNo: string;
}

/** Creates an RSA key (node:crypto) and a self-signed certificate (node-forge). */
export function createTestIdentity(
  options: { commonName?: string; validFrom?: Date; validDays?: number; bits?: number } = {},
): TestIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: options.bits ?? 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  const certNo = randomUUID().replace(/-/g, '').slice(0, 8);
  // A leading 0x0 keeps the DER integer positive.
  cert.serialNumber = `0${certNo}`;
  const from = options.validFrom ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + (options.validDays ?? 30) * 86_400_000);
  const name = [
    { name: 'commonName', value: options.commonName ?? 'eport-gateway sandbox test' },
    { name: 'organizationName', value: 'Sandbox Test' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(
    forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return { privateKeyPem: privateKey, certificatePem: forge.pki.certificateToPem(cert), certNo };
}

const METHODS = {
  'rsa-sha1': {
    signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
    digest: 'http://www.w3.org/2000/09/xmldsig#sha1',
  },
  'rsa-sha256': {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  },
} as const;

/**
 * Signs `xml` with an enveloped XML-DSig in the E-Port profile (inclusive C14N, Reference URI="",
 * KeyName + X509Certificate) appended as the last child of the root. Returns the signed text; the
 * XML declaration is kept, so encode the result in the encoding it names.
 */
export function signEnveloped(
  xml: string,
  identity: TestIdentity,
  options: { algorithm?: 'rsa-sha1' | 'rsa-sha256' } = {},
): string {
  const method = METHODS[options.algorithm ?? 'rsa-sha1'];
  const certBody = identity.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
  const signer = new SignedXml({
    privateKey: identity.privateKeyPem,
    signatureAlgorithm: method.signature,
    canonicalizationAlgorithm: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
    getKeyInfoContent: ({ prefix } = {}) => {
      const p = prefix ? `${prefix}:` : '';
      return `<${p}KeyName>${identity.certNo}</${p}KeyName><${p}X509Data><${p}X509Certificate>${certBody}</${p}X509Certificate></${p}X509Data>`;
    },
  });
  signer.addReference({
    xpath: '/*',
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
    ],
    digestAlgorithm: method.digest,
    isEmptyUri: true,
  });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
  return signer.getSignedXml();
}

/** Wraps message bytes in a DXP `DxpMsg` envelope (eport-formats.md §2). */
export function wrapInDxpMsg(
  messageBytes: Uint8Array,
  options: {
    senderId?: string;
    receiverId?: string;
    msgType?: string;
    fileName?: string;
    copMsgId?: string;
  } = {},
): string {
  const copMsgId = options.copMsgId ?? randomUUID().toUpperCase();
  const fileName = options.fileName
    ? `\n  <AddInfo>\n    <FileName>${escapeXml(options.fileName)}</FileName>\n  </AddInfo>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<DxpMsg xmlns="${DXP_NS}" ver="1.0">
  <TransInfo>
    <CopMsgId>${escapeXml(copMsgId)}</CopMsgId>
    <SenderId>${escapeXml(options.senderId ?? 'DXPENT0000000001')}</SenderId>
    <ReceiverIds>
      <ReceiverId>${escapeXml(options.receiverId ?? 'DXPEDCDEC0000001')}</ReceiverId>
    </ReceiverIds>
    <CreatTime>${formatNoticeDate(new Date())}</CreatTime>
    <MsgType>${escapeXml(options.msgType ?? 'DecMessage')}</MsgType>
  </TransInfo>
  <Data>${Buffer.from(messageBytes).toString('base64')}</Data>${fileName}
</DxpMsg>
`;
}
