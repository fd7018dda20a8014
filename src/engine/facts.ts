import { raw } from '../shell/sh.js';
import type { Connection } from '../connection/types.js';

// One round trip, plain `key=value` lines; works with coreutils and BusyBox alike.
const FACTS_SCRIPT = raw(`
echo "hostname=$(uname -n)"
echo "fqdn=$(hostname -f 2>/dev/null || uname -n)"
echo "architecture=$(uname -m)"
echo "kernel=$(uname -r)"
echo "system=$(uname -s)"
echo "nproc=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
echo "memtotal_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
echo "user_id=$(id -un)"
echo "user_uid=$(id -u)"
echo "user_dir=$HOME"
if [ -r /etc/os-release ]; then . /etc/os-release; echo "os_id=$ID"; echo "os_version=$VERSION_ID"; echo "os_pretty=$PRETTY_NAME"; echo "os_like=$ID_LIKE"; fi
`);

const FAMILY: Record<string, string> = { debian: 'Debian', ubuntu: 'Debian', raspbian: 'Debian', alpine: 'Alpine', fedora: 'RedHat', centos: 'RedHat', rhel: 'RedHat', arch: 'Archlinux' };

/** A minimal set of Ansible's facts (gather_facts: true), as ansible_* variables. */
export async function gatherFacts(conn: Connection): Promise<Record<string, unknown>> {
  const res = await conn.exec(FACTS_SCRIPT);
  const kv: Record<string, string> = {};
  for (const line of res.stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv[line.slice(0, i)] = line.slice(i + 1);
  }
  const osId = kv['os_id'] ?? '';
  const family = FAMILY[osId] ?? FAMILY[(kv['os_like'] ?? '').split(' ')[0] ?? ''] ?? (osId ? osId[0]!.toUpperCase() + osId.slice(1) : 'Unknown');
  const facts = {
    hostname: kv['hostname'],
    nodename: kv['hostname'],
    fqdn: kv['fqdn'],
    architecture: kv['architecture'],
    machine: kv['architecture'],
    kernel: kv['kernel'],
    system: kv['system'],
    os_family: family,
    distribution: osId ? osId[0]!.toUpperCase() + osId.slice(1) : 'Unknown',
    distribution_version: kv['os_version'] ?? '',
    distribution_major_version: (kv['os_version'] ?? '').split('.')[0],
    processor_vcpus: Number(kv['nproc'] ?? 1),
    processor_nproc: Number(kv['nproc'] ?? 1),
    memtotal_mb: Math.round(Number(kv['memtotal_kb'] ?? 0) / 1024),
    user_id: kv['user_id'],
    user_uid: Number(kv['user_uid']),
    user_dir: kv['user_dir'],
  };
  const out: Record<string, unknown> = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) out[`ansible_${k}`] = v;
  return out;
}
