// The lab: N real OpenSSH sshd "nodes" on 127.0.<subnet>.<i>:22, each in its own mount and
// UTS namespace with private /srv, /etc/nginx, /var/www, /var/log/nginx, /run and /root.
// Used by tests, the demo and benchmarks. Needs root (namespaces, binding port 22, useradd).
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireBecomeUser, LAB_MARKER, releaseBecomeUser } from './become-user.js';
import { inventoryText, knownHostsText } from './inventory-files.js';
import { generateKey } from './keys.js';
import { BECOME_USER, createPrivateFiles, PRIVATE_DIRS, wipePrivateFiles, writeSshdConfig, nodeFiles } from './node-files.js';
import { killNodes, startNode } from './node-process.js';
import { isAlive } from './procs.js';

export interface LabNode {
  name: string;
  address: string;
  port: number;
  hostname: string;
  /** sshd's pid (the node's main process, inside its namespaces; usable with nsenter -t); 0 while stopped. */
  pid: number;
  /** Host directory backing the node's private dirs: <root>/srv is the node's /srv, etc. */
  root: string;
}

export interface Lab {
  dir: string;
  subnet: number;
  nodes: LabNode[];
  inventoryFile: string;
  knownHostsFile: string;
  clientKeyFile: string;
  become: { user: string; password: string };
}

interface State {
  version: 1;
  lab: Lab;
  unsharePids: Record<string, number>;
}

/** <repo>/.lab: this file is src/lab/lab.ts or dist/lab/lab.js. */
export const DEFAULT_LAB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../.lab');
const START_TIMEOUT_MS = 20_000;

export function assertRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the lab needs root: it creates namespaces, binds port 22 and adds a user; run as root or with sudo');
  }
}

/**
 * Starts `count` nodes. A lab already in `dir` is torn down first (so `up` is repeatable);
 * an existing dir that is not a lab must be empty, because labDown deletes the whole dir.
 */
