/* Answers on the exam page: reading and restoring them in the item's markup (docs/contracts.md
 * §2), whether one counts as answered, and the overview panel that shows it. */

/** Fill {placeholders} of a translated text. */
export function fill(text, params) {
  return String(text || "").replace(/\{(\w+)\}/g, (whole, name) =>
    (params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

/** The answer fields of one item (root ``.item[data-position]``, contracts §2). */
export class ItemAnswer {
  constructor(root) {
    this.root = root;
    this.type = root ? root.getAttribute("data-item-type") : null;
  }

  read() {
    const root = this.root, type = this.type;
    if (!root) { return null; }
    if (type === "single" || type === "true_false") {
      const chosen = root.querySelector('input[name="answer"]:checked');
      if (!chosen) { return null; }
      return type === "true_false" ? chosen.value === "true" : chosen.value;
    }
    if (type === "multiple") {
      return Array.from(root.querySelectorAll('input[name="answer"]:checked'), (el) => el.value);
    }
    if (type === "fill_in") {
      const blanks = Array.from(root.querySelectorAll('input[name="blank"]'));
      blanks.sort((a, b) => Number(a.dataset.blank) - Number(b.dataset.blank));
      return blanks.map((el) => el.value);
    }
    if (type === "short_answer") {
      const area = root.querySelector('textarea[name="answer"]');
      return area ? area.value : null;
    }
    return null;
  }

  write(value) {
    const root = this.root, type = this.type;
    if (!root) { return; }
    if (type === "single" || type === "true_false" || type === "multiple") {
      const wanted = Array.isArray(value) ? value.map(String) : [String(value)];
      root.querySelectorAll('input[name="answer"]').forEach((el) => {
        el.checked = value !== null && wanted.indexOf(el.value) >= 0;
      });
    } else if (type === "fill_in") {
      root.querySelectorAll('input[name="blank"]').forEach((el) => {
        const i = Number(el.dataset.blank);
        el.value = Array.isArray(value) && value[i] !== undefined ? value[i] : "";
      });
    } else if (type === "short_answer") {
      const area = root.querySelector('textarea[name="answer"]');
      if (area) { area.value = value || ""; }
    }
  }

  isAnswered(value) {
    if (value === null || value === undefined) { return false; }
    if (typeof value === "string") { return value.trim() !== ""; }
    if (Array.isArray(value)) {
      return this.type === "fill_in" ? value.some((v) => String(v).trim() !== "") : value.length > 0;
    }
    return true;
  }
}

/** Mark a question answered / flagged in the overview panel (``null`` leaves that part). */
export function markOverview(position, answered, flagged, flaggedText) {
  const link = document.querySelector('.exam-grid a[data-position="' + position + '"]');
  if (!link) { return; }
  if (answered !== null && answered !== undefined) { link.classList.toggle("is-answered", answered); }
  if (flagged !== null && flagged !== undefined) { link.classList.toggle("is-flagged", flagged); }
  const parts = [link.getAttribute("data-label")];
  parts.push(link.getAttribute(link.classList.contains("is-answered") ? "data-answered"
                                                                       : "data-unanswered"));
  if (link.classList.contains("is-flagged")) { parts.push(flaggedText); }
  link.setAttribute("aria-label", parts.join(", "));
  const counts = document.getElementById("exam-counts");
  if (counts) {
    counts.textContent = fill(counts.getAttribute("data-template"), {
      answered: document.querySelectorAll(".exam-grid a.is-answered").length,
      total: document.querySelectorAll(".exam-grid a").length,
      flagged: document.querySelectorAll(".exam-grid a.is-flagged").length
    });
  }
}
