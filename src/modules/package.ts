import type { ModuleResult, RemoteModule } from './types.js';
import { nameProperty } from './apt.js';
import { runApt } from './lib-pkg/apt-run.js';
import type { AptState } from './lib-pkg/apt-plan.js';

export interface PackageArgs {
  name: string | (string | number)[];
  state?: AptState;
  use?: string;
}

/**
 * ansible.builtin.package: the target's own package manager. The apt probe itself reports which
 * manager a non-Debian target has, so detection costs no extra round trip.
 */
export const pkg: RemoteModule<PackageArgs> = {
  kind: 'remote',
  name: 'package',
  schema: {
    type: 'object',
    properties: {
      name: nameProperty,
      state: { type: 'string', enum: ['present', 'absent', 'latest'], default: 'present', description: 'present: installed; latest: upgraded to the newest available; absent: removed.' },
      use: { type: 'string', default: 'auto', description: 'The package manager to use: auto (detect) or apt.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  docs: {
    summary: "Install or remove packages with the target's package manager (apt for now).",
    example: '- package:\n    name: nginx\n    state: present',
  },
  async run(args, ctx): Promise<ModuleResult> {
    const use = args.use ?? 'auto';
    if (use !== 'auto' && use !== 'apt') return { changed: false, failed: true, msg: `package manager '${use}' is not supported yet (only apt is)` };
    return runApt({ name: args.name, state: args.state }, ctx, use === 'apt' ? 'apt' : 'package');
  },
};
