//! Bottlenecks: where and why work waits, for the same filters as the Flow page.

import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useCallback } from "react";
import { BottleneckCharts } from "../bottlenecks/BottleneckCharts";
import { DataNotes } from "../flow/DataNotes";
import { DrillLayer, useDrill } from "../flow/DrillPanel";
import { FlowFilterBar } from "../flow/FlowFilterBar";
import { narrowsWork } from "../flow/filter";
import { flowQueries } from "../flow/queries";
import { useFlowFilter } from "../flow/useFlowFilter";
import type { FlowFilter, FlowSelection } from "../lib/ipc";
import { formatDateTime, formatDay } from "../shared/format";
import { useDrawnMark } from "../shared/perf";
import { Banner, EmptyState, ErrorState, staleClass, useAfterDelay } from "../shared/states";
import { summaryQuery } from "../workspace/queries";
import { FlowSkeleton, NoItemsYet } from "./flowStates";
import { ViewHeader } from "./ViewHeader";

export function BottlenecksView() {
  const { filter, changeFilter, loadError, saveError } = useFlowFilter();
  const summary = useQuery(summaryQuery());
  const report = useQuery(flowQueries.bottlenecks(filter));
  const drill = useDrill();
  const answer = report.data;
  const shownFilter = answer?.filter;
  const { openDrill, openItem } = drill;
  useDrawnMark("bottlenecks", report.isPlaceholderData ? null : answer);
  const dimmed = useAfterDelay(report.isPlaceholderData);
  const updating = useAfterDelay(report.isFetching && Boolean(answer));

  const onDrill = useCallback(
    (selection: FlowSelection, title: string, override?: FlowFilter) => {
      if (shownFilter) openDrill({ filter: override ?? shownFilter, selection, title });
    },
    [shownFilter, openDrill],
  );

  let body: ReactNode;
  if (filter === null || (report.isPending && !answer)) {
    body = <FlowSkeleton label="Finding where work waits…" tiles={false} />;
  } else if (report.isError && !answer) {
    body = (
      <ErrorState
        title="Could not compute the bottlenecks"
        error={report.error}
        onRetry={() => report.refetch()}
      />
    );
  } else if (answer && answer.report.items === 0 && !narrowsWork(answer.filter)) {
    body = <NoItemsYet />;
  } else if (answer) {
    const r = answer.report;
    body = (
      <>
        {report.isError ? (
          <Banner tone="error" title="Could not update the bottlenecks for these filters">
            <p className="banner-message">{report.error.message}</p>
            <button type="button" className="btn btn-small" onClick={() => report.refetch()}>
              Try again
            </button>
          </Banner>
        ) : null}
        <DataNotes notes={r.notes} skipped={r.skipped} />
        {r.items === 0 ? (
          <EmptyState title="No items match these filters">Widen the filters, or reset them.</EmptyState>
        ) : (
          <div
            className={staleClass("flow-body", report.isPlaceholderData, dimmed)}
            aria-busy={report.isFetching}
          >
            <BottleneckCharts report={r} onDrill={onDrill} onOpenItem={openItem} />
          </div>
        )}
      </>
    );
  }

  const range = answer?.report.range;
  return (
    <div className="view view-flow" data-testid="view-bottlenecks">
      <ViewHeader
        title="Bottlenecks"
        description={
          range ? (
            <>
              Where and why work waited, {formatDay(range.from)} – {formatDay(range.to)}
              <span className="muted"> · measured as of {formatDateTime(range.asOf)}</span>
            </>
          ) : (
            "Where does work wait, and why?"
          )
        }
      />
      {filter ? (
        <FlowFilterBar
          filter={filter}
          onChange={changeFilter}
          summary={summary.data}
          range={range}
          updating={updating}
        />
      ) : null}
      {loadError ? (
        <p className="muted small" role="status">
          Your saved filters could not be read ({loadError.message}); showing the defaults.
        </p>
      ) : null}
      {saveError ? (
        <p className="error-text small" role="alert">
          The filters could not be saved for next time: {saveError.message}
        </p>
      ) : null}
      {body}
      <DrillLayer state={drill} />
    </div>
  );
}
