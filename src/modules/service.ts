import type { RemoteModule } from './types.js';
import { runService, type ServiceArgs } from './lib-pkg/service-run.js';

/** ansible.builtin.service: systemd where it runs, SysV init scripts (update-rc.d) otherwise. */
export const service: RemoteModule<ServiceArgs> = {
  kind: 'remote',
  name: 'service',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'Name of the service (systemd unit or /etc/init.d script).' },
      state: {
        type: 'string',
        enum: ['started', 'stopped', 'restarted', 'reloaded'],
        description: 'started/stopped change only when needed; restarted and reloaded always act (a stopped service is started).',
      },
      enabled: { type: 'boolean', description: 'Whether the service starts on boot.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  docs: {
    summary: 'Start, stop, restart or reload a service and choose whether it starts at boot (systemd or SysV init).',
    example: '- service:\n    name: nginx\n    state: started\n    enabled: true',
  },
  run: (args, ctx) => runService(args, ctx),
};
