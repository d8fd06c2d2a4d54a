//! Metric definitions, read from `docs/metrics.md` (bundled as text at build time).
//!
//! A definition is the text after `<!-- metric: <id> -->`, up to the next marker or the next
//! `## ` heading. Its first `### ` heading is its title.

import metricsMarkdown from "@docs/metrics.md?raw";

export type MetricSection = { id: string; title: string; body: string };

const MARKER = /^<!--\s*metric:\s*([A-Za-z0-9_.-]+)\s*-->\s*$/;

/** Splits the document into its metric sections, keyed by id. */
export function parseMetricSections(markdown: string): Map<string, MetricSection> {
  const sections = new Map<string, MetricSection>();
  let current: { id: string; lines: string[] } | null = null;

  const finish = () => {
    if (!current) return;
    const lines = current.lines;
    let title = "";
    const headingIndex = lines.findIndex((l) => l.trim() !== "");
    const first = headingIndex >= 0 ? lines[headingIndex] : undefined;
    if (first !== undefined && /^###\s+/.test(first)) {
      title = first.replace(/^###\s+/, "").trim();
      lines.splice(headingIndex, 1);
    }
    sections.set(current.id, { id: current.id, title: title || current.id, body: lines.join("\n").trim() });
    current = null;
  };

  for (const line of markdown.split(/\r?\n/)) {
    const marker = MARKER.exec(line.trim());
    if (marker?.[1]) {
      finish();
      current = { id: marker[1], lines: [] };
      continue;
    }
    if (/^##\s/.test(line) || /^#\s/.test(line)) {
      finish();
      continue;
    }
    current?.lines.push(line);
  }
  finish();
  return sections;
}

let cache: Map<string, MetricSection> | null = null;

/** The definition with this id from the bundled `docs/metrics.md`, if there is one. */
export function metricDefinition(id: string): MetricSection | undefined {
  cache ??= parseMetricSections(metricsMarkdown);
  return cache.get(id);
}
