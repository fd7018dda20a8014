import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

let ansible: boolean | undefined;

/** ansible-core is the reference; tests that run it are skipped where it is not installed. */
export function hasAnsible(): boolean {
  if (ansible === undefined) {
    try {
      execFileSync('ansible-inventory', ['--version'], { stdio: 'ignore', timeout: 30_000 });
      ansible = true;
    } catch {
      ansible = false;
    }
  }
  return ansible;
}

/** Writes files (path → text) under a fresh temporary directory and returns it. */
export function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-inv-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** ansible-inventory's stdout, parsed when it is JSON. */
export function ansibleInventory(args: string[], cwd?: string): string {
  return execFileSync('ansible-inventory', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
}

/** Runs the same arguments through oasis-play's renderer (in-process) and returns its stdout. */
export async function ours(args: string[]): Promise<string> {
  const { renderInventory } = await import('../../src/cli/inventory-command.js');
  const o: Parameters<typeof renderInventory>[0] = { inventory: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i') o.inventory.push(args[++i]!);
    else if (a === '--list') o.list = true;
    else if (a === '--export') o.export = true;
    else if (a === '--host') o.host = args[++i]!;
    else if (a === '--playbook-dir') o.playbookDir = args[++i]!;
    else if (a === '--graph') o.graph = args[i + 1] && !args[i + 1]!.startsWith('-') ? args[++i]! : true;
    else throw new Error(`ours(): unknown argument ${a}`);
  }
  return (await renderInventory(o)).out + '\n';
}

// Each layer k sets v_k … v_12 to its own name, so v_j ends up as layer j's name exactly when
// the layers apply in this order (lowest first). This is Ansible's order, checked below
// against ansible-inventory: note that a playbook's group_vars/all sits below the inventory's
// group_vars/GROUP, and a playbook's group_vars/PARENT above the inventory's group_vars/CHILD.
export const LAYERS = [
  'file_all', // [all:vars] in the inventory file
  'file_parent', // [lan:vars]
  'file_child', // [web:vars] (web is a child of lan)
  'inv_gv_all', // inv/group_vars/all.yml
  'pb_gv_all', // pb/group_vars/all.yml
  'inv_gv_parent', // inv/group_vars/lan.yml
  'inv_gv_child', // inv/group_vars/web/ (a directory: 10-a.yml then 20-b.yml)
  'pb_gv_parent', // pb/group_vars/lan (no extension)
  'pb_gv_child', // pb/group_vars/web.json
  'file_host', // host line in the inventory file
  'inv_hv', // inv/host_vars/w1.yaml
  'pb_hv', // pb/host_vars/w1.yml
] as const;

function layer(k: number, form: 'ini' | 'yaml' | 'json' | 'words'): string {
  const vars = Array.from({ length: LAYERS.length - k }, (_, i) => [`v${k + i + 1}`, LAYERS[k]!] as const);
  if (form === 'ini') return vars.map(([n, v]) => `${n}=${v}\n`).join('');
  if (form === 'words') return vars.map(([n, v]) => `${n}=${v}`).join(' ');
  if (form === 'json') return JSON.stringify(Object.fromEntries(vars));
  return vars.map(([n, v]) => `${n}: ${v}\n`).join('');
}

export function precedenceTree(): string {
  const half = (text: string, first: boolean) => {
    const lines = text.trim().split('\n');
    return (first ? lines.slice(0, 3) : lines.slice(3)).join('\n') + '\n';
  };
  return tree({
    'inv/hosts.ini': `[all:vars]\n${layer(0, 'ini')}[lan:children]\nweb\n[lan:vars]\n${layer(1, 'ini')}[web]\nw1 ${layer(9, 'words')}\nw2\n[web:vars]\n${layer(2, 'ini')}`,
    'inv/group_vars/all.yml': layer(3, 'yaml'),
    'pb/group_vars/all.yml': layer(4, 'yaml'),
    'inv/group_vars/lan.yml': layer(5, 'yaml'),
    'inv/group_vars/web/10-a.yml': half(layer(6, 'yaml'), true),
    'inv/group_vars/web/20-b.yml': half(layer(6, 'yaml'), false),
    'inv/group_vars/web/.hidden.yml': 'v12: hidden files are skipped\n',
    'inv/group_vars/web/backup.yml~': 'v12: backups are skipped\n',
    'inv/group_vars/web/notes.txt': 'v12: other extensions are skipped\n',
    'pb/group_vars/lan': layer(7, 'yaml'),
    'pb/group_vars/web.json': layer(8, 'json'),
    'inv/host_vars/w1.yaml': layer(10, 'yaml'),
    'pb/host_vars/w1.yml': layer(11, 'yaml'),
    'pb/host_vars/w1.json': 'v12: only the first of NAME, NAME.yml, NAME.yaml, NAME.json is read\n',
  });
}


/**
 * Ansible's own InventoryManager.get_hosts (what `ansible PATTERN --list-hosts` prints) for
 * many patterns in one Python process: one `ansible` run per pattern takes a second each.
 */
export function ansiblePatterns(inventoryFile: string, patterns: string[]): Record<string, string[] | string> {
  const ansible = execFileSync('sh', ['-c', 'command -v ansible'], { encoding: 'utf8' }).trim();
  const python = /^#!\s*(\S+)/.exec(readFileSync(ansible, 'utf8').split('\n')[0]!)?.[1] ?? 'python3';
  const script = `
import sys, json
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
im = InventoryManager(DataLoader(), [sys.argv[1]])
out = {}
for p in json.load(sys.stdin):
    try:
        out[p] = [h.name for h in im.get_hosts(p)]
    except Exception as e:
        out[p] = "ERROR: " + str(e)
print(json.dumps(out))
`;
  const out = execFileSync(python, ['-c', script, inventoryFile], { input: JSON.stringify(patterns), encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
  return JSON.parse(out) as Record<string, string[] | string>;
}
