// @ts-check
/**
 * The endpoint's routes the extension calls, in one place (server/openapi.json is the authority;
 * see API-NEEDS.md). Paths are joined to the configured endpoint URL, which may carry a path prefix.
 */
export const SUBMIT_PATH = '/api/submissions';
export const LOOKUP_PATH = '/api/lookup';

/**
 * @param {string} endpoint the configured endpoint URL (settings.endpoint)
 * @param {string} path one of the paths above
 * @param {Record<string, string>} [query]
 */
export function endpointUrl(endpoint, path, query) {
  const base = new URL(endpoint);
  const prefix = base.pathname.replace(/\/+$/, '');
  const url = new URL(`${prefix}${path}`, base.origin);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url.href;
}
