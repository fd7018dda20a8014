// `npm run demo`: a 4-node lab becomes a small platform. Agents on every node, `oasis-play nodes`,
// a load balancer, web servers on the least loaded nodes, traffic through the balancer, one
// more web server, and the lab left running to try things.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { assertRoot, labUp, type Lab } from './lab.js';

const CLI = fileURLToPath(new URL('../bin/oasis-play.js', import.meta.url));
/** Shortest readable path: relative when under the current dir. */
function show(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function say(text: string): void {
  process.stdout.write(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

/** Runs `oasis-play ARGS -i <lab> --known-hosts <lab>` as a user would, output shown as is. */
async function oasisPlay(lab: Lab, args: string[], opts: { quiet?: boolean } = {}): Promise<string> {
  const all = [...args, '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
  process.stdout.write(`$ oasis-play ${all.map((a) => (a.includes(' ') ? JSON.stringify(a) : show(a))).join(' ')}\n`);
  let out = '';
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...all], { stdio: ['ignore', opts.quiet ? 'pipe' : 'inherit', 'inherit'] });
    // Quiet: only the summary lines (==> ...), not each task.
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n')) if (line.startsWith('==>') || /^\S+\s+: ok=/.test(line)) process.stdout.write(`${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`oasis-play ${args.join(' ')} failed (exit ${code})`);
  return out;
}

/** GET http://address/ (a lab address on loopback) and return the page's <h1>. */
function fetchTitle(address: string): Promise<string> {
  return new Promise((resolve) => {
    const req = get({ host: address, port: 80, path: '/', timeout: 3000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(/<h1>(.*)<\/h1>/.exec(body)?.[1] ?? `HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(`no answer (${e.message})`));
  });
}

async function showTraffic(address: string, requests: number): Promise<void> {
  await sleep(300); // nginx starts its new workers after a reload asynchronously
  const answers: string[] = [];
  for (let i = 0; i < requests; i++) answers.push(await fetchTitle(address));
  process.stdout.write(`  ${requests} requests to http://${address}/ answered by: ${answers.join(' ')}\n`);
}

/** `--dir D` and `--subnet S`, as `npm run lab -- up` takes them (the tests use their own). */
function labOptions(argv: string[]): { dir?: string; subnet?: number } {
  const o: { dir?: string; subnet?: number } = {};
  for (let k = 0; k < argv.length; k += 2) {
    const [flag, value] = [argv[k], argv[k + 1]];
    if (flag === '--dir' && value) o.dir = value;
    else if (flag === '--subnet' && value && /^\d+$/.test(value)) o.subnet = Number(value);
    else throw new Error(`usage: demo [--dir DIR] [--subnet S] (got '${argv.join(' ')}')`);
  }
  return o;
}

async function main(): Promise<void> {
  assertRoot();
  const opts = labOptions(process.argv.slice(2));
  const subnet = opts.subnet ?? 1;
  say(`Starting a lab of 4 nodes: real OpenSSH servers on 127.0.${subnet}.1-4, each with its own host name and files`);
  const lab = await labUp(4, opts);
  for (const n of lab.nodes) process.stdout.write(`  ${n.name}  ${n.address}:22\n`);

  say('The agent on every node: it keeps ~/meta-data.json (load, memory, services) fresh');
  const agent = `${process.execPath} ${CLI}`;
  // The lab's nodes share this machine's crontab, so no @reboot line (oasis_agent_boot=none).
  await oasisPlay(lab, ['launch', 'all', 'oasis_agent', '-e', `oasis_agent_command='${agent}'`, '-e', 'oasis_agent_interval=2', '-e', 'oasis_agent_boot=none'], { quiet: true });
  await sleep(2500); // the agents' first writes

  say('What the nodes report (lowest load score first; the lab nodes share one machine, so ties go by name)');
  await oasisPlay(lab, ['nodes']);

  say('A load balancer on the least busy node');
  const placed = await oasisPlay(lab, ['launch', '1', 'load_balancer'], { quiet: true });
  const lbNode = /==> load_balancer runs on: (\S+)/.exec(placed)?.[1];
  const balancer = lab.nodes.find((n) => n.name === lbNode)?.address;
  if (!balancer) throw new Error('the load balancer was not placed');

  say('Two web servers on the two least busy nodes left; the balancer follows');
  await oasisPlay(lab, ['launch', '2', 'nginx_webserver'], { quiet: true });
  await showTraffic(balancer, 6);

  say('One more web server: traffic spreads over three');
  await oasisPlay(lab, ['launch', '1', 'nginx_webserver'], { quiet: true });
  await showTraffic(balancer, 6);

  say('Where everything runs');
  await oasisPlay(lab, ['services']);

  say('The lab keeps running. Try:');
  const o = `-i ${show(lab.inventoryFile)} --known-hosts ${show(lab.knownHostsFile)}`;
  process.stdout.write(
    [
      `  node ${show(CLI)} remove 1 nginx_webserver ${o}`,
      `  node ${show(CLI)} nodes ${o} --watch`,
      `  node ${show(CLI)} run playbooks/demo/site.yml ${o} --check --diff`,
      `  ssh -i ${show(lab.clientKeyFile)} -o UserKnownHostsFile=${show(lab.knownHostsFile)} root@${lab.nodes[0]!.address}`,
      'Stop it and remove everything it made with:',
      `  npm run lab -- down${opts.dir ? ` --dir ${show(lab.dir)}` : ''}`,
      '',
    ].join('\n'),
  );
}

main().catch((e: Error) => {
  process.stderr.write(`demo: ${e.message}\n`);
  process.exitCode = 1;
});
