// Draw one chart into its container from a compiled Vega spec (scripts/pipeline/pages/runtime.py
// wraps this file in a function scope after the Vega bundle, as _static/vega-runtime.js). Tooltips
// are plain text in a positioned box (textContent: HTML in data values stays text).

var api = window.reportVega;
var vega = api.vega;
var tip = null;
function hideTip() { if (tip) { tip.style.display = "none"; tip.classList.remove("visible"); } }
function showTip(handler, event, item, value) {
  if (value === null || value === undefined || value === "") { hideTip(); return; }
  if (!tip) {
    tip = document.createElement("div");
    tip.id = "vg-tooltip-element";  // the id and "visible" class vega-tooltip's box had
    tip.className = "report-chart-tooltip";
    tip.setAttribute("role", "tooltip");
    document.body.appendChild(tip);
  }
  tip.textContent = "";
  if (typeof value === "object") {
    var table = document.createElement("table");
    Object.keys(value).forEach(function (key) {
      var row = table.insertRow();
      var name = document.createElement("th");
      name.textContent = key;
      row.appendChild(name);
      row.insertCell().textContent = String(value[key]);
    });
    tip.appendChild(table);
  } else {
    tip.textContent = String(value);
  }
  tip.style.display = "block";
  tip.classList.add("visible");
  var x = event.clientX + 14, y = event.clientY + 14;
  var box = tip.getBoundingClientRect();
  if (x + box.width > window.innerWidth - 8) { x = Math.max(8, event.clientX - box.width - 14); }
  if (y + box.height > window.innerHeight - 8) { y = Math.max(8, event.clientY - box.height - 14); }
  tip.style.left = (x + window.scrollX) + "px";
  tip.style.top = (y + window.scrollY) + "px";
}
document.addEventListener("scroll", hideTip, { passive: true });
document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideTip(); } });
// On a desktop-wide column a chart drawn wider than the column would be scaled down, and its
// text with it (below 11 px): its plot is narrowed until the whole chart fits the column instead.
// In a narrower column (a phone) the chart keeps its drawn size and scrolls sideways (report.css).
var FIT_FROM = 600;
function fit(view, container, tries, least) {
  var svg = container.querySelector("svg");
  var room = container.clientWidth;
  if (!svg || tries <= 0 || room < FIT_FROM) { return view; }
  var over = parseFloat(svg.getAttribute("width")) - room;
  var width = view.width();
  if (!(over > 0.5) || !(width > least)) { return view; }
  view.width(Math.max(least, Math.floor(width - Math.ceil(over))));
  return view.runAsync().then(function () { return fit(view, container, tries - 1, least); });
}
// A chart whose spec binds parameters to inputs (sliders) gets them in ``controls``, an element
// outside the chart's container (which is one image to a screen reader); without it Vega would
// put them inside. Resolves to the Vega view.
api.draw = function (container, spec, controls) {
  var view = new vega.View(vega.parse(spec), {
    renderer: "svg", container: container, bind: controls || undefined, hover: true, tooltip: showTip
  });
  // never narrower than half its drawn plot: a chart that still does not fit is scaled instead
  return view.runAsync().then(function () { return fit(view, container, 5, Math.max(160, view.width() / 2)); });
};
