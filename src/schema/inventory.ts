/** The YAML inventory (Ansible's yaml plugin): groups with hosts, children and vars. */
import type { JsonSchema } from '../modules/types.js';
import { BOOLISH, DRAFT, ID_BASE, INTISH, VARIABLE_NAMES } from './fragments.js';

const CONNECTION_VARS: Record<string, JsonSchema> = {
  ansible_host: { type: 'string', description: 'Address to connect to (default: the host name).' },
  ansible_port: { ...INTISH, description: 'SSH port (default 22).' },
  ansible_user: { type: 'string', description: 'SSH user.' },
  ansible_connection: { type: 'string', enum: ['ssh', 'local', 'smart', 'paramiko'], description: 'ssh (default) or local (run on the controller).' },
  ansible_ssh_private_key_file: { type: 'string', description: 'Private key file for SSH.' },
  ansible_password: { type: 'string', description: 'SSH password (prefer keys).' },
  ansible_become: { ...BOOLISH, description: 'Run tasks with sudo.' },
  ansible_become_user: { type: 'string', description: 'User to become (default root).' },
  ansible_become_password: { type: 'string', description: 'sudo password.' },
  oasis_metadata: { type: 'object', description: "The node's metadata (as ~/meta-data.json holds it), for inventories without live nodes." },
  oasis_metadata_file: { type: 'string', pattern: '^(~$|~/|/)', description: 'Where discovery reads the node\'s metadata: an absolute path or one starting with ~/ (default ~/meta-data.json).' },
};

const IPV4_RANGE: JsonSchema = { type: 'string', pattern: '^\\s*\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?\\s*$', description: 'An IPv4 address or CIDR range, like 192.168.1.0/28.' };

// Null is an empty mapping in a YAML inventory (`web1:` alone).
const VARS: JsonSchema = { type: ['object', 'null'], properties: CONNECTION_VARS, propertyNames: VARIABLE_NAMES };

export function inventorySchema(): JsonSchema {
  const ref = (n: string) => ({ $ref: `#/definitions/${n}` });
  return {
    $schema: DRAFT,
    $id: `${ID_BASE}inventory.schema.json`,
    title: 'oasis-play YAML inventory',
    description: 'Top-level keys are groups (all, web, ...). A group has hosts, children (groups), vars and discover (IPv4 ranges to probe).',
    type: ['object', 'null'],
    propertyNames: { not: { enum: ['plugin'] }, errorMessage: 'inventory plugin configurations (plugin:) are not supported; list groups and hosts instead' },
    additionalProperties: ref('group'),
    definitions: {
      group: {
        type: ['object', 'null'],
        properties: {
          hosts: { type: ['object', 'null'], additionalProperties: ref('host'), description: 'Hosts of the group: name (or name:port, or a range like web[01:20]) to variables.' },
          children: { type: ['object', 'null'], additionalProperties: ref('group'), description: 'Child groups: their hosts are members of this group too.' },
          vars: { ...VARS, description: 'Variables of every host of the group.' },
          discover: {
            type: ['array', 'null'],
            items: IPV4_RANGE,
            description:
              'oasis-play discovery: IPv4 ranges (at most 4096 addresses in all) whose addresses are probed as hosts of this group; those that answer over SSH become nodes. Same as the group variable oasis_discover (the INI way).',
          },
        },
        additionalProperties: false,
      },
      host: { ...VARS, description: 'Variables of the host.' },
    },
  };
}
