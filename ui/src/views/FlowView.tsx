//! Flow: how predictably work moves from commitment to delivery, for the filter chosen (and
//! remembered for the workspace) in the filter bar.

import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useCallback } from "react";
import { AiComparisonPanel } from "../flow/AiComparison";
import { DataNotes } from "../flow/DataNotes";
import { DrillLayer, useDrill } from "../flow/DrillPanel";
import { FlowCharts } from "../flow/FlowCharts";
import { FlowFilterBar } from "../flow/FlowFilterBar";
import { FlowTiles } from "../flow/FlowTiles";
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

export function FlowView() {
  const { filter, changeFilter, loadError, saveError } = useFlowFilter();
  const summary = useQuery(summaryQuery());
  const report = useQuery(flowQueries.report(filter));
  const drill = useDrill();
  const answer = report.data;
  const shownFilter = answer?.filter;
  const { openDrill, openItem } = drill;
  useDrawnMark("flow", report.isPlaceholderData ? null : answer);
  const dimmed = useAfterDelay(report.isPlaceholderData);
  const updating = useAfterDelay(report.isFetching && Boolean(answer));

  const onDrill = useCallback(
    (selection: FlowSelection, title: string, override?: FlowFilter) => {
      if (shownFilter) openDrill({ filter: override ?? shownFilter, selection, title });
    },
    [shownFilter, openDrill],
  );
  const onListFinished = useCallback(
    () => onDrill({ type: "finished" }, "Items finished in the range"),
    [onDrill],
  );

  let body: ReactNode;
  if (filter === null || (report.isPending && !answer)) {
    body = <FlowSkeleton label="Computing flow metrics…" />;
  } else if (report.isError && !answer) {
    body = (
      <ErrorState
        title="Could not compute the flow metrics"
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
          <Banner tone="error" title="Could not update the flow metrics for these filters">
            <p className="banner-message">{report.error.message}</p>
            <button type="button" className="btn btn-small" onClick={() => report.refetch()}>
              Try again
            </button>
          </Banner>
        ) : null}
        <DataNotes notes={r.notes} skipped={r.skipped} />
        {r.items === 0 ? (
          <EmptyState title="No items match these filters">
            Widen the filters, or reset them, to see flow metrics.
          </EmptyState>
        ) : (
          <div
            className={staleClass("flow-body", report.isPlaceholderData, dimmed)}
            aria-busy={report.isFetching}
          >
            <FlowTiles report={r} onListFinished={onListFinished} />
            <FlowCharts report={r} filter={answer.filter} onDrill={onDrill} onOpenItem={openItem} />
            <AiComparisonPanel filter={answer.filter} />
          </div>
        )}
      </>
    );
  }

  const range = answer?.report.range;
  return (
    <div className="view view-flow" data-testid="view-flow">
      <ViewHeader
        title="Flow"
        description={
          range ? (
            <>
              How work moved from start to finish, {formatDay(range.from)} – {formatDay(range.to)}
              <span className="muted"> · measured as of {formatDateTime(range.asOf)}</span>
            </>
          ) : (
            "How predictably work moves from commitment to delivery."
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
