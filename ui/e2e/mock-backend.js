// A stand-in for Baton's Rust side, for the headless journey: a deterministic workspace of a few
// hundred items across several teams and sources, and the commands the interface calls, with
// filtering, sorting and paging honoured as `items_list` does. Classic script (no modules): it is
// injected into the page before the app loads, and also run in Node (vm) to know the expected
// numbers. It sets `globalThis.__batonMock`.
(() => {
  // Dates are relative to today (whole UTC days), so ages look real; counts do not depend on it.
  const DAY = 24 * 3600 * 1000;
  const NOW = Math.floor(Date.now() / DAY) * DAY + 12 * 3600 * 1000;

  let seed = 20260302;
  function rand() {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  function pick(list) {
    return list[Math.floor(rand() * list.length)];
  }
  function iso(ms) {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, ".000Z");
  }

  const TEAMS = [
    { id: "t-payments", name: "Payments", weight: 5 },
    { id: "t-platform", name: "Platform", weight: 4 },
    { id: "t-mobile", name: "Mobile", weight: 3 },
    { id: "t-growth", name: "Growth", weight: 3 },
    { id: "t-data", name: "Data", weight: 2 },
    { id: "t-identity", name: "Identity & Access", weight: 2 },
  ];
  const SOURCES = [
    { id: "s-gh", name: "acme-corp", kind: "github", prefix: "acme/", base: "https://github.com/acme-corp/" },
    {
      id: "s-jira",
      name: "acme.atlassian.net",
      kind: "jira",
      prefix: "",
      base: "https://acme.atlassian.net/browse/",
    },
    {
      id: "s-linear",
      name: "Acme Linear",
      kind: "linear",
      prefix: "",
      base: "https://linear.app/acme/issue/",
    },
  ];
  const PEOPLE = [
    "Ana Lima",
    "Ben Okafor",
    "Chen Wei",
    "Dana Kovač",
    "Elif Şahin",
    "Farah Haddad",
    "Gus Petersen",
    "Hana Sato",
  ];
  const AGENTS = ["Copilot coding agent", "Devin", "Claude Code"];
  const STATES = {
    new: [["Backlog"], ["Triage"]],
    waiting: [
      ["Ready for dev", "queue"],
      ["In Review", "review"],
      ["Awaiting approval", "approval"],
      ["Security review", "security"],
      ["Blocked", "blocked"],
    ],
    active: [["In Progress"], ["Implementing"]],
    done: [["Done"], ["Merged"]],
    canceled: [["Won't do"]],
  };
  const FLOW = ["new", "waiting", "active", "done", "canceled"];
  const FLOW_LABELS = {
    new: "New",
    waiting: "Waiting",
    active: "Active",
    done: "Done",
    canceled: "Canceled",
  };
  const KIND_LABELS = {
    feature: "Feature",
    defect: "Defect",
    risk: "Risk",
    debt: "Debt",
    task: "Task",
    pull_request: "Pull request",
    review: "Review",
    approval: "Approval",
    deployment: "Deployment",
    incident: "Incident",
  };
  const PROV_LABELS = { human: "Human", ai_agent: "AI agent", automation: "Automation" };
  const VERBS = [
    "Add",
    "Fix",
    "Refactor",
    "Migrate",
    "Document",
    "Harden",
    "Speed up",
    "Remove",
    "Retry",
    "Validate",
  ];
  const NOUNS = [
    "checkout flow",
    "refund webhook",
    "session cache",
    "SSO login",
    "push notifications",
    "ledger export",
    "rate limiter",
    "onboarding survey",
    "feature flags",
    "audit log",
    "currency rounding",
    "search index",
  ];
  const HOSTILE = "Sanitize <img src=x onerror=alert(1)> in PR descriptions";

  const weighted = TEAMS.flatMap((t) => Array.from({ length: t.weight }, () => t));
  const items = [];
  const COUNT = 420;
  for (let i = 0; i < COUNT; i++) {
    const source = i % 5 < 2 ? SOURCES[0] : i % 5 < 4 ? SOURCES[1] : SOURCES[2];
    const team = i % 23 === 7 ? null : pick(weighted);
    const isPr = source.kind === "github" && rand() < 0.75;
    const kind = isPr
      ? "pull_request"
      : pick(["feature", "feature", "defect", "defect", "task", "debt", "risk"]);
    const flow = pick(["new", "waiting", "waiting", "active", "active", "done", "done", "done", "canceled"]);
    const [rawState, waitReason] = pick(STATES[flow]);
    const provenance = isPr ? pick(["human", "human", "ai_agent", "ai_agent", "automation"]) : "human";
    const created = NOW - Math.floor(rand() * 150 * DAY);
    const updated = Math.min(NOW, created + Math.floor(rand() * 30 * DAY));
    const n = 100 + i;
    const key =
      source.kind === "github" ? `${source.prefix}#${n}` : `${source.kind === "jira" ? "PAY" : "ENG"}-${n}`;
    const title =
      i === 137
        ? HOSTILE
        : `${pick(VERBS)} ${pick(NOUNS)}${rand() < 0.3 ? ` for ${pick(["EU", "iOS", "web", "partners"])}` : ""}`;
    items.push({
      id: `item-${String(i).padStart(4, "0")}`,
      key,
      title,
      url: `${source.base}${n}`,
      kind,
      teamId: team ? team.id : null,
      teamName: team ? team.name : null,
      flowState: flow,
      rawState,
      waitReason: waitReason ?? null,
      provenance,
      provenanceAgent: provenance === "ai_agent" ? pick(AGENTS) : null,
      sourceId: source.id,
      sourceName: source.name,
      sourceKind: source.kind,
      createdAt: iso(created),
      updatedAt: iso(updated),
      doneAt: flow === "done" ? iso(updated) : null,
      _author:
        provenance === "ai_agent"
          ? "copilot[bot]"
          : provenance === "automation"
            ? "renovate[bot]"
            : pick(PEOPLE),
      _owner: rand() < 0.8 ? pick(PEOPLE) : null,
      _created: created,
      _updated: updated,
    });
  }

  // Transitions: a plausible path to the current state, plus review actions on pull requests.
  const transitions = new Map();
  let transitionCount = 0;
  for (const item of items) {
    const list = [];
    const path =
      item.flowState === "new"
        ? []
        : item.flowState === "waiting"
          ? [["In Progress", "active", null]]
          : item.flowState === "active"
            ? [["Ready for dev", "waiting", "queue"]]
            : [
                ["In Progress", "active", null],
                ["In Review", "waiting", "review"],
              ];
    path.push([item.rawState, item.flowState, item.waitReason]);
    let from = "Backlog";
    const steps = path.length;
    path.forEach(([to, flow, wait], idx) => {
      const at = item._created + ((item._updated - item._created) * (idx + 1)) / (steps + 1);
      list.push({
        kind: "state",
        fromState: from,
        toState: to,
        toFlowState: flow,
        toWaitReason: wait,
        at: iso(at),
        actorName: item._owner ?? pick(PEOPLE),
        actorIsBot: false,
      });
      from = to;
    });
    if (item.kind === "pull_request" && item.provenance === "ai_agent" && rand() < 0.5) {
      list.push({
        kind: "review",
        fromState: null,
        toState: pick(["approved", "changes_requested", "commented"]),
        toFlowState: null,
        toWaitReason: null,
        at: iso(item._updated - 3600 * 1000),
        actorName: pick(PEOPLE),
        actorIsBot: false,
      });
    }
    list.sort((a, b) => a.at.localeCompare(b.at));
    transitions.set(item.id, list);
    transitionCount += list.length;
  }

  // Links: some blocking chains, PRs implementing issues, one link removed at the source.
  const links = [];
  for (let i = 0; i + 3 < items.length; i += 7) {
    links.push({
      from: items[i].id,
      to: items[i + 3].id,
      kind: "blocks",
      origin: "source",
      confidence: null,
      removed: i === 14,
    });
    const pr = items.find(
      (x, j) => j > i && x.kind === "pull_request" && !links.some((l) => l.from === x.id),
    );
    if (pr && items[i + 1].kind !== "pull_request") {
      links.push({
        from: pr.id,
        to: items[i + 1].id,
        kind: "implements",
        origin: i % 3 === 0 ? "inferred" : "source",
        confidence: i % 3 === 0 ? 0.8 : null,
        removed: false,
      });
    }
  }
  links.push({
    from: items[137].id,
    to: items[0].id,
    kind: "relates",
    origin: "source",
    confidence: null,
    removed: false,
  });

  function count(list, keyOf, labelOf) {
    const m = new Map();
    for (const it of list) {
      const k = keyOf(it);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return [...m.entries()].map(([key, n]) => ({ key, label: labelOf(key), count: n }));
  }

  const aiPrs = items.filter((i) => i.kind === "pull_request" && i.provenance === "ai_agent");
  const unreviewed = aiPrs.filter((i) => !transitions.get(i.id).some((t) => t.kind === "review"));

  function summary() {
    const teamRows = new Map();
    for (const it of items) {
      const k = it.teamId ?? "";
      if (!teamRows.has(k))
        teamRows.set(k, { teamId: k, teamName: it.teamName ?? "No team", counts: [0, 0, 0, 0, 0] });
      teamRows.get(k).counts[FLOW.indexOf(it.flowState)] += 1;
    }
    const teamStates = [...teamRows.values()].sort(
      (a, b) =>
        b.counts.reduce((x, y) => x + y) - a.counts.reduce((x, y) => x + y) ||
        a.teamName.localeCompare(b.teamName),
    );
    const byKind = count(
      items,
      (i) => i.kind,
      (k) => KIND_LABELS[k],
    ).sort((a, b) => b.count - a.count);
    const bySource = count(
      items,
      (i) => i.sourceId,
      (k) => SOURCES.find((s) => s.id === k).name,
    ).sort((a, b) => b.count - a.count);
    return {
      name: "Acme demo",
      path: "/home/lead/Baton/acme-demo.baton",
      totals: {
        items: items.length,
        transitions: transitionCount,
        links: links.length,
        openBlockingLinks: links.filter((l) => l.kind === "blocks" && !l.removed).length,
        teams: TEAMS.length,
        people: PEOPLE.length + 2,
        sources: SOURCES.length,
        intents: 0,
      },
      byTeam: teamStates.map((t) => ({
        key: t.teamId,
        label: t.teamName,
        count: t.counts.reduce((a, b) => a + b),
      })),
      byFlowState: FLOW.map((s) => ({
        key: s,
        label: FLOW_LABELS[s],
        count: items.filter((i) => i.flowState === s).length,
      })),
      byKind,
      bySource,
      byProvenance: ["human", "ai_agent", "automation"].map((p) => ({
        key: p,
        label: PROV_LABELS[p],
        count: items.filter((i) => i.provenance === p).length,
      })),
      teamStates,
      aiPrsWithoutHumanReview: unreviewed.length,
      aiPrs: aiPrs.length,
      dateRange: {
        from: iso(Math.min(...items.map((i) => i._created))),
        to: iso(Math.max(...items.map((i) => i._updated))),
      },
    };
  }

  function publicRow(it) {
    const row = {};
    for (const [k, v] of Object.entries(it)) if (!k.startsWith("_")) row[k] = v;
    return row;
  }

  const SORT_KEYS = {
    key: (i) => i.key,
    title: (i) => i.title.toLowerCase(),
    kind: (i) => i.kind,
    team: (i) => i.teamName ?? "",
    state: (i) => i.flowState,
    source: (i) => i.sourceName,
    provenance: (i) => i.provenance,
    created: (i) => i.createdAt,
    updated: (i) => i.updatedAt,
  };

  /** The whole ordered list for a query (what Rust keeps as its order cache). */
  function ordered(q) {
    const text = (q.text ?? "").trim().toLowerCase();
    const list = items.filter(
      (i) =>
        (!q.teams?.length || q.teams.includes(i.teamId ?? "")) &&
        (!q.states?.length || q.states.includes(i.flowState)) &&
        (!q.kinds?.length || q.kinds.includes(i.kind)) &&
        (!q.sources?.length || q.sources.includes(i.sourceId)) &&
        (!q.provenances?.length || q.provenances.includes(i.provenance)) &&
        (!text || i.title.toLowerCase().includes(text) || i.key.toLowerCase().includes(text)),
    );
    const keyOf = SORT_KEYS[q.sort ?? "updated"];
    const dir = q.direction === "asc" ? 1 : -1;
    const index = new Map(items.map((it, n) => [it.id, n]));
    list.sort((a, b) => {
      const x = keyOf(a);
      const y = keyOf(b);
      return (x < y ? -1 : x > y ? 1 : index.get(a.id) - index.get(b.id)) * dir;
    });
    return list;
  }

  function itemsList(q) {
    const limit = q.limit === 0 ? 100 : q.limit;
    if (limit > 1000) throw { code: "invalid", message: "a page holds at most 1000 items" };
    const list = ordered(q);
    return {
      total: list.length,
      offset: q.offset,
      rows: list.slice(q.offset, q.offset + limit).map(publicRow),
    };
  }

  function itemDetail(id) {
    const it = items.find((i) => i.id === id);
    if (!it) throw { code: "not_found", message: `item ${id} was not found` };
    const own = links
      .filter((l) => l.from === id || l.to === id)
      .map((l) => {
        const other = items.find((i) => i.id === (l.from === id ? l.to : l.from));
        return {
          direction: l.from === id ? "outgoing" : "incoming",
          kind: l.kind,
          origin: l.origin,
          confidence: l.confidence,
          open: !l.removed,
          createdAt: it.createdAt,
          otherId: other.id,
          otherKey: other.key,
          otherTitle: other.title,
          otherFlowState: other.flowState,
          otherTeamName: other.teamName,
        };
      });
    const list = transitions.get(id);
    const isPr = it.kind === "pull_request";
    return {
      item: publicRow(it),
      externalId: it.key.replace(/^.*[#-]/, ""),
      ownerName: it._owner,
      authorName: it._author,
      authorIsBot: it._author.endsWith("[bot]"),
      provenanceConfidence: it.provenance === "human" ? 1 : 0.9,
      priority: it.kind === "pull_request" ? null : ["P1", "P2", "P3"][Number(it.id.slice(-4)) % 3],
      startedAt: it.flowState === "new" ? null : (list[0]?.at ?? null),
      intent: null,
      humanReviewed: isPr ? list.some((t) => t.kind === "review" && !t.actorIsBot) : null,
      transitions: list,
      links: own,
    };
  }

  const state = {
    theme: "system",
    calls: [],
    workspace: { path: "/home/lead/Baton/acme-demo.baton", name: "Acme demo", isDemo: true },
    notice:
      "The settings file could not be read (expected value at line 1 column 1) and was reset to defaults.",
  };

  // Big mode (set globalThis.__batonMockBig = N before this script): N synthetic items, made on
  // demand for whatever window is asked, to measure scrolling a list of Rust's largest size.
  function bigRow(i) {
    const team = TEAMS[i % TEAMS.length];
    const source = SOURCES[i % SOURCES.length];
    const flow = FLOW[i % FLOW.length];
    const [rawState, waitReason] = STATES[flow][i % STATES[flow].length];
    return {
      id: `big-${i}`,
      key: `BIG-${i + 1}`,
      title: `${VERBS[i % VERBS.length]} ${NOUNS[(i >> 3) % NOUNS.length]} (${i + 1})`,
      url: `${source.base}${i + 1}`,
      kind: i % 4 === 0 ? "pull_request" : "task",
      teamId: team.id,
      teamName: team.name,
      flowState: flow,
      rawState,
      waitReason: waitReason ?? null,
      provenance: i % 9 === 0 ? "ai_agent" : "human",
      provenanceAgent: i % 9 === 0 ? AGENTS[i % AGENTS.length] : null,
      sourceId: source.id,
      sourceName: source.name,
      sourceKind: source.kind,
      createdAt: iso(NOW - (i % 300) * DAY),
      updatedAt: iso(NOW - (i % 200) * DAY),
      doneAt: null,
    };
  }
  function bigPage(q) {
    const total = globalThis.__batonMockBig;
    const rows = [];
    for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) rows.push(bigRow(i));
    return { total, offset: q.offset, rows };
  }

  function handle(cmd, args) {
    state.calls.push({ cmd, args: args ?? null });
    if (globalThis.__batonMockBig && cmd === "items_list") return bigPage(args.query);
    switch (cmd) {
      case "app_startup":
        return { workspace: state.workspace, openError: null, settingsNotice: state.notice };
      case "workspace_current":
        return state.workspace;
      case "workspace_summary":
        return summary();
      case "items_list":
        return itemsList(args.query);
      case "item_detail":
        return itemDetail(args.id);
      case "item_open_in_browser":
        return null;
      case "settings_get":
        return {
          theme: state.theme,
          recent: [
            {
              path: state.workspace.path,
              name: state.workspace.name,
              openedAt: iso(NOW - 3600 * 1000),
              exists: true,
            },
            {
              path: "/home/lead/Baton/q3-planning.baton",
              name: "q3-planning",
              openedAt: iso(NOW - 9 * DAY),
              exists: false,
            },
          ],
          dataDir: "/home/lead/.local/share/dev.baton.desktop",
          version: "0.1.0",
        };
      case "settings_set_theme":
        state.theme = args.theme;
        return null;
      case "workspace_pick_file":
        return "/home/lead/Downloads/notes.baton";
      case "workspace_open":
        throw {
          code: "workspace_not_baton",
          message: `${args.path} is not a Baton workspace: file is not a database`,
        };
      case "workspace_open_demo":
        return state.workspace;
      default:
        throw { code: "internal", message: `The mock backend has no command ${cmd}` };
    }
  }

  globalThis.__batonMock = { handle, state, summary, ordered, itemDetail, items, HOSTILE };
})();
