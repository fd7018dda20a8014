// CPU accounting by cgroup: every process started inside a group (and everything it forks, even
// daemons that leave their parent, like ssh ControlPersist masters) is counted, and other work
// on the machine is not. cgroup v2 (cpu.stat) where mounted, else v1 cpuacct; root only.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V2_ROOTS = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'];
const V1_ROOT = '/sys/fs/cgroup/cpuacct';

function usageReader(dir) {
  if (existsSync(join(dir, 'cpu.stat'))) {
    return () => Number(/^usage_usec (\d+)/m.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))?.[1] ?? NaN) / 1000;
  }
  return () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6;
}

/** A fresh group, or undefined when this machine offers none we may use. */
export function cpuGroup(name) {
  const roots = [...V2_ROOTS.filter((r) => existsSync(join(r, 'cgroup.controllers'))), ...(existsSync(join(V1_ROOT, 'cpuacct.usage')) ? [V1_ROOT] : [])];
  for (const root of roots) {
    const dir = join(root, `${name}-${process.pid}`);
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    const usage = usageReader(dir);
    if (Number.isNaN(usage())) {
      rmdirSync(dir);
      continue;
    }
    return {
      procs: join(dir, 'cgroup.procs'),
      /** Moves a running process in; what it forks from now on is counted too. */
      add(pid) {
        writeFileSync(join(dir, 'cgroup.procs'), `${pid}\n`);
      },
      /** The processes in the group now. */
      pids() {
        return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      },
      /** CPU ms used by everything that ever ran in the group. */
      usageMs: usage,
      /** Moves any process still inside back to the root group and removes the group (a process
       * still exiting keeps it busy for a moment). */
      remove() {
        for (let attempt = 0; ; attempt++) {
          for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
            try {
              writeFileSync(join(root, 'cgroup.procs'), `${pid}\n`);
            } catch {
              /* exited meanwhile */
            }
          }
          try {
            rmdirSync(dir);
            return;
          } catch (e) {
            if (e.code !== 'EBUSY' || attempt >= 100) throw e;
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
          }
        }
      },
    };
  }
  return undefined;
}