/** `port`: where every node's sshd listens (22 unless a test needs another). */
export async function labUp(count: number, opts: { dir?: string; subnet?: number; port?: number } = {}): Promise<Lab> {
  assertRoot();
  const subnet = opts.subnet ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 254) throw new Error(`lab node count must be 1..254, got ${count}`);
  if (!Number.isInteger(subnet) || subnet < 0 || subnet > 255) throw new Error(`lab subnet must be 0..255, got ${subnet}`);
  const port = opts.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`lab port must be 1..65535, got ${port}`);
  const dir = labDir(opts.dir);
  if (isLabDir(dir)) await labDown(dir);
  else if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} exists and is not an (empty) lab dir`);
  await mkdir(dir, { recursive: true });
  // sshd reads authorized_keys/oasislab as that user: the path must be traversable (mkdtemp gives 0700).
  await chmod(dir, 0o755);
  assertTraversable(dir);
  await writeFile(join(dir, LAB_MARKER), 'oasis-play lab dir: `npm run lab -- down` deletes it\n');

  const nodes: LabNode[] = Array.from({ length: count }, (_, k) => {
    const name = `node${k + 1}`;
    return { name, address: `127.0.${subnet}.${k + 1}`, port, hostname: name, pid: 0, root: join(dir, 'nodes', name) };
  });
  const lab: Lab = {
    dir,
    subnet,
    nodes,
    inventoryFile: join(dir, 'inventory.ini'),
    knownHostsFile: join(dir, 'known_hosts'),
    clientKeyFile: join(dir, 'id_ed25519'),
    become: { user: BECOME_USER, password: '' },
  };
  const state: State = { version: 1, lab, unsharePids: {} };
  try {
    const hostKeys = new Map<string, string>();
    // Each node starts as soon as its own files exist (sshd needs the client key and the
    // become user only at login), so disk work for one node overlaps sshd startup of another.
    const [clientKey, become] = await Promise.all([
      generateKey(lab.clientKeyFile, 'oasis-play-lab-client'),
      acquireBecomeUser(dir),
      ...nodes.map(async (n) => {
        await Promise.all([createPrivateFiles(n), writeSshdConfig(n, dir)]);
        hostKeys.set(n.name, await generateKey(nodeFiles(n).hostKey, n.name));
        const s = await startNode(n, START_TIMEOUT_MS);
        n.pid = s.pid;
        state.unsharePids[n.name] = s.unsharePid;
      }),
    ]);
    lab.become = become;
    await mkdir(join(dir, 'authorized_keys'), { recursive: true });
    await Promise.all([
      ...['root', BECOME_USER].map((u) => writeFile(join(dir, 'authorized_keys', u), `${clientKey}\n`)),
      writeFile(lab.knownHostsFile, knownHostsText(nodes, hostKeys)),
      writeFile(lab.inventoryFile, inventoryText(lab)),
    ]);
    await writeState(state);
    return lab;
  } catch (e) {
    await labDown(dir).catch(() => undefined);
    throw e;
  }
}

/** Kills every node process (whole trees) and removes the dir, and the become user if labs made it. */
export async function labDown(dir?: string): Promise<void> {
  const d = labDir(dir);
  await killNodes(d, 'all');
  if (!isLabDir(d)) return; // never delete a dir the lab did not make
  // The marker goes first so the dir no longer counts as a user of the become account.
  await rm(join(d, LAB_MARKER), { force: true });
  await releaseBecomeUser(d);
  await rm(d, { recursive: true, force: true });
}

export async function labLoad(dir?: string): Promise<Lab | undefined> {
  return (await readState(labDir(dir)))?.lab;
}

export async function labStopNode(lab: Lab, name: string): Promise<void> {
  const node = findNode(lab, name);
  await killNodes(lab.dir, new Set([name]));
  await updateNode(lab, node, 0, 0);
}

/** Starts a stopped node again with the same host key and config; no-op if it runs. */
export async function labStartNode(lab: Lab, name: string): Promise<void> {
  const node = findNode(lab, name);
  if (isAlive(node.pid)) return;
  await killNodes(lab.dir, new Set([name])); // leftovers (e.g. nginx) of a node whose sshd died
  const s = await startNode(node, START_TIMEOUT_MS);
  await updateNode(lab, node, s.pid, s.unsharePid);
}

/** Stop, wipe the private dirs back to fresh copies, start (host key kept). */
export async function labResetNode(lab: Lab, name: string): Promise<void> {
  const node = findNode(lab, name);
  await labStopNode(lab, name);
  await wipePrivateFiles(node);
  await createPrivateFiles(node);
  await labStartNode(lab, name);
}

/** Mount points that are private per node (tests can read them under node.root). */
export const NODE_PRIVATE_DIRS = [...PRIVATE_DIRS.map((d) => d.target), '/run'];

function labDir(dir: string | undefined): string {
  const abs = resolve(dir ?? DEFAULT_LAB_DIR);
  let real = abs;
  try {
    real = realpathSync(abs);
  } catch {
    /* not created yet */
  }
  // sshd reads its config and authorized keys from here, inside namespaces where these are replaced.
  const hidden = NODE_PRIVATE_DIRS.find((p) => real === p || real.startsWith(`${p}/`));
  if (hidden) throw new Error(`lab dir ${real} is under ${hidden}, which the nodes replace; pick another dir`);
  // Paths go unquoted into sshd_config (AuthorizedKeysFile expands %) and argv.
  if (!/^[\w./+@,=-]+$/.test(real)) throw new Error(`lab dir ${real} has characters sshd_config cannot take unquoted`);
  return real;
}

function assertTraversable(dir: string): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(`lab dir ${dir}: ${d} is not searchable by other users (the become user must read its key); pick another dir`);
    }
    if (d === '/') return;
  }
}

function isLabDir(dir: string): boolean {
  return existsSync(join(dir, LAB_MARKER)) || existsSync(join(dir, 'state.json'));
}

function findNode(lab: Lab, name: string): LabNode {
  const node = lab.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no lab node named ${name} (have ${lab.nodes.map((n) => n.name).join(', ')})`);
  return node;
}

/** Serialises state-file updates per dir (nodes may be stopped/started concurrently). */
const stateUpdates = new Map<string, Promise<void>>();

/** Updates the caller's Lab object and the state file (which another Lab object may also describe). */
async function updateNode(lab: Lab, node: LabNode, pid: number, unsharePid: number): Promise<void> {
  node.pid = pid;
  const update = async () => {
    const state = await readState(lab.dir);
    if (!state) return;
    const stored = state.lab.nodes.find((n) => n.name === node.name);
    if (stored) stored.pid = pid;
    state.unsharePids[node.name] = unsharePid;
    await writeState(state);
  };
  const next = (stateUpdates.get(lab.dir) ?? Promise.resolve()).then(update, update);
  stateUpdates.set(lab.dir, next.catch(() => undefined));
  await next;
}

async function readState(dir: string): Promise<State | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/** Mode 0600: it holds the become password. */
async function writeState(state: State): Promise<void> {
  const file = join(state.lab.dir, 'state.json');
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
