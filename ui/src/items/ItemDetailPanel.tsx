//! The detail drawer: one item's fields, its transition timeline and its links.

import { useMutation, useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { approvalQueries } from "../decisions/queries";
import {
  type AccountableVia,
  type DecisionView,
  type ItemDetail,
  ipc,
  type LinkedItem,
  type RequesterSignal,
  type TransitionEntry,
  toIpcError,
} from "../lib/ipc";
import { formatDate, formatDateTime, formatPercent, formatRelative, plural } from "../shared/format";
import { Icon } from "../shared/Icon";
import { SidePanel } from "../shared/SidePanel";
import { ErrorState, LoadingState } from "../shared/states";
import { BotBadge, FlowStateChip, ProvenanceBadge, SourceBadge, WaitReasonTag } from "../workgraph/badges";
import {
  FLOW_STATE_LABELS,
  humanizeState,
  ITEM_KIND_LABELS,
  LINK_GROUP_ORDER,
  linkLabel,
  SOURCE_KIND_LABELS,
  WAIT_REASON_LABELS,
} from "../workgraph/vocabulary";
import { ChangedFiles } from "./ChangedFiles";
import { itemsQueries } from "./queries";

function When({ iso }: { iso: string | null }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <span>
      <time dateTime={iso}>{formatDateTime(iso)}</time> <span className="muted">({formatRelative(iso)})</span>
    </span>
  );
}

function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <dt title={hint}>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Fields({ detail }: { detail: ItemDetail }) {
  const item = detail.item;
  const isPr = item.kind === "pull_request";
  return (
    <dl className="fields">
      <Field label="Kind">{ITEM_KIND_LABELS[item.kind]}</Field>
      <Field label="Team">{item.teamName ?? <span className="muted">No team</span>}</Field>
      <Field label="State" hint="Flow state, and the state as the source names it">
        <FlowStateChip
          state={item.flowState}
          rawState={`${FLOW_STATE_LABELS[item.flowState]} · ${item.rawState}`}
        />
      </Field>
      <Field label="Wait reason">
        {item.waitReason ? <WaitReasonTag reason={item.waitReason} /> : <span className="muted">—</span>}
      </Field>
      <Field label="Owner">{detail.ownerName ?? <span className="muted">Unassigned</span>}</Field>
      <Field label="Author">
        {detail.authorName ? (
          <>
            {detail.authorName} {detail.authorIsBot ? <BotBadge /> : null}
          </>
        ) : (
          <span className="muted">Unknown</span>
        )}
      </Field>
      <Field label="Provenance" hint="Who made the item, and how sure Baton is">
        <ProvenanceBadge provenance={item.provenance} agent={item.provenanceAgent} />
        {detail.provenanceConfidence === null ? null : (
          <span className="muted" title="How sure Baton is of the provenance">
            {" "}
            · {formatPercent(detail.provenanceConfidence)} confidence
          </span>
        )}
      </Field>
      {detail.requester ? (
        <Field label="Asked for by" hint="Who asked the AI agent for this work, and how Baton knows">
          <span>{detail.requester.name}</span>{" "}
          <span className="muted">({REQUESTER_SIGNAL_LABELS[detail.requester.via]})</span>
        </Field>
      ) : null}
      <Field
        label="Accountable"
        hint="Who answers for it: the owner set in Baton, else who asked for it, else the person assigned"
      >
        {detail.accountable ? (
          <>
            <span>{detail.accountable.name}</span>{" "}
            <span className="muted">({ACCOUNTABLE_VIA_LABELS[detail.accountable.via]})</span>
          </>
        ) : (
          <span className="muted">Nobody</span>
        )}
      </Field>
      {isPr && detail.review ? (
        <Field
          label="Independent review"
          hint="Approved by a person other than the author and other than who asked for it"
        >
          {detail.review.verdict === "independent" ? (
            <span className="yes">
              Yes{detail.review.approver ? ` — approved by ${detail.review.approver}` : ""}
            </span>
          ) : detail.review.verdict === "not_independent" ? (
            <span className="no">
              No — approved only by {detail.review.approver ?? "the author or who asked for it"}, who is not
              independent
            </span>
          ) : (
            <span className="no">No — nobody approved it</span>
          )}
        </Field>
      ) : null}
      <Field label="Intent">
        {detail.intent ? (
          <span>
            <span className="tag">{humanizeState(detail.intent.kind)}</span> {detail.intent.title}
          </span>
        ) : (
          <span className="muted">Not linked to an intent</span>
        )}
      </Field>
      <Field label="Priority">{detail.priority ?? <span className="muted">—</span>}</Field>
      <Field label="Source">
        <SourceBadge kind={item.sourceKind} name={item.sourceName} />{" "}
        <span className="muted mono">{detail.externalId}</span>
      </Field>
      <Field label="Created">
        <When iso={item.createdAt} />
      </Field>
      <Field label="Started">
        <When iso={detail.startedAt} />
      </Field>
      <Field label="Done">
        <When iso={item.doneAt} />
      </Field>
      <Field label="Updated">
        <When iso={item.updatedAt} />
      </Field>
    </dl>
  );
}

