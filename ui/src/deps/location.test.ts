import { describe, expect, it } from "vitest";
import {
  DEFAULT_HOPS,
  formatTarget,
  graphRequest,
  locationFromParams,
  locationToParams,
  makeTarget,
  parseTarget,
  sameTarget,
} from "./location";

describe("critical-path targets", () => {
  it("builds the Target Rust expects from the picker's kind and id", () => {
    expect(makeTarget("item", "i-42")).toEqual({ type: "item", id: "i-42" });
    expect(makeTarget("intent", " g1 ")).toEqual({ type: "intent", id: "g1" });
    expect(makeTarget("intent", "  "), "an empty choice is no target").toBeNull();
  });

  it("round-trips through the URL, ids with colons included", () => {
    for (const t of [makeTarget("item", "jira:PAY-1"), makeTarget("intent", "g1")]) {
      expect(t).not.toBeNull();
      if (t) expect(parseTarget(formatTarget(t))).toEqual(t);
    }
    expect(parseTarget("epic:1"), "unknown kinds are ignored").toBeNull();
    expect(parseTarget("item"), "no id").toBeNull();
    expect(parseTarget(null)).toBeNull();
  });

  it("compares targets by kind and id", () => {
    expect(sameTarget(makeTarget("item", "a"), makeTarget("item", "a"))).toBe(true);
    expect(sameTarget(makeTarget("item", "a"), makeTarget("intent", "a"))).toBe(false);
    expect(sameTarget(null, null)).toBe(true);
  });
});

describe("the page's location", () => {
  it("reads filters, focus, reach and target, keeping reach within 1–4", () => {
    const loc = locationFromParams(
      new URLSearchParams("team=t1&team=&intent=g1&focus=i9&hops=9&target=intent:g1"),
    );
    expect(loc).toEqual({
      filter: { teams: ["t1", ""], intents: ["g1"] },
      focus: "i9",
      hops: 4,
      target: { type: "intent", id: "g1" },
    });
    expect(locationFromParams(new URLSearchParams("hops=0")).hops).toBe(1);
    expect(locationFromParams(new URLSearchParams("hops=x")).hops).toBe(DEFAULT_HOPS);
    expect(locationFromParams(new URLSearchParams("")).focus).toBeNull();
  });

  it("writes only what differs from the defaults", () => {
    const loc = locationFromParams(new URLSearchParams("team=t1&focus=i9"));
    expect(locationToParams(loc).toString()).toBe("team=t1&focus=i9");
    expect(locationToParams({ ...loc, hops: 3, target: { type: "item", id: "i9" } }).toString()).toBe(
      "team=t1&focus=i9&hops=3&target=item%3Ai9",
    );
  });

  it("asks Rust for at most 2,000 nodes with the page's filter and target", () => {
    const loc = locationFromParams(new URLSearchParams("intent=g1&target=item:a"));
    expect(graphRequest(loc)).toEqual({
      focus: null,
      hops: DEFAULT_HOPS,
      filter: { teams: [], intents: ["g1"] },
      critical: { type: "item", id: "a" },
      maxNodes: 2000,
    });
  });
});
