import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseYaml } from '../config/yaml.js';
import { UserError } from '../model/source.js';
import type { InventoryBuilder } from './builder.js';
import { LocalError } from './errors.js';
import { MAX_INVENTORY_BYTES, parseIniInto } from './ini.js';
import { splitHostPort } from './ranges.js';
import { InventoryError } from './types.js';
import { parseYamlInto } from './yaml-inventory.js';

// What Ansible skips in an inventory directory: hidden entries, vars directories, and its
// INVENTORY_IGNORE_EXTS (which include .ini and .cfg: hosts.ini inside a directory is ignored).
const SKIP_NAMES = /^(?:\..*|host_vars|group_vars|vars_plugins)$/;
const SKIP_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];
const YAML_EXTS = ['.yml', '.yaml', '.json'];

/** What one -i value turned out to be, for group_vars/host_vars lookup and inventory_file. */
export interface ParsedSource {
  /** Directory whose group_vars/ and host_vars/ apply (none for a host list). */
  varsDir?: string;
  /** The file or directory given. */
  path?: string;
}

/**
 * Adds one -i value to `b`: a file (INI or YAML), a directory of them, or a comma-separated
 * host list (`node1,node2,` — only when no file of that name exists, as in Ansible).
 */
export async function addSource(b: InventoryBuilder, src: string): Promise<ParsedSource> {
  const info = await stat(src).catch(() => undefined);
  if (!info && src.includes(',')) {
    addHostList(b, src);
    return {};
  }
  if (!info) throw new UserError(`inventory '${src}' not found (give a file, a directory, or a comma-separated host list such as 'node1,node2,')`, undefined, 5);
  const path = resolve(src);
  if (info.isDirectory()) {
    await addDirectory(b, path);
    return { varsDir: path, path };
  }
  if (!info.isFile()) throw new UserError(`inventory '${src}' is not a regular file or a directory`, undefined, 5);
  await addFile(b, path);
  return { varsDir: dirname(path), path };
}

function addHostList(b: InventoryBuilder, list: string): void {
  b.source = undefined;
  for (const item of list.split(',')) {
    const h = item.trim();
    if (!h) continue;
    let name = h;
    let port: number | undefined;
    try {
      ({ pattern: name, port } = splitHostPort(h));
    } catch (e) {
      if (!(e instanceof LocalError)) throw e; // Ansible keeps what it cannot parse as the name
    }
    b.addHost(name, 'ungrouped', port);
  }
}

/**
 * `seen` holds the real paths of the directories being read: a symbolic link back to one of them
 * is a loop, skipped with a warning (Ansible warns too, once it hits ELOOP, and carries on).
 */
async function addDirectory(b: InventoryBuilder, dir: string, seen = new Set<string>()): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) {
    b.warnings.push(`skipping ${dir}: a symbolic link loop (it leads back to ${real})`);
    return;
  }
  seen.add(real);
  for (const entry of (await readdir(dir)).sort()) {
    if (SKIP_NAMES.test(entry)) continue;
    const full = join(dir, entry);
    if (SKIP_EXTS.some((ext) => entry.endsWith(ext))) {
      if (entry.endsWith('.ini') || entry.endsWith('.cfg')) {
        b.warnings.push(`skipping ${full}: Ansible ignores .ini and .cfg files inside an inventory directory; pass it with its own -i`);
      }
      continue;
    }
    const info = await stat(full).catch((e: NodeJS.ErrnoException) => {
      // A dangling or looping link, or no permission: Ansible warns and reads the rest.
      b.warnings.push(`skipping ${full}: cannot read it (${e.code ?? e.message})`);
      return undefined;
    });
    if (info?.isDirectory()) await addDirectory(b, full, seen);
    else if (info?.isFile()) await addFile(b, full);
  }
  seen.delete(real);
}

/**
 * Format as Ansible's plugins decide: YAML is tried first for .yml/.yaml/.json and for files
 * without extension, INI for everything else. When YAML does not give a mapping (a syntax
 * error, or INI text read as one long string), the file is read as INI, as Ansible's ini
 * plugin would; if that fails too, the YAML error is reported for a YAML-looking file.
 */
async function addFile(b: InventoryBuilder, file: string): Promise<void> {
  const shown = relativeName(file);
  b.source = file;
  const buf = await readBounded(file, shown);
  const ext = extname(file).toLowerCase();
  const text = buf.toString('utf8');
  if (!YAML_EXTS.includes(ext) && ext !== '') return parseIniInto(b, text, shown);
  let yaml: ReturnType<typeof parseYaml> | undefined;
  let yamlError: unknown;
  try {
    yaml = parseYaml(buf, shown);
  } catch (e) {
    yamlError = e;
  }
  const v = yaml?.value;
  if (yaml && (v === null || (typeof v === 'object' && !Array.isArray(v)))) return parseYamlInto(b, yaml, shown);
  try {
    parseIniInto(b, text, shown);
  } catch (iniError) {
    if (!YAML_EXTS.includes(ext) && !looksLikeYaml(text)) throw iniError;
    if (yaml) parseYamlInto(b, yaml, shown); // throws: not a mapping
    throw yamlError;
  }
}

/** The first line that is neither blank nor a comment (# or ;): what tells YAML from INI. */
export function firstContentLine(text: string): string | undefined {
  return text.split(/\r?\n/).find((l) => l.trim() && !/^\s*[#;]/.test(l));
}

function looksLikeYaml(text: string): boolean {
  const first = firstContentLine(text);
  return first !== undefined && (/^---/.test(first) || /^[^\s=[][^=]*:(\s|$)/.test(first));
}

/** Refuses oversized files before reading them: bounded time and memory whatever -i points at. */
async function readBounded(file: string, shown: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size > MAX_INVENTORY_BYTES) {
      throw new InventoryError(`inventory is ${(size / 1048576).toFixed(1)} MB; inventories over ${MAX_INVENTORY_BYTES / 1048576} MB are refused`, shown, 1, 1);
    }
    // Read at most one byte past the limit: a file still growing cannot make us read more.
    const buf = Buffer.alloc(Math.min(size, MAX_INVENTORY_BYTES) + 1);
    let len = 0;
    for (let n = -1; n !== 0 && len < buf.length; len += n) n = (await fh.read(buf, len, buf.length - len, len)).bytesRead;
    if (len > MAX_INVENTORY_BYTES) throw new InventoryError(`inventory is over ${MAX_INVENTORY_BYTES / 1048576} MB; refused`, shown, 1, 1);
    return buf.subarray(0, len);
  } finally {
    await fh.close();
  }
}

/** Errors name files as the user would: relative to the working directory when inside it. */
function relativeName(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file === cwd ? basename(file) : file;
}
