// A node's files on the host: its private directories (bind-mounted over the real ones
// inside its mount namespace) and its sshd configuration. Layout under node.root mirrors
// the paths the node sees, so <root>/srv/x is the node's /srv/x.
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { LabNode } from './lab.js';

const run = promisify(execFile);

/** Directories each node gets privately; `seed` is copied in when the node is (re)created. */
export const PRIVATE_DIRS: ReadonlyArray<{ target: string; seed?: string; mode?: number }> = [
  { target: '/srv' },
  { target: '/etc/nginx', seed: '/etc/nginx' },
  { target: '/var/www', seed: '/var/www' },
  { target: '/var/log/nginx' },
  { target: '/root', seed: '/etc/skel', mode: 0o700 },
];
/** Files bind-mounted over the real ones: /etc/hosts so the node's own name resolves locally. */
const PRIVATE_FILES = ['/etc/hosts'];
/** Everything under node.root that a reset wipes (sshd/ with its host key stays). */
const WIPED = ['srv', 'etc', 'var', 'root'];

export const BECOME_USER = 'oasislab';

export function nodeFiles(node: LabNode) {
  const sshd = join(node.root, 'sshd');
  return {
    sshdDir: sshd,
    config: join(sshd, 'sshd_config'),
    hostKey: join(sshd, 'ssh_host_ed25519_key'),
    pidFile: join(sshd, 'sshd.pid'),
    fstab: join(sshd, 'fstab'),
    log: join(node.root, 'node.log'),
  };
}

/**
 * The shell run inside the new namespaces before sshd. Few execs on purpose (50 nodes start at
 * once): the hostname via /proc, every mount from one fstab (see fstabText), then exec sshd.
 */
export function namespaceScript(): string {
  return 'set -e; echo "$1" > /proc/sys/kernel/hostname; mount --all --fstab "$2"; : > /run/utmp; exec /usr/sbin/sshd -D -e -f "$3"';
}

/** The node's mounts: its private dirs/files, then a fresh /run with what sshd (privsep), sudo and nginx need. */
export function fstabText(node: LabNode): string {
  const binds = [...PRIVATE_DIRS.map((d) => d.target), ...PRIVATE_FILES];
  return [
    ...binds.map((t) => `${join(node.root, t)} ${t} none bind,X-mount.mkdir 0 0`),
    'lab-run /run tmpfs mode=0755,size=64m 0 0',
    'lab-sshd /run/sshd tmpfs mode=0755,size=64k,X-mount.mkdir 0 0',
    'lab-lock /run/lock tmpfs mode=1777,size=1m,X-mount.mkdir 0 0',
    '',
  ].join('\n');
}

/** Creates (or recreates after a wipe) the private directories and files of a node. */
export async function createPrivateFiles(node: LabNode): Promise<void> {
  await Promise.all(
    PRIVATE_DIRS.map(async (d) => {
      const dest = join(node.root, d.target);
      await mkdir(dirname(dest), { recursive: true });
      // cp -a: preserves modes/symlinks and is much faster than fs.cp for 50 nodes at once.
      if (d.seed && existsSync(d.seed)) await run('cp', ['-a', '-T', d.seed, dest]);
      else await mkdir(dest, { recursive: true });
      if (d.mode !== undefined) await chmod(dest, d.mode);
    }),
  );
  const hosts = await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1 localhost\n');
  await writeFile(join(node.root, 'etc/hosts'), `${hosts.trimEnd()}\n${node.address} ${node.hostname}\n`);
}

export async function wipePrivateFiles(node: LabNode): Promise<void> {
  await Promise.all(WIPED.map((d) => rm(join(node.root, d), { recursive: true, force: true })));
}

export async function writeSshdConfig(node: LabNode, labDir: string): Promise<void> {
  const f = nodeFiles(node);
  await mkdir(f.sshdDir, { recursive: true });
  const text = `# oasis-play lab node ${node.name} (generated)
ListenAddress ${node.address}:${node.port}
HostKey ${f.hostKey}
PidFile ${f.pidFile}
# Keys live in the lab dir so the host's ~/.ssh is never touched; lab paths (e.g. /tmp) fail StrictModes.
AuthorizedKeysFile ${join(labDir, 'authorized_keys')}/%u
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
MaxSessions 10
MaxStartups 100:30:200
LoginGraceTime 30
LogLevel ERROR
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
# The become user may also log in with its password (sudo/password tests).
Match User ${BECOME_USER}
    PasswordAuthentication yes
`;
  await Promise.all([writeFile(f.config, text), writeFile(f.fstab, fstabText(node))]);
}
