import type { RemoteModule } from './types.js';
import { runApt, type AptArgs } from './lib-pkg/apt-run.js';

export const nameProperty = {
  type: ['string', 'array'],
  items: { type: ['string', 'number'] },
  description: 'Package name(s), a list or a comma-separated string; name=version pins an exact version.',
} as const;

/** ansible.builtin.apt: Debian/Ubuntu packages through apt-get and dpkg-query. */
export const apt: RemoteModule<AptArgs> = {
  kind: 'remote',
  name: 'apt',
  schema: {
    type: 'object',
    properties: {
      name: nameProperty,
      state: { type: 'string', enum: ['present', 'absent', 'latest'], default: 'present', description: 'present: installed; latest: installed and upgraded to the candidate version; absent: removed.' },
      update_cache: { type: 'boolean', description: 'Run the equivalent of apt-get update before the operation.' },
      cache_valid_time: { type: 'integer', minimum: 0, default: 0, description: 'Update the apt cache only if it is older than this many seconds (implies update_cache).' },
      install_recommends: { type: 'boolean', description: 'Install recommended packages (true) or not (false); unset: apt\'s own configuration decides.' },
      purge: { type: 'boolean', default: false, description: 'With state=absent (or autoremove): also remove configuration files.' },
      autoremove: { type: 'boolean', default: false, description: 'Remove packages that were installed as dependencies and are no longer needed.' },
    },
    additionalProperties: false,
  },
  docs: {
    summary: 'Install, upgrade or remove Debian packages with apt-get (idempotent; apt-get -s in check mode).',
    example: '- apt:\n    name: [nginx, curl]\n    state: present\n    update_cache: true\n    cache_valid_time: 3600',
  },
  run: (args, ctx) => runApt(args, ctx, 'apt'),
};
