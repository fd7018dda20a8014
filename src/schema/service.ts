/** The service manifest: `playbooks/<service>/service.yml`, beside install.yml and uninstall.yml. */
import type { JsonSchema } from '../modules/types.js';
import { DRAFT, ID_BASE } from './fragments.js';

const SERVICE_NAME = { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' };

export function serviceSchema(): JsonSchema {
  return {
    $schema: DRAFT,
    $id: `${ID_BASE}service.schema.json`,
    title: 'oasis-play service manifest (playbooks/<service>/service.yml)',
    description: 'What a service needs from a node and how it relates to other services. install.yml (and uninstall.yml) sit beside it.',
    type: 'object',
    properties: {
      name: { ...SERVICE_NAME, description: 'The service name; the same as its directory (default: the directory name).' },
      description: { type: 'string', description: 'One line about what the service is.' },
      requirements: {
        type: 'object',
        description: 'What a node must offer to run the service.',
        properties: {
          arch: {
            description: 'Architectures it runs on, as `uname -m` prints them (x86_64, aarch64, armv7l).',
            anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
          },
          min_free_memory_mb: { type: 'integer', minimum: 0, description: 'Free memory (MB) the node must have.' },
          labels: {
            type: 'object',
            description: "Labels the node must carry (from the agent's ~/.oasis/labels.yml), label to value.",
            additionalProperties: { type: ['string', 'number', 'boolean'] },
          },
        },
        additionalProperties: false,
      },
      conflicts: { type: 'array', items: SERVICE_NAME, uniqueItems: true, description: 'Services that may not run on the same node.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port the service listens on.' },
      refresh: {
        type: 'array',
        items: SERVICE_NAME,
        uniqueItems: true,
        description: 'Services to re-apply after this one is placed or removed (a load balancer follows its backends).',
      },
    },
    additionalProperties: false,
  };
}
