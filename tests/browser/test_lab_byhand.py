"""The lab's by-hand views in a real Chromium against a real server: the texts' worked numbers
appear on screen, a typed weight changes them as the server computes them, training on the
people table lowers the shown loss. Screenshots at 390x844, 1280x800 and 1920x1080."""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import Page, expect

TIMEOUT = 20_000
ALL_ONES = {**{f"w{i}": 1.0 for i in range(1, 7)}, "b1": 0.0, "b2": 0.0, "b3": 0.0}
NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-−]?\d+)?")


def last_number(text: str) -> float:
    """The last number in a line of the page (its real minus signs read as '-')."""
    found = NUMBER.findall(text)
    assert found, f"no number in {text!r}"
    return float(found[-1].replace("−", "-"))


def shown(page: Page, selector: str) -> float:
    return last_number(page.locator(selector).first.inner_text())


def wait_shown(page: Page, selector: str, expected: float, tol: float) -> None:
    """Until the last number of the element's text is within tol of expected."""
    page.wait_for_function(
        """([sel, want, tol]) => {
          const el = document.querySelector(sel);
          if (!el) return false;
          const text = el.textContent.replaceAll("\\u2212", "-");
          const all = text.match(/-?\\d+(\\.\\d+)?(e-?\\d+)?/g);
          return all !== null && Math.abs(Number(all[all.length - 1]) - want) <= tol;
        }""",
        arg=[selector, expected, tol], timeout=TIMEOUT)


