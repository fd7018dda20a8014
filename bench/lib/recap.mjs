// Reads the PLAY RECAP that both oasis-play and ansible-playbook print.
const LINE = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/;

/** Per-host counters and their sums; throws when the output has no recap. */
export function parseRecap(stdout) {
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) throw new Error('no PLAY RECAP in the output');
  const hosts = {};
  const total = { ok: 0, changed: 0, unreachable: 0, failed: 0 };
  for (const line of stdout.slice(at).split('\n')) {
    const m = LINE.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!m) continue;
    const c = { ok: +m[2], changed: +m[3], unreachable: +m[4], failed: +m[5] };
    hosts[m[1]] = c;
    for (const k of Object.keys(total)) total[k] += c[k];
  }
  if (Object.keys(hosts).length === 0) throw new Error('PLAY RECAP lists no host');
  return { hosts, total };
}
