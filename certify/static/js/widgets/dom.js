/* certify labeling widgets: DOM and keyboard helpers every widget shares (no state). */

/** Create an element: h("button", {class: "x", type: "button", text: "Go"}, [children]). */
export function h(tag, attrs, children) {
  var el = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === "text") { el.textContent = value; }
      else if (name === "class") { el.className = value; }
      else if (name.slice(0, 2) === "on" && typeof value === "function") {
        el.addEventListener(name.slice(2), value);
      } else { el.setAttribute(name, value === true ? "" : String(value)); }
    });
  }
  (children || []).forEach(function (child) {
    if (child === null || child === undefined || child === false) { return; }
    el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return el;
}

export function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export function isTextField(el) {
  if (!el || !el.tagName) { return false; }
  var tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select" || el.isContentEditable) { return true; }
  if (tag !== "input") { return false; }
  var type = (el.getAttribute("type") || "text").toLowerCase();
  return ["checkbox", "radio", "button", "submit", "reset", "range", "color"].indexOf(type) < 0;
}

/** A keyboard-layout-safe name for a key: "n", "1", "ArrowUp", "Delete" …
 * Letters and digits come from event.code when Alt is held (macOS turns Alt+N into "˜"), and
 * digits always do (AZERTY needs Shift for them). */
export function keyName(event) {
  var code = event.code || "";
  if (/^(Digit|Numpad)[0-9]$/.test(code)) { return code.slice(-1); }
  if (event.altKey && /^Key[A-Z]$/.test(code)) { return code.slice(3).toLowerCase(); }
  var key = event.key || "";
  return key.length === 1 ? key.toLowerCase() : key;
}

/** The 1-based position a digit key stands for (1…9, then 0 for the tenth), or -1. */
export function digitIndex(name) {
  if (!/^[0-9]$/.test(name)) { return -1; }
  return name === "0" ? 9 : Number(name) - 1;
}

/** The key that picks the i-th (0-based) choice: "1" … "9", "0" for the tenth, else "". */
export function digitFor(i) {
  if (i < 9) { return String(i + 1); }
  return i === 9 ? "0" : "";
}

// Unicode code points <-> JS UTF-16 indexes. Python's str indexes count code points, so an
// emoji or a CJK Extension B character is one position there but two UTF-16 units here.
export function codePoints(text) { return Array.from(text || ""); }

export function utf16ToCodePoint(text, index) {
  var count = 0;
  for (var i = 0; i < index && i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) {
      var d = text.charCodeAt(i + 1);
      if (d >= 0xDC00 && d <= 0xDFFF) {
        if (i + 1 >= index) { break; } // index points inside a pair: count it before the pair
        i++;
      }
    }
    count++;
  }
  return count;
}

export function codePointToUtf16(text, cp) {
  var i = 0;
  for (var n = 0; n < cp && i < text.length; n++) {
    var c = text.charCodeAt(i);
    i += (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) ? 2 : 1;
  }
  return i;
}

export function shortcutList(t, keys, altNote) {
  var list = h("dl", {class: "lw-keys-list"});
  keys.forEach(function (entry) {
    var dt = h("dt");
    entry[0].forEach(function (k, i) {
      if (i) { dt.appendChild(document.createTextNode(" ")); }
      dt.appendChild(h("kbd", {text: k}));
    });
    list.appendChild(h("div", {class: "lw-key"}, [dt, h("dd", {text: entry[1]})]));
  });
  return h("section", {class: "lw-keys", "aria-label": t("shortcuts")}, [
    h("h4", {class: "lw-keys-title", text: t("shortcuts")}), list,
    altNote ? h("p", {class: "lw-keys-note", text: t("in_text_box")}) : null]);
}
