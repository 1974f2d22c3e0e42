/** The one way domain code and workflows learn the time: injected, so tests and benchmarks can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date | string | number = '2026-01-06T14:00:00Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(at: Date | string | number): void {
    this.ms = new Date(at).getTime();
  }
}
