// OpenSSH known_hosts: parsing, host matching (patterns, [host]:port, hashed |1|salt|hash,
// negation, wildcards), the verdict for a presented key, and appending new entries.
import { createHash, createHmac } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  /** 1-based line number in the file, for messages that say which line to fix. */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** Comma-separated host patterns (absent for hashed entries). */
  patterns?: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
}

export interface KnownHosts {
  entries: KnownHostEntry[];
  /** Lines that are neither comments nor valid entries (they are ignored, like OpenSSH does). */
  invalid: { line: number; reason: string }[];
}

export function parseKnownHosts(text: string): KnownHosts {
  const out: KnownHosts = { entries: [], invalid: [] };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const fields = t.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return void out.invalid.push({ line, reason: `unknown marker ${m}` });
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64) return void out.invalid.push({ line, reason: 'expected: hosts keytype base64-key' });
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0 || key.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) {
      return void out.invalid.push({ line, reason: 'key is not valid base64' });
    }
    if (keyTypeOf(key) !== keyType) return void out.invalid.push({ line, reason: `key blob is not a ${keyType} key` });
    const entry: KnownHostEntry = { line, keyType, key, ...(marker && { marker }) };
    if (hosts.startsWith('|1|')) {
      const [salt, hash] = hosts.slice(3).split('|');
      if (!salt || !hash) return void out.invalid.push({ line, reason: 'malformed hashed host' });
      entry.hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      entry.patterns = hosts.split(',');
    }
    out.entries.push(entry);
  });
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostString(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The type name at the start of an SSH public key blob (uint32 length + name). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : '';
}

/** OpenSSH-style fingerprint, to show the user what was presented. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function globMatch(pattern: string, s: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(s);
}

/** OpenSSH match_hostname: any negated match vetoes, otherwise any positive match wins. */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostString(host.toLowerCase(), port);
  if (entry.hashed) {
    const h = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return h.length === entry.hashed.hash.length && h.equals(entry.hashed.hash);
  }
  let hit = false;
  for (const p of entry.patterns ?? []) {
    const neg = p.startsWith('!');
    if (globMatch((neg ? p.slice(1) : p).toLowerCase(), name)) {
      if (neg) return false;
      hit = true;
    }
  }
  return hit;
}

export type HostKeyVerdict =
  | { status: 'match'; line: number }
  | { status: 'revoked'; line: number }
  | { status: 'changed'; line: number }
  | { status: 'unknown'; otherTypes: string[] };

/**
 * What the file says about `key` for host:port. A key marked @revoked is refused whatever the
 * host pattern on that line (the key itself is compromised); @cert-authority lines are ignored
 * (no certificate support).
 */
export function checkHostKey(kh: KnownHosts, host: string, port: number, key: Buffer): HostKeyVerdict {
  const revoked = kh.entries.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const mine = kh.entries.filter((e) => !e.marker && entryMatches(e, host, port));
  const same = mine.find((e) => e.key.equals(key));
  if (same) return { status: 'match', line: same.line };
  const type = keyTypeOf(key);
  const clash = mine.find((e) => e.keyType === type);
  if (clash) return { status: 'changed', line: clash.line };
  return { status: 'unknown', otherTypes: [...new Set(mine.map((e) => e.keyType))] };
}

/** Key types the file knows for host:port, so the handshake can ask for those first. */
export function knownKeyTypes(kh: KnownHosts, host: string, port: number): string[] {
  return [...new Set(kh.entries.filter((e) => !e.marker && entryMatches(e, host, port)).map((e) => e.keyType))];
}

export function knownHostsLine(host: string, port: number, key: Buffer): string {
  return `${hostString(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

export async function readKnownHosts(file: string): Promise<KnownHosts> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], invalid: [] };
    throw e;
  }
}

const fileLocks = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` with the file's current text, one caller at a time per file in this process (many
 * hosts may accept new keys at once); writes what it returns via temp file + rename, so a
 * reader never sees half a file. Creates the directory (0700) if missing.
 */
export function updateKnownHosts(file: string, fn: (text: string) => string | undefined): Promise<void> {
  const run = async () => {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    const next = fn(text);
    if (next === undefined || next === text) return;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, next, { mode: 0o644 });
    await rename(tmp, file);
  };
  const p = (fileLocks.get(file) ?? Promise.resolve()).then(run, run);
  fileLocks.set(file, p.catch(() => undefined));
  return p;
}
