/* The save queue of the exam page: every change waits here, and in localStorage, until the server
 * acknowledged a save carrying it (docs/contracts.md §3). No network and no DOM: exam.js sends
 * what batch() gives and reports the answer with acknowledge() or reject().
 *
 * An entry is one answer (position, record) or one flag (position), with a revision number that
 * grows with every change; an acknowledgement only removes the revision it carried, so a change
 * made while a save was in flight stays queued. Sequence numbers only grow, past anything the
 * server reports (last_seq).
 *
 * Several tabs (or windows) of one attempt share the storage key: each entry carries the tab that
 * made it and when (``tab``, ``at``: the server's time as the page knows it), and every write
 * merges entry by entry with what is stored — the newer entry of a key wins, an entry another tab
 * has had acknowledged (and removed) is dropped, and one this queue removed is never brought back —
 * so no tab erases another's queued answers, and whatever one tab leaves queued is sent by another.
 */

let tabCounter = 0;
function newTabId() {
  tabCounter += 1;
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 8) + tabCounter;
}

function ident(entry) { return entry ? entry.tab + ":" + entry.rev : ""; }

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
    this.tab = newTabId();
    this.gone = {}; // key -> ident of an entry this queue removed (never to be merged back)
    this.load();
    this.seq = Math.max(this.seq, lastSeq || 0);
  }

  read() {
    try {
      const raw = this.storage ? this.storage.getItem(this.key) : null;
      return raw ? JSON.parse(raw) : null;
    } catch (e) { this.storageOk = false; return null; }
  }

  load() { this.sync(); }

  /**
   * Merge what is stored (written by this or another tab) into this queue, entry by entry.
   * Returns the keys of answers that changed here (another tab's newer entries, or entries it
   * had acknowledged and removed).
   */
  sync(stored) {
    const data = stored === undefined ? this.read() : stored;
    if (!data) { return []; }
    this.seq = Math.max(this.seq, data.seq || 0);
    Object.keys(data.warned || {}).forEach((w) => { this.warned[w] = true; });
    const changed = this.mergeMap(this.pending, data.pending || {});
    this.mergeMap(this.flags, data.flags || {});
    return changed;
  }

  mergeMap(mine, theirs) {
    const changed = [];
    Object.keys(theirs).forEach((k) => {
      const entry = theirs[k];
      if (!entry || (this.gone[k] && this.gone[k] === ident(entry))) { return; }
      const own = mine[k];
      if (!own || (ident(own) !== ident(entry) && (entry.at || 0) > (own.at || 0))) {
        mine[k] = entry;
        changed.push(k);
      }
    });
    Object.keys(mine).forEach((k) => {
      // Another tab's entry that is no longer stored was acknowledged there: drop it here too.
      if (!(k in theirs) && mine[k].tab !== undefined && mine[k].tab !== this.tab) {
        delete mine[k];
        changed.push(k);
      }
    });
    return changed;
  }

  persist() {
    try {
      if (this.storage) {
        this.sync();
        this.storage.setItem(this.key, JSON.stringify(
          {seq: this.seq, pending: this.pending, flags: this.flags, warned: this.warned}));
      }
    } catch (e) { this.storageOk = false; }
  }

  /** Remove the entry of ``k`` from ``map`` and remember it is gone (never merged back). */
  drop(map, k) {
    if (map[k]) { this.gone[k] = ident(map[k]); }
    delete map[k];
  }

  nextSeq(atLeast) {
    this.seq = Math.max(this.seq, atLeast || 0) + 1;
    return this.seq;
  }

  /** Raise the sequence to at least what the server reports it has seen. */
  seen(lastSeq) { this.seq = Math.max(this.seq, lastSeq || 0); }

  count() { return Object.keys(this.pending).length + Object.keys(this.flags).length; }

  /**
   * Queue an answer (``record`` null for a whole-item answer) entered at ``at`` (ms, the server's
   * time as the page knows it; now by default); returns its revision.
   */
  answer(position, record, value, at) {
    const k = keyOf(position, record);
    const rev = (this.pending[k] ? this.pending[k].rev : 0) + 1;
    this.pending[k] = {position: position, record: record === undefined ? null : record,
                       value: value, rev: rev, tab: this.tab, at: at || Date.now()};
    this.persist();
    return rev;
  }

  flag(position, flagged, at) {
    const rev = (this.flags[position] ? this.flags[position].rev : 0) + 1;
    this.flags[position] = {flagged: flagged, rev: rev, tab: this.tab, at: at || Date.now()};
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
      sent[k] = ident(entry);
      return {position: entry.position, record: entry.record, value: entry.value};
    });
    const flagsSent = {};
    const flags = flagKeys.map((p) => {
      flagsSent[p] = ident(this.flags[p]);
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
      if (!entry || ident(entry) !== batch.sent[k]) { return; } // changed again meanwhile: keep it
      if (!s.applied && this.retried[k] !== ident(entry)) {
        this.retried[k] = ident(entry);
        this.seen(data.last_seq);
        return;
      }
      this.drop(this.pending, k);
    });
    Object.keys(batch.flagsSent).forEach((p) => {
      if (this.flags[p] && ident(this.flags[p]) === batch.flagsSent[p]) { this.drop(this.flags, p); }
    });
    this.persist();
  }

  /**
   * The server refused one answer's shape (HTTP 422, ``data`` names position and record): drop
   * that answer (it would block the others); if it cannot be told apart, drop what was sent.
   * A refused sequence number (``field`` "seq") drops nothing: the queue renumbers after the
   * server's ``last_seq``. Returns whether something was dropped.
   */
  reject(batch, data) {
    if (data && data.field === "seq") {
      // The numbering is off (a corrupted or foreign local copy): renumber after the server's
      // newest and send everything again; no answer is dropped for it.
      this.seq = Number(data.last_seq) || 0;
      this.persist();
      return false;
    }
    const keys = Object.keys(batch.sent);
    const bad = keys.filter((k) => {
      const e = this.pending[k];
      return e && e.position === data.position &&
        (data.record === null || data.record === undefined || String(e.record) === String(data.record));
    });
    (bad.length ? bad : keys).forEach((k) => { this.drop(this.pending, k); });
    this.persist();
    return true;
  }

  /** Everything queued, as the late delivery sends it: [{position, record, value, entered_at}]. */
  late() {
    return Object.keys(this.pending).map((k) => {
      const e = this.pending[k];
      return {position: e.position, record: e.record, value: e.value, entered_at: e.at};
    });
  }

  /** The server answered for these answers (``keys``): forget them; flags are over too. */
  settle(keys) {
    keys.forEach((k) => { this.drop(this.pending, k); });
    Object.keys(this.flags).forEach((p) => { this.drop(this.flags, p); });
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
