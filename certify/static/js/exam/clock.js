/* The server's clock on the exam page: the deadline minus the server's time, corrected by the
 * offset measured on every save and state response (half the round trip is allowed for), never
 * this computer's clock alone. */

export class ServerClock {
  /** @param initial {deadline, server_time} as the page's config gives them */
  constructor(initial) {
    this.offset = 0; // server time minus this computer's time, in ms
    this.deadline = Date.parse(initial.deadline);
    this.sync(initial, undefined, Date.now());
  }

  now() { return Date.now() + this.offset; }

  /** Seconds left until the deadline (negative once it has passed). */
  remaining() { return (this.deadline - this.now()) / 1000; }

  /**
   * Correct the clock by a server answer sent at ``sentAt`` and received at ``receivedAt``.
   * Returns the minutes the deadline moved later (time an invigilator added), else 0.
   */
  sync(data, sentAt, receivedAt) {
    if (!data || !data.server_time) { return 0; }
    const mid = sentAt === undefined ? receivedAt : sentAt + (receivedAt - sentAt) / 2;
    this.offset = Date.parse(data.server_time) - mid;
    const next = Date.parse(data.deadline);
    let added = 0;
    if (!isNaN(next)) {
      if (next > this.deadline + 30000) { added = Math.round((next - this.deadline) / 60000); }
      this.deadline = next;
    }
    return added;
  }
}
