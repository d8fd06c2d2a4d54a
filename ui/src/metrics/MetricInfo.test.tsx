import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MarkdownText } from "./MarkdownText";
import { MetricInfo, MetricPanelProvider } from "./MetricInfo";

describe("MetricInfo", () => {
  it("opens the definition of its metric, and only that one", () => {
    render(
      <MetricPanelProvider>
        <MetricInfo id="summary-open-blocking-links" label="Open blocking links" />
        <MetricInfo id="summary-items" label="Work items" />
      </MetricPanelProvider>,
    );
    fireEvent.click(screen.getByTestId("metric-info-summary-open-blocking-links"));
    const panel = screen.getByTestId("metric-definition");
    expect(panel).toHaveTextContent("Open blocking links");
    expect(panel).toHaveTextContent("a link removed at the source is kept for history but not counted");
    expect(panel).toHaveTextContent(
      "whose blocker is neither Done nor Canceled and whose blocked item is still open",
    );
    expect(panel).not.toHaveTextContent("Canceled and done items are included");
    // `blocks` is code in the Markdown: it becomes an element, not backticks.
    expect([...panel.querySelectorAll("code")].map((c) => c.textContent)).toContain("blocks");

    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    expect(screen.queryByTestId("metric-definition")).toBeNull();
  });

  it("says so when a definition is missing instead of showing nothing", () => {
    render(
      <MetricPanelProvider>
        <MetricInfo id="no-such-metric" label="Nothing" />
      </MetricPanelProvider>,
    );
    fireEvent.click(screen.getByTestId("metric-info-no-such-metric"));
    expect(screen.getByTestId("metric-definition")).toHaveTextContent("Definition not found");
  });
});

describe("MarkdownText", () => {
  it("renders paragraphs, lists and bold as elements, and HTML as text", () => {
    const { container } = render(
      <MarkdownText markdown={"One **bold** line\ncontinues.\n\n- first\n- second <script>x()</script>"} />,
    );
    expect(container.querySelectorAll("p")).toHaveLength(1);
    expect(container.querySelector("p")).toHaveTextContent("One bold line continues.");
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    expect(container.querySelectorAll("li")).toHaveLength(2);
    expect(container.querySelector("script")).toBeNull();
    expect(container).toHaveTextContent("second <script>x()</script>");
  });
});
