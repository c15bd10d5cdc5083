// A view's WebSocket command, sent through the page's one socket: the session controller
// (controllers/session.js) carries out the `send` request. No socket of the view's own.

/**
 * Send `cmd` (a command of docs/protocol.md without `seq`); resolves with its seq. With
 * `onReply(m)`, every message carrying that seq goes to it instead of to the page, until it
 * returns true. Rejects when the page has no socket.
 */
export function sendCommand(store, cmd, onReply = null) {
  return new Promise((resolve, reject) => {
    store.set("request", { type: "send", cmd, onReply, resolve, reject });
  });
}
