import { describe, expect, it } from "vitest";
import { makeFilter } from "../lib/ipc/testing";
import { zoneOffsetMinutes } from "../settings/timeZone";
import {
  activePreset,
  addDays,
  fixedRange,
  isDefaultRange,
  localUtcOffsetMinutes,
  narrowsWork,
  presetRange,
  rangeProblem,
  spanDays,
  withLocalZone,
} from "./filter";

describe("flow filter helpers", () => {
  it("counts days in the computer's zone, east positive", () => {
    expect(localUtcOffsetMinutes({ getTimezoneOffset: () => -120 } as Date)).toBe(120);
    expect(localUtcOffsetMinutes({ getTimezoneOffset: () => 300 } as Date)).toBe(-300);
    expect(Object.is(localUtcOffsetMinutes({ getTimezoneOffset: () => 0 } as Date), 0)).toBe(true);
  });

  it("makes presets that roll forward with the calendar (lastDays), and custom ranges that stay fixed", () => {
    expect(presetRange(30)).toEqual({ from: null, to: null, lastDays: 30 });
    expect(activePreset({ lastDays: 30 })).toBe(30);
    expect(activePreset({ lastDays: null })).toBeNull();
    expect(fixedRange("2026-03-02", "2026-03-31")).toEqual({
      from: "2026-03-02",
      to: "2026-03-31",
      lastDays: null,
    });
    // A custom range that happens to end today is still fixed dates, not a rolling preset.
    expect(activePreset(fixedRange("2026-03-02", "2026-03-31"))).toBeNull();
    expect(isDefaultRange({ from: null, to: null, lastDays: null })).toBe(true);
    expect(isDefaultRange(presetRange(90))).toBe(false);
    expect(spanDays("2026-03-02", "2026-03-31")).toBe(30);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
  });

  it("explains a custom range that cannot be used", () => {
    expect(rangeProblem("2026-03-05", "2026-03-01")).toBe("The range starts after it ends.");
    expect(rangeProblem("", "2026-03-01")).toBe("Choose a first and a last day.");
    expect(rangeProblem("2000-01-01", "2026-03-01")).toBe("A range spans at most ten years.");
    expect(rangeProblem("2026-03-01", "2026-03-01")).toBeNull();
  });

  it("completes an older saved filter and replaces its zone with the local one", () => {
    const f = withLocalZone({ teams: ["t1"], utcOffsetMinutes: 600, intents: ["goal-1"] }, 120);
    expect(f).toEqual(makeFilter({ teams: ["t1"], utcOffsetMinutes: 120, intents: ["goal-1"] }));
    expect(narrowsWork(f)).toBe(true);
  });
});

describe("the time zone days are counted in", () => {
  it("sends a chosen zone by name with its offset, and only the offset when none is chosen", () => {
    const chosen = withLocalZone({ timeZone: "Old/Zone" }, 540, "Asia/Tokyo");
    expect(chosen.timeZone).toBe("Asia/Tokyo");
    expect(chosen.utcOffsetMinutes).toBe(540);
    const computer = withLocalZone({ timeZone: "Asia/Tokyo" }, 120);
    expect("timeZone" in computer).toBe(false);
    expect(computer.utcOffsetMinutes).toBe(120);
  });

  it("knows a zone's offset, summer time included", () => {
    expect(zoneOffsetMinutes("Asia/Tokyo", new Date("2026-01-15T12:00:00Z"))).toBe(540);
    expect(zoneOffsetMinutes("Europe/Berlin", new Date("2026-07-15T12:00:00Z"))).toBe(120);
    expect(zoneOffsetMinutes("Europe/Berlin", new Date("2026-01-15T12:00:00Z"))).toBe(60);
    expect(zoneOffsetMinutes("Not/AZone")).toBeNull();
  });
});
