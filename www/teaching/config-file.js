// The configuration file's buttons: "Save configuration" downloads the page's state as JSON
// and "Load configuration" reads one back (checked by state/config.js).

import { configJson, parseConfig } from '../state/config.js';

/**
 * Wires the "Save configuration" button and the "Load configuration" file input. getState()
 * gives the current {params, methods, view}, save(text, name) downloads, apply(state) sets the
 * page to a loaded state, setStatus(text, kind) reports.
 */
export function wireConfig({ saveButton, loadInput }, { getState, getDefaults, save, apply, setStatus }) {
  saveButton.addEventListener('click', () => {
    const state = getState();
    if (!state) return setStatus('Nothing to save yet: wait for the first run to start.', 'error');
    save(new Blob([configJson(state)], { type: 'application/json' }), `claime-config-seed${state.params.seed}.json`);
  });
  loadInput.addEventListener('change', async () => {
    const file = loadInput.files[0];
    loadInput.value = ''; // choosing the same file again fires `change` again
    if (!file) return;
    if (!getDefaults()) return setStatus('Configuration not loaded: the page is still starting, try again.', 'error');
    const { state, error } = parseConfig(await file.text(), getDefaults());
    if (error) return setStatus(`Configuration ${file.name} not loaded: ${error}.`, 'error');
    setStatus(`Configuration ${file.name} loaded.`);
    apply(state);
  });
}
