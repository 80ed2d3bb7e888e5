/* Rubric (examiner-marked) tasks: a written answer per record — a text with a character count,
 * or, when config.response is "table", a small table editor (value: rows of cell texts, one cell
 * per config.columns, at most config.max_rows rows), matching certify.tasks.rubric.
 * A table is edited cell by cell in text areas: Alt+Enter adds a row after the focused one,
 * Alt+Delete deletes the focused row; the buttons do the same. */
(function (CW, window) {
  "use strict";
  var U = CW.util;
  var h = U.h;

  CW.register("rubric", function mount(root, opts) {
    var config = (opts.task && opts.task.config) || {};
    var isTable = config.response === "table";
    var columns = config.columns || [];
    var maxRows = Number(config.max_rows || 50);
    var maxChars = Number(config.max_chars || 20000);
    var t = U.t(opts.strings);
    var f;
    var rows = [];
    var tbody = null;
    var addButton = null;

    function lengthOf(text) { return U.codePoints(text).length; }

    function renderText(record, value, answer) {
      var id = "lw-rb-" + Math.random().toString(36).slice(2);
      var box = h("textarea", {class: "lw-essay", id: id, rows: 14, readonly: f.readOnly, lang: record.lang || null});
      box.value = typeof value === "string" ? value : "";
      var counter = h("span", {class: "lw-count muted"});
      var show = function () {
        var n = lengthOf(box.value);
        counter.textContent = t("max_chars", {n: n, max: maxChars});
        counter.classList.toggle("is-over", n > maxChars);
        if (n > maxChars) { f.warn(t("too_long", {max: maxChars})); } else { f.warn(""); }
      };
      box.addEventListener("input", function () { show(); f.set(record.id, box.value); });
      answer.appendChild(h("label", {class: "lw-answer-label lw-section-title", for: id, text: t("answer")}));
      answer.appendChild(box);
      answer.appendChild(counter);
      show();
    }

    function tableValue() { return rows.map(function (r) { return r.slice(); }); }
    function storeTable(message, focus) {
      f.set(f.record().id, tableValue(), message);
      drawRows(focus);
    }
    function addRow(after) {
      if (f.readOnly) { return; }
      if (rows.length >= maxRows) { f.warn(t("max_rows", {max: maxRows})); return; }
      var at = after === undefined ? rows.length : after + 1;
      rows.splice(at, 0, columns.map(function () { return ""; }));
      storeTable(t("added_row", {n: at + 1}), [at, 0]);
    }
    function deleteRow(i) {
      if (f.readOnly || !rows[i]) { return; }
      rows.splice(i, 1);
      f.warn("");
      storeTable(t("deleted_row", {n: i + 1}), rows.length ? [Math.min(i, rows.length - 1), 0] : null);
      if (!rows.length && addButton) { addButton.focus(); }
    }
    function drawRows(focus) {
      tbody.textContent = "";
      rows.forEach(function (row, i) {
        var tr = h("tr", null, [h("th", {scope: "row", class: "lw-row-n", text: String(i + 1)})]);
        row.forEach(function (cell, j) {
          var area = h("textarea", {class: "lw-cell", rows: 2, readonly: f.readOnly, "data-row": i, "data-col": j,
                                    "aria-label": t("cell_label", {column: columns[j], n: i + 1})});
          area.value = cell;
          area.addEventListener("input", function () {
            rows[i][j] = area.value;
            f.set(f.record().id, tableValue());
          });
          tr.appendChild(h("td", null, [area]));
        });
        if (!f.readOnly) {
          tr.appendChild(h("td", {class: "lw-row-tools"}, [
            h("button", {type: "button", class: "lw-remove", text: "×", title: t("delete_row", {n: i + 1}) + " (Alt+Delete)",
                         "aria-label": t("delete_row", {n: i + 1}), onclick: function () { deleteRow(i); }})]));
        }
        tbody.appendChild(tr);
      });
      if (addButton) { addButton.disabled = rows.length >= maxRows; }
      if (focus) {
        var target = tbody.querySelector('[data-row="' + focus[0] + '"][data-col="' + focus[1] + '"]');
        if (target) { target.focus(); }
      }
    }
    function renderTable(record, value, answer) {
      rows = Array.isArray(value) ? value.map(function (r) {
        return columns.map(function (c, j) { return r[j] === undefined || r[j] === null ? "" : String(r[j]); });
      }) : [];
      var head = h("tr", null, [h("th", {scope: "col", class: "lw-row-n", text: "#"})]);
      columns.forEach(function (c) { head.appendChild(h("th", {scope: "col", text: String(c)})); });
      if (!f.readOnly) { head.appendChild(h("th", {scope: "col"}, [h("span", {class: "sr-only", text: t("key_delete_row")})])); }
      tbody = h("tbody");
      addButton = f.readOnly ? null : h("button", {type: "button", class: "btn btn-small lw-add-row",
                                                   title: t("key_add_row") + " (Alt+Enter)",
                                                   onclick: function () { addRow(); }}, ["+ " + t("add_row")]);
      answer.appendChild(h("p", {class: "lw-answer-label lw-section-title", text: t("answer")}));
      answer.appendChild(h("div", {class: "table-wrap"}, [
        h("table", {class: "table table-compact lw-table"}, [h("thead", null, [head]), tbody])]));
      if (addButton) { answer.appendChild(addButton); }
      drawRows();
    }

    /** The scenario (task material): Markdown rendered and sanitised on the server
     * (certify.banks.markup, record.text_html / prompt_html); plain text when there is none. */
    function scenarioView(record) {
      var html = {prompt: record.prompt_html, text: record.text_html};
      var plain = {};
      ["prompt", "text"].forEach(function (name) { if (typeof html[name] !== "string") { plain[name] = record[name]; } });
      var body = U.recordView({id: record.id, prompt: plain.prompt, text: plain.text, image: record.image,
                               attachment: record.attachment}, f);
      ["text", "prompt"].forEach(function (name) {
        if (typeof html[name] === "string" && html[name]) {
          var prose = h("div", {class: "prose lw-scenario-text"});
          prose.innerHTML = html[name];  // sanitised server-side (nh3 allow-list)
          body.insertBefore(prose, body.firstChild);
        }
      });
      return h("section", {class: "lw-scenario", "aria-label": t("scenario")}, [
        h("h4", {class: "lw-section-title", text: t("scenario")}), body]);
    }

    function render(record, value, area) {
      var answer = h("section", {class: "lw-answer", "aria-label": t("answer")});
      var content = scenarioView(record);
      area.appendChild(h("div", {class: "lw-rubric" + (isTable ? " lw-rubric-table" : "")}, [content, answer]));
      if (isTable) { renderTable(record, value, answer); } else { renderText(record, value, answer); }
    }

    f = U.frame(root, opts, {
      type: "rubric",
      isDone: function (value) {
        if (typeof value === "string") { return value.trim() !== ""; }
        return Array.isArray(value) && value.some(function (r) {
          return (r || []).some(function (c) { return String(c || "").trim() !== ""; });
        });
      },
      render: render,
      altNote: true,
      keys: isTable ? [[["Alt", "Enter"], t("key_add_row")], [["Alt", "Delete"], t("key_delete_row")]] : [],
      onKey: function (name, event) {
        if (!isTable || f.readOnly || !event.altKey) { return false; }
        var cell = event.target && event.target.closest ? event.target.closest("[data-row]") : null;
        if (name === "Enter") { addRow(cell ? Number(cell.getAttribute("data-row")) : undefined); return true; }
        if (name === "Delete" && cell) { deleteRow(Number(cell.getAttribute("data-row"))); return true; }
        return false;
      }
    });
    f.start();
    return {destroy: f.destroy, keyDown: f.keyDown};
  });
})(window.CertifyWidgets, window);
