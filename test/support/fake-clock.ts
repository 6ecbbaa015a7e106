// A clock the test moves by hand (milliseconds).
export class FakeClock {
  constructor(public t = 1_000_000) {}

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    this.t += ms;
  }
}
