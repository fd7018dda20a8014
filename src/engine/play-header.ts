import type { Play } from '../model/playbook.js';
import type { TemplateEngine } from '../template/engine.js';
import { mergeVars } from './vars.js';

export interface PlayHeaderInput {
  templates: TemplateEngine;
  extraVars: Record<string, unknown>;
  /** The inventory's groups, so `hosts: "{{ groups.web[0] }}"` works; absent before the inventory is read. */
  groups?: Record<string, string[]>;
}

/**
 * A play's `hosts` and `name` rendered before any host is chosen, as Ansible does: with the
 * play's vars and the extra vars only (host variables do not exist yet). A list of hosts
 * becomes a comma-separated pattern.
 */
export function renderPlayHeader(play: Play, input: PlayHeaderInput): { hosts: string; name: string } {
  if (!play.hosts.includes('{{') && !play.name.includes('{{')) return { hosts: play.hosts, name: play.name };
  const vars = mergeVars(
    [{ values: { groups: input.groups ?? {}, playbook_dir: play.dir }, plain: true }, { values: play.vars, pos: play.pos }, { values: input.extraVars }],
    (v, scope, where) => input.templates.renderDeep(v, scope, where),
  );
  const hosts = input.templates.renderDeep(play.hosts, vars, play.hostsPos);
  return {
    hosts: Array.isArray(hosts) ? hosts.map(String).join(',') : String(hosts),
    name: String(input.templates.renderDeep(play.name, vars, play.pos)),
  };
}
