// The 2-2-1 network as an SVG: inputs, hidden neurons and output with the engine's values
// inside, every weight on its line (width and colour from its size and sign), every bias
// under its neuron. Text via textContent only. Clicking a weight or bias calls onPick(name).

import { fmt } from "./format.js";

const NS = "http://www.w3.org/2000/svg";
const NODES = { x1: [70, 70], x2: [70, 210], h1: [280, 70], h2: [280, 210], o1: [490, 140] };
// weight -> [from, to, where along the line its label sits]
const EDGES = {
  w1: ["x1", "h1", 0.5], w2: ["x2", "h1", 0.27], w3: ["x1", "h2", 0.27], w4: ["x2", "h2", 0.5],
  w5: ["h1", "o1", 0.5], w6: ["h2", "o1", 0.5],
};
const BIASES = { b1: "h1", b2: "h2", b3: "o1" };
const R = 30;

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An SVG of the network in `container`; returns {update(reply)} (POST /api/lab/net221). */
export function createDiagram(container, onPick) {
  const root = svg("svg", { viewBox: "0 0 560 290", class: "bh-diagram", role: "img", "aria-label": "the 2-2-1 network with its weights, biases and values" });
  const edges = {};
  const nodes = {};
  const biases = {};
  for (const [name, [from, to, at]] of Object.entries(EDGES)) {
    const [x0, y0] = NODES[from];
    const [x1, y1] = NODES[to];
    const line = svg("line", { x1: x0, y1: y0, x2: x1, y2: y1, class: "bh-edge" });
    const lx = x0 + (x1 - x0) * at;
    const ly = y0 + (y1 - y0) * at;
    const label = svg("text", { x: lx, y: ly, class: "bh-edge-label", "text-anchor": "middle", "dominant-baseline": "central", "data-param": name });
    const hit = svg("g", { class: "bh-pick", tabindex: 0, role: "button", "data-param": name });
    const back = svg("rect", { class: "bh-label-back", rx: 4 });
    hit.append(back, label);
    root.append(line);
    edges[name] = { line, label, back, hit, lx, ly };
  }
  for (const [name, [x, y]] of Object.entries(NODES)) {
    const group = svg("g", { class: `bh-node bh-node-${name[0]}` });
    group.append(svg("circle", { cx: x, cy: y, r: R }));
    group.append(svg("text", { x, y: y - 9, "text-anchor": "middle", class: "bh-node-name" }, name === "o1" ? "o1 = ŷ" : name));
    const value = svg("text", { x, y: y + 10, "text-anchor": "middle", class: "bh-node-value", "data-node": name });
    group.append(value);
    root.append(group);
    nodes[name] = value;
  }
  for (const [name, node] of Object.entries(BIASES)) {
    const [x, y] = NODES[node];
    const label = svg("text", { x, y: y + R + 18, "text-anchor": "middle", class: "bh-bias-label", "data-param": name });
    const hit = svg("g", { class: "bh-pick", tabindex: 0, role: "button", "data-param": name });
    const back = svg("rect", { class: "bh-label-back", rx: 4 });
    hit.append(back, label);
    biases[name] = { label, back, hit };
  }
  // labels last, so that they sit above every line
  for (const e of Object.values(edges)) root.append(e.hit);
  for (const b of Object.values(biases)) root.append(b.hit);
  root.addEventListener("click", (event) => {
    const pick = event.target.closest?.("[data-param]");
    if (pick) onPick(pick.getAttribute("data-param"));
  });
  root.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const pick = event.target.closest?.("[data-param]");
    if (pick) {
      event.preventDefault();
      onPick(pick.getAttribute("data-param"));
    }
  });
  container.replaceChildren(root);

  const fitBack = (text, back) => {
    const box = text.getBBox();
    back.setAttribute("x", box.x - 4);
    back.setAttribute("y", box.y - 2);
    back.setAttribute("width", box.width + 8);
    back.setAttribute("height", box.height + 4);
  };

  return {
    update(reply) {
      const p = reply.params;
      const biggest = Math.max(1e-9, ...Object.keys(EDGES).map((k) => Math.abs(p[k])));
      for (const [name, e] of Object.entries(edges)) {
        const w = p[name];
        e.line.setAttribute("stroke-width", (1 + 5 * Math.abs(w) / biggest).toFixed(2));
        e.line.dataset.sign = w > 0 ? "+" : w < 0 ? "-" : "0";
        e.label.textContent = `${name} = ${fmt(w)}`;
        fitBack(e.label, e.back);
      }
      for (const [name, b] of Object.entries(biases)) {
        b.label.textContent = `${name} = ${fmt(p[name])}`;
        fitBack(b.label, b.back);
      }
      const [h1, h2, o1] = reply.nodes;
      const values = { x1: reply.x[0], x2: reply.x[1], h1: h1.out, h2: h2.out, o1: o1.out };
      for (const [name, text] of Object.entries(nodes)) {
        text.textContent = fmt(values[name]);
        // a long value ("0.006693", "−1.235e−5") is squeezed into its circle, never past it
        text.removeAttribute("textLength");
        if (text.getComputedTextLength() > 2 * R - 8) {
          text.setAttribute("textLength", String(2 * R - 8));
          text.setAttribute("lengthAdjust", "spacingAndGlyphs");
        }
      }
    },
  };
}
