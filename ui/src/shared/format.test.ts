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

describe("days and dates", () => {
  it("formats durations in days with one decimal below ten", async () => {
    const { formatDays } = await import("./format");
    expect(formatDays(3.456)).toMatch(/^3\D5 days$/);
    expect(formatDays(1)).toMatch(/^1\D0 day$/);
    expect(formatDays(42.4)).toBe("42 days");
    expect(formatDays(null)).toBe("—");
    expect(formatDays(2.25, false)).toMatch(/^2\D3$/);
    // An item started an hour ago is not "0.0 days" old; nothing at all still reads 0.
    expect(formatDays(1 / 24)).toMatch(/^<0\D1 days$/);
    expect(formatDays(0.02, false)).toMatch(/^<0\D1$/);
    expect(formatDays(0)).toMatch(/^0\D0 days$/);
  });

  it("names UTC offsets as the filter bar shows them", async () => {
    const { formatUtcOffset } = await import("./format");
    expect(formatUtcOffset(120)).toBe("UTC+02:00");
    expect(formatUtcOffset(-330)).toBe("UTC−05:30");
    expect(formatUtcOffset(0)).toBe("UTC");
  });

  it("shows calendar days without shifting them by the local time zone", async () => {
    const { formatDay } = await import("./format");
    expect(formatDay("2026-03-01")).toMatch(/2026/);
    expect(formatDay("2026-03-01")).toMatch(/1/);
    expect(formatDay("garbage")).toBe("garbage");
  });
});
