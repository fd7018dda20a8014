// `npm run demo`: a 4-node lab, the demo playbook run twice, the pages fetched from each node.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { assertRoot, labUp, type Lab } from './lab.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PLAYBOOK = fileURLToPath(new URL('../../playbooks/demo/site.yml', import.meta.url));
const show = (p: string) => relative(process.cwd(), p) || p;

function say(text: string): void {
  process.stdout.write(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

function runPlaybook(lab: Lab): Promise<number> {
  const args = ['run', PLAYBOOK, '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
  process.stdout.write(`$ oasis-play ${args.map(show).join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** GET http://address/ (loopback only) and return the page's <h1>. */
function fetchTitle(address: string): Promise<string> {
  return new Promise((resolve) => {
    const req = get({ host: address, port: 80, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(/<h1>(.*)<\/h1>/.exec(body)?.[1] ?? `HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(`no answer (${e.message})`));
  });
}

async function main(): Promise<void> {
  assertRoot();
  say('Starting a lab of 4 nodes: real OpenSSH servers on 127.0.1.1-4, each with its own host name and files');
  const lab = await labUp(4);
  for (const n of lab.nodes) process.stdout.write(`  ${n.name}  ${n.address}:22\n`);

  say('First run: nginx and a page on every node, in parallel over one SSH connection per node');
  const first = await runPlaybook(lab);
  if (first !== 0) throw new Error(`the demo playbook failed (exit ${first})`);

  say('Each node now serves its own page:');
  for (const n of lab.nodes) process.stdout.write(`  http://${n.address}/  ->  ${await fetchTitle(n.address)}\n`);

  say('Second run: nothing to change, so changed=0 everywhere');
  const second = await runPlaybook(lab);
  if (second !== 0) throw new Error(`the second run failed (exit ${second})`);

  say('The lab keeps running. Try:');
  process.stdout.write(
    [
      `  node ${show(CLI)} run ${show(PLAYBOOK)} -i ${show(lab.inventoryFile)} --known-hosts ${show(lab.knownHostsFile)} --check --diff`,
      `  ssh -i ${show(lab.clientKeyFile)} -o UserKnownHostsFile=${show(lab.knownHostsFile)} root@${lab.nodes[0]!.address}`,
      'Stop it and remove everything it made with:',
      '  npm run lab -- down',
      '',
    ].join('\n'),
  );
}

main().catch((e: Error) => {
  process.stderr.write(`demo: ${e.message}\n`);
  process.exitCode = 1;
});
