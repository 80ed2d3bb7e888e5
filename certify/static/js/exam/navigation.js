/* Moving around the exam: Next / Back / the overview (Alt+← / Alt+→), the flag (Alt+M) and the
 * submit form — each sends what is queued first (briefly), then goes. Offline, the pages come from
 * the attempt's service worker (exam/offline.js) and the queue stays on this computer, so moving
 * within the exam is never "leaving with unsaved answers". */

/** Resolve after ``promise`` or after ``ms``, whichever comes first. */
export function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((resolve) => { window.setTimeout(resolve, ms); })]);
}

/**
 * @param exam {pending() -> number, flush() -> Promise, flagButton: element or null}
 */
export function wireNavigation(exam) {
  let moving = false;
  const go = (url) => {
    moving = true;
    withTimeout(exam.flush(), 2500).then(() => { window.location.assign(url); });
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-exam-nav]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey) { return; }
    if (!exam.pending()) { moving = true; return; }
    event.preventDefault();
    go(link.href);
  });
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || !event.altKey || event.ctrlKey ||
        event.metaKey) { return; }
    let target = null;
    if (event.key === "ArrowLeft") { target = document.querySelector('a[data-exam-nav="prev"]'); }
    else if (event.key === "ArrowRight") { target = document.querySelector('a[data-exam-nav="next"]'); }
    else if (event.code === "KeyM" && exam.flagButton) {
      event.preventDefault();
      exam.flagButton.click();
      return;
    }
    if (target) { event.preventDefault(); go(target.href); }
  });

  // The submit form: send what is queued, then submit.
  const submitForm = document.getElementById("exam-submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", (event) => {
      if (submitForm.dataset.ready === "1" || !exam.pending()) { return; }
      event.preventDefault();
      withTimeout(exam.flush(), 5000).then(() => {
        submitForm.dataset.ready = "1";
        submitForm.submit();
      });
    });
  }
  return {moving: () => moving};
}
