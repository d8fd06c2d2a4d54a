import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { PlotChart } from "../shared/PlotChart";
import { chartPalette } from "../shared/theme";
import { ChartPanel } from "./ChartPanel";

describe("ChartPanel around a chart Baton draws", () => {
  it("exports the drawn chart as an SVG file with its title and legend, text escaped", async () => {
    const saved: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push({ href: this.href, download: this.download });
    });
    render(
      <ChartPanel
        title="Cycle <time>"
        subtitle="What it shows"
        metricId="flow-scatter"
        testId="card"
        csv={() => [["a"], [1]]}
        plot={(apiRef) => (
          <PlotChart
            categories={["2026-03-01", "2026-03-02"]}
            columns="bands"
            xName="Day"
            yName="Days"
            layers={[{ kind: "bars", name: "Finished <b>", color: "#123456", values: [1, 2] }]}
            tooltip={() => null}
            height={200}
            label="A chart"
            palette={chartPalette("light")}
            apiRef={apiRef}
            testId="card-chart"
          />
        )}
      />,
    );
    await waitFor(() => expect(screen.getByTestId("card-chart").querySelector("svg")).toBeTruthy());
    fireEvent.keyDown(screen.getByTestId("card-export"), { key: "Enter" });
    expect(screen.getByTestId("card-export-png")).not.toHaveAttribute("aria-disabled", "true");
    fireEvent.click(screen.getByTestId("card-export-svg"));
    expect(saved).toHaveLength(1);
    expect(saved[0]?.download).toBe("baton-cycle-time.svg");
    const href = saved[0]?.href ?? "";
    expect(href.startsWith("data:image/svg+xml;base64,")).toBe(true);
    const svg = new TextDecoder().decode(
      Uint8Array.from(atob(href.slice("data:image/svg+xml;base64,".length)), (c) => c.charCodeAt(0)),
    );
    expect(svg).toContain("Cycle &lt;time&gt;");
    expect(svg).toContain("Finished &lt;b&gt;");
    // The theme's card colour is the image's background.
    expect(svg).toContain(`fill="${chartPalette("light").surface}"`);
    click.mockRestore();
  });
});
