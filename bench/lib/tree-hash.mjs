// What a playbook left on a node: every entry under a directory with its type, mode, owner and
// content hash (or link target), so two tools' results can be compared line by line.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

function kind(st) {
  if (st.isSymbolicLink()) return 'link';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

/** Sorted lines "<relative path> <type> <mode> <uid>:<gid> <sha256 | -> target>"; [] if root is missing. */
export function manifest(root) {
  const out = [];
  const walk = (abs, rel) => {
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      if (e.code === 'ENOENT') return;
      throw e;
    }
    const k = kind(st);
    let what = '';
    if (k === 'file') what = createHash('sha256').update(readFileSync(abs)).digest('hex');
    if (k === 'link') what = `-> ${readlinkSync(abs)}`;
    out.push(`${rel || '.'} ${k} ${(st.mode & 0o7777).toString(8).padStart(4, '0')} ${st.uid}:${st.gid} ${what}`.trimEnd());
    if (k === 'dir') for (const name of readdirSync(abs).sort()) walk(join(abs, name), rel ? `${rel}/${name}` : name);
  };
  walk(root, '');
  return out;
}

/** Lines only in a or only in b, marked "-" and "+"; empty when identical. */
export function compareManifests(a, b) {
  const sa = new Set(a);
  const sb = new Set(b);
  return [...a.filter((l) => !sb.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !sa.has(l)).map((l) => `+ ${l}`)];
}
