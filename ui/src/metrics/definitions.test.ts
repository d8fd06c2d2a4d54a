import { describe, expect, it } from "vitest";
import { metricDefinition, parseMetricSections } from "./definitions";

const DOC = `# Metric definitions

Intro text that belongs to no metric.

## Workspace summary

<!-- metric: alpha -->
### Alpha things
First paragraph of **alpha**.

- one
- two

<!-- metric: beta -->
### Beta
Beta body.

## Flow

Text under another heading, not part of beta.

<!-- metric: gamma -->
No heading here.
`;

describe("parseMetricSections", () => {
  const sections = parseMetricSections(DOC);

  it("finds every marked section by id", () => {
    expect([...sections.keys()]).toEqual(["alpha", "beta", "gamma"]);
  });

  it("takes the ### heading as the title and keeps the rest as the body", () => {
    const alpha = sections.get("alpha");
    expect(alpha?.title).toBe("Alpha things");
    expect(alpha?.body).toBe("First paragraph of **alpha**.\n\n- one\n- two");
  });

  it("stops a section at the next marker", () => {
    expect(sections.get("alpha")?.body).not.toContain("Beta");
  });

  it("stops a section at the next ## heading", () => {
    expect(sections.get("beta")?.body).toBe("Beta body.");
  });

  it("falls back to the id when a section has no heading", () => {
    expect(sections.get("gamma")).toEqual({ id: "gamma", title: "gamma", body: "No heading here." });
  });
});

describe("docs/metrics.md", () => {
  it("defines every metric the Overview links to", () => {
    const ids = [
      "summary-items",
      "summary-by-team",
      "summary-by-flow-state",
      "summary-by-kind",
      "summary-by-source",
      "summary-by-provenance",
      "summary-ai-prs-without-human-review",
      "summary-open-blocking-links",
      "summary-date-range",
      "summary-transitions",
      "summary-links",
    ];
    for (const id of ids) {
      const section = metricDefinition(id);
      expect(section, `docs/metrics.md has a section for ${id}`).toBeDefined();
      expect(section?.body.length, `${id} has a definition`).toBeGreaterThan(20);
    }
  });

  it("defines every metric the Flow and Bottlenecks pages link to", () => {
    const ids = [
      "flow-timelines",
      "flow-cycle-time",
      "flow-lead-time",
      "flow-percentiles",
      "flow-throughput",
      "flow-wip",
      "flow-littles-law",
      "flow-age",
      "flow-efficiency",
      "flow-distribution",
      "flow-cfd",
      "flow-scatter",
      "bottleneck-matrix",
      "bottleneck-wait-reasons",
      "bottleneck-blockers",
      "bottleneck-queues",
      "bottleneck-pr-segments",
    ];
    for (const id of ids) {
      expect(metricDefinition(id)?.body.length, `${id} has a definition`).toBeGreaterThan(20);
    }
  });

  it("defines every metric the Dependencies page links to", () => {
    const ids = [
      "deps-dependencies",
      "deps-matrix",
      "deps-chains",
      "deps-single-links",
      "deps-cycles",
      "deps-at-risk",
      "deps-handoffs",
      "deps-critical-path",
    ];
    for (const id of ids) {
      expect(metricDefinition(id)?.body.length, `${id} has a definition`).toBeGreaterThan(20);
    }
  });

  it("defines every metric the Governance page links to", () => {
    for (const id of [
      "governance-hours",
      "governance-rules",
      "governance-violations",
      "governance-compliance",
    ]) {
      expect(metricDefinition(id)?.body.length, `${id} has a definition`).toBeGreaterThan(20);
    }
  });

  it("says plainly what a delivery lead would otherwise misread", () => {
    const body = (id: string) => (metricDefinition(id)?.body ?? "").replace(/\s+/g, " ");
    // Days are half-open and everything is asked at the range end.
    expect(body("flow-timelines")).toContain("that next midnight excluded");
    expect(body("flow-timelines")).toContain("the state an item is in today does not enter a past range");
    // A past day's numbers move with the range end.
    expect(body("flow-timelines")).toContain("Past days can change when the range end moves");
    expect(body("flow-throughput")).toContain("can change when the range end moves");
    expect(body("flow-wip")).toContain("can change when the range end moves");
    // What starts a cycle, instantaneous passes included.
    expect(body("flow-cycle-time")).toContain("Instantaneous passes count");
    expect(body("flow-cycle-time")).toContain("review time counts in WIP, in cycle time and in");
    expect(body("bottleneck-wait-reasons")).toContain("never in only one of the two");
    // A blocked flag on a draft pull request.
    expect(body("flow-timelines")).toContain("A blocked flag on a draft pull request");
    // How each source's records become flow states: a pull request by its timeline, an issue by
    // its board, labels and (last) its assignment, a Jira status within its category.
    expect(body("flow-timelines")).toContain("A *GitHub pull request* follows its timeline");
    expect(body("flow-timelines")).toContain(
      "time to first review, review rounds and time waiting for merge come out of these segments",
    );
    expect(body("flow-timelines")).toContain("only where nothing better exists — an assignment (Active)");
    expect(body("flow-timelines")).toContain("a To Do status is New whatever its name");
    expect(body("flow-timelines")).toContain(
      "an open pull request and an open issue can mean different things",
    );
    // Chains need two links; single links are shown; the at-risk search depth.
    expect(body("deps-chains")).toContain("at least two links");
    expect(body("deps-at-risk")).toContain("at most 32 links");
    // Little's law: the threshold and the reasons.
    expect(body("flow-littles-law")).toContain("larger than **20%**");
    expect(body("bottleneck-blockers")).toContain("neither Done nor Canceled at the end of the");
  });
});
