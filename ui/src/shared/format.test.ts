import { describe, expect, it } from "vitest";
import { displayLocale, formatCount, formatRelative, plural } from "./format";

describe("number formatting", () => {
  it("keeps the user's locale when it groups thousands", () => {
    expect(displayLocale(() => "1,000,000")).toBeUndefined();
    expect(displayLocale(() => "1.000.000")).toBeUndefined();
    expect(displayLocale(() => "1 000 000")).toBeUndefined();
  });

  it("falls back to English when the system locale (C/POSIX) prints no separators", () => {
    expect(displayLocale(() => "1000000")).toBe("en-US");
  });

  it("always separates thousands", () => {
    expect(formatCount(200000)).toMatch(/^200\D000$/);
    expect(plural(1, "item")).toBe("1 item");
    expect(plural(2345, "item")).toMatch(/^2\D345 items$/);
  });
});

describe("formatRelative", () => {
  it("says how long ago, in words", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    expect(formatRelative("2026-03-07T12:00:00Z", now)).toMatch(/3 days ago/);
    expect(formatRelative("2026-03-10T11:59:50Z", now)).toBe("just now");
    expect(formatRelative("not a date", now)).toBe("");
  });
});
