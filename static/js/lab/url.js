// The lab's URL state: read one key, or rewrite some keys and keep every other one.

/** The value of `key` in the page's query string, or null. */
export function readParam(key) {
  return new URLSearchParams(location.search).get(key);
}

/** Set (or, for null/undefined, delete) the given keys, keep the others; no new history entry. */
export function writeParams(values) {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) params.delete(key);
    else params.set(key, String(value));
  }
  // "," ";" "~" are safe in a query value: keep them readable (lib/urlstate.js does the same)
  const query = params.toString().replace(/%2C/g, ",").replace(/%3B/g, ";").replace(/%7E/g, "~");
  history.replaceState(null, "", query ? `${location.pathname}?${query}` : location.pathname);
}
