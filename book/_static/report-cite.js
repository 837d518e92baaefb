/* Copy buttons of the "Cite this" blocks (report_cite extension). No dependencies, no network.
   The buttons are in the page but hidden; this script shows them and copies the text of the element
   named by data-copy-target, or the button's own data-copy-text (a section's one-line citation).
   Loaded once, deferred; a second copy of the script would bind every button twice, so it refuses. Native <button>s: Enter and Space work, focus is visible. Without
   JavaScript the citation text stays selectable. */
(function () {
  "use strict";

  function textOf(target) {
    // BibTeX keeps its lines; the one-line citation has its whitespace collapsed.
    var text = target.textContent || "";
    return target.tagName === "PRE" ? text.replace(/\s+$/, "") : text.replace(/\s+/g, " ").trim();
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function selectText(target) {
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function statusFor(button) {
    var status = button.parentNode.querySelector(".cite-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "cite-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      button.parentNode.appendChild(status);
    }
    return status;
  }

  function init() {
    document.querySelectorAll("button.cite-copy[data-copy-target], button.cite-copy[data-copy-text]").forEach(function (button) {
      var target = button.hasAttribute("data-copy-text") ? button
        : document.getElementById(button.getAttribute("data-copy-target"));
      if (!target || button.hasAttribute("data-cite-bound")) { return; }
      button.setAttribute("data-cite-bound", "");
      button.hidden = false;
      button.addEventListener("click", function () {
        var status = statusFor(button);
        var text = target === button ? button.getAttribute("data-copy-text") : textOf(target);
        copy(text).then(function () {
          status.textContent = "Copied";
        }, function () {
          if (target !== button) {
            selectText(target);
            status.textContent = "Selected: press Ctrl+C (⌘C) to copy";
          } else {
            status.textContent = "The browser refused to copy: cite the chapter above with this link";
          }
        });
        window.setTimeout(function () { status.textContent = ""; }, 4000);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
