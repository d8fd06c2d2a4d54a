import { describe, expect, it } from "vitest";
import { call, IpcError, TRANSPORT_ERROR, toIpcError, unwrap } from "./error";

describe("unwrap", () => {
  it("returns the data of an ok result", () => {
    expect(unwrap({ status: "ok", data: 42 })).toBe(42);
  });

  it("throws an IpcError with Rust's code and message for an error result", () => {
    const result = {
      status: "error" as const,
      error: { code: "workspace_not_baton", message: "x.baton is not a Baton workspace: bad header" },
    };
    expect(() => unwrap(result)).toThrow(IpcError);
    try {
      unwrap(result);
    } catch (e) {
      expect(e).toBeInstanceOf(IpcError);
      expect((e as IpcError).code).toBe("workspace_not_baton");
      expect((e as IpcError).message).toBe("x.baton is not a Baton workspace: bad header");
    }
  });
});

describe("call", () => {
  it("resolves to the data", async () => {
    await expect(call(Promise.resolve({ status: "ok" as const, data: "fine" }))).resolves.toBe("fine");
  });

  it("turns a transport failure (a thrown Error) into an IpcError", async () => {
    const failure = call(Promise.reject(new TypeError("window.__TAURI_INTERNALS__ is undefined")));
    await expect(failure).rejects.toMatchObject({
      code: TRANSPORT_ERROR,
      message: "window.__TAURI_INTERNALS__ is undefined",
    });
  });
});

describe("toIpcError", () => {
  it("keeps an IpcError as it is", () => {
    const e = new IpcError("not_found", "item x was not found");
    expect(toIpcError(e)).toBe(e);
  });

  it("reads a plain string", () => {
    expect(toIpcError("boom")).toMatchObject({ code: TRANSPORT_ERROR, message: "boom" });
  });

  it("explains an unknown value instead of showing nothing", () => {
    expect(toIpcError(undefined).message).toMatch(/did not answer/);
  });
});
