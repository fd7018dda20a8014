// Reading and writing the metadata file. The services registry lives in one marker file per
// service (<dir>/.oasis/services/<name>, one JSON line); the metadata file mirrors it. Every
// writer (agent or registry script), holding the lock: reads the markers, writes the whole file
// atomically (temp file in the same dir, fsync, rename), then reads the markers again and starts
// over if they changed. See docs/nodes.md for why no update can be lost.
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { withLock, isAlive } from './lock.js';
import { serializeMetadata, SERVICE_NAME_RE, type NodeMetadata, type ServiceEntry } from './metadata.js';
import { metadataProblems } from './schema.js';

export interface MetadataPaths {
  file: string;
  lock: string;
  servicesDir: string;
}

export function defaultMetadataFile(): string {
  return join(homedir(), 'meta-data.json');
}

export function metadataPaths(file: string): MetadataPaths {
  return { file, lock: `${file}.lock`, servicesDir: join(dirname(file), '.oasis', 'services') };
}

/** The service markers, by name. A marker that is not a JSON object with installedAt (say, made by `touch`) counts as installed at its mtime. */
export async function readServices(dir: string): Promise<Record<string, ServiceEntry>> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw new Error(`cannot list the service markers in ${dir}: ${e.message}`);
  });
  const out: Record<string, ServiceEntry> = {};
  for (const name of names.filter((n) => SERVICE_NAME_RE.test(n)).sort()) {
    const path = join(dir, name);
    const [text, st] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
    if (text === undefined || !st?.isFile()) continue; // removed meanwhile, or not a file
    out[name] = parseMarker(text) ?? { installedAt: st.mtime.toISOString().replace(/\.\d+Z$/, 'Z') };
  }
  return out;
}

function parseMarker(text: string): ServiceEntry | undefined {
  try {
    const v = JSON.parse(text.split('\n')[0] ?? '') as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as ServiceEntry).installedAt === 'string') return v as ServiceEntry;
  } catch {
    /* fall back to the mtime */
  }
  return undefined;
}

/** Temp file beside the target, fsync, rename, fsync the dir: readers see the old or the new file, whole. */
export async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(e as Error).message}`);
  }
  // The rename itself survives a power cut only once the directory is on disk.
  const dir = await open(dirname(file), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
}

/**
 * Writes the metadata built from the current service markers, under the lock, again and again
 * until the markers did not change while writing. Returns what was written.
 */
export async function writeMetadata(file: string, build: (services: Record<string, ServiceEntry>) => NodeMetadata): Promise<NodeMetadata> {
  const p = metadataPaths(file);
  return withLock(p.lock, async () => {
    for (;;) {
      const services = await readServices(p.servicesDir);
      const meta = build(services);
      const problems = metadataProblems(meta);
      if (problems.length) throw new Error(`${file}: the collected metadata does not match the schema: ${problems.join('; ')}`);
      await atomicWrite(file, serializeMetadata(meta));
      const after = await readServices(p.servicesDir);
      if (JSON.stringify(after) === JSON.stringify(services)) return meta;
    }
  });
}

/**
 * Temp files left by writers killed mid-write (their pid is gone): the file's, its lock's, and
 * the registry script's marker temps (`.<name>.tmp.<pid>` in the services dir).
 */
export async function removeOrphanTemps(file: string): Promise<number> {
  const dirs: [string, RegExp][] = [
    [dirname(file), new RegExp(`^${escape(basename(file))}\\.(?:tmp|lock)\\.(\\d+)(?:\\.|$)`)],
    [metadataPaths(file).servicesDir, /^\..+\.tmp\.(\d+)$/],
  ];
  let removed = 0;
  for (const [dir, re] of dirs) {
    for (const n of await readdir(dir).catch(() => [] as string[])) {
      const pid = Number(re.exec(n)?.[1]);
      if (pid > 0 && !isAlive(pid)) {
        await rm(join(dir, n), { force: true });
        removed++;
      }
    }
  }
  return removed;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
