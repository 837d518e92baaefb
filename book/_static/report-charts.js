/* Draw the page's charts when they come near the viewport (scripts/sphinx_ext/report_charts.py).
 *
 * Each chart is a <div class="vega-chart"> followed by <script class="vega-spec"> holding its
 * Vega spec, compiled from Vega-Lite at build time. The chart runtime (_static/vega-runtime.js,
 * Vega only) is fetched the first time a chart is within 200 px of the viewport, so a reader who
 * only reads the opening pays nothing for charts further down. Printing draws every chart, and
 * window.reportCharts.drawAll() does so on request (the PDF and the tests use it).
 *
 * A chart with sliders (a model recomputed in the browser, scripts/analysis/inpage_models.py) has
 * a <div class="figure-explore" data-chart="ID" hidden> beside it: its sliders are put in its
 * .figure-controls box and it is shown once the chart is drawn. window.reportCharts.views[ID] is
 * the drawn chart's Vega view (tests set its signals and read its data through it).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var runtimeUrl = script && script.getAttribute("data-runtime");
  var loading = null;
  var views = {};

  function loadRuntime() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = runtimeUrl;
        tag.async = true;
        tag.onload = function () {
          if (window.reportVega && window.reportVega.draw) { resolve(window.reportVega); }
          else { reject(new Error("the chart runtime did not start")); }
        };
        tag.onerror = function () { reject(new Error("the chart runtime could not be loaded")); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(target) {
    if (target.getAttribute("data-rendered")) { return Promise.resolve(); }
    target.setAttribute("data-rendered", "pending");
    var label = target.getAttribute("aria-label");
    var source = document.querySelector('script.vega-spec[data-chart="' + target.id + '"]');
    var explore = document.querySelector('.figure-explore[data-chart="' + target.id + '"]');
    var controls = explore && explore.querySelector(".figure-controls");
    return loadRuntime()
      .then(function (api) {
        if (!source) { throw new Error("no chart spec on the page"); }
        return api.draw(target, JSON.parse(source.textContent), controls);
      })
      .then(function (view) {
        views[target.id] = view;
        if (explore) { explore.hidden = false; }
        // Vega makes the container a "graphics-document" whose marks a screen reader walks one
        // by one; each chart keeps one text alternative, its takeaway, as an image.
        target.setAttribute("role", "img");
        target.removeAttribute("aria-roledescription");
        if (label) { target.setAttribute("aria-label", label); }
        target.style.minHeight = "";
        target.setAttribute("data-rendered", "yes");
      })
      .catch(function (error) {
        target.setAttribute("data-rendered", "failed");
        target.textContent = "This chart could not be drawn: " + error.message;
        console.error(error);
      });
  }

  var charts = Array.prototype.slice.call(document.querySelectorAll(".vega-chart"));
  function drawAll() { return Promise.all(charts.map(draw)); }
  window.reportCharts = { draw: draw, drawAll: drawAll, views: views };
  window.addEventListener("beforeprint", drawAll);

  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    }, { rootMargin: "200px 0px" });
    charts.forEach(function (chart) { observer.observe(chart); });
  } else {
    drawAll();
  }
}());
