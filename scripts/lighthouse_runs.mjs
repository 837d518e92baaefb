// Lighthouse (npm `lighthouse`, its Node API) on several pages in one Chromium, one page after
// another, for scripts/audit.py. Launching Node, loading Lighthouse and starting Chromium once
// per page cost about as much as the audit itself; each run still clears the page's storage and
// opens the page afresh, as the command line does.
//
//   node scripts/lighthouse_runs.mjs '<json>'
//   json: {"chromium": path, "flags": "chrome flags", "categories": [...],
//          "tasks": [{"url": ..., "preset": "mobile"|"desktop", "out": report path}, ...]}
//
// Each task's JSON report is written to its `out`; a run that fails writes
// {"runtimeError": {"message": ...}} there instead, so the audit names the page. One line per
// task on stdout ("done <out>"); the exit status is 0 unless Chromium could not be started.
import {writeFileSync} from 'node:fs';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const job = JSON.parse(process.argv[2]);
const chrome = await chromeLauncher.launch({
  chromePath: job.chromium,
  chromeFlags: job.flags.split(' ').filter(Boolean),
});
try {
  for (const task of job.tasks) {
    const flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: job.categories,
      disableFullPageScreenshot: true,
    };
    let text;
    try {
      const result = await lighthouse(task.url, flags, task.preset === 'desktop' ? desktopConfig : undefined);
      text = result.report;
    } catch (error) {
      text = JSON.stringify({runtimeError: {message: String(error && error.message || error)}});
    }
    writeFileSync(task.out, text);
    console.log(`done ${task.out}`);
  }
} finally {
  await chrome.kill();
}
