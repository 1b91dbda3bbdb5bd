/** Where e2e/probe.setup.ts keeps the storage every other test starts from (see playwright.config.ts). */
export const PROBE_STATE = 'node_modules/.e2e/probe-state.json';
