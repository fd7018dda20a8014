// One sample of the node's state, with systeminformation (imported lazily: only `agent` needs
// it). OS and CPU model are read once per process; the rest on every call.
import { arch as nodeArch, cpus, hostname, loadavg, machine, networkInterfaces } from 'node:os';
import type { NodeMetadata, ServiceEntry } from './metadata.js';

type Si = typeof import('systeminformation');
type Static = Pick<NodeMetadata, 'os'> & { model: string; cores: number };

let si: Si | undefined;
let fixed: Static | undefined;

/** File systems that are not disks: leave them out of `disks`. */
const PSEUDO_FS = /^(tmpfs|devtmpfs|overlay|squashfs|proc|sysfs|cgroup2?|nsfs|ramfs|autofs|efivarfs|fuse\..*)$/;

export type Sample = Omit<NodeMetadata, 'schemaVersion' | 'updatedAt' | 'agent' | 'labels' | 'services'>;

async function loadSi(): Promise<Si> {
  si ??= (await import('systeminformation')).default as unknown as Si;
  return si;
}

async function staticInfo(s: Si): Promise<Static> {
  if (!fixed) {
    const [os, cpu] = await Promise.all([s.osInfo(), s.cpu()]);
    fixed = {
      os: { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel },
      model: `${cpu.manufacturer} ${cpu.brand}`.trim(),
      cores: cpus().length || cpu.cores || 1,
    };
  }
  return fixed;
}

function addresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal);
  return [...new Set((external.length ? external : all).map((a) => a.address))];
}

/** Architecture as `uname -m` names it (what the /proc fallback of discovery reports too). */
function unameArch(): string {
  try {
    return machine();
  } catch {
    return nodeArch();
  }
}

export async function collectSample(): Promise<Sample> {
  const s = await loadSi();
  const [info, load, mem, fs, temp] = await Promise.all([
    staticInfo(s),
    s.currentLoad().catch(() => undefined),
    s.mem(),
    s.fsSize().catch(() => []),
    s.cpuTemperature().catch(() => undefined),
  ]);
  const [l1, l5, l15] = loadavg();
  const seen = new Set<string>();
  const disks = fs
    .filter((d) => !PSEUDO_FS.test(d.type) && d.size > 0 && !seen.has(d.fs) && seen.add(d.fs))
    .slice(0, 16)
    .map((d) => ({ mount: d.mount, fs: d.fs, type: d.type, sizeBytes: d.size, usedBytes: d.used }));
  const usage = load && Number.isFinite(load.currentLoad) ? Math.min(100, Math.max(0, Math.round(load.currentLoad * 10) / 10)) : null;
  const celsius = temp?.main;
  return {
    hostname: hostname(),
    addresses: addresses(),
    os: info.os,
    arch: unameArch(),
    cpu: { cores: info.cores, model: info.model, usagePercent: usage },
    load: { load1: round2(l1 ?? 0), load5: round2(l5 ?? 0), load15: round2(l15 ?? 0) },
    // `available` (MemAvailable) is what programs can still get; `used` counts reclaimable cache.
    memory: { totalBytes: mem.total, availableBytes: mem.available },
    disks,
    temperatureC: typeof celsius === 'number' && Number.isFinite(celsius) ? celsius : null,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export interface AgentIdentity {
  version: string;
  intervalSeconds?: number;
}

/** The full metadata document: a sample, the labels, the services, the writer. */
export function buildMetadata(sample: Sample, labels: Record<string, string>, services: Record<string, ServiceEntry>, who: AgentIdentity, now = new Date()): NodeMetadata {
  return {
    schemaVersion: 1,
    updatedAt: now.toISOString(),
    agent: { version: who.version, pid: process.pid, ...(who.intervalSeconds !== undefined && { intervalSeconds: who.intervalSeconds }) },
    ...sample,
    labels,
    services,
  };
}
