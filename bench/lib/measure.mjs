// Runs one command and measures it: wall time (here), CPU user+sys and peak RSS of its process
// tree (GNU time: getrusage of waited-for children), and the whole machine's busy CPU time and
// process count from /proc/stat (this includes the lab nodes' sshd/sh, which share the machine).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuGroup } from './cgroup.mjs';
import { keptMemory, sampleRunFrames } from './footprint.mjs';

export const GNU_TIME = '/usr/bin/time';
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Busy jiffies (everything but idle and iowait) and forks since boot. */
export function machineCounters(text = readFileSync('/proc/stat', 'utf8')) {
  const cpu = text.split('\n').find((l) => l.startsWith('cpu '));
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0); // user nice system irq softirq steal
  const forks = Number(/^processes (\d+)$/m.exec(text)?.[1] ?? 0);
  return { busy, forks };
}

/** The group's CPU ms once it stops changing (closing connections are still being torn down). */
async function settled(group) {
  let last = group.usageMs();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const now = group.usageMs();
    if (now - last < 1) return now;
    last = now;
  }
  return last;
}

/** GNU time's `-f '%e %U %S %M'` line: seconds, seconds, seconds, KiB. */
export function parseGnuTime(text) {
  const line = text.trim().split('\n').at(-1) ?? '';
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(line);
  if (!m) throw new Error(`cannot read GNU time output: ${JSON.stringify(text)}`);
  return { userMs: Number(m[2]) * 1000, sysMs: Number(m[3]) * 1000, maxRssKb: Number(m[4]) };
}

/**
 * Runs `cmd args` to completion under GNU time, in a cgroup when the machine allows (cpuMs then
 * includes processes that left the tree). Resolves with the measurements, exit code and output
 * (kept in memory: the tools write to a pipe, as in CI). `nodes`: a cpuGroup holding the lab
 * nodes' sshd, for what the nodes spent (nodesCpuMs). `session`: a cpuGroup that outlives the run,
 * for a tool whose helpers serve its next run too (oasis-play's keeper, ssh ControlPersist
 * masters): their CPU counts in the run they work for; keptRssKb is the peak RSS, summed, of
 * those still running after it, and keptExtraKb what they add to the run's memory (footprint.mjs).
 */
export async function measure(cmd, args, { env, cwd, nodes, session } = {}) {
  const group = session ?? cpuGroup('oasis-bench-tool');
  const nodesBefore = nodes ? await settled(nodes) : NaN;
  const toolBefore = session ? session.usageMs() : 0;
  try {
    const { runFrames, ...r } = await measureProcess(cmd, args, { env, cwd, procs: group?.procs, sampleFrames: !!session });
    const cpuMs = group ? (session ? await settled(session) : group.usageMs()) - toolBefore : r.userMs + r.sysMs;
    const kept = keptMemory(session ? session.pids() : [], runFrames);
    return { ...r, cpuMs, keptRssKb: kept.rssKb, keptExtraKb: kept.extraKb, nodesCpuMs: nodes ? (await settled(nodes)) - nodesBefore : NaN };
  } finally {
    if (!session) group?.remove();
  }
}

function measureProcess(cmd, args, { env, cwd, procs, sampleFrames }) {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-bench-time-'));
  const timeFile = join(dir, 'time');
  return new Promise((resolve, reject) => {
    const before = machineCounters();
    const t0 = process.hrtime.bigint();
    const timed = [GNU_TIME, '-f', '%e %U %S %M', '-o', timeFile, cmd, ...args];
    // sh joins the group, then becomes GNU time: nothing runs outside it.
    const [file, ...argv] = procs ? ['sh', '-c', 'echo $$ > "$0" && exec "$@"', procs, ...timed] : timed;
    const p = spawn(file, argv, { env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // sh execs GNU time, whose child is the run.
    const sampler = sampleFrames ? sampleRunFrames(p.pid) : undefined;
    const out = [];
    const err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      sampler?.stop();
      const after = machineCounters();
      try {
        resolve({
          wallMs,
          ...parseGnuTime(readFileSync(timeFile, 'utf8')),
          machineCpuMs: (after.busy - before.busy) * TICK_MS,
          forks: after.forks - before.forks,
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          runFrames: sampler?.frames ?? new Set(),
        });
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
