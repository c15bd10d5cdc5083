// A shared or hand-edited link the server refuses (a 422 naming one field, e.g. `lr=1e308`):
// which of the link's query keys that field came from, and the link without it, so that the
// view starts with that one value at its default instead of not at all; and a link value the
// page cannot even read (`lr=abc`), left out alone before the link is used. Pure: no DOM.
// Tested in tests/js/lab-plane-link.test.mjs.

import { PLANAR_PARAMS, SETTING_PARAMS, decodeState } from "../../lib/urlstate.js";

/** The query keys a refused `field` ("settings.lr", "settings.planar.noise", "spec.layers.1")
 *  was read from, or [] when it names none. */
export function linkKeysOf(field) {
  const parts = String(field ?? "").split(".");
  if (parts[0] === "spec") return ["arch", "in"];
  if (parts[0] !== "settings") return [];
  if (parts[1] === "planar") return Object.hasOwn(PLANAR_PARAMS, parts[2]) ? [PLANAR_PARAMS[parts[2]]] : [];
  return Object.hasOwn(SETTING_PARAMS, parts[1]) ? [SETTING_PARAMS[parts[1]]] : [];
}

/** `search` (a location.search) without the keys `field` came from: {search, dropped:
 *  "key=value" texts}, or null when the link holds none of them (nothing to leave out). */
export function withoutRefused(search, field) {
  const params = new URLSearchParams(search);
  let keys = linkKeysOf(field).filter((k) => params.has(k));
  // "your points" without (good) points: the set goes too, to the default one
  if (!keys.length && linkKeysOf(field)[0] === "pts" && params.get("set") === "custom") keys = ["set"];
  if (!keys.length) return null;
  const dropped = keys.map((k) => `${k}=${params.get(k)}`);
  for (const k of keys) params.delete(k);
  return { search: `?${params}`, dropped };
}

/** `search` without the keys the page cannot read at all (`lr=abc`, `pts=1,2`, `arch=dense`):
 *  each key is read alone (lib/urlstate.js decodeState), so that one unreadable value leaves the
 *  link's others as they are; before, the first one threw and every key was ignored. Returns
 *  {search, dropped: "key=value (why)" texts}. */
export function withoutUnreadable(search) {
  const params = new URLSearchParams(search);
  const dropped = [];
  for (const [key, value] of [...params]) {
    const alone = new URLSearchParams({ [key]: value });
    if (key === "in") alone.set("arch", ""); // the input shape is read with an architecture
    try {
      decodeState(`?${alone}`);
    } catch (err) {
      dropped.push(`${key}=${value.slice(0, 40)} (${err.message})`);
      params.delete(key);
    }
  }
  return { search: `?${params}`, dropped };
}
