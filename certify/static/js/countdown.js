/* The one countdown format, the same as the server's (certify.exams.timing.format_clock):
 * "05:09" under an hour, "1:05:09" from an hour, rounded up to the whole second, never negative. */

export function formatClock(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  const two = (n) => (n < 10 ? "0" : "") + n;
  return (hours ? hours + ":" : "") + two(minutes) + ":" + two(secs);
}
