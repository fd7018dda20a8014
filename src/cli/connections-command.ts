// `oasis-play connections`: what the keeper holds for the next command; --close ends it all.
import { userInfo } from 'node:os';
import { askKeeper } from '../connection/keeper/kept-client.js';
import { keeperDir, keeperSocket } from '../connection/keeper/link.js';
import type { KeptStatus } from '../connection/keeper/wire.js';
import { reportError } from './errors.js';

const secs = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(0)} s`);

function table(kept: KeptStatus[]): string {
  const w = Math.max(6, ...kept.map((k) => k.target.length));
  const head = `${'TARGET'.padEnd(w)}  ${'RUNS'.padStart(4)}  ${'OPEN FOR'.padStart(8)}  ${'IDLE FOR'.padStart(8)}  SHELL\n`;
  return head + kept.map((k) => `${k.target.padEnd(w)}  ${String(k.used).padStart(4)}  ${secs(k.openedAgoMs).padStart(8)}  ${(k.leases > 0 ? 'in use' : secs(k.idleForMs)).padStart(8)}  ${k.shellKept ? 'kept' : '-'}\n`).join('');
}

export async function connectionsCommand(o: { close?: boolean; json?: boolean }): Promise<number> {
  try {
    const socket = keeperSocket(keeperDir(process.env, userInfo().uid));
    const kept = await askKeeper(socket, o.close ? 'quit' : 'status');
    if (o.json) process.stdout.write(`${JSON.stringify(kept ?? [])}\n`);
    else if (!kept?.length) process.stdout.write('no SSH connection is kept open\n');
    else process.stdout.write(o.close ? `closed ${kept.length} connection(s):\n${table(kept)}` : table(kept));
    return 0;
  } catch (e) {
    return reportError(e, 0);
  }
}