function TimelineEntry({ entry }: { entry: TransitionEntry }) {
  const review = entry.kind === "review";
  const state = entry.toFlowState;
  return (
    <li className={`timeline-entry ${review ? "timeline-review" : `timeline-${state ?? "unmapped"}`}`}>
      <span className="timeline-dot" aria-hidden="true" />
      <div className="timeline-content">
        <p className="timeline-what">
          {review ? (
            <>
              <span className="tag tag-review">Review</span> {humanizeState(entry.toState)}
            </>
          ) : (
            <>
              {entry.fromState ? (
                <>
                  <span className="muted">{entry.fromState}</span> →{" "}
                </>
              ) : null}
              <strong>{entry.toState}</strong>
              {state ? (
                <span className={`chip chip-${state} chip-small`}>
                  <span className="chip-dot" aria-hidden="true" />
                  {FLOW_STATE_LABELS[state]}
                </span>
              ) : (
                <span className="tag" title="This state is not in the source's workflow map">
                  unmapped
                </span>
              )}
              {entry.toWaitReason ? (
                <span className="wait-tag">{WAIT_REASON_LABELS[entry.toWaitReason]}</span>
              ) : null}
            </>
          )}
        </p>
        <p className="timeline-meta">
          <When iso={entry.at} />
          {entry.actorName ? (
            <>
              {" · "}
              {entry.actorName} {entry.actorIsBot ? <BotBadge /> : null}
            </>
          ) : null}
        </p>
      </div>
    </li>
  );
}