def server(base_url: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(base_url + path, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def open_view(page: Page, tab: str, width: int = 1280, height: int = 800) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/lab?tab={tab}")
    expect(page.locator(f"#lab-{tab}")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)


def canvas_painted(page: Page, selector: str) -> bool:
    return page.evaluate("""(sel) => {
      const c = document.querySelector(sel);
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted > 500;
    }""", selector)


def test_neuron_worked_example_and_a_typed_weight(page: Page, base_url, console_errors,
                                                   screenshot_dir) -> None:
    open_view(page, "neuron")
    view = "#lab-neuron"
    assert abs(shown(page, f"{view} .bh-y .bh-rhs") - 0.999) <= 1e-4
    assert shown(page, f"{view} .bh-z .bh-rhs") == 7
    assert page.locator(f"{view} [data-product]").all_inner_texts() == ["0", "3"]
    assert canvas_painted(page, f"{view} canvas.bh-curve")
    for width, height in ((1280, 800), (1920, 1080), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function("() => document.querySelector('#lab-neuron canvas').width > 0")
        page.screenshot(path=str(screenshot_dir / f"lab-neuron-{width}.png"))

    page.set_viewport_size({"width": 1280, "height": 800})
    page.fill(f"{view} [data-field='w.1']", "-1")
    expected = server(base_url, "/api/lab/neuron",
                      {"x": [2, 3], "w": [0, -1], "b": 4, "activation": "sigmoid"})
    assert expected["z"] == 1
    wait_shown(page, f"{view} .bh-z .bh-rhs", 1, 0)
    wait_shown(page, f"{view} .bh-y .bh-rhs", expected["output"], 5e-5)
    assert page.locator(f"{view} [data-product='1']").inner_text() == "−3"
    assert "n.w=0,-1" in page.url  # lab/url.js keeps commas readable
    page.reload()  # the set-up comes back from the URL
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-field='w.1']")).to_have_value("-1")
    wait_shown(page, f"{view} .bh-y .bh-rhs", expected["output"], 5e-5)

    page.select_option(f"{view} select", "step")
    expect(page.locator(f"{view} .bh-note")).to_contain_text("cannot be trained by gradients",
                                                             timeout=TIMEOUT)
    wait_shown(page, f"{view} .bh-y .bh-rhs", 1, 0)
    page.fill(f"{view} [data-field='b']", "abc")
    expect(page.locator(f"{view} .bh-error")).to_contain_text("bias b: type a number")
    assert console_errors == []


def test_221_worked_examples_on_screen(page: Page, console_errors, screenshot_dir) -> None:
    open_view(page, "net221")
    view = "#lab-net221"
    # Example 2 (the default): Alice, all weights 1, biases 0
    h1 = f"{view} .bh-out-h1"
    o1 = f"{view} .bh-out-o1"
    assert abs(shown(page, f"{h1} .bh-rhs") - 0.0474) <= 1e-4
    assert page.locator(f"{h1} .bh-round").inner_text() == "0.0474"
    assert abs(shown(page, f"{o1} .bh-rhs") - 0.524) <= 5e-4  # exact 0.5237
    assert page.locator(f"{o1} .bh-round").inner_text() == "0.524"
    w1 = page.locator(f"{view} details[data-param='w1']")
    factors = w1.locator(".bh-factor")
    assert factors.locator(".bh-round").all_inner_texts() == ["−0.952", "0.249", "−0.0904"]
    exact = [last_number(t) for t in factors.locator(".bh-rhs").all_inner_texts()]
    assert abs(exact[0] - (-0.952)) <= 1e-3 and abs(exact[1] - 0.249) <= 5e-4
    assert abs(exact[2] - (-0.0904)) <= 1e-4
    product = w1.locator(".bh-product")
    assert abs(last_number(product.locator(".bh-rhs").inner_text()) - 0.02146) <= 1e-4
    assert product.locator(".bh-round").inner_text() == "0.0214"
    expect(w1.locator(".bh-check")).to_contain_text("backprop gives 0.02147")
    for width, height in ((1280, 800), (1920, 1080), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(screenshot_dir / f"lab-net221-{width}.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(screenshot_dir / "lab-net221-1920-full.png"), full_page=True)

    # Example 1: x = (2, 3), every neuron w = [0, 1], b = 0
    page.click(f"{view} [data-preset='forward']")
    wait_shown(page, f"{h1} .bh-rhs", 0.9526, 1e-4)
    wait_shown(page, f"{view} .bh-out-h2 .bh-rhs", 0.9526, 1e-4)
    wait_shown(page, f"{o1} .bh-rhs", 0.7216, 1e-4)
    expect(page.locator(f"{view} [data-node='o1']")).to_have_text("0.7216")
    assert console_errors == []


def test_221_typed_weight_agrees_with_the_server(page: Page, base_url, console_errors) -> None:
    open_view(page, "net221")
    view = "#lab-net221"
    page.fill(f"{view} [data-field='w5']", "-2.5")
    params = {**ALL_ONES, "w5": -2.5}
    expected = server(base_url, "/api/lab/net221",
                      {"params": params, "x": [-2, -1], "y": 1, "lr": 0.1})
    wait_shown(page, f"{view} .bh-out-o1 .bh-rhs", expected["prediction"],
               abs(expected["prediction"]) * 5e-4)
    grads = {g["name"]: g for g in expected["grads"]}
    for name in ("w1", "w5", "b3"):
        product = f"{view} details[data-param='{name}'] .bh-product .bh-rhs"
        wait_shown(page, product, grads[name]["gradient"], abs(grads[name]["gradient"]) * 5e-4)
    after = last_number(page.locator(f"{view} tr[data-param='w5'] td").last.inner_text())
    assert abs(after - grads["w5"]["after"]) <= abs(grads["w5"]["after"]) * 5e-4
    expect(page.locator(f"{view} [data-param='w5'].bh-pick text")).to_have_text("w5 = −2.5")
    assert "h.p=1,1,1,1,-2.5," in page.url  # lab/url.js keeps commas readable
    page.reload()  # the set-up comes back from the URL
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-field='w5']")).to_have_value("-2.5")
    wait_shown(page, f"{view} .bh-out-o1 .bh-rhs", expected["prediction"],
               abs(expected["prediction"]) * 5e-4)
    assert console_errors == []


def test_221_training_on_the_people_table_lowers_the_loss(page: Page, base_url,
                                                          console_errors,
                                                          screenshot_dir) -> None:
    open_view(page, "net221")
    view = "#lab-net221"
    before = shown(page, f"{view} [data-part='table-loss'] strong")
    expected = server(base_url, "/api/lab/net221", {"params": ALL_ONES, "x": [-2, -1], "y": 1})
    assert abs(before - expected["table_loss"]) <= 5e-4 * expected["table_loss"]
    page.click(f"{view} [data-action='sample']")
    expect(page.locator(view)).to_have_attribute("data-steps", "1", timeout=TIMEOUT)
    page.click(f"{view} [data-action='many']")
    expect(page.locator(view)).to_have_attribute("data-steps", "201", timeout=TIMEOUT)
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    trained = server(base_url, "/api/lab/net221/train",
                     {"params": ALL_ONES, "lr": 0.1, "steps": 201, "start": 0})
    after = shown(page, f"{view} [data-part='table-loss'] strong")
    assert after < before / 2
    assert abs(after - trained["table_loss"]) <= 5e-4 * trained["table_loss"]
    assert canvas_painted(page, f"{view} canvas.bh-losses")
    # a new person, typed in raw units
    page.fill(f"{view} [data-field='lb']", "125")
    page.fill(f"{view} [data-field='in']", "61")
    guess = server(base_url, "/api/lab/net221/predict",
                   {"params": trained["params"], "weight_lb": 125, "height_in": 61})
    expect(page.locator(f"{view} [data-part='prediction']")).to_contain_text(
        "(125 − 135, 61 − 66) = (−10, −5)", timeout=TIMEOUT)
    person = f"{view} [data-part='prediction'] .bh-person .bh-rhs"
    page.wait_for_function("(s) => document.querySelector(s) !== null", arg=person)
    shown_guess = float(NUMBER.findall(page.locator(person).inner_text())[0].replace("−", "-"))
    assert abs(shown_guess - guess["prediction"]) <= 5e-4 * guess["prediction"]
    expect(page.locator(person)).to_contain_text(guess["class_name"])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator(f"{view} .bh-area-train").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "lab-net221-trained-1280.png"))
    assert console_errors == []
