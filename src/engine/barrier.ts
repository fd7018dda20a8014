/** Thrown to every host of a play that was aborted (any_errors_fatal, max_fail_percentage, end_play). */
export class PlayAborted extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PlayAborted';
  }
}

/**
 * Keeps the hosts of a play in step (Ansible's linear strategy): a host that reaches a task
 * waits until every active host is waiting, then the hosts whose next task comes first
 * (lowest ordinal) go on together. Hosts on different paths (one in rescue, one not) are
 * thereby ordered by where their tasks are written. The free strategy does not wait.
 */
export class StepBarrier {
  private readonly active = new Set<string>();
  private readonly waiting = new Map<string, { ordinal: number; go: () => void; stop: (e: Error) => void }>();
  private aborted: PlayAborted | undefined;

  constructor(
    hosts: string[],
    private readonly linear: boolean,
  ) {
    for (const h of hosts) this.active.add(h);
  }

  arrive(host: string, ordinal: number): Promise<void> {
    if (this.aborted) return Promise.reject(this.aborted);
    if (!this.linear) return Promise.resolve();
    return new Promise((go, stop) => {
      this.waiting.set(host, { ordinal, go, stop });
      this.release();
    });
  }

  /** The host has no more tasks in this play (finished, failed or unreachable). */
  leave(host: string): void {
    this.active.delete(host);
    this.waiting.delete(host);
    this.release();
  }

  abort(reason: string): void {
    if (this.aborted) return;
    this.aborted = new PlayAborted(reason);
    for (const w of this.waiting.values()) w.stop(this.aborted);
    this.waiting.clear();
  }

  get isAborted(): boolean {
    return this.aborted !== undefined;
  }

  private release(): void {
    if (this.waiting.size === 0 || this.waiting.size < this.active.size) return;
    const first = Math.min(...[...this.waiting.values()].map((w) => w.ordinal));
    for (const [host, w] of [...this.waiting]) {
      if (w.ordinal === first) {
        this.waiting.delete(host);
        w.go();
      }
    }
  }
}
