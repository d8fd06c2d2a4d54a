//! The panel a view shows until it is built: what it will show and what you will do there.

import type { ViewId } from "../shared/route";
import { PLANNED_VIEWS } from "./plannedViews";
import { ViewHeader } from "./ViewHeader";

export function PlannedViewPanel({ view }: { view: ViewId }) {
  const plan = PLANNED_VIEWS[view];
  if (!plan) return null;
  return (
    <div className="view" data-testid={`planned-${view}`}>
      <ViewHeader title={plan.title} description={plan.question} />
      <section className="card planned" aria-labelledby={`planned-${view}-title`}>
        <div className="planned-head">
          <span className="tag tag-planned">Not built yet</span>
          <h2 id={`planned-${view}-title`} className="planned-title">
            {plan.summary}
          </h2>
        </div>
        <div className="planned-columns">
          <div>
            <h3 className="section-title">What this view will show</h3>
            <ul className="planned-list">
              {plan.shows.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="section-title">What you will be able to do</h3>
            <ul className="planned-list">
              {plan.actions.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          </div>
        </div>
        <p className="planned-needs">
          <strong>Built on:</strong> {plan.needs} Every number will link to its definition, like those on the{" "}
          <a href="#/overview">Overview</a>.
        </p>
      </section>
    </div>
  );
}
