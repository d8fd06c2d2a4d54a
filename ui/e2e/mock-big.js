// Load shapes for the headless journey's performance steps: answers of the largest size Rust
// returns, made of synthetic values (no metric is computed here, and the journey checks no number
// of them beyond their size). Classic script, injected before mock-backend.js:
// - `globalThis.__batonBigItems = N`: `items_list` pages of N synthetic rows, made on demand for
//   whatever window is asked, and a flow report of the largest shape (365 days, 4,000 scatter
//   points, 500 aging items);
// - `globalThis.__batonBigGraph = true`: a dependency graph of 2,000 drawn items out of 2,600.
// It sets `globalThis.__batonMockBig`, command name → answer, which mock-backend.js asks first.
(() => {
  const DAY = 24 * 3600 * 1000;
  const TEAMS = ["Payments", "Checkout", "Platform", "Mobile", "Identity", "Data", "Growth", "Security"];
  const SOURCES = [
    { id: "src-github", name: "Acme GitHub", kind: "github", base: "https://github.com/acme/web/issues/" },
    { id: "src-jira", name: "Acme Jira", kind: "jira", base: "https://acme.atlassian.net/browse/PAY-" },
    { id: "src-linear", name: "Acme Linear", kind: "linear", base: "https://linear.app/acme/issue/GRO-" },
  ];
  const FLOW = ["new", "waiting", "active", "done", "canceled"];
  const RAW = {
    new: "Backlog",
    waiting: "In Review",
    active: "In Progress",
    done: "Done",
    canceled: "Canceled",
  };
  const VERBS = ["Add", "Fix", "Refactor", "Migrate", "Document", "Harden", "Speed up", "Remove"];
  const NOUNS = [
    "checkout flow",
    "refund webhook",
    "session cache",
    "SSO login",
    "ledger export",
    "audit log",
  ];
  const teamId = (name) => `team-${name.toLowerCase()}`;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, ".000Z");
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);

  function row(i, now) {
    const team = TEAMS[i % TEAMS.length];
    const source = SOURCES[i % SOURCES.length];
    const flow = FLOW[i % FLOW.length];
    return {
      id: `big-${i}`,
      key: `BIG-${i + 1}`,
      title: `${VERBS[i % VERBS.length]} ${NOUNS[(i >> 3) % NOUNS.length]} (${i + 1})`,
      url: `${source.base}${i + 1}`,
      kind: i % 4 === 0 ? "pull_request" : "task",
      teamId: teamId(team),
      teamName: team,
      flowState: flow,
      rawState: RAW[flow],
      waitReason: flow === "waiting" ? "review" : null,
      provenance: i % 9 === 0 ? "ai_agent" : "human",
      provenanceAgent: i % 9 === 0 ? "Claude Code" : null,
      sourceId: source.id,
      sourceName: source.name,
      sourceKind: source.kind,
      createdAt: iso(now - (i % 300) * DAY),
      updatedAt: iso(now - (i % 200) * DAY),
      doneAt: null,
    };
  }

  function itemsPage(args, total) {
    const q = args.query;
    const now = Date.now();
    const rows = [];
    for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) rows.push(row(i, now));
    return { total, offset: q.offset, rows };
  }

  function flowReport(args) {
    const n = 365;
    const asOf = Date.now();
    const end = Math.floor(asOf / DAY) * DAY;
    const dates = Array.from({ length: n }, (_, d) => day(end - (n - 1 - d) * DAY));
    const wave = (d, k) => Math.round(k * (1 + 0.3 * Math.sin(d / 9)));
    const throughput = dates.map((_, d) => wave(d, 160));
    const total = throughput.reduce((a, b) => a + b, 0);
    let done = 20_000;
    const cfd = FLOW.map((state) => ({ state, counts: [] }));
    dates.forEach((_, d) => {
      done += throughput[d];
      [wave(d, 30_000), wave(d, 9_000), wave(d, 7_000), done, 3_000 + d * 10].forEach((c, k) => {
        cfd[k].counts.push(c);
      });
    });
    // Calendar weeks (Monday to Sunday), as Rust groups them.
    const weeks = [];
    dates.forEach((date, d) => {
      const at = Date.parse(`${date}T00:00:00Z`);
      const week = day(at - ((new Date(at).getUTCDay() + 6) % 7) * DAY);
      const last = weeks[weeks.length - 1];
      if (last && last.week === week) {
        last.count += throughput[d];
        last.daysInRange += 1;
      } else weeks.push({ week, count: throughput[d], daysInRange: 1 });
    });
    const points = Array.from({ length: 4000 }, (_, i) => ({
      id: `big-${i}`,
      key: `BIG-${i + 1}`,
      finished: dates[Math.floor((i / 4000) * n)],
      days: ((i * 7919) % 600) / 10 + ((i * 31) % 7),
      kind: i % 4 === 0 ? "pull_request" : "task",
    }));
    const stages = ["queue", "active", "review", "approval", "blocked"];
    const aging = Array.from({ length: 500 }, (_, i) => ({
      item: { id: `big-${i}`, key: `BIG-${i + 1}`, title: `Synthetic item ${i + 1}` },
      teamName: TEAMS[i % TEAMS.length],
      stage: stages[i % stages.length],
      ageDays: 120 - i * 0.2,
      pace: Math.max(0, 100 - i / 5),
    }));
    const cycle = { count: total, p50: 6.2, p85: 18.5, p95: 33.1, mean: 9.4 };
    return {
      range: {
        from: dates[0],
        to: dates[n - 1],
        dates,
        asOf: iso(asOf),
        utcOffsetMinutes: args.filter.utcOffsetMinutes,
        rule: args.filter.rule,
      },
      items: 200_000,
      skipped: 0,
      cycleTime: cycle,
      leadTime: { count: total, p50: 12.5, p85: 40.2, p95: 71.9, mean: 20.1 },
      cycleTimeByTeam: TEAMS.map((t) => ({ teamId: teamId(t), teamName: t, cycleTime: cycle })),
      scatter: { total, points, sampled: true },
      throughputDaily: throughput,
      throughputWeekly: weeks,
      throughputTotal: total,
      wipDaily: dates.map((_, d) => wave(d, 16_000)),
      cfd,
      aging,
      inProgress: 16_000,
      efficiency: {
        aggregate: 0.31,
        activeDays: 120_000,
        waitingDays: 267_000,
        histogram: [900, 4000, 9000, 12000, 9000, 6000, 4000, 2000, 800, 300],
        count: 48_000,
      },
      distribution: [
        { kind: "pull_request", finished: 30_000, inProgress: 6_000 },
        { kind: "task", finished: total - 30_000, inProgress: 10_000 },
      ],
      littlesLaw: {
        averageWip: 16_000,
        throughputPerDay: total / n,
        averageCycleDays: 9.4,
        predictedWip: 5_000,
      },
      notes: [],
    };
  }

  function depsGraph() {
    const N = 2000;
    const flows = ["waiting", "active", "active", "new", "waiting"];
    const nodes = [];
    for (let i = 0; i < N; i++) {
      const team = TEAMS[(i * 7 + Math.floor(i / 50)) % TEAMS.length];
      const flow = flows[i % flows.length];
      nodes.push({
        item: {
          id: `dep-${i}`,
          key: `DEP-${i + 1}`,
          title: `${VERBS[i % VERBS.length]} ${NOUNS[(i >> 2) % NOUNS.length]}`,
        },
        teamId: teamId(team),
        teamName: team,
        flowState: flow,
        stage: flow === "waiting" ? "blocked" : flow === "active" ? "active" : null,
        ageDays: (i * 37) % 120,
        focus: false,
        critical: false,
      });
    }
    const edges = [];
    // Groups of 4 to 40 items (chains, fan-outs, trees), as blocking graphs are: many small
    // components, a few larger ones, a handful of links between groups.
    let start = 0;
    let g = 0;
    while (start < N) {
      const size = Math.min(N - start, [4, 6, 9, 5, 14, 7, 24, 5, 40, 8][g % 10]);
      for (let k = 1; k < size; k++) {
        const i = start + k;
        const parent = start + Math.max(0, k - 1 - ((i * 13) % Math.min(k, 4)));
        edges.push({
          from: `dep-${parent}`,
          to: `dep-${i}`,
          kind: "blocks",
          open: true,
          ageDays: (i * 11) % 90,
          critical: false,
        });
      }
      if (g % 7 === 3 && start > 0) {
        edges.push({
          from: `dep-${start - 2}`,
          to: `dep-${start + 1}`,
          kind: "blocks",
          open: true,
          ageDays: 3,
          critical: false,
        });
      }
      start += size;
      g++;
    }
    return { nodes, edges, totalNodes: 2600, truncated: true };
  }

  const big = {};
  const items = globalThis.__batonBigItems;
  if (items) {
    big.items_list = (args) => itemsPage(args, items);
    big.flow_report = flowReport;
  }
  if (globalThis.__batonBigGraph) big.deps_graph = depsGraph;
  globalThis.__batonMockBig = big;
})();
