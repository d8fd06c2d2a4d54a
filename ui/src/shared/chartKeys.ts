//! Moving between a chart's points with the keyboard, shared by the ECharts wrapper and the
//! charts Baton draws itself.

/** One point the keyboard can stand on: a series and a data index. */
export type Point = { seriesIndex: number; dataIndex: number };

/**
 * The point a key moves to from `at`: ← → along a series, ↑ ↓ to the next series that has data
 * (the same index, or its last point), Home/End to a series' ends. Null for any other key.
 */
export function movePoint(lengths: number[], at: Point | null, key: string): Point | null {
  const first = lengths.findIndex((n) => n > 0);
  if (first < 0) return null;
  const here = at && (lengths[at.seriesIndex] ?? 0) > 0 ? at : { seriesIndex: first, dataIndex: -1 };
  const len = lengths[here.seriesIndex] ?? 0;
  const clamp = (i: number, n: number) => Math.max(0, Math.min(n - 1, i));
  const nextSeries = (step: 1 | -1) => {
    for (let s = here.seriesIndex + step; s >= 0 && s < lengths.length; s += step) {
      const n = lengths[s] ?? 0;
      if (n > 0) return { seriesIndex: s, dataIndex: clamp(here.dataIndex, n) };
    }
    return { seriesIndex: here.seriesIndex, dataIndex: clamp(here.dataIndex, len) };
  };
  switch (key) {
    case "ArrowRight":
      return { seriesIndex: here.seriesIndex, dataIndex: clamp(here.dataIndex + 1, len) };
    case "ArrowLeft":
      return { seriesIndex: here.seriesIndex, dataIndex: clamp(here.dataIndex - 1, len) };
    case "ArrowDown":
      return at ? nextSeries(1) : { seriesIndex: here.seriesIndex, dataIndex: 0 };
    case "ArrowUp":
      return at ? nextSeries(-1) : { seriesIndex: here.seriesIndex, dataIndex: 0 };
    case "Home":
      return { seriesIndex: here.seriesIndex, dataIndex: 0 };
    case "End":
      return { seriesIndex: here.seriesIndex, dataIndex: len - 1 };
    default:
      return null;
  }
}
