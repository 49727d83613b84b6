/**
 * Where a module's boxes are on disk. The client host is Windows, whose names are
 * case-insensitive (`Deccus001` and `DecCus001` are one folder), while the gateway may see the
 * same folders through an SMB/NFS mount on Linux, where case matters: every path segment under
 * ImpPath is therefore looked up case-insensitively in its parent.
 */
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, posix, win32 } from 'node:path';
import { GatewayError } from '../../core/errors.js';
import { BOXES, CLIENT_MODULES, type BoxName } from '../../core/client-modules.js';
import type { ModuleBoxes } from './settings-file.js';

/** The folders of one module, as relative segments under ImpPath (resolved on disk later). */
export type ModuleLayout = Record<BoxName, readonly string[]>;

/**
 * A path from the client's settings file, seen from this host: a POSIX absolute path is taken as
 * it is; a Windows path (`C:\ImpPath\Deccus001\OutBox`, `\\host\share\…`) keeps its last two
 * segments (module folder and box) under our ImpPath, since that is where the share is mounted.
 */
function segmentsFromSettings(path: string): readonly string[] | string {
  if (posix.isAbsolute(path) && !path.includes('\\')) return path;
  const parts = path.split(/[\\/]+/).filter(Boolean);
  if (win32.isAbsolute(path) || parts.length >= 2) return parts.slice(-2);
  return parts;
}

/**
 * The layout of module `formId`: from the client's settings when it lists the module, else the
 * `folders` override, else the client's default folder. Throws a configuration error for a
 * module nobody knows.
 */
export function moduleLayout(
  formId: string,
  settings?: ReadonlyMap<string, ModuleBoxes>,
  overrides?: Readonly<Record<string, string>>,
): ModuleLayout {
  const id = formId.toUpperCase();
  const fromSettings = settings?.get(id);
  const override = Object.entries(overrides ?? {}).find(([k]) => k.toUpperCase() === id)?.[1];
  const folder = override ?? CLIENT_MODULES[id]?.folder;
  if (!fromSettings && !folder) {
    throw new GatewayError('GW_ERR_CONFIG', {
      where: `module ${formId}`,
      zh: `未知的单一窗口客户端业务模块 ${formId}`,
      en: `unknown Single Window client module ${formId}`,
      fixZh: `使用已知模块（${Object.keys(CLIENT_MODULES).join('、')}），或在 folders 中给出其目录`,
      fixEn: `use a known module (${Object.keys(CLIENT_MODULES).join(', ')}) or give its folder under folders`,
    });
  }
  const layout = {} as Record<BoxName, readonly string[]>;
  for (const box of BOXES) {
    const raw = fromSettings?.[box];
    const mapped = raw ? segmentsFromSettings(raw) : undefined;
    if (mapped !== undefined && typeof mapped !== 'string') layout[box] = mapped;
    else if (typeof mapped === 'string') layout[box] = [mapped];
    else layout[box] = [folder ?? CLIENT_MODULES[id]?.folder ?? id, box];
  }
  return layout;
}

/**
 * Resolves segments under `root`, each matched case-insensitively against what exists; a
 * segment that exists in no case is kept as written. An absolute single segment (from a POSIX
 * path in the settings file) is returned as it is.
 */
export async function resolveOnDisk(root: string, segments: readonly string[]): Promise<string> {
  if (segments.length === 1 && isAbsolute(segments[0]!)) return segments[0]!;
  let dir = root;
  for (const seg of segments) {
    let entries: string[] = [];
    try {
      entries = await readdir(dir);
    } catch {
      // The parent does not exist (yet): keep the rest as written.
    }
    const exact = entries.includes(seg)
      ? seg
      : entries.find((e) => e.toLowerCase() === seg.toLowerCase());
    dir = join(dir, exact ?? seg);
  }
  return dir;
}
