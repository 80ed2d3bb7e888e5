/* The save queue of the exam page: every change waits here, and in localStorage, until the server
 * acknowledged a save carrying it (docs/contracts.md §3). No network and no DOM: exam.js sends
 * what batch() gives and reports the answer with acknowledge() or reject().
 *
 * An entry is one answer (position, record) or one flag (position), with a revision number that
 * grows with every change; an acknowledgement only removes the revision it carried, so a change
 * made while a save was in flight stays queued. Sequence numbers only grow, past anything the
 * server reports (last_seq).
 */

export function keyOf(position, record) {
  return position + "|" + (record === null || record === undefined ? "" : record);
}

export class SaveQueue {
  /**
   * @param storage a Storage (localStorage) or null
   * @param key the storage key (one per candidate and attempt)
   * @param lastSeq the newest sequence number the server has seen
   */
  constructor(storage, key, lastSeq) {
    this.storage = storage;
    this.key = key;
    this.storageOk = !!storage;
    this.seq = 0;
    this.pending = {};
    this.flags = {};
    this.warned = {};
    this.retried = {}; // key -> revision already re-sent once after a stale acknowledgement
    this.load();
    this.seq = Math.max(this.seq, lastSeq || 0);
  }

  load() {
    try {
      const raw = this.storage ? this.storage.getItem(this.key) : null;
      if (raw) {
        const data = JSON.parse(raw);
        this.seq = data.seq || 0;
        this.pending = data.pending || {};
        this.flags = data.flags || {};
        this.warned = data.warned || {};
      }
    } catch (e) { this.storageOk = false; }
  }

  persist() {
    try {
      if (this.storage) {
        this.storage.setItem(this.key, JSON.stringify(
          {seq: this.seq, pending: this.pending, flags: this.flags, warned: this.warned}));
      }
    } catch (e) { this.storageOk = false; }
  }

  nextSeq(atLeast) {
    this.seq = Math.max(this.seq, atLeast || 0) + 1;
    return this.seq;
  }

  /** Raise the sequence to at least what the server reports it has seen. */
  seen(lastSeq) { this.seq = Math.max(this.seq, lastSeq || 0); }

  count() { return Object.keys(this.pending).length + Object.keys(this.flags).length; }

  /** Queue an answer (``record`` null for a whole-item answer); returns its revision. */
  answer(position, record, value) {
    const k = keyOf(position, record);
    const rev = (this.pending[k] ? this.pending[k].rev : 0) + 1;
    this.pending[k] = {position: position, record: record === undefined ? null : record,
                       value: value, rev: rev};
    this.persist();
    return rev;
  }

  flag(position, flagged) {
    const rev = (this.flags[position] ? this.flags[position].rev : 0) + 1;
    this.flags[position] = {flagged: flagged, rev: rev};
    this.persist();
    return rev;
  }

  /** The queued answer of (position, record), or undefined. */
  entry(position, record) { return this.pending[keyOf(position, record)]; }

  /** Everything queued as one save: {body: {seq, answers, flags}, sent, flagsSent}, or null. */
  batch() {
    const keys = Object.keys(this.pending);
    const flagKeys = Object.keys(this.flags);
    if (!keys.length && !flagKeys.length) { return null; }
    const sent = {};
    const answers = keys.map((k) => {
      const entry = this.pending[k];
      sent[k] = entry.rev;
      return {position: entry.position, record: entry.record, value: entry.value};
    });
    const flagsSent = {};
    const flags = flagKeys.map((p) => {
      flagsSent[p] = this.flags[p].rev;
      return {position: Number(p), flagged: this.flags[p].flagged};
    });
    const seq = this.nextSeq();
    this.persist();
    return {body: {seq: seq, answers: answers, flags: flags}, sent: sent, flagsSent: flagsSent};
  }

  /**
   * The server committed a save (HTTP 200, ``data`` its JSON): drop what it applied. An answer it
   * did not apply (the server holds a newer number: another tab or device, or the save arrived
   * twice) stays queued once more, to be sent numbered after everything the server has seen: the
   * answer on this screen is the candidate's latest.
   */
  acknowledge(batch, data) {
    (data.saved || []).forEach((s) => {
      const k = keyOf(s.position, s.record);
      const entry = this.pending[k];
      if (!entry || entry.rev !== batch.sent[k]) { return; } // changed again meanwhile: keep it
      if (!s.applied && this.retried[k] !== entry.rev) {
        this.retried[k] = entry.rev;
        this.seen(data.last_seq);
        return;
      }
      delete this.pending[k];
    });
    Object.keys(batch.flagsSent).forEach((p) => {
      if (this.flags[p] && this.flags[p].rev === batch.flagsSent[p]) { delete this.flags[p]; }
    });
    this.persist();
  }

  /**
   * The server refused one answer's shape (HTTP 422, ``data`` names position and record): drop
   * that answer (it would block the others); if it cannot be told apart, drop what was sent.
   */
  reject(batch, data) {
    const keys = Object.keys(batch.sent);
    const bad = keys.filter((k) => {
      const e = this.pending[k];
      return e && e.position === data.position &&
        (data.record === null || data.record === undefined || String(e.record) === String(data.record));
    });
    (bad.length ? bad : keys).forEach((k) => { delete this.pending[k]; });
    this.persist();
  }

  /**
   * The server refused saves to a locked task (HTTP 423, code "task_locked"): take that task's
   * answers out of the queue (they would block the rest) but keep them on this computer, under
   * key + ":refused", for the invigilator. Returns them.
   */
  setAside(position) {
    const kept = [];
    Object.keys(this.pending).forEach((k) => {
      if (this.pending[k].position === position) { kept.push(this.pending[k]); delete this.pending[k]; }
    });
    try {
      if (this.storage && kept.length) {
        const old = JSON.parse(this.storage.getItem(this.key + ":refused") || "[]");
        this.storage.setItem(this.key + ":refused", JSON.stringify(old.concat(kept)));
      }
    } catch (e) { this.storageOk = false; }
    this.persist();
    return kept;
  }

  /** The attempt is over (submitted or voided): forget what is queued. */
  clear() {
    this.pending = {};
    this.flags = {};
    this.persist();
  }
}
