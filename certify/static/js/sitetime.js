/* The one rule for clock times in the browser (issue 12 §21): a moment is shown in the site's time
 * zone (<meta name="site-time-zone">, the server's BABEL_DEFAULT_TIMEZONE, default Asia/Shanghai) in
 * 24-hour format, never in the browser's zone or a 12-hour clock. An ES module. */

export function siteZone() {
  const meta = document.querySelector('meta[name="site-time-zone"]');
  return (meta && meta.getAttribute("content")) || "Asia/Shanghai";
}

/** "HH:mm" (or "HH:mm:ss" with seconds) of a moment (a Date, an ISO string or a time value). */
export function siteTime(moment, seconds = false) {
  const date = moment instanceof Date ? moment : new Date(moment);
  if (Number.isNaN(date.getTime())) { return ""; }
  const options = {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: siteZone()};
  if (seconds) { options.second = "2-digit"; }
  return new Intl.DateTimeFormat("en-GB", options).format(date);
}
