// An Ansible hosts file (INI) of the live nodes and their groups, like the seed's
// generate_host_from_playbook: feed it to ansible-playbook or to `oasis-play run -i`.
import { resolveHostVars } from '../inventory/ini.js';
import type { Inventory } from '../inventory/types.js';
import { addDynamicGroups } from './groups.js';
import type { NodeStatus } from './types.js';

/** Connection variables worth carrying over; passwords stay out of a generated file. */
const EXPORTED_VARS = ['ansible_host', 'ansible_port', 'ansible_user', 'ansible_connection', 'ansible_ssh_private_key_file', 'ansible_become', 'ansible_become_user', 'ansible_become_method'];

/** A value as an INI host line takes it: bare when it can be, else double-quoted. */
function iniValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /^[^\s"'#=\\]+$/.test(s) ? s : JSON.stringify(s);
}

export function exportIni(inventory: Inventory, nodes: NodeStatus[]): string {
  const live = nodes.filter((n) => n.state === 'live');
  const names = new Set(live.map((n) => n.name));
  const inv = addDynamicGroups(inventory, live);
  const hosts = [...inv.hosts.keys()].filter((h) => names.has(h));
  const lines = ['# Live nodes found by oasis-play discovery (an Ansible INI inventory).'];
  for (const h of hosts) {
    const vars = resolveHostVars(inv, h);
    const pairs = EXPORTED_VARS.filter((k) => vars[k] !== undefined && vars[k] !== null).map((k) => `${k}=${iniValue(vars[k])}`);
    lines.push([h, ...pairs].join(' '));
  }
  for (const g of inv.groups.values()) {
    if (g.name === 'all' || g.name === 'ungrouped') continue;
    const members = hosts.filter((h) => inv.hosts.get(h)!.groups.has(g.name));
    if (members.length) lines.push('', `[${g.name}]`, ...members);
  }
  return `${lines.join('\n')}\n`;
}
