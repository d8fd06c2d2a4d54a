//! Settings → People: who is one person across sources. Suggested matches (the same e-mail
//! address or name on GitHub and Jira) are merged with one click; any two people can be merged by
//! hand, and a merged person split back into one person per identity. Names are text, never HTML.

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { PeopleView, PersonMatch, PersonView } from "../lib/ipc";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { peopleQueries, useMergePeople, useSplitPerson } from "./queries";
import "./people.css";

const REASON: Record<PersonMatch["reason"], string> = {
  email: "same e-mail address",
  name: "same name",
};

function identitiesText(person: PersonView): string {
  return person.identities
    .map((i) => `${i.sourceName}: ${i.displayName === i.login ? i.login : `${i.displayName} (${i.login})`}`)
    .join(" · ");
}

function Suggestions({ matches }: { matches: PersonMatch[] }) {
  const merge = useMergePeople();
  if (matches.length === 0) {
    return (
      <p className="muted small" data-testid="people-no-matches">
        No two people look like one: nobody shares an e-mail address or a name across sources.
      </p>
    );
  }
  return (
    <ul className="people-matches" data-testid="people-matches">
      {matches.map((m) => (
        <li key={`${m.keepId}|${m.otherId}`} className="people-match">
          <span>
            <strong>{m.keepName}</strong> and <strong>{m.otherName}</strong>
            <span className="muted small">
              {" "}
              — {REASON[m.reason]} ({m.shared})
            </span>
          </span>
          <button
            type="button"
            className="btn"
            disabled={merge.isPending}
            onClick={() => merge.mutate({ keep: m.keepId, other: m.otherId })}
            data-testid={`people-merge-${m.otherId}`}
          >
            Merge
          </button>
        </li>
      ))}
      {merge.isError ? (
        <li className="error-text small" role="alert">
          Not merged: {merge.error.message}
        </li>
      ) : null}
    </ul>
  );
}

function PeopleTable({ view }: { view: PeopleView }) {
  const [filter, setFilter] = useState("");
  const [target, setTarget] = useState<Record<string, string>>({});
  const merge = useMergePeople();
  const split = useSplitPerson();
  const humans = useMemo(() => view.people.filter((p) => !p.isBot), [view.people]);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const list = needle
      ? humans.filter(
          (p) =>
            p.displayName.toLowerCase().includes(needle) ||
            p.identities.some((i) => i.login.toLowerCase().includes(needle)),
        )
      : humans;
    return list.slice(0, 200);
  }, [humans, filter]);
  const failed = merge.error ?? split.error;
  return (
    <>
      <label className="people-filter">
        <span className="small">Find a person</span>
        <input
          className="input"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="Name or login"
          data-testid="people-filter"
        />
      </label>
      <table className="table people-table" data-testid="people-table">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Identities</th>
            <th scope="col">Items</th>
            <th scope="col">Merge into</th>
            <th scope="col">
              <span className="visually-hidden">Split</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr key={p.id} data-testid={`person-${p.id}`}>
              <td>{p.displayName}</td>
              <td className="small">{identitiesText(p)}</td>
              <td>{p.items}</td>
              <td>
                <div className="people-merge">
                  <select
                    className="input"
                    aria-label={`Merge ${p.displayName} into`}
                    value={target[p.id] ?? ""}
                    onChange={(e) => setTarget({ ...target, [p.id]: e.target.value })}
                    data-testid={`merge-target-${p.id}`}
                  >
                    <option value="">—</option>
                    {humans
                      .filter((o) => o.id !== p.id)
                      .map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.displayName}
                        </option>
                      ))}
                  </select>
                  <button
                    type="button"
                    className="btn"
                    disabled={!target[p.id] || merge.isPending}
                    onClick={() => {
                      const keep = target[p.id];
                      if (keep) merge.mutate({ keep, other: p.id });
                    }}
                    data-testid={`merge-${p.id}`}
                  >
                    Merge
                  </button>
                </div>
              </td>
              <td>
                {p.identities.length > 1 ? (
                  <button
                    type="button"
                    className="btn"
                    disabled={split.isPending}
                    onClick={() => split.mutate(p.id)}
                    data-testid={`split-${p.id}`}
                  >
                    Split
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Items: the work items the person authored, owns or asked for, in every source.
      </p>
      {humans.length > shown.length ? (
        <p className="muted small">
          Showing {shown.length} of {humans.length} people; find one by name or login.
        </p>
      ) : null}
      {failed ? (
        <p className="error-text small" role="alert">
          {failed.message}
        </p>
      ) : null}
    </>
  );
}

export function PeopleSettings() {
  const people = useQuery(peopleQueries.list());
  if (people.isPending) return <LoadingState label="Loading people" compact />;
  if (people.isError) {
    return (
      <ErrorState
        title="People could not be read"
        error={people.error}
        onRetry={() => people.refetch()}
        compact
      />
    );
  }
  if (people.data.people.length === 0) {
    return (
      <EmptyState title="No people yet" compact>
        People appear as sources are synced: the authors, owners, reviewers and askers of their work.
      </EmptyState>
    );
  }
  return (
    <div className="people-settings">
      <h3 className="card-subtitle">Suggested matches</h3>
      <p className="muted small">
        The same e-mail address or full name on two sources is merged automatically after a sync. A shorter
        name is only suggested here. A split person is never merged automatically again.
      </p>
      <Suggestions matches={people.data.matches} />
      <h3 className="card-subtitle">Everyone</h3>
      <PeopleTable view={people.data} />
    </div>
  );
}
