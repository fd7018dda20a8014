// `oasis-play nodes` as a table for people (JSON is the NodeStatus list itself).
import { formatAge } from './age.js';
import type { NodeStatus } from './types.js';

function bytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)}${units[i]}`;
}

function row(n: NodeStatus): string[] {
  const l = n.load;
  return [
    n.name,
    n.port === 22 ? n.address : `${n.address}:${n.port}`,
    n.state === 'down' ? `down (${n.reason ?? '?'})` : n.via === 'agent' || n.via === 'inline' ? n.state : `${n.state} (${n.via})`,
    n.score === null ? '-' : n.score.toFixed(2),
    l ? `${l.load1.toFixed(2)} ${l.load5.toFixed(2)} ${l.load15.toFixed(2)}` : '-',
    n.memory ? `${Math.round(n.memory.usedRatio * 100)}% of ${bytes(n.memory.totalBytes)}` : '-',
    n.temperatureC === null ? '-' : `${n.temperatureC.toFixed(1)}°C`,
    n.services.join(',') || '-',
    formatAge(n.ageSeconds),
  ];
}

const HEAD = ['NAME', 'ADDRESS', 'STATE', 'SCORE', 'LOAD 1/5/15', 'MEMORY', 'TEMP', 'SERVICES', 'AGE'];

/** Aligned columns, then one line per node that is down or stale saying why. */
export function formatNodesTable(nodes: NodeStatus[]): string {
  const rows = [HEAD, ...nodes.map(row)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const text = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd());
  const notes = nodes.filter((n) => n.message).map((n) => `${n.name}: ${n.message}`);
  const counts = (['live', 'stale', 'down'] as const).map((s) => `${nodes.filter((n) => n.state === s).length} ${s}`).join(', ');
  return [...text, '', `${nodes.length} nodes: ${counts}`, ...notes].join('\n') + '\n';
}
