//! The "How is this computed?" link beside every number and chart, and the panel that shows the
//! metric's definition from `docs/metrics.md`.

import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { Icon } from "../shared/Icon";
import { SidePanel } from "../shared/SidePanel";
import { metricDefinition } from "./definitions";
import { MarkdownText } from "./MarkdownText";

type MetricPanel = { open: (id: string) => void; close: () => void; openId: string | null };

const MetricPanelContext = createContext<MetricPanel | null>(null);

export function MetricPanelProvider({ children }: { children: ReactNode }) {
  const [openId, setOpenId] = useState<string | null>(null);
  const close = useCallback(() => setOpenId(null), []);
  const value = useMemo(() => ({ open: setOpenId, close, openId }), [close, openId]);
  return (
    <MetricPanelContext.Provider value={value}>
      {children}
      {openId ? <MetricDefinitionPanel id={openId} onClose={close} /> : null}
    </MetricPanelContext.Provider>
  );
}

export function MetricDefinitionPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const section = metricDefinition(id);
  return (
    <SidePanel
      label="Metric definition"
      title={<h2 className="panel-heading">{section?.title ?? "Definition not found"}</h2>}
      onClose={onClose}
      testId="metric-definition"
      width={420}
    >
      <p className="eyebrow">How is this computed?</p>
      {section ? (
        <MarkdownText markdown={section.body} />
      ) : (
        <p>
          This number has no written definition yet (<code>{id}</code>). Every number Baton shows should have
          one: please tell the Baton team.
        </p>
      )}
      <p className="muted small definition-source">
        This definition is Baton's promise for the number (from its documentation, section <code>{id}</code>).
        If a number does not match it, please tell the Baton team.
      </p>
    </SidePanel>
  );
}

/** The ⓘ link. `label` names what is explained, for screen readers. */
export function MetricInfo({ id, label, text }: { id: string; label: string; text?: string }) {
  const panel = useContext(MetricPanelContext);
  return (
    <button
      type="button"
      className={text ? "metric-info metric-info-text" : "metric-info"}
      data-testid={`metric-info-${id}`}
      aria-label={`How is “${label}” computed?`}
      title="How is this computed?"
      aria-pressed={panel?.openId === id}
      onClick={() => panel?.open(id)}
    >
      <Icon name="info" size={14} />
      {text ? <span>{text}</span> : null}
    </button>
  );
}
