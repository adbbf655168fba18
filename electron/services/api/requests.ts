/**
 * The API requests in flight: admitted up to the queue limit, each waiting (queued) until the
 * engine starts on it (active), each with its own abort controller and the reason it was stopped.
 */
export type StopCause = 'disconnect' | 'timeout' | 'closing';

export class Flight {
  readonly controller = new AbortController();
  state: 'queued' | 'active' = 'queued';
  cause: StopCause | null = null;

  constructor(private readonly changed: () => void) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    if (this.state === 'active') return;
    this.state = 'active';
    this.changed();
  }

  abort(cause: StopCause): void {
    if (this.controller.signal.aborted) return;
    this.cause = cause;
    this.controller.abort();
  }
}

export class InFlight {
  private readonly flights = new Set<Flight>();

  constructor(private readonly changed: () => void) {}

  /** A new request in flight, or null when `limit` are already running or waiting. */
  admit(limit: number): Flight | null {
    if (this.flights.size >= limit) return null;
    const flight = new Flight(this.changed);
    this.flights.add(flight);
    this.changed();
    return flight;
  }

  done(flight: Flight): void {
    if (this.flights.delete(flight)) this.changed();
  }

  counts(): { active: number; queued: number } {
    let active = 0;
    for (const flight of this.flights) if (flight.state === 'active') active++;
    return { active, queued: this.flights.size - active };
  }

  get size(): number {
    return this.flights.size;
  }

  abortAll(cause: StopCause): void {
    for (const flight of this.flights) flight.abort(cause);
  }
}
