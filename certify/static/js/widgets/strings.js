/* certify labeling widgets: every UI text with its English default, and the translator.
 *
 * A page passes translated texts in opts.strings under the same keys ("{name}" placeholders are
 * filled in by the widget). templates/tasks/_widget_strings.html repeats every key with its English
 * default in _(), so that pybabel extracts it (tests/test_translations.py checks they agree).
 */

export const DEFAULT_STRINGS = {
  // Shared frame
  records: "Records",
  record_n: "Record {n} of {total}",
  record_chip: "Record {n}",
  record_done: "done",
  record_todo: "not done",
  progress: "{done} of {total} done",
  previous: "Previous",
  next: "Next",
  next_todo: "Next not done",
  shortcuts: "Keyboard shortcuts",
  in_text_box: "In a text box, hold Alt with these keys.",
  read_only: "Read only",
  unknown_widget: "This task type cannot be shown: {name}.",
  no_records: "This task has no records.",
  opened_record: "Record {n} of {total}",
  key_records: "next / previous record",
  key_next_todo: "next record not done",
  auto_advance: "Go to the next record after choosing",
  undo: "Undo",
  key_undo: "undo",
  nothing_to_undo: "Nothing to undo.",
  undone: "Undone.",
  saved_value: "Answer changed for record {n}.",
  table_view: "Table of all rows",
  table_view_caption: "Every record's row. Sort by a column with its heading; open a record with its number.",
  sort_by: "Sort by {column}",
  open_record: "Open record {n}",
  empty_cell: "(empty)",
  // Choices (classification, multilabel, rating)
  labels: "Labels",
  chose: "Record {n}: {label}.",
  cleared: "Record {n}: answer cleared.",
  clear: "Clear",
  key_clear: "clear the answer",
  key_choose: "choose",
  key_toggle: "switch a label on or off",
  none_apply: "None apply",
  key_none: "none apply",
  key_no_entities: "no entities in this record",
  key_no_objects: "no objects in this image",
  toggled_on: "{label} on.",
  toggled_off: "{label} off.",
  none_chosen: "Record {n}: no labels apply.",
  // NER
  ner_help: "Select text with the mouse (or Shift + arrow keys), then press a label key or button.",
  entities: "Entities",
  no_entities: "No entities",
  no_entities_yet: "No entities marked in this record.",
  confirm_no_entities: "Confirmed: this record has no entities.",
  select_first: "Select some text first, then choose a label.",
  overlap: "That selection overlaps “{text}” ({label}). Remove that entity first: entities may not overlap.",
  added_span: "Marked “{text}” as {label}.",
  relabelled_span: "“{text}” is now {label}.",
  removed_span: "Removed “{text}” ({label}).",
  remove_span: "Remove “{text}” ({label})",
  key_select_text: "move / extend the selection",
  key_label_span: "label the selection",
  key_remove_span: "remove the focused entity (or click it)",
  text_label: "Text of record {n}",
  // Bounding boxes
  bbox_help: "Drag on the image to draw a box. Drag a box to move it, drag its corners to resize.",
  boxes: "Boxes",
  no_boxes: "No boxes drawn in this record.",
  no_objects: "No objects",
  confirm_no_boxes: "Confirmed: this image has no objects to box.",
  box_item: "{i}. {label} — x {x}, y {y}, {w} × {h}",
  box_pos: "{x}, {y}",
  box_size: "{w}×{h}",
  box_label_for: "Label of box {i}",
  delete_box: "Delete box {i}",
  drew_box: "Box {i} drawn: {label}.",
  moved_box: "Box {i} moved to x {x}, y {y}.",
  resized_box: "Box {i} is now {w} × {h}.",
  relabelled_box: "Box {i} is now {label}.",
  deleted_box: "Box {i} deleted.",
  selected_box: "Box {i} selected: {label}, x {x}, y {y}, {w} × {h}.",
  too_small: "Too small: a box must be at least {min} × {min} pixels.",
  current_label: "Label for new boxes",
  zoom_in: "Zoom in",
  zoom_out: "Zoom out",
  zoom_fit: "Fit",
  zoom_level: "Zoom {pct}%",
  image_of: "Image of record {n}",
  key_draw: "new box in the middle of the view",
  key_label_box: "label for the next box (a drawn box keeps its label)",
  key_relabel_box: "change the label of the selected box",
  change_label: "Change label of the selected box",
  selected_box_info: "Selected: box {i}, {label}",
  no_box_selected: "No box selected.",
  select_box_first: "Select a box first (click it, or press [ or ]).",
  key_select_box: "select previous / next box",
  key_move_box: "move the selected box (Shift: 10 px), or pan",
  key_resize_box: "resize the selected box",
  key_delete_box: "delete the selected box",
  key_zoom: "zoom in / out / fit",
  key_pan: "hold and drag to pan",
  key_deselect: "deselect",
  // Transcription
  transcription: "Transcription",
  play: "Play",
  pause: "Pause",
  rewind: "Back 3 s",
  key_play: "play / pause",
  key_rewind: "back 3 seconds",
  audio_of: "Audio of record {n}",
  chars: "{n} characters",
  words: "{n} words",
  // Rating
  rating: "Rating",
  rated: "Record {n}: {value} — {label}.",
  prompt: "Prompt",
  reply: "Reply",
  // Ranking
  ranking_help: "Best first. Drag a card by its handle, or focus it and use the keys.",
  rank_n: "Rank {n}",
  move_up: "Move up",
  move_down: "Move down",
  drag_handle: "Drag to reorder",
  moved_to: "“{text}” moved to rank {n} of {total}.",
  confirm_order: "Confirm this order",
  order_confirmed: "Order confirmed for record {n}.",
  key_focus_candidate: "focus previous / next candidate",
  key_move_candidate: "move the focused candidate up / down",
  key_rank: "put the focused candidate at that rank",
  key_confirm_order: "confirm the order as it is",
  ranked: "ranked",
  not_ranked: "not ranked yet",
  // Rubric
  answer: "Your answer",
  scenario: "Scenario (task material)",
  max_chars: "{n} of {max} characters",
  too_long: "Too long: at most {max} characters.",
  add_row: "Add row",
  delete_row: "Delete row {n}",
  row_n: "Row {n}",
  cell_label: "{column}, row {n}",
  max_rows: "At most {max} rows.",
  added_row: "Row {n} added.",
  deleted_row: "Row {n} deleted.",
  key_add_row: "add a row (in the table)",
  key_delete_row: "delete the focused row"
};

/** Translate `key` with opts.strings, falling back to English; fill in {placeholders}. */
export function makeT(strings) {
  return function t(key, params) {
    var text = (strings && Object.prototype.hasOwnProperty.call(strings, key))
      ? strings[key] : DEFAULT_STRINGS[key];
    if (text === undefined) { text = key; }
    if (params) {
      text = String(text).replace(/\{(\w+)\}/g, function (whole, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
      });
    }
    return text;
  };
}
