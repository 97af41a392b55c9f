// The setup most browser test files share: a static server on a free port and one headless
// Chromium for the whole file.

import { after, before } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { launch } from './helpers.mjs';

/**
 * Registers `before` and `after` hooks of the calling test file that start the static server
 * and Chromium (`launch(launchOptions)`) and stop them; `ready(env)`, when given, runs in the
 * same hook once both are up (node 20 runs a file's top-level `before` hooks concurrently, so a
 * step that needs the browser goes there, not in a `before` of its own). Returns
 * `{server, browser}`, filled in by the hook.
 */
export function useBrowser(launchOptions = {}, ready = null) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer({ port: 0 });
    env.browser = await launch(launchOptions);
    if (ready) await ready(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
