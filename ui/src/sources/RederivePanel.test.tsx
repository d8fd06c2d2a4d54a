import { fireEvent, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { RederiveReport } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { RederivePanel } from "./RederivePanel";

afterEach(() => clearMocks());

/** The panel under a rules list that can change. */
function WithRules() {
  const [version, setVersion] = useState(1);
  return (
    <>
      <button type="button" data-testid="rules-changed" onClick={() => setVersion(version + 1)} />
      <RederivePanel rulesVersion={version} />
    </>
  );
}

const REPORT: RederiveReport = {
  checked: 120,
  changed: 23,
  teamChanged: 21,
  provenanceChanged: 3,
  applied: false,
  examples: [
    {
      itemId: "gh:1#4",
      key: "acme/pay#4",
      title: "<b>Retry</b> payouts",
      teamBefore: null,
      teamAfter: "Payments",
      provenanceBefore: "human",
      provenanceAfter: "ai_agent",
    },
  ],
};

describe("RederivePanel", () => {
  it("previews how many items the rules move, then applies exactly that", async () => {
    const calls = mockBackend({
      rules_rederive_preview: () => REPORT,
      rules_rederive_apply: () => ({ ...REPORT, applied: true }),
    });
    const { container } = renderWithClient(<RederivePanel rulesVersion={1} />);
    expect(screen.queryByTestId("rederive-apply")).toBeNull();
    fireEvent.click(screen.getByTestId("rederive-preview"));
    const report = await screen.findByTestId("rederive-report");
    expect(report.textContent).toContain("23 of 120 synced items would change (team: 21, provenance: 3).");
    expect(report.textContent).toContain("team none → Payments");
    expect(report.textContent).toContain("and 22 more");
    expect(container.querySelector("b")).toBeNull();
    expect(calls.some((c) => c.cmd === "rules_rederive_apply")).toBe(false);
    fireEvent.click(screen.getByTestId("rederive-apply"));
    await waitFor(() =>
      expect(screen.getByTestId("rederive-report").textContent).toContain("Moved 23 of 120 items"),
    );
    expect(screen.queryByTestId("rederive-apply")).toBeNull();
  });

  it("forgets a preview when the rules change, and says when nothing moves", async () => {
    mockBackend({ rules_rederive_preview: () => ({ ...REPORT, changed: 0, examples: [] }) });
    renderWithClient(<WithRules />);
    fireEvent.click(screen.getByTestId("rederive-preview"));
    expect((await screen.findByTestId("rederive-report")).textContent).toContain(
      "The rules move none of the 120 synced items.",
    );
    fireEvent.click(screen.getByTestId("rules-changed"));
    await waitFor(() => expect(screen.queryByTestId("rederive-report")).toBeNull());
  });
});
