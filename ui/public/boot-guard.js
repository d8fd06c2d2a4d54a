// Never a blank window. This tiny classic script (external, so it satisfies the CSP) records
// errors raised while the interface loads. If the React app has not mounted after a few seconds
// (it sets window.__batonMounted = true), it replaces the page with a plain explanation.
// Everything it shows is set with textContent: error text is never parsed as HTML.
(() => {
  const TIMEOUT_MS = 6000;
  const errors = [];

  function describe(value) {
    if (!value) return "Unknown error";
    if (value instanceof Error) return value.stack || `${value.name}: ${value.message}`;
    if (typeof value === "string") return value;
    try {
      return JSON.stringify(value);
    } catch (_e) {
      return String(value);
    }
  }

  window.addEventListener(
    "error",
    (event) => {
      const target = event.target;
      if (target && target !== window && (target.src || target.href)) {
        errors.push(`Could not load ${target.src || target.href}`);
        return;
      }
      errors.push(describe(event.error || event.message));
    },
    true,
  );
  window.addEventListener("unhandledrejection", (event) => {
    errors.push(`Unhandled promise rejection: ${describe(event.reason)}`);
  });
  window.__batonBootErrors = errors;

  function el(tag, text, style) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (style) node.setAttribute("style", style);
    return node;
  }

  function showFailure() {
    if (window.__batonMounted) return;
    const body = document.body || document.documentElement.appendChild(document.createElement("body"));
    while (body.firstChild) body.removeChild(body.firstChild);
    body.setAttribute(
      "style",
      "margin:0;font:15px/1.5 system-ui,sans-serif;background:#f7f7f8;color:#1c1d21",
    );
    const box = el(
      "main",
      "",
      "max-width:680px;margin:10vh auto;padding:32px;background:#fff;border:1px solid #d9dbe1;border-radius:10px",
    );
    box.setAttribute("data-testid", "boot-failure");
    box.appendChild(el("h1", "Baton's interface could not load", "font-size:20px;margin:0 0 12px"));
    box.appendChild(
      el(
        "p",
        errors.length
          ? "The window opened, but the interface failed while starting. The error below says why. Reloading may help; if it keeps happening, report this text."
          : `The window opened, but the interface did not start within ${TIMEOUT_MS / 1000} seconds and reported no error. The interface files may be missing or blocked (for example by the content security policy).`,
        "margin:0 0 16px",
      ),
    );
    if (errors.length) {
      box.appendChild(
        el(
          "pre",
          errors.slice(0, 5).join("\n\n"),
          "white-space:pre-wrap;word-break:break-word;background:#f1f2f5;border-radius:6px;padding:12px;font:12px/1.45 ui-monospace,monospace;max-height:40vh;overflow:auto",
        ),
      );
    }
    const button = el(
      "button",
      "Reload",
      "margin-top:16px;padding:6px 16px;font:inherit;border-radius:6px;border:1px solid #8a8f9c;background:#fff;cursor:pointer",
    );
    button.type = "button";
    button.addEventListener("click", () => {
      window.location.reload();
    });
    box.appendChild(button);
    body.appendChild(box);
  }

  window.setTimeout(showFailure, TIMEOUT_MS);
})();
