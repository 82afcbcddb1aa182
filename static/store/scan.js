// "Scan with camera" next to a code field (templates/store/_scan_button.html).
//
// Where the browser can read barcodes itself (BarcodeDetector) and open the camera
// (getUserMedia), the hidden buttons are shown; a tap opens the camera in a dialog, and the
// first code read goes into the field (a new line in a text area) and, unless the button says
// data-scan-submit="false", submits its form. Typing and a scanner wedge (a scanner that
// types into the focused field) work as before, with or without this script.
(function () {
  "use strict";
  var FORMATS = ["ean_13", "ean_8", "upc_a", "upc_e", "code_128", "code_39", "itf", "qr_code", "data_matrix"];
  var POLL_MS = 150;

  function supported() {
    return "BarcodeDetector" in window && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  function formatsToUse() {
    var Detector = window.BarcodeDetector;
    if (typeof Detector.getSupportedFormats !== "function") return Promise.resolve(FORMATS);
    return Detector.getSupportedFormats().then(function (formats) {
      return FORMATS.filter(function (format) { return formats.indexOf(format) !== -1; });
    });
  }

  function putCode(field, code) {
    if (field.tagName === "TEXTAREA") {
      var text = field.value.replace(/\s+$/, "");
      field.value = (text ? text + "\n" : "") + code + "\n";
    } else {
      field.value = code;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  }

  function scan(button, formats) {
    var field = document.getElementById(button.getAttribute("data-scan-for"));
    var template = document.getElementById("scan-dialog-template");
    if (!field || !template) return;
    var dialog = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(dialog);
    var video = dialog.querySelector("video");
    var stream = null;
    var done = false;
    var detector = new window.BarcodeDetector({ formats: formats });

    function close() {
      done = true;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      if (dialog.open) dialog.close();
      dialog.remove();
      button.focus();
    }

    function fail() {
      dialog.querySelector("[data-scan-error]").hidden = false;
      dialog.querySelector("[data-scan-status]").hidden = true;
      video.hidden = true;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    }

    function look() {
      if (done) return;
      detector.detect(video).then(function (codes) {
        if (done) return;
        var found = codes.filter(function (code) { return code.rawValue; })[0];
        if (!found) {
          window.setTimeout(look, POLL_MS);
          return;
        }
        close();
        putCode(field, found.rawValue);
        if (button.getAttribute("data-scan-submit") !== "false" && field.form) {
          field.form.requestSubmit();
        }
      }, function () {
        // A frame that is not ready yet (or a passing error): try the next one.
        window.setTimeout(look, POLL_MS);
      });
    }

    dialog.querySelector("[data-scan-cancel]").addEventListener("click", close);
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); close(); });
    dialog.showModal();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(
      function (media) {
        if (done) {
          media.getTracks().forEach(function (track) { track.stop(); });
          return;
        }
        stream = media;
        video.srcObject = media;
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () {});
        look();
      },
      fail
    );
  }

  function init() {
    var buttons = document.querySelectorAll("[data-scan-for]");
    if (!buttons.length || !supported()) return;
    formatsToUse().then(function (formats) {
      if (!formats.length) return;
      Array.prototype.forEach.call(buttons, function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { scan(button, formats); });
      });
    }, function () {});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
