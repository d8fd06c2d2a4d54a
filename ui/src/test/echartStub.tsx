//! A stand-in for the ECharts wrapper in tests (jsdom has no layout): buttons that "click" the
//! chart where ECharts would report a point (series, index) or a position on the plot.

import type { ChartClick, GridClick } from "../shared/EChart";

export function EChartStub({
  testId,
  label,
  onClick,
  onGridClick,
}: {
  testId?: string;
  label: string;
  onClick?: (c: ChartClick) => void;
  onGridClick?: (c: GridClick) => void;
}) {
  return (
    <div data-testid={testId} role="img" aria-label={label}>
      <button
        type="button"
        onClick={() => onClick?.({ seriesIndex: 0, dataIndex: 1, name: "", seriesName: "" })}
      >
        point
      </button>
      <button
        type="button"
        onClick={() => onClick?.({ seriesIndex: 1, dataIndex: 1, name: "", seriesName: "" })}
      >
        second series
      </button>
      <button type="button" onClick={() => onGridClick?.({ x: 1, y: 4, onElement: false })}>
        background
      </button>
    </div>
  );
}
