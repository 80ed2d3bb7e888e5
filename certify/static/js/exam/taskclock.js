/* A skills task's own clock on the exam page (issue 12 §1). The server computes the deadline and
 * the stop (certify/exams/attempts/task_clock.py) and sends them in #exam-config (taskClock) and
 * in the answer to "Start this task"; this module only counts down with the server-corrected
 * clock (exam/clock.js), warns at 5 and 1 minutes, shows overtime with its running deduction, and
 * locks the task at the stop. The overview panel's task clocks ([data-deadline]) count down too.
 */
import {formatClock} from "../countdown.js";

const WARNINGS = [300, 60];

export class TaskClock {
  /**
   * @param opts {data (taskClock or null), clock (ServerClock), t, say, start () => Promise<data>,
   *              onStarted (), onLocked ()}
   */
  constructor(opts) {
    this.opts = opts;
    this.data = opts.data;
    this.box = document.getElementById("task-clock");
    this.section = this.box ? this.box.closest(".exam-main") : null;
    this.warned = {};
    this.wasLocked = !!(this.data && this.data.state === "locked");
    const button = document.getElementById("task-start");
    if (button) {
      button.addEventListener("click", () => {
        button.disabled = true;
        opts.start().then((data) => {
          this.data = data;
          this.show("running");
          opts.onStarted();
        }).catch((error) => {
          button.disabled = false;
          opts.say(opts.t("task_start_failed", {error: error.message || ""}), true);
        });
      });
    }
  }

  /** Whether the task is locked (its stop has passed by the server's clock). */
  locked() { return this.state() === "locked"; }

  state() {
    const d = this.data;
    if (!d) { return null; }
    if (!d.started) { return "not_started"; }
    const now = this.opts.clock.now();
    if (now <= Date.parse(d.deadline)) { return "running"; }
    if (now <= Date.parse(d.stop)) { return "overtime"; }
    return "locked";
  }

  show(state) {
    if (!this.box) { return; }
    this.box.setAttribute("data-state", state);
    if (this.section) {
      ["not_started", "running", "overtime", "locked"].forEach((s) => {
        this.section.classList.toggle("task-" + s, s === state);
      });
    }
    const part = (sel) => this.box.querySelector(sel);
    part(".task-clock-start").hidden = state !== "not_started";
    part(".task-clock-running").hidden = state !== "running" && state !== "overtime";
    part(".task-clock-locked").hidden = state !== "locked";
  }

  /** Called every tick by exam.js. */
  tick() {
    this.tickOverview();
    const d = this.data;
    if (!d || !this.box) { return; }
    const state = this.state();
    this.show(state);
    if (state === "not_started") { return; }
    const t = this.opts.t;
    const left = (Date.parse(d.deadline) - this.opts.clock.now()) / 1000;
    const value = document.getElementById("task-clock-value");
    if (value) { value.textContent = formatClock(left); }
    this.box.classList.toggle("is-critical", left <= 60);
    WARNINGS.forEach((w) => {
      if (left <= w && left > 0 && !this.warned[w]) {
        this.warned[w] = true;
        if (left > w - 5) { this.opts.say(t("task_warn_" + Math.round(w / 60)), w <= 60); }
      }
    });
    const over = document.getElementById("task-clock-overtime");
    if (state === "overtime" && over) {
      const minutes = Math.min(Math.ceil(-left / 60 - 1e-9), d.stop_minutes);
      const toStop = (Date.parse(d.stop) - this.opts.clock.now()) / 1000;
      over.textContent = t("task_overtime", {minutes: minutes,
        points: Math.round(minutes * d.per_minute * 100) / 100, stop: formatClock(toStop)});
    }
    if (state === "locked" && !this.wasLocked) {
      this.wasLocked = true;
      this.opts.say(t("task_locked"), true);
      this.opts.onLocked();
    }
  }

  tickOverview() {
    document.querySelectorAll("#task-clocks .countdown[data-deadline]").forEach((el) => {
      const left = (Date.parse(el.getAttribute("data-deadline")) - this.opts.clock.now()) / 1000;
      el.textContent = left > 0 ? formatClock(left) : this.opts.t("task_over_short");
    });
  }
}
