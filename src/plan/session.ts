/** What `run --plan` uses instead of a live reporter and a connection pool. */
import { PlanConnections } from './connections.js';
import { PlanReporter } from './reporter.js';

export function planSession(out: NodeJS.WritableStream, err: NodeJS.WritableStream): { reporter: PlanReporter; connections: PlanConnections } {
  return { reporter: new PlanReporter(out, err), connections: new PlanConnections() };
}

export { PlanConnections, PlanReporter };
