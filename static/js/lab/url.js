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
  const query = params.toString();
  history.replaceState(null, "", query ? `${location.pathname}?${query}` : location.pathname);
}
