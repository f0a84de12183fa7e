// Browser journeys: the real server (started in-process from server/src through the test
// harness) and the mini-program's H5 build in headless Chromium (playwright-core driving the
// system /usr/bin/chromium). The spec imports server/src by relative path; the preset maps the
// `.js` suffixes of those imports back to the TypeScript sources.
import { preset } from '../jest.preset.mjs';

export default {
  ...preset(import.meta.dirname),
  // One browser and one server per file; a journey step may wait for the H5 app and routing.
  testTimeout: 60000,
  maxWorkers: 1,
};
