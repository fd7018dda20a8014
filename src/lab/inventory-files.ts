// The files a lab hands to oasis-play: an Ansible INI inventory and an OpenSSH known_hosts.
import type { Lab, LabNode } from './lab.js';

export function inventoryText(lab: Lab): string {
  const lines = lab.nodes.map(
    (n) => `${n.name} ansible_host=${n.address} ansible_port=${n.port} ansible_user=root ansible_ssh_private_key_file=${lab.clientKeyFile}`,
  );
  return `# oasis-play lab: ${lab.nodes.length} sshd nodes on 127.0.${lab.subnet}.0/24 (generated)\n[lab]\n${lines.join('\n')}\n`;
}

/** One line per node; port 22 needs no [host]:port form. */
export function knownHostsText(nodes: LabNode[], hostKeys: Map<string, string>): string {
  return nodes
    .map((n) => {
      const host = n.port === 22 ? n.address : `[${n.address}]:${n.port}`;
      return `${host} ${hostKeys.get(n.name)}\n`;
    })
    .join('');
}
