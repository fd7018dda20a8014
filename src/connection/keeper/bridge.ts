// The keeper's side of a channel: joined to the socket of the run that uses it, or parked
// between runs. A run's persistent shell, given back at rest, waits parked on the connection for
// the next run: that run skips what a new channel costs the node (sshd's session set-up, PAM,
// the login shell and its rc files, then `sh`), most of a short re-run's work there.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import { TELL, frame } from './wire.js';

/** Undoes a join or a park. */
export type Detach = () => void;

/** What a parked shell prints (a background job's late output) goes nowhere. */
const ignore = (): void => undefined;

/** The channel's stdout, stderr and exit to the run's socket, pausing the channel while the socket is full. */
export function joinToSocket(ch: ClientChannel, socket: Socket): Detach {
  let paused = false;
  const resume = () => {
    paused = false;
    ch.resume();
    ch.stderr.resume();
  };
  const forward = (kind: string) => (data: Buffer) => {
    // What arrives in one turn (a script's stdout and stderr ends, mostly) leaves in one write:
    // each write wakes the run's process, and a wake-up costs more than the bytes.
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    if (socket.write(frame(kind, data)) || paused) return;
    paused = true;
    ch.pause();
    ch.stderr.pause();
    socket.once('drain', resume);
  };
  const stdout = forward(TELL.stdout);
  const stderr = forward(TELL.stderr);
  const exit = () => socket.write(frame(TELL.exit));
  ch.on('data', stdout);
  ch.stderr.on('data', stderr);
  ch.on('exit', exit);
  return () => {
    ch.off('data', stdout);
    ch.stderr.off('data', stderr);
    ch.off('exit', exit);
    socket.off('drain', resume);
    if (paused) resume();
  };
}

/** Keeps a parked channel flowing (what a background job still prints is dropped); `gone` when it ends. */
export function park(ch: ClientChannel, gone: () => void): Detach {
  ch.on('data', ignore);
  ch.stderr.on('data', ignore);
  ch.once('exit', gone);
  ch.once('close', gone);
  return () => {
    ch.off('data', ignore);
    ch.stderr.off('data', ignore);
    ch.off('exit', gone);
    ch.off('close', gone);
  };
}

/**
 * Whether a parked shell still answers: it must echo a fresh token within timeoutMs ('closed':
 * it ended meanwhile; 'silent': no answer). What it printed before the token is dropped, so
 * the run starts on a quiet channel, as on a new one.
 */
export function probeParked(ch: ClientChannel, timeoutMs: number): Promise<'answered' | 'closed' | 'silent'> {
  const token = `oasis_parked_${randomBytes(12).toString('hex')}`;
  return new Promise((resolve) => {
    let seen = '';
    const done = (answer: 'answered' | 'closed' | 'silent') => {
      clearTimeout(timer);
      ch.off('data', onData);
      ch.stderr.off('data', ignore);
      ch.off('close', closed);
      resolve(answer);
    };
    const onData = (d: Buffer) => {
      seen = (seen + d.toString('latin1')).slice(-(token.length + 1));
      if (seen === `${token}\n`) done('answered');
    };
    const closed = () => done('closed');
    const timer = setTimeout(() => done('silent'), timeoutMs);
    ch.on('data', onData);
    ch.stderr.on('data', ignore);
    ch.once('close', closed);
    ch.write(`printf '%s\\n' ${token}\n`);
  });
}
