// What an SshConnection needs of an SSH connection: exec channels, and to hear when it closes.
// ssh2's Client is one (a connection of this run's own); KeptClient is another (a connection
// the keeper holds between runs).

/** An exec channel: the remote command's stdin, stdout and stderr. */
export interface ExecChannel {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'exit' | 'close', listener: () => void): unknown;
  readonly stderr: { on(event: 'data', listener: (data: Buffer) => void): unknown; resume(): unknown };
  write(data: Buffer | string): boolean;
  resume(): unknown;
  /**
   * Only on a kept connection: gives the channel, at rest, back to the keeper for the next run's
   * exec of the same command, instead of closing it. Resolves once the keeper has it.
   */
  park?(): Promise<void>;
}

export interface SshTransport {
  /** `channel` is there when `err` is not. */
  exec(command: string, callback: (err: Error | undefined, channel?: ExecChannel) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  /** Done with it: ssh2 closes the connection; a kept one goes back to the keeper. */
  end(): unknown;
}
