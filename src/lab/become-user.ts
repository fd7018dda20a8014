// The Unix user `oasislab` that lab tests log in as and `sudo` from (with its password).
// It is host-wide while labs are per-dir, so a small registry under /var/lib/oasis-lab
// records which labs use it, its password, and whether a lab created the user / sudoers
// file: the last lab to go removes only what labs created.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BECOME_USER } from './node-files.js';
import { sleep } from './procs.js';

const run = promisify(execFile);
const SUDOERS = `/etc/sudoers.d/${BECOME_USER}`;
const REGISTRY_DIR = '/var/lib/oasis-lab';
const REGISTRY = join(REGISTRY_DIR, 'become.json');
const LOCK = join(REGISTRY_DIR, 'lock');
/** A lab dir counts as a user of the account while this marker exists in it. */
export const LAB_MARKER = '.oasis-lab';

interface Registry {
  password: string;
  createdUser: boolean;
  createdSudoers: boolean;
  labs: string[];
}

export async function acquireBecomeUser(labDir: string): Promise<{ user: string; password: string }> {
  return withLock(async () => {
    const reg = await readRegistry();
    const exists = await userExists();
    let password = reg?.password;
    let createdUser = reg?.createdUser ?? false;
    if (!exists) {
      await run('useradd', ['-m', '-s', '/bin/bash', '-c', 'oasis-play lab become user', BECOME_USER]);
      createdUser = true;
    }
    if (!exists || !password) {
      password = randomBytes(12).toString('base64url');
      await chpasswd(password);
    }
    let createdSudoers = reg?.createdSudoers ?? false;
    if (!existsSync(SUDOERS)) {
      await installSudoers();
      createdSudoers = true;
    }
    const labs = [...new Set([...(reg?.labs ?? []).filter(isLab), labDir])];
    await writeRegistry({ password, createdUser, createdSudoers, labs });
    return { user: BECOME_USER, password };
  });
}

/** Drops labDir from the users; the last one removes the user (with home) and sudoers file if labs made them. */
export async function releaseBecomeUser(labDir: string): Promise<void> {
  await withLock(async () => {
    const reg = await readRegistry();
    if (!reg) return;
    reg.labs = reg.labs.filter((d) => d !== labDir && isLab(d));
    if (reg.labs.length > 0) return writeRegistry(reg);
    if (reg.createdSudoers) await rm(SUDOERS, { force: true });
    if (reg.createdUser && (await userExists())) {
      // -f: a lingering session (already killed, not yet reaped) must not keep the user around.
      await run('userdel', ['-r', BECOME_USER]).catch(() => run('userdel', ['-r', '-f', BECOME_USER]));
    }
    await rm(REGISTRY, { force: true });
  });
  await rmdir(REGISTRY_DIR).catch(() => undefined); // only if nothing else is in there
}

function isLab(dir: string): boolean {
  return existsSync(join(dir, LAB_MARKER));
}

async function userExists(): Promise<boolean> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  return passwd.split('\n').some((l) => l.startsWith(`${BECOME_USER}:`));
}

function chpasswd(password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd failed: ${err.trim()}`))));
    p.stdin.end(`${BECOME_USER}:${password}\n`); // stdin, never argv
  });
}

/** Checked with visudo before it goes live: a broken sudoers.d file would break sudo host-wide. */
async function installSudoers(): Promise<void> {
  const tmp = `${SUDOERS}.oasis-tmp`;
  await writeFile(tmp, `# oasis-play lab (generated): sudo to anyone, with the user's password\n${BECOME_USER} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
  try {
    await run('visudo', ['-cf', tmp]);
    await chmod(tmp, 0o440);
    await rename(tmp, SUDOERS);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`sudoers file for ${BECOME_USER} rejected by visudo: ${(e as Error).message}`);
  }
}

async function readRegistry(): Promise<Registry | undefined> {
  try {
    return JSON.parse(await readFile(REGISTRY, 'utf8')) as Registry;
  } catch {
    return undefined;
  }
}

async function writeRegistry(reg: Registry): Promise<void> {
  await writeFile(`${REGISTRY}.tmp`, JSON.stringify(reg, null, 2), { mode: 0o600 });
  await rename(`${REGISTRY}.tmp`, REGISTRY);
}

/** mkdir-based lock across processes (labs in different dirs may come and go concurrently). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await mkdir(REGISTRY_DIR, { recursive: true, mode: 0o700 });
      await mkdir(LOCK);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOENT') throw e;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for the lab lock ${LOCK} (remove it if no lab command is running)`);
      }
      await sleep(25);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(LOCK).catch(() => undefined);
  }
}