function LinkGroups({ links, onOpenItem }: { links: LinkedItem[]; onOpenItem: (id: string) => void }) {
  const groups = new Map<string, LinkedItem[]>();
  for (const link of links) {
    const label = linkLabel(link.kind, link.direction);
    groups.set(label, [...(groups.get(label) ?? []), link]);
  }
  const ordered = [...groups.entries()].sort(
    (a, b) => LINK_GROUP_ORDER.indexOf(a[0]) - LINK_GROUP_ORDER.indexOf(b[0]),
  );
  return (
    <div className="link-groups">
      {ordered.map(([label, list]) => (
        <section key={label} className="link-group" aria-label={label}>
          <h4 className="link-group-title">
            {label} <span className="muted">({list.length})</span>
          </h4>
          <ul>
            {list.map((link) => (
              <li
                key={`${link.kind}-${link.direction}-${link.otherId}`}
                className={link.open ? "link" : "link link-removed"}
              >
                <button
                  type="button"
                  className="link-target"
                  onClick={() => onOpenItem(link.otherId)}
                  title={`Open ${link.otherKey}`}
                  data-testid="detail-link"
                >
                  <span className="mono link-key">{link.otherKey}</span>
                  <span className="link-title">
                    <span>{link.otherTitle}</span>
                  </span>
                  <FlowStateChip state={link.otherFlowState} />
                </button>
                <span className="link-meta">
                  {link.otherTeamName ? <span>{link.otherTeamName}</span> : null}
                  {link.origin !== "source" ? (
                    <span
                      className="tag"
                      title={
                        link.origin === "inferred"
                          ? "Baton inferred this link; the source does not report it"
                          : "Added by hand in Baton"
                      }
                    >
                      {link.origin === "inferred"
                        ? `inferred${link.confidence === null ? "" : `, ${formatPercent(link.confidence)}`}`
                        : "manual"}
                    </span>
                  ) : null}
                  {link.foundIn ? (
                    <span className="muted" title="Where the source's record names this link">
                      found in {link.foundIn}
                    </span>
                  ) : null}
                  {link.open ? null : (
                    <span
                      className="tag tag-warning"
                      title="The source no longer reports this link; kept for history"
                    >
                      removed
                    </span>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

const REQUESTER_SIGNAL_LABELS: Record<RequesterSignal, string> = {
  pr_body: "named in the description",
  co_author: "co-author of the agent's commits",
  assignment: "assigned the issue to the agent",
  author: "opened it with an agent's help",
};

const ACCOUNTABLE_VIA_LABELS: Record<AccountableVia, string> = {
  decision: "owner set in Baton",
  requester: "asked for it",
  source_owner: "assigned at the source",
};

/** Every decision about the item, oldest first; taken-back ones are struck through. */
/** The pending decisions and approvals the item waits on (nothing when there are none). */
function WaitingOn({ itemId }: { itemId: string }) {
  const pending = useQuery(approvalQueries.forItem(itemId));
  const list = pending.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="detail-section" aria-labelledby="waiting-on-title" data-testid="detail-waiting-on">
      <h3 id="waiting-on-title" className="section-title">
        Waiting for a decision <span className="muted">({list.length})</span>
      </h3>
      <ul className="decision-list">
        {list.map((a) => (
          <li key={a.id}>
            {a.question} <span className="muted small">— {a.decider.name} decides</span>
            {a.due ? (
              <span className={a.overdue ? "error-text small" : "muted small"}>
                {" "}
                · due {formatDate(a.due)}
                {a.overdue ? " (overdue)" : ""}
              </span>
            ) : null}{" "}
            <a className="small" href="#/decisions">
              Answer on the Decisions page
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Decisions({ decisions }: { decisions: DecisionView[] }) {
  return (
    <ol className="decision-list" data-testid="detail-decisions">
      {decisions.map((d) => (
        <li
          key={d.id}
          className={d.revokedBy ? "decision decision-revoked" : "decision"}
          data-testid="detail-decision"
        >
          <p className="decision-what">
            <strong>{d.summary}</strong>
            {d.revokedBy ? <span className="tag">undone</span> : null}
          </p>
          {d.why ? <p className="decision-why">{d.why}</p> : null}
          <p className="timeline-meta">
            <When iso={d.at} /> · {d.actor}
          </p>
        </li>
      ))}
    </ol>
  );
}

function DetailBody({ detail, onOpenItem }: { detail: ItemDetail; onOpenItem: (id: string) => void }) {
  const item = detail.item;
  const open = useMutation({ mutationFn: () => ipc.itemOpenInBrowser(item.id) });
  const reviews = detail.transitions.filter((t) => t.kind === "review").length;
  return (
    <>
      <div className="detail-actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="detail-open-browser"
          disabled={!item.url || open.isPending}
          title={item.url || "This item has no address at its source"}
          onClick={() => open.mutate()}
        >
          <Icon name="external" />{" "}
          {item.sourceKind === "file" ? "Open the source" : `Open in ${SOURCE_KIND_LABELS[item.sourceKind]}`}
        </button>
        {open.isError ? (
          <p className="error-text small" role="alert">
            Could not open the browser: {open.error.message}
          </p>
        ) : null}
      </div>
      <Fields detail={detail} />
      <section className="detail-section" aria-labelledby="timeline-title">
        <h3 id="timeline-title" className="section-title">
          Timeline{" "}
          <span className="muted">
            ({plural(detail.transitions.length - reviews, "state change")}
            {reviews ? `, ${plural(reviews, "review")}` : ""})
          </span>
        </h3>
        {detail.transitions.length === 0 ? (
          <p className="muted">No state changes recorded yet.</p>
        ) : (
          <ol className="timeline" data-testid="detail-timeline">
            {detail.transitions.map((t, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an item's timeline never reorders; entries have no id
              <TimelineEntry key={`${t.at}-${i}`} entry={t} />
            ))}
          </ol>
        )}
      </section>
      <WaitingOn itemId={detail.item.id} />
      {item.kind === "pull_request" ? <ChangedFiles itemId={item.id} onOpenItem={onOpenItem} /> : null}
      {detail.decisions.length > 0 ? (
        <section className="detail-section" aria-labelledby="decisions-title">
          <h3 id="decisions-title" className="section-title">
            Decisions <span className="muted">({detail.decisions.length})</span>
          </h3>
          <Decisions decisions={detail.decisions} />
        </section>
      ) : null}
      <section className="detail-section" aria-labelledby="links-title">
        <h3 id="links-title" className="section-title">
          Links <span className="muted">({detail.links.length})</span>
        </h3>
        {detail.links.length === 0 ? (
          <p className="muted">This item has no links to other items.</p>
        ) : (
          <LinkGroups links={detail.links} onOpenItem={onOpenItem} />
        )}
      </section>
    </>
  );
}

export function ItemDetailPanel({
  id,
  onClose,
  onOpenItem,
}: {
  id: string;
  onClose: () => void;
  onOpenItem: (id: string) => void;
}) {
  const detail = useQuery(itemsQueries.detail(id));
  const item = detail.data?.item;
  return (
    <SidePanel
      label="Item details"
      testId="item-detail"
      width={520}
      onClose={onClose}
      title={
        item ? (
          <div>
            <p className="detail-key">
              <span className="mono">{item.key}</span>
            </p>
            <h2 className="panel-heading" data-testid="detail-title">
              {item.title}
            </h2>
          </div>
        ) : (
          <h2 className="panel-heading">{detail.isError ? "Item not available" : "Loading item…"}</h2>
        )
      }
    >
      {detail.isPending ? <LoadingState label="Loading the item's history and links…" /> : null}
      {detail.isError ? (
        <ErrorState
          title={
            toIpcError(detail.error).code === "not_found"
              ? "This item no longer exists"
              : "Could not load the item"
          }
          error={detail.error}
          onRetry={() => detail.refetch()}
        />
      ) : null}
      {detail.data ? <DetailBody detail={detail.data} onOpenItem={onOpenItem} /> : null}
    </SidePanel>
  );
}
