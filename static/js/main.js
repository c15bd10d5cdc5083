// Entry point: wires the views to the store. No logic of its own.
const app = document.getElementById("app");

async function start() {
  const response = await fetch("/api/health");
  const health = await response.json();
  app.dataset.state = health.status === "ok" ? "ready" : "error";
  app.textContent = health.status === "ok" ? "The playground is ready." : "The server is not healthy.";
}

start();
