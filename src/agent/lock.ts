// The metadata lock: a file `<file>.lock` holding the holder's pid, created with link(2) from a
// temp file that already holds the pid, so a lock never exists without its owner (mkdir + write
// would leave an ownerless lock when killed in between). `ln` does the same in sh, and the
// registry script (service-script.ts) follows this protocol, so agent and oasis-play exclude
// each other. A lock whose owner process is gone (kill -9), or older than STALE_LOCK_MS, is
// broken. Breaking could still race in theory; writers therefore re-check their input after
// writing (store.ts), so a wrongly broken lock costs a rewrite, never an update.
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';

/** Holders keep the lock for milliseconds; this long means the holder is stuck. */
export const STALE_LOCK_MS = 15_000;
const WAIT_LIMIT_MS = 40_000;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, belongs to someone else
  }
}

async function owner(lock: string): Promise<number | undefined> {
  const text = await readFile(lock, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * True when the lock was stale and has been removed (the caller retries at once). The owner is
 * read again just before removing: a holder that released normally and a new holder that
 * took the lock meanwhile must not be mistaken for the dead one we looked at.
 */
async function breakIfStale(lock: string): Promise<boolean> {
  const pid = await owner(lock);
  const st = await stat(lock).catch(() => undefined);
  if (!st || pid === undefined) return true; // released meanwhile
  if (isAlive(pid) && Date.now() - st.mtimeMs <= STALE_LOCK_MS) return false;
  if ((await owner(lock)) === pid) await rm(lock, { force: true });
  return true;
}

async function tryLock(lock: string): Promise<boolean> {
  const tmp = `${lock}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  try {
    await writeFile(tmp, `${process.pid}\n`);
    await link(tmp, lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`cannot create lock ${lock}: ${(e as Error).message}`);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Runs `fn` holding `lock`; throws a message naming the lock and its holder after 40 s. */
export async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  while (!(await tryLock(lock))) {
    if (await breakIfStale(lock)) continue;
    if (Date.now() - started > WAIT_LIMIT_MS) {
      throw new Error(`lock ${lock} is held by pid ${(await owner(lock)) ?? '?'} for over ${WAIT_LIMIT_MS / 1000} s; remove it if that process is stuck`);
    }
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: if it was broken and retaken meanwhile, it is someone else's now.
    if ((await owner(lock)) === process.pid) await rm(lock, { force: true });
  }
}
