import { describe, expect, it } from "vitest";
import { movePoint } from "./EChart";

describe("a chart's keyboard point", () => {
  it("starts on the first point of the first series with data, then walks along it and stops at its ends", () => {
    const lengths = [0, 3, 2];
    let p = movePoint(lengths, null, "ArrowRight");
    expect(p).toEqual({ seriesIndex: 1, dataIndex: 0 });
    p = movePoint(lengths, p, "ArrowRight");
    p = movePoint(lengths, p, "ArrowRight");
    p = movePoint(lengths, p, "ArrowRight");
    expect(p).toEqual({ seriesIndex: 1, dataIndex: 2 });
    expect(movePoint(lengths, p, "Home")).toEqual({ seriesIndex: 1, dataIndex: 0 });
  });

  it("moves between series with ↑ ↓, keeping the index inside the next series", () => {
    const lengths = [4, 0, 2];
    const p = movePoint(lengths, { seriesIndex: 0, dataIndex: 3 }, "ArrowDown");
    expect(p).toEqual({ seriesIndex: 2, dataIndex: 1 });
    expect(movePoint(lengths, p, "ArrowDown")).toEqual({ seriesIndex: 2, dataIndex: 1 });
    expect(movePoint(lengths, p, "ArrowUp")).toEqual({ seriesIndex: 0, dataIndex: 1 });
  });

  it("ignores other keys and charts without data", () => {
    expect(movePoint([3], null, "a")).toBeNull();
    expect(movePoint([0, 0], null, "ArrowRight")).toBeNull();
  });
});
