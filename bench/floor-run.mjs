// `node bench/floor-run.mjs LABDIR [--connect-only]`: runs the floor script (lib/floor.mjs) on
// every node of the lab at once, one SSH connection and one exec per node, with oasis-play's own
// SSH connection. Prints one line per node: "<name> changed=<n>". Timed as a whole process by
// bench/run.mjs. --connect-only runs `true` instead: what connecting alone costs any SSH tool.
import { connectSsh } from '../dist/connection/ssh.js';
import { labLoad } from '../dist/lab/lab.js';
import { raw } from '../dist/shell/sh.js';
import { floorScript } from './lib/floor.mjs';

const lab = await labLoad(process.argv[2]);
const connectOnly = process.argv.includes('--connect-only');
if (!lab) throw new Error(`no lab in ${process.argv[2]}`);
const results = await Promise.all(
  lab.nodes.map(async (n) => {
    const conn = await connectSsh({
      name: n.name,
      host: n.address,
      port: n.port,
      user: 'root',
      privateKeyFile: lab.clientKeyFile,
      knownHostsFile: lab.knownHostsFile,
      hostKeyChecking: 'yes',
    });
    try {
      const r = await conn.exec(raw(connectOnly ? 'echo changed=0' : floorScript(n.name)));
      if (r.code !== 0) throw new Error(`${n.name}: script failed (${r.code}): ${r.stderr}`);
      return `${n.name} ${r.stdout.trim()}`;
    } finally {
      await conn.close();
    }
  }),
);
process.stdout.write(`${results.join('\n')}\n`);
