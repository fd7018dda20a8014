import type { Item, Playbook } from '../model/playbook.js';
import type { Inventory } from '../inventory/types.js';
import { selectHosts } from '../inventory/patterns.js';
import type { RunOptions } from '../engine/context.js';
import { isSelected } from '../engine/tags.js';
import { renderPlayHeader } from '../engine/play-header.js';
import { TemplateEngine } from '../template/engine.js';

/** --list-hosts, in ansible-playbook's layout. */
export function listHosts(playbooks: Playbook[], inv: Inventory, groups: Record<string, string[]>, o: RunOptions): string {
  let out = '';
  const templates = new TemplateEngine();
  for (const pb of playbooks) {
    out += `\nplaybook: ${pb.file}\n`;
    pb.plays.forEach((written, i) => {
      const warn = (m: string) => process.stderr.write(`[WARNING]: ${m}\n`);
      const play = { ...written, ...renderPlayHeader(written, { templates, extraVars: o.extraVars, groups }) };
      let hosts = selectHosts(inv, groups, play.hosts, { warn });
      if (o.limit) {
        const allowed = new Set(selectHosts(inv, groups, o.limit, { limit: true }));
        hosts = hosts.filter((h) => allowed.has(h));
      }
      out += `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n`;
      out += `    pattern: ['${play.hosts}']\n    hosts (${hosts.length}):\n`;
      for (const h of hosts) out += `      ${h}\n`;
    });
  }
  return out;
}

/** --list-tasks: the tasks that the tag selection keeps, in order. */
export function listTasks(playbooks: Playbook[], _inv: Inventory, _groups: Record<string, string[]>, o: RunOptions): string {
  let out = '';
  const walk = (items: Item[], inherited: string[], indent: string) => {
    for (const item of items) {
      const tags = [...inherited, ...item.tags];
      if (item.kind === 'block') {
        walk([...item.block, ...item.rescue, ...item.always], tags, indent);
      } else if (isSelected(tags, o.tags)) {
        out += `${indent}${item.name ?? item.module}\tTAGS: [${[...new Set(item.tags)].join(', ')}]\n`;
      }
    }
  };
  for (const pb of playbooks) {
    out += `\nplaybook: ${pb.file}\n`;
    pb.plays.forEach((play, i) => {
      out += `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n    tasks:\n`;
      walk([...play.preTasks, ...play.tasks, ...play.postTasks], play.tags, '      ');
    });
  }
  return out;
}
