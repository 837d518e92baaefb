// The chart runtime's bundle entry (scripts/pipeline/pages/runtime.py, VEGA_VERSION filled in): Vega's
// module, the copy vl-convert vendors, by the path it is stored under (nothing is fetched), and
// nothing else, so Vega-Lite and Vega-Embed are left out.
import * as vegaModule from "/npm/vega@VEGA_VERSION/+esm";
window.reportVega = { vega: vegaModule };
