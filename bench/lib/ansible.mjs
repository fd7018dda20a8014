// Running ansible-playbook against a lab the way a tuned user would: pipelining on, forks = node
// count, no fact gathering, host keys checked against the lab's known_hosts, OpenSSH
// ControlPersist (Ansible's default: 60 s) with a control dir of its own: the runs of one
// ansibleRun (a first run and its re-run) share the masters, as a user's next command does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function ansibleRun(lab, playbook) {
  const base = mkdtempSync(join(tmpdir(), 'oasis-bench-ansible-'));
  const controlDir = join(base, 'cp');
  const env = {
    ...process.env,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_FORKS: String(lab.nodes.length),
    ANSIBLE_GATHERING: 'explicit',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_SSH_ARGS: `-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes`,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_LOCAL_TEMP: join(base, 'tmp'),
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: 'True',
    ANSIBLE_CONFIG: join(base, 'none.cfg'), // no ansible.cfg from the cwd or home
  };
  return {
    cmd: 'ansible-playbook',
    args: ['-i', lab.inventoryFile, playbook],
    env,
    /** Stops the ControlPersist masters left (by their sockets) and removes the files. */
    cleanup() {
      let sockets = [];
      try {
        sockets = readdirSync(controlDir);
      } catch {
        /* no connection was made */
      }
      for (const s of sockets) spawnSync('ssh', ['-o', `ControlPath=${join(controlDir, s)}`, '-O', 'exit', 'x'], { stdio: 'ignore' });
      rmSync(base, { recursive: true, force: true });
    },
  };
}
