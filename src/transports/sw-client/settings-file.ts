/**
 * Reads the Single Window client's job settings, `DFWJobSettings.xml`
 * (`%LOCALAPPDATA%\SIC\UserSetting\` on the client host): for each business module (FormId) the
 * folders the client reads from and writes to. Shape, as sites have it:
 * `Settings/FormSettings/FormSetting@Key` → `SubFormSetting@FormId,@OutBox,@InBox,@SentBox,@FailBox,@TempBox`.
 */
import { readFile } from 'node:fs/promises';
import { GatewayError } from '../../core/errors.js';
import { decodeXml } from '../../core/xml-text.js';
import { parseTree, type XNode, type XObject } from '../../core/xml-tree.js';
import type { BoxName } from '../../core/client-modules.js';

/** The folders one module has in the settings file, as written there (often Windows paths). */
export type ModuleBoxes = Partial<Record<BoxName, string>>;

function asList(node: XNode | readonly XNode[] | undefined): XObject[] {
  const list = Array.isArray(node) ? node : node === undefined ? [] : [node];
  return list.filter((n): n is XObject => typeof n === 'object' && n !== null);
}

/** Attribute value, tolerant of the letter case sites write attribute names in. */
function attr(node: XObject, name: string): string | undefined {
  const wanted = `@_${name}`.toLowerCase();
  for (const [k, v] of Object.entries(node))
    if (k.toLowerCase() === wanted && typeof v === 'string' && v.trim()) return v.trim();
  return undefined;
}

function child(node: XObject, name: string): XNode | readonly XNode[] | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(node)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Parses the settings text into FormId (upper case) → boxes. */
export function parseClientSettings(
  bytes: Uint8Array,
  where = 'DFWJobSettings.xml',
): Map<string, ModuleBoxes> {
  const { text } = decodeXml(bytes, where);
  const root = parseTree(text, where);
  const out = new Map<string, ModuleBoxes>();
  if (root.name.toLowerCase() !== 'settings' || typeof root.node !== 'object') {
    throw new GatewayError('GW_ERR_CONFIG', {
      where,
      zh: `单一窗口客户端设置文件的根元素应为 Settings（实际为 ${root.name}）`,
      en: `the Single Window client settings file must have the root Settings (found ${root.name})`,
      fixZh: '请指定客户端的 DFWJobSettings.xml',
      fixEn: "point settingsFile at the client's DFWJobSettings.xml",
    });
  }
  for (const formSettings of asList(child(root.node, 'FormSettings'))) {
    for (const form of asList(child(formSettings, 'FormSetting'))) {
      for (const sub of asList(child(form, 'SubFormSetting'))) {
        const formId = attr(sub, 'FormId');
        if (!formId) continue;
        const boxes: ModuleBoxes = {};
        for (const box of ['OutBox', 'InBox', 'SentBox', 'FailBox', 'TempBox'] as const) {
          const value = attr(sub, box);
          if (value) boxes[box] = value;
        }
        out.set(formId.toUpperCase(), boxes);
      }
    }
  }
  return out;
}

/** Reads and parses the settings file; a missing or unreadable file is a configuration error. */
export async function readClientSettings(path: string): Promise<Map<string, ModuleBoxes>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new GatewayError('GW_ERR_CONFIG', {
      where: path,
      zh: `无法读取单一窗口客户端设置文件：${(err as Error).message}`,
      en: `cannot read the Single Window client settings file: ${(err as Error).message}`,
      fixZh: '检查 settingsFile 路径和共享目录是否已挂载',
      fixEn: 'check the settingsFile path and that the share is mounted',
    });
  }
  return parseClientSettings(bytes, path);
}
