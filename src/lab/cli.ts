// `npm run lab -- up N [--subnet S] [--dir D] | down [--dir D] | status [--dir D]`
import { relative } from 'node:path';
import { assertRoot, labDown, labLoad, labUp } from './lab.js';
import { isAlive } from './procs.js';

const USAGE = 'usage: lab up N [--subnet S] [--dir D] | lab down [--dir D] | lab status [--dir D]';

/** Shortest readable path: relative when under the current dir. */
function show(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

function parse(argv: string[]): { cmd?: string; args: string[]; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  const args: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (a.startsWith('--')) {
      const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const value = inline ?? argv[++k];
      if (value === undefined) throw new Error(`--${key} needs a value`);
      flags.set(key, value);
    } else args.push(a);
  }
  for (const key of flags.keys()) if (key !== 'dir' && key !== 'subnet') throw new Error(`unknown option --${key}`);
  return { cmd: args[0], args: args.slice(1), flags };
}

async function main(): Promise<void> {
  const { cmd, args, flags } = parse(process.argv.slice(2));
  const dir = flags.get('dir');
  if (cmd === 'up') {
    if (args[0] === undefined) throw new Error(USAGE);
    const count = Number(args[0]);
    const subnet = flags.has('subnet') ? Number(flags.get('subnet')) : undefined;
    assertRoot();
    const t0 = Date.now();
    const lab = await labUp(count, { dir, subnet });
    console.log(`lab up: ${lab.nodes.length} nodes on 127.0.${lab.subnet}.1-${lab.nodes.length} in ${Date.now() - t0} ms`);
    console.log(`inventory:   ${show(lab.inventoryFile)}`);
    console.log(`known_hosts: ${show(lab.knownHostsFile)}`);
    console.log(`client key:  ${show(lab.clientKeyFile)}`);
    console.log(`become:      ${lab.become.user} (password in ${show(`${lab.dir}/state.json`)})`);
    console.log(`try:         npx oasis-play run site.yml -i ${show(lab.inventoryFile)} --known-hosts ${show(lab.knownHostsFile)}`);
  } else if (cmd === 'down') {
    assertRoot();
    await labDown(dir);
    console.log('lab down');
  } else if (cmd === 'status') {
    const lab = await labLoad(dir);
    if (!lab) {
      console.log('no lab running');
      return;
    }
    console.log(`lab in ${show(lab.dir)} (subnet ${lab.subnet}), inventory ${show(lab.inventoryFile)}`);
    for (const n of lab.nodes) console.log(`  ${n.name.padEnd(8)} ${`${n.address}:${n.port}`.padEnd(18)} ${isAlive(n.pid) ? `up (pid ${n.pid})` : 'down'}`);
  } else {
    throw new Error(USAGE);
  }
}

main().catch((e: unknown) => {
  // One line, no stack: these are user errors (not root, bad args, busy address...).
  console.error(`lab: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
