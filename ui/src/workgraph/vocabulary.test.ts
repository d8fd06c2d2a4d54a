import { describe, expect, it } from "vitest";
import { linkLabel, shortKey } from "./vocabulary";

describe("shortKey", () => {
  it("keeps short keys", () => {
    expect(shortKey("PAY-1671")).toBe("PAY-1671");
  });

  it("keeps the number of a long key and shortens its head", () => {
    const short = shortKey("acme/payments-service#1671");
    expect(short.endsWith("#1671")).toBe(true);
    expect(short.startsWith("acme/")).toBe(true);
    expect(short.length).toBe(16);
  });
});

describe("linkLabel", () => {
  it("reads links from the item's side", () => {
    expect(linkLabel("blocks", "outgoing")).toBe("Blocks");
    expect(linkLabel("blocks", "incoming")).toBe("Blocked by");
    expect(linkLabel("implements", "incoming")).toBe("Implemented by");
    expect(linkLabel("relates", "incoming")).toBe("Relates to");
  });
});
