// A small W3C WebDriver client over fetch: just what Baton's end-to-end journeys need.
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriver {
  constructor(base) {
    this.base = base;
    this.session = null;
  }

  async call(method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = json?.value?.message ?? JSON.stringify(json);
      throw new Error(`${method} ${path} -> ${response.status}: ${detail}`);
    }
    return json.value;
  }

  async start(capabilities) {
    const value = await this.call("POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    this.session = value.sessionId;
    return value;
  }

  async stop() {
    if (!this.session) return;
    const id = this.session;
    this.session = null;
    await this.call("DELETE", `/session/${id}`).catch(() => {});
  }

  s(path) {
    return `/session/${this.session}${path}`;
  }

  async execute(script, args = []) {
    return this.call("POST", this.s("/execute/sync"), { script, args });
  }

  async find(css) {
    const found = await this.call("POST", this.s("/elements"), { using: "css selector", value: css });
    return found.map((e) => e[ELEMENT]);
  }

  /** Polls until `css` matches, or throws after `timeout` ms. */
  async waitFor(css, timeout = 30_000) {
    const until = Date.now() + timeout;
    for (;;) {
      const found = await this.find(css);
      if (found.length > 0) return found[0];
      if (Date.now() > until) throw new Error(`timed out waiting for ${css}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async attribute(element, name) {
    return this.call("GET", this.s(`/element/${element}/attribute/${name}`));
  }

  async text(element) {
    return this.call("GET", this.s(`/element/${element}/text`));
  }

  /** The textContent of the first element matching `css` (what the DOM holds, visible or not). */
  async textContent(css) {
    return this.execute("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", [
      css,
    ]);
  }

  async click(element) {
    return this.call("POST", this.s(`/element/${element}/click`), {});
  }

  async type(element, text) {
    return this.call("POST", this.s(`/element/${element}/value`), { text });
  }
}
