// Where a host's resolved variable was written, for errors about its value: the layer that
// won (the host itself, else its groups from the highest precedence down) and the position
// the YAML loader noted there. INI files and group_vars/ note none: then only a file is known.
import { sortedGroupsOf } from '../inventory/precedence.js';
import type { Inventory } from '../inventory/types.js';
import { shownPath, type SourcePos } from '../model/source.js';

export interface VarOrigin {
  pos?: SourcePos;
  /** The inventory file that named the host, when no position is known. */
  file?: string;
}

export function varOrigin(inv: Inventory, host: string, key: string, value: unknown): VarOrigin {
  const h = inv.hosts.get(host);
  const layers = [h, ...sortedGroupsOf(inv, host).reverse(), inv.groups.get('all')];
  for (const layer of layers) {
    if (!layer || !Object.hasOwn(layer.vars, key) || layer.vars[key] !== value) continue;
    const pos = layer.varPositions?.get(key);
    if (pos) return { pos };
    break;
  }
  return h?.source ? { file: shownPath(h.source) } : {};
}

/** `message` prefixed with the file when there is no position (UserError adds a position itself). */
export function withFile(message: string, origin: VarOrigin): string {
  return origin.pos || !origin.file ? message : `${origin.file}: ${message}`;
}

