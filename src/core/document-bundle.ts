/**
 * A document with its attachments (随附单据) as one immutable blob, so the spool, the message id and
 * every stage keep treating "a document" as bytes: the declaration file an enterprise dropped plus
 * the files of its attachment folder or manifest, packed in a zip whose first entry is
 * `eport-bundle.json`. The zip is deterministic (entries sorted, stored uncompressed, fixed dates):
 * the same declaration with the same attachments always gives the same bytes, hence the same
 * message id after a crash and re-claim; other attachments give another message.
 */
import JSZip from 'jszip';
import { GatewayError } from './errors.js';

export const BUNDLE_INDEX = 'eport-bundle.json';
const FORMAT = 'eport-bundle/1';
/** Zip dates are local DOS times; a fixed one keeps the bytes reproducible. */
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

export interface BundleFile {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface DocumentBundle {
  /** The declaration file as dropped. */
  readonly document: BundleFile;
  /** The manifest file (`<stem>.edoc.json` or `edoc.json` in the folder), when there was one. */
  readonly manifest?: BundleFile | undefined;
  /** The attachment files, by their file names. */
  readonly attachments: readonly BundleFile[];
}

interface BundleIndex {
  readonly format: string;
  readonly document: string;
  readonly manifest?: string;
  readonly attachments: readonly string[];
}

/** True when the bytes are a bundle (the zip's first local entry is the index). */
export function isBundle(bytes: Uint8Array): boolean {
  if (
    bytes.length < 30 + BUNDLE_INDEX.length ||
    bytes[0] !== 0x50 ||
    bytes[1] !== 0x4b ||
    bytes[2] !== 0x03 ||
    bytes[3] !== 0x04
  )
    return false;
  const nameLen = bytes[26]! | (bytes[27]! << 8);
  return (
    nameLen === BUNDLE_INDEX.length &&
    Buffer.from(bytes.subarray(30, 30 + nameLen)).toString('latin1') === BUNDLE_INDEX
  );
}

/** Packs a bundle; names must be plain file names (checked by whoever collected the files). */
export async function packBundle(bundle: DocumentBundle): Promise<Buffer> {
  const attachments = [...bundle.attachments].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const index: BundleIndex = {
    format: FORMAT,
    document: bundle.document.name,
    ...(bundle.manifest ? { manifest: bundle.manifest.name } : {}),
    attachments: attachments.map((a) => a.name),
  };
  const zip = new JSZip();
  const opts = { date: FIXED_DATE, binary: true, createFolders: false } as const;
  zip.file(BUNDLE_INDEX, Buffer.from(JSON.stringify(index), 'utf8'), opts);
  zip.file(`document/${bundle.document.name}`, bundle.document.bytes, opts);
  if (bundle.manifest) zip.file(`manifest/${bundle.manifest.name}`, bundle.manifest.bytes, opts);
  for (const a of attachments) zip.file(`attachments/${a.name}`, a.bytes, opts);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE', platform: 'UNIX' });
}

function broken(why: string): GatewayError {
  return new GatewayError('GW_ERR_INPUT_FORMAT', {
    where: BUNDLE_INDEX,
    zh: `随附单据包已损坏：${why}`,
    en: `the attachment bundle is damaged: ${why}`,
  });
}

async function entry(zip: JSZip, path: string): Promise<Buffer> {
  const f = zip.file(path);
  if (!f) throw broken(`missing ${path}`);
  return f.async('nodebuffer');
}

/** Unpacks a bundle made by {@link packBundle}. */
export async function unpackBundle(bytes: Uint8Array): Promise<DocumentBundle> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (err) {
    throw broken((err as Error).message);
  }
  let index: BundleIndex;
  try {
    index = JSON.parse((await entry(zip, BUNDLE_INDEX)).toString('utf8')) as BundleIndex;
  } catch (err) {
    throw isGatewayErrorLike(err) ? (err as GatewayError) : broken('unreadable index');
  }
  if (
    index.format !== FORMAT ||
    typeof index.document !== 'string' ||
    !Array.isArray(index.attachments)
  )
    throw broken(`unknown format ${String(index.format)}`);
  const document = { name: index.document, bytes: await entry(zip, `document/${index.document}`) };
  const manifest = index.manifest
    ? { name: index.manifest, bytes: await entry(zip, `manifest/${index.manifest}`) }
    : undefined;
  const attachments: BundleFile[] = [];
  for (const name of index.attachments)
    attachments.push({ name, bytes: await entry(zip, `attachments/${name}`) });
  return { document, ...(manifest ? { manifest } : {}), attachments };
}

function isGatewayErrorLike(err: unknown): boolean {
  return err instanceof GatewayError;
}

/** The declaration bytes of a document: the document itself, or the bundled declaration. */
export async function documentBytes(bytes: Buffer): Promise<Buffer> {
  return isBundle(bytes) ? (await unpackBundle(bytes)).document.bytes : bytes;
}
