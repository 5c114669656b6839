// @ts-check
/**
 * The shape of an action module (see plugins.js): what it can do, and one handler per message kind.
 * @typedef {{
 *   capabilities: Partial<import('../shared/messages.js').Capabilities>,
 *   actions: Record<string, (message: any, context: any) => Promise<any>>
 * }} Plugin
 */
export {};
