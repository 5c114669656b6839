// @ts-check
/**
 * Action modules of other areas (evidence, forms, report submission). The build script regenerates
 * this file in extension/dist/ with one import per `extension/src/<area>/actions.js` that exists, so
 * the side panel shows an action only when its module is really packaged — never a dead button.
 *
 * An action module exports:
 *   export const capabilities = {evidence: true} | {forms: ['url_report', …]} | {report: true};
 *   export const actions = {'capture-evidence': async (message, context) => ({ok: true, …}), …};
 * where `message` is the validated message (src/shared/messages.js) and `context` is
 * {entry: SessionEntry|null, settings: Settings, wasm: module namespace of pkg/patrol_wasm.js}.
 */

/** @type {import('./plugin.js').Plugin[]} */
export const PLUGINS = [];
