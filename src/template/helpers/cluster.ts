/** Helpers that read the cluster (inventory groups and host variables) from the template's root. */
import { OpError } from '../../expr/errors.js';
import type { HelperSpec } from './types.js';

type Root = { groups?: Record<string, string[]>; hostvars?: Record<string, Record<string, unknown>> };

export const CLUSTER_HELPERS: HelperSpec[] = [
  {
    name: 'hosts',
    summary:
      'The hosts of a group as objects {name, address, vars}, address being ansible_host (or the name): a load balancer lists its upstreams without hard-coded addresses.',
    usage: '{{#each (hosts "group")}}...{{/each}}',
    jinja: "groups['group'] | map('extract', hostvars, 'ansible_host')",
    example: '{{#each (hosts "web")}}server {{address}}:80; # {{name}}\n{{/each}}',
    vars: { groups: { web: ['node1', 'node2'] }, hostvars: { node1: { ansible_host: '127.0.1.1' }, node2: { ansible_host: '127.0.1.2' } } },
    output: 'server 127.0.1.1:80; # node1\nserver 127.0.1.2:80; # node2\n',
    fn: (args, call) => {
      if (args.length !== 1 || typeof args[0] !== 'string') throw new OpError('hosts takes 1 argument: a group name');
      const root = (call.root ?? {}) as Root;
      const names = root.groups?.[args[0]] ?? [];
      return names.map((name) => {
        const vars = root.hostvars?.[name] ?? {};
        return { name, address: vars['ansible_host'] ?? name, vars };
      });
    },
  },
];
