//! A card around one chart or table of the Flow and Bottlenecks pages: title, what it shows,
//! the "How is this computed?" link, an Export menu (PNG or SVG of the chart, CSV of its data),
//! and an empty state that says what is missing. The chart is an ECharts option (`chart`) or a
//! chart Baton draws itself (`plot`, a `PlotChart` given the panel's export handle).

import { memo, type ReactNode, type RefObject, useRef } from "react";
import { MetricInfo } from "../metrics/MetricInfo";
import { type CsvCell, fileStem, saveCsv, saveImage, toCsv } from "../shared/csv";
import { type ChartApi, type ChartClick, type ChartOption, EChart, type GridClick } from "../shared/EChart";
import { Icon } from "../shared/Icon";
import { Menu } from "../shared/Menu";
import { type PlotApi, svgDataUrl, svgToPng } from "../shared/PlotChart";
import { announceSave } from "../shared/SaveNotices";
import { EmptyState } from "../shared/states";
import { chartPalette, useResolvedTheme } from "../shared/theme";

export type ChartSpec = {
  option: ChartOption;
  height: number;
  /** What the chart shows, for screen readers. */
  label: string;
  onClick?: (click: ChartClick) => void;
  onGridClick?: (click: GridClick) => void;
};

/** Draws the chart, handing `apiRef` to its `PlotChart` for the image export. */
export type PlotSpec = (apiRef: RefObject<PlotApi | null>) => ReactNode;

export type EmptySpec = { title: string; body: ReactNode };

function ExportMenu({
  title,
  testId,
  csv,
  png,
  svg,
}: {
  title: string;
  testId: string;
  csv: () => CsvCell[][];
  png: (() => Promise<string | null>) | null;
  svg: (() => string | null) | null;
}) {
  return (
    <Menu
      align="end"
      testId={`${testId}-export`}
      triggerClassName="btn btn-small btn-ghost"
      triggerLabel={`Export “${title}”`}
      label={`Export ${title}`}
      trigger={
        <>
          Export <Icon name="chevron-down" size={12} />
        </>
      }
      actions={[
        {
          label: "Image (PNG)",
          disabled: !png,
          title: png ? undefined : "There is no chart to save",
          testId: `${testId}-export-png`,
          onSelect: () => {
            void png?.().then((url) => {
              if (url) void saveImage(url, `${fileStem(title)}.png`);
              else
                announceSave({
                  tone: "error",
                  title: "Could not save the image",
                  detail: svg
                    ? "The chart could not be painted as a PNG here. Export → Image (SVG) saves it as a vector image."
                    : "The chart could not be painted as a PNG.",
                });
            });
          },
        },
        ...(svg
          ? [
              {
                label: "Image (SVG)",
                testId: `${testId}-export-svg`,
                onSelect: () => {
                  const doc = svg();
                  if (doc) void saveImage(svgDataUrl(doc), `${fileStem(title)}.svg`);
                },
              },
            ]
          : []),
        {
          label: "Data (CSV)",
          testId: `${testId}-export-csv`,
          onSelect: () => void saveCsv(toCsv(csv()), `${fileStem(title)}.csv`),
        },
      ]}
    />
  );
}

export const ChartPanel = memo(function ChartPanel({
  title,
  subtitle,
  metricId,
  testId,
  csv,
  chart,
  plot,
  empty,
  children,
  footer,
  wide = false,
  headerExtra,
}: {
  title: string;
  subtitle: ReactNode;
  metricId: string;
  testId: string;
  csv: () => CsvCell[][];
  /** The chart to draw; omit for a table (`children`). */
  chart?: ChartSpec;
  /** A chart Baton draws itself, instead of `chart`. */
  plot?: PlotSpec;
  /** Set when there is nothing to show: replaces the chart or table. */
  empty?: EmptySpec | null;
  children?: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  headerExtra?: ReactNode;
}) {
  const api = useRef<ChartApi | null>(null);
  const plotApi = useRef<PlotApi | null>(null);
  const theme = useResolvedTheme();
  const palette = chartPalette(theme);
  const headingId = `${testId}-title`;
  const colors = { background: palette.surface, text: palette.text };
  const png =
    empty || !(chart || plot)
      ? null
      : plot
        ? async () => {
            const drawn = plotApi.current?.toSvg(title, colors);
            return drawn ? svgToPng(drawn.svg, drawn.width, drawn.height) : null;
          }
        : async () => api.current?.toPng(title, colors) ?? null;
  const svg = plot && !empty ? () => plotApi.current?.toSvg(title, colors)?.svg ?? null : null;
  return (
    <section
      className={wide ? "card chart-card chart-wide" : "card chart-card"}
      aria-labelledby={headingId}
      data-testid={testId}
    >
      <header className="card-header">
        <div className="card-heading">
          <h2 className="card-title" id={headingId}>
            {title}
          </h2>
          <p className="card-subtitle">{subtitle}</p>
        </div>
        <div className="card-tools">
          {headerExtra}
          <MetricInfo id={metricId} label={title} text="How is this computed?" />
          <ExportMenu title={title} testId={testId} csv={csv} png={png} svg={svg} />
        </div>
      </header>
      {empty ? (
        <div data-testid={`${testId}-empty`}>
          <EmptyState compact title={empty.title}>
            {empty.body}
          </EmptyState>
        </div>
      ) : plot ? (
        plot(plotApi)
      ) : chart ? (
        <EChart
          option={chart.option}
          height={chart.height}
          label={chart.label}
          onClick={chart.onClick}
          onGridClick={chart.onGridClick}
          apiRef={api}
          testId={`${testId}-chart`}
        />
      ) : (
        children
      )}
      {footer && !empty ? <div className="chart-footer">{footer}</div> : null}
    </section>
  );
});
