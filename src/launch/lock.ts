import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../model/source.js';

/**
 * One placement change at a time per cluster (identified by its inventory files): a second
 * `launch`/`remove` waits for the first, then decides on fresh node data, so two launches
 * cannot over-place. The lock is a file created with O_EXCL holding the owner's pid; a lock
 * whose owner died is taken over.
 */
export async function withClusterLock<T>(inventories: string[], waitMs: number, fn: () => Promise<T>, onWait?: (owner: string) => void): Promise<T> {
  const file = clusterLockFile(inventories);
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(file);
      if (owner !== undefined && !alive(owner)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() >= deadline) throw new UserError(`another launch or remove (pid ${owner ?? '?'}) holds ${file}; try again later or raise --lock-timeout`);
      if (!told) onWait?.(String(owner ?? '?'));
      told = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

/** The lock of the cluster these inventory files describe (OASIS_STATE_DIR or ~/.oasis). */
export function clusterLockFile(inventories: string[]): string {
  const dir = join(process.env['OASIS_STATE_DIR'] ?? join(homedir(), '.oasis'), 'locks');
  const id = createHash('sha256').update(inventories.slice().sort().join('\0')).digest('hex').slice(0, 16);
  return join(dir, `cluster-${id}.lock`);
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
