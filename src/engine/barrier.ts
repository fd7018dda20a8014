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
  /** The hosts let go together by the last release: they are all at the same task. */
  private cohort = new Set<string>();
  /** Counts releases: hosts going on together share one step (one banner), even at a task already seen. */
  private releases = 0;

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

  /**
   * The host that runs a run_once task: under the linear strategy the first host, in `order`,
   * of those at this task; under free, nobody is in step, so the one that got there first.
   */
  leaderOf(order: string[], arrived: string): string {
    if (!this.linear) return arrived;
    return order.find((h) => this.cohort.has(h)) ?? arrived;
  }

  /** Which step a host is at: the release that let it go (linear), or its task (free). */
  stepOf(ordinal: number): number {
    return this.linear ? this.releases : ordinal;
  }

  get isAborted(): boolean {
    return this.aborted !== undefined;
  }

  private release(): void {
    if (this.waiting.size === 0 || this.waiting.size < this.active.size) return;
    const first = Math.min(...[...this.waiting.values()].map((w) => w.ordinal));
    this.releases++;
    this.cohort = new Set([...this.waiting].filter(([, w]) => w.ordinal === first).map(([host]) => host));
    for (const [host, w] of [...this.waiting]) {
      if (w.ordinal === first) {
        this.waiting.delete(host);
        w.go();
      }
    }
  }
}
