/* The syllabus-unit picker (issue 12 §17): a searchable tree of checkboxes over the
 * <select multiple class="unit-select"> it enhances. The select stays in the form (hidden) and
 * every checkbox sets its option, so the form submits exactly the values it always did; without
 * scripts the plain select still works. Levels are the select's optgroups; a unit's depth is the
 * indentation of its label. Keyboard: Tab to a checkbox, Space ticks it; the ▸ buttons open and
 * close a branch (Enter/Space); typing in the search box filters the tree. An ES module. */

function text(select, name, fallback) {
  return select.getAttribute(`data-tree-${name}`) || fallback;
}

function depthOf(option) {
  const match = /^\u2003*/.exec(option.textContent);
  return match ? match[0].length : 0;
}

function element(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") { node.textContent = value; } else { node.setAttribute(key, value); }
  }
  for (const child of children) { node.append(child); }
  return node;
}

let counter = 0;

function branchToggle(li, label, open) {
  const button = element("button", {type: "button", class: "unit-tree-toggle",
                                     "aria-expanded": String(open), "aria-label": label});
  button.textContent = "▸";
  button.addEventListener("click", () => {
    const expanded = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(expanded));
    li.classList.toggle("is-open", expanded);
  });
  li.classList.toggle("is-open", open);
  return button;
}

function enhance(select) {
  counter += 1;
  const id = `unit-tree-${counter}`;
  const root = element("div", {class: "unit-tree", id});
  const search = element("input", {type: "search", class: "unit-tree-search", id: `${id}-search`,
                                   autocomplete: "off", placeholder: text(select, "search", "Search units")});
  const searchLabel = element("label", {for: `${id}-search`, class: "sr-only",
                                        text: text(select, "search", "Search units")});
  const summary = element("p", {class: "unit-tree-summary", "aria-live": "polite"});
  const chosen = element("ul", {class: "unit-tree-chosen"});
  const tree = element("ul", {class: "unit-tree-list", role: "group"});
  const boxes = [];  // {option, box, li, ancestors: [li]}

  const groups = select.querySelectorAll("optgroup").length
    ? [...select.querySelectorAll("optgroup")]
    : [{label: "", children: select.options, plain: true}];
  for (const group of groups) {
    let parentList = tree;
    let groupLi = null;
    if (!group.plain) {
      groupLi = element("li", {class: "unit-tree-level"});
      const sub = element("ul");
      groupLi.append(branchToggle(groupLi, group.label, false),
                     element("span", {class: "unit-tree-group", text: group.label}), sub);
      tree.append(groupLi);
      parentList = sub;
    }
    const stack = [];  // [{depth, li, list}]
    for (const option of [...group.children]) {
      const depth = depthOf(option);
      while (stack.length && stack[stack.length - 1].depth >= depth) { stack.pop(); }
      const list = stack.length ? stack[stack.length - 1].list : parentList;
      const li = element("li");
      const box = element("input", {type: "checkbox", id: `${id}-${boxes.length}`,
                                    value: option.value});
      box.checked = option.selected;
      box.addEventListener("change", () => { option.selected = box.checked; refresh(); });
      const label = element("label", {for: box.id}, [
        element("code", {text: option.value}), ` ${option.textContent.trim().replace(/^\S+\s*/, "")}`]);
      li.append(box, label);
      list.append(li);
      const ancestors = stack.map((entry) => entry.li);
      if (groupLi) { ancestors.unshift(groupLi); }
      boxes.push({option, box, li, ancestors});
      // A list for children, turned into a branch when the first child arrives.
      const entry = {depth, li, list: null};
      Object.defineProperty(entry, "list", {get() {
        if (!li.querySelector(":scope > ul")) {
          li.insertBefore(branchToggle(li, option.value, false), li.firstChild);
          li.append(element("ul"));
        }
        return li.querySelector(":scope > ul");
      }});
      stack.push(entry);
    }
  }

  function refresh() {
    const picked = boxes.filter((b) => b.option.selected);
    summary.textContent = text(select, "chosen", "Chosen: {n}").replace("{n}", String(picked.length));
    chosen.replaceChildren(...picked.map((b) => {
      const remove = element("button", {type: "button", class: "unit-tree-remove",
                                        "aria-label": text(select, "remove", "Remove {ref}").replace("{ref}", b.option.value)});
      remove.textContent = "×";
      remove.addEventListener("click", () => { b.option.selected = false; b.box.checked = false; refresh(); });
      return element("li", {}, [element("code", {text: b.option.value}), remove]);
    }));
  }

  function filter() {
    const wanted = search.value.trim().toLowerCase();
    for (const li of root.querySelectorAll("li")) { li.hidden = Boolean(wanted); }
    for (const b of boxes) {
      const hit = !wanted || b.option.textContent.toLowerCase().includes(wanted);
      if (!hit) { continue; }
      b.li.hidden = false;
      for (const li of b.ancestors) {
        li.hidden = false;
        if (wanted) {
          li.classList.add("is-open");
          li.querySelector(":scope > .unit-tree-toggle")?.setAttribute("aria-expanded", "true");
        }
      }
    }
  }
  search.addEventListener("input", filter);
  search.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); } });

  // Open the branches that hold a chosen unit, so earlier choices are in view.
  for (const b of boxes) {
    if (!b.option.selected) { continue; }
    for (const li of b.ancestors) {
      li.classList.add("is-open");
      li.querySelector(":scope > .unit-tree-toggle")?.setAttribute("aria-expanded", "true");
    }
  }
  root.append(searchLabel, search, summary, chosen, tree);
  select.classList.add("is-enhanced");
  select.setAttribute("aria-hidden", "true");
  select.tabIndex = -1;
  select.after(root);
  const fieldLabel = select.id && document.querySelector(`label[for="${select.id}"]`);
  if (fieldLabel) { fieldLabel.setAttribute("for", search.id); }
  refresh();
}

for (const select of document.querySelectorAll("select[multiple].unit-select")) { enhance(select); }
