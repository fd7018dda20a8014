// What the benchmark needs on the machine, installed with apt-get when missing (as root), and
// the facts about the machine that go with the results.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs missing Debian packages; `optional` ones may fail to install without stopping the run. */
export function ensurePackages(required, optional = []) {
  const missing = required.filter((p) => !has(p.cmd));
  const missingOptional = optional.filter((p) => !has(p.cmd));
  if (missing.length + missingOptional.length === 0) return;
  if (process.getuid?.() !== 0) {
    if (missing.length) throw new Error(`missing: ${missing.map((p) => p.cmd).join(', ')}; install with: sudo apt-get install -y ${missing.map((p) => p.pkg).join(' ')}`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log(`installing: ${[...missing, ...missingOptional].map((p) => p.pkg).join(' ')}`);
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  for (const p of [...missing, ...missingOptional]) {
    const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', p.pkg], { stdio: 'inherit', env });
    if (r.status !== 0 && missing.includes(p)) throw new Error(`apt-get install ${p.pkg} failed`);
  }
}

/** First line a command prints (some, like `ssh -V`, print their version on stderr). */
const firstLine = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout || r.stderr || 'unknown').split('\n')[0].trim();
};

export function machineInfo() {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? totalmem() / 1024);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: firstLine('nproc', []),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    kernel: firstLine('uname', ['-sr']),
    os: /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown',
    node: process.version,
    ansible: firstLine('ansible-playbook', ['--version']),
    python: firstLine('/usr/bin/python3', ['--version']),
    openssh: firstLine('ssh', ['-V']),
  };
}
