// The keeper process's entry (`oasis-play __keeper SOCKET IDLE_MS`, started by KeeperLink):
// listens on SOCKET, says `ready` on stdout once it does, then logs only to stderr.
import { statSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { answers } from './kept-client.js';
import { Keeper } from './keeper.js';

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function runKeeper(socketPath: string, idleMs: number): Promise<void> {
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} keeper ${process.pid}: ${line}\n`);
  process.umask(0o077); // the socket: its owner only
  const server = createServer();
  try {
    await listen(server, socketPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    // Another keeper started first: the run uses that one.
    if (await answers(socketPath)) {
      process.stdout.write('ready\n');
      return;
    }
    unlinkSync(socketPath); // left by a keeper that was killed
    await listen(server, socketPath);
  }
  const ours = statSync(socketPath).ino;
  const exit = () => {
    try {
      if (statSync(socketPath).ino === ours) unlinkSync(socketPath);
    } catch {
      /* already gone */
    }
    // Time for the SSH disconnect messages to leave.
    setTimeout(() => process.exit(0), 100).unref();
  };
  const keeper = new Keeper(server, idleMs, exit, log);
  process.on('SIGTERM', () => keeper.stop());
  process.on('SIGINT', () => keeper.stop());
  process.on('SIGHUP', () => {});
  process.on('uncaughtException', (e) => {
    log(`crashed: ${e.stack ?? e.message}`);
    exit();
  });
  log(`listening on ${socketPath}`);
  process.stdout.write('ready\n', () => process.stdout.destroy());
}
