// Starting and stopping a node's process tree: `unshare` (own mount + UTS namespace)
// running sshd, plus whatever sessions start inside it (nginx, sleepers, ...).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { LabNode } from './lab.js';
import { namespaceScript, nodeFiles } from './node-files.js';
import { childrenOf, commandLine, isAlive, mountNamespace, mountRoots, processesByNamespace, sleep } from './procs.js';

export interface StartedNode {
  /** sshd, the node's main process (inside its namespaces). */
  pid: number;
  /** The detached `unshare` parent. */
  unsharePid: number;
}

/** Starts the node detached (it outlives this process); resolves once sshd accepts TCP. */
export async function startNode(node: LabNode, timeoutMs: number): Promise<StartedNode> {
  const f = nodeFiles(node);
  // Otherwise the readiness probe below would take someone else's server for ours.
  if (await accepts(node.address, node.port)) {
    throw new Error(`lab node ${node.name}: ${node.address}:${node.port} is already in use (another lab on this subnet?)`);
  }
  const log = openSync(f.log, 'a');
  let exited: string | undefined;
  let unsharePid: number;
  try {
    const child = spawn(
      'unshare',
      ['--mount', '--uts', '--fork', '--kill-child', '--propagation', 'private', 'sh', '-c', namespaceScript(), 'sh', node.hostname, f.fstab, f.config],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.on('error', (e) => (exited = e.message));
    child.on('exit', (code, sig) => (exited = `exited with ${sig ?? code}`));
    child.unref();
    unsharePid = child.pid ?? 0; // 0: spawn failed, the 'error' event says why
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw nodeError(node, `its process ${exited}`);
    if (await accepts(node.address, node.port)) break;
    if (Date.now() > deadline) throw nodeError(node, `sshd did not accept connections within ${timeoutMs} ms`);
    await sleep(15);
  }
  // `sh` exec'd sshd, so unshare's only child is sshd.
  const pid = childrenOf(unsharePid)[0] ?? readPidFile(f.pidFile) ?? unsharePid;
  return { pid, unsharePid };
}

function readPidFile(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** True once an SSH server answers with its banner (so nothing else squats the address). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    // Sending our own banner keeps sshd from logging a "kex_exchange_identification" error.
    s.once('connect', () => s.write('SSH-2.0-oasis-lab-probe\r\n'));
    s.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-')));
    s.once('error', () => done(false));
  });
}

function nodeError(node: LabNode, why: string): Error {
  let tail = '';
  try {
    tail = readFileSync(nodeFiles(node).log, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    /* no log yet */
  }
  return new Error(`lab node ${node.name} (${node.address}:${node.port}) failed: ${why}${tail ? `\n--- ${nodeFiles(node).log} ---\n${tail}` : ''}`);
}

/**
 * Pids of every process belonging to the given nodes of the lab in labDir: all processes in a
 * mount namespace whose /srv is bind-mounted from <labDir>/nodes/<name>/srv, plus processes whose
 * command line names the node's dir (unshare/sh before they entered the namespace).
 */
export function nodeProcesses(labDir: string, names: ReadonlySet<string> | 'all'): number[] {
  const wanted = (name: string) => names === 'all' || names.has(name);
  // Never treat the host's own namespace as a node's, whatever a mount table says.
  const hostNs = new Set([mountNamespace('self'), mountNamespace(1)]);
  const nodesDir = join(labDir, 'nodes') + '/';
  const out = new Set<number>();
  for (const [ns, pids] of processesByNamespace()) {
    for (const pid of pids) {
      const cmd = commandLine(pid);
      const m = cmd.includes(nodesDir) ? /^([^/ ]+)\//.exec(cmd.slice(cmd.indexOf(nodesDir) + nodesDir.length)) : null;
      if (m?.[1] && wanted(m[1])) out.add(pid);
    }
    if (hostNs.has(ns) || pids[0] === undefined) continue;
    const name = nodeOfSrvMount(mountRoots(pids[0]).get('/srv'), nodesDir);
    if (name && wanted(name)) pids.forEach((p) => out.add(p));
  }
  out.delete(process.pid);
  return [...out];
}

/** "<...>/nodes/node3/srv" -> "node3" when that source path is (a suffix of) one of ours. */
function nodeOfSrvMount(source: string | undefined, nodesDir: string): string | undefined {
  const m = source ? /\/nodes\/([^/]+)\/srv$/.exec(source) : null;
  if (!source || !m?.[1]) return undefined;
  // The source is relative to its filesystem, so it may be a suffix of our absolute path.
  return `${nodesDir}${m[1]}/srv`.endsWith(source) ? m[1] : undefined;
}

/** SIGKILLs the nodes' whole process trees and waits until they are gone. */
export async function killNodes(labDir: string, names: ReadonlySet<string> | 'all', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = nodeProcesses(labDir, names).filter(isAlive);
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new Error(`lab processes did not exit: ${pids.join(' ')}`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await sleep(20);
  }
}
