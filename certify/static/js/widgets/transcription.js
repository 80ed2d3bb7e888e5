/* Transcription: type what an image or an audio clip says, record by record (value: "text").
 * The text box sits beside the image (or below the audio player); the record's optional text is
 * shown as context. Typing reports every change; Alt+N / Alt+P move between records from inside
 * the text box and keep the focus in the next record's text box. */
(function (CW, window) {
  "use strict";
  var U = CW.util;
  var h = U.h;

  CW.register("transcription", function mount(root, opts) {
    var config = (opts.task && opts.task.config) || {};
    var byWord = config.unit === "word";
    var t = U.t(opts.strings);
    var f;
    var box = null;
    var audio = null;
    var playButton = null;
    var counter = null;
    var typing = false;

    function count(text) {
      if (byWord) {
        var words = text.trim() ? text.trim().split(/\s+/).length : 0;
        return t("words", {n: words});
      }
      return t("chars", {n: U.codePoints(text).length});
    }
    function togglePlay() {
      if (!audio) { return; }
      if (audio.paused) { audio.play().catch(function () {}); } else { audio.pause(); }
    }
    function rewind() {
      if (audio) { audio.currentTime = Math.max(0, audio.currentTime - 3); }
    }
    function showPlaying() {
      if (!playButton) { return; }
      var playing = audio && !audio.paused;
      playButton.lastChild.textContent = " " + t(playing ? "pause" : "play");
      playButton.setAttribute("aria-pressed", playing ? "true" : "false");
    }

    function render(record, value, area, index) {
      var n = index + 1;
      var media = h("div", {class: "lw-media"});
      audio = null;
      playButton = null;
      if (record.image) {
        media.appendChild(h("figure", {class: "lw-figure"}, [
          h("img", {class: "lw-image", src: record.image, alt: t("image_of", {n: n}), draggable: "false"})]));
      }
      if (record.audio) {
        audio = h("audio", {class: "lw-audio", controls: true, preload: "auto", src: record.audio,
                            "aria-label": t("audio_of", {n: n})});
        playButton = h("button", {type: "button", class: "btn btn-small lw-play", "aria-pressed": "false",
                                  title: t("key_play") + " (K)", onclick: togglePlay},
                       [h("kbd", {text: "K"}), " " + t("play")]);
        var back = h("button", {type: "button", class: "btn btn-small", title: t("key_rewind") + " (J)",
                                onclick: rewind}, [h("kbd", {text: "J"}), " " + t("rewind")]);
        ["play", "pause", "ended"].forEach(function (type) { audio.addEventListener(type, showPlaying); });
        media.appendChild(h("div", {class: "lw-audio-box"}, [audio, h("div", {class: "cluster"}, [playButton, back])]));
      }
      if (record.text) {
        media.appendChild(h("p", {class: "lw-caption", text: String(record.text)}));
      }
      var id = "lw-tr-" + Math.random().toString(36).slice(2);
      box = h("textarea", {class: "lw-transcript", id: id, rows: record.audio ? 5 : 4, spellcheck: "false",
                           readonly: f.readOnly, lang: record.lang || null});
      box.value = typeof value === "string" ? value : "";
      counter = h("span", {class: "lw-count muted", "aria-live": "off", text: count(box.value)});
      box.addEventListener("input", function () {
        counter.textContent = count(box.value);
        f.set(record.id, box.value);
      });
      area.appendChild(h("div", {class: "lw-transcription" + (record.image ? " lw-has-image" : "")}, [
        media,
        h("div", {class: "lw-answer"}, [
          h("label", {class: "lw-answer-label", for: id, text: t("transcription")}), box, counter])]));
      if (typing) { box.focus({preventScroll: true}); }
    }

    f = U.frame(root, opts, {
      type: "transcription",
      isDone: function (value) { return typeof value === "string" && value.trim() !== ""; },
      render: render,
      altNote: true,
      leave: function () {
        typing = !!box && window.document.activeElement === box;
        if (audio) { audio.pause(); }
      },
      keys: (opts.records || []).some(function (r) { return r.audio; })
        ? [[["K"], t("key_play")], [["J"], t("key_rewind")]] : [],
      onKey: function (name, event) {
        if (event.ctrlKey || event.metaKey) { return false; }
        if (name === "k" && audio) { togglePlay(); return true; }
        if (name === "j" && audio) { rewind(); return true; }
        return false;
      }
    });
    f.start();
    return {destroy: f.destroy, keyDown: f.keyDown};
  });
})(window.CertifyWidgets, window);
