// Vitest global setup: every temp dir the tests make (os.tmpdir()) goes into one directory per
// run, removed at its end, so runs leave nothing in /tmp. It stays on /tmp's file system, which
// the lab's nodes share, and is as open as /tmp (sticky, world-writable) for the become tests.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'oasis-test-'));
  chmodSync(root, 0o1777);
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
