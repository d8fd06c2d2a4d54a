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
    // Uneven steps (from the item's number, so the random sequence above is untouched): some
    // items wait long and work briefly, others the reverse, as real histories do.
    const n = Number(item.id.slice(-4));
    const weights = path.map((_, idx) => 0.15 + ((n * 7919 + idx * 104729) % 97) / 97);
    const whole = weights.reduce((a, b) => a + b, 0) + 0.6;
    let acc = 0.3;
    path.forEach(([to, flow, wait], idx) => {
      acc += weights[idx];
      const at = item._created + ((item._updated - item._created) * acc) / whole;
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
        intents: INTENTS.length,
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

  // ---------- flow: a workflow map, and a small engine over the items' transitions ----------
  // Simplified from Rust's (no blocked flags, no restart on a return to New), but self-consistent:
  // every count a report shows is the number of items the matching drill-down lists.

  const SOURCE_NAMES = Object.fromEntries(SOURCES.map((s) => [s.id, s.name]));
  const MEANING = {};
  for (const [flow, list] of Object.entries(STATES)) {
    for (const [raw, reason] of list) MEANING[raw] = [flow, reason ?? null];
  }
  const UNMAPPED_STATE = "Needs QA";
  const HOSTILE_STATE = '<img src=x onerror=alert(2)> "QA" & Co';
  MEANING[HOSTILE_STATE] = ["waiting", "review"];

  // A few Jira items pass through a state nobody mapped; a few Linear items through a hostile name.
  items.forEach((item, i) => {
    const list = transitions.get(item.id);
    const states = list.filter((t) => t.kind === "state");
    const last = states[states.length - 1];
    const jira = item.sourceId === "s-jira" && item.flowState === "done" && i % 9 === 2;
    const linear = item.sourceId === "s-linear" && item.flowState !== "new" && i % 11 === 4;
    if (!last || !(jira || linear)) return;
    const raw = jira ? UNMAPPED_STATE : HOSTILE_STATE;
    const prev = states[states.length - 2];
    const at = iso((Date.parse(last.at) + Date.parse(prev ? prev.at : item.createdAt)) / 2);
    const entry = {
      kind: "state",
      fromState: last.fromState,
      toState: raw,
      toFlowState: jira ? null : "waiting",
      toWaitReason: jira ? null : "review",
      at,
      actorName: last.actorName,
      actorIsBot: false,
    };
    last.fromState = raw;
    list.splice(list.indexOf(last), 0, entry);
    transitionCount += 1;
  });

  // The workflow map: one row per raw state each source uses, plus one team's own mapping.
  const workflow = [];
  function findRow(sourceId, teamId, raw) {
    return workflow.find((r) => r.sourceId === sourceId && r.teamId === teamId && r.rawState === raw);
  }
  for (const item of items) {
    for (const t of transitions.get(item.id)) {
      if (t.kind !== "state") continue;
      for (const raw of [t.fromState, t.toState]) {
        if (raw && !findRow(item.sourceId, "", raw)) {
          const meaning = raw === UNMAPPED_STATE ? null : MEANING[raw];
          workflow.push({
            sourceId: item.sourceId,
            teamId: "",
            rawState: raw,
            flowState: meaning ? meaning[0] : null,
            waitReason: meaning ? meaning[1] : null,
            origin: !meaning
              ? "unmapped"
              : raw === HOSTILE_STATE || item.sourceId === "s-linear"
                ? "inferred"
                : raw === "Blocked"
                  ? "user"
                  : "seeded",
          });
        }
      }
    }
    if (!findRow(item.sourceId, "", item.rawState)) {
      const m = MEANING[item.rawState];
      workflow.push({
        sourceId: item.sourceId,
        teamId: "",
        rawState: item.rawState,
        flowState: m[0],
        waitReason: m[1],
        origin: "seeded",
      });
    }
  }
  workflow.push({
    sourceId: "s-jira",
    teamId: "t-payments",
    rawState: "In Review",
    flowState: "waiting",
    waitReason: "approval",
    origin: "user",
  });

  /** What a raw state means for an item (its team's own mapping first); null when unmapped. */
  function meaningOf(item, raw) {
    const row = findRow(item.sourceId, item.teamId ?? "", raw) ?? findRow(item.sourceId, "", raw);
    return row?.flowState ? [row.flowState, row.waitReason ?? null] : null;
  }

  function workflowList() {
    const now = new Map();
    const into = new Map();
    for (const item of items) {
      const k = `${item.sourceId}\u0000${item.rawState}`;
      now.set(k, (now.get(k) ?? 0) + 1);
      for (const t of transitions.get(item.id)) {
        if (t.kind !== "state") continue;
        const key = `${item.sourceId}\u0000${t.toState}`;
        into.set(key, (into.get(key) ?? 0) + 1);
      }
    }
    const teamName = (id) => TEAMS.find((t) => t.id === id)?.name ?? null;
    return workflow
      .map((r) => ({
        sourceId: r.sourceId,
        sourceName: SOURCE_NAMES[r.sourceId],
        teamId: r.teamId,
        teamName: r.teamId ? teamName(r.teamId) : null,
        rawState: r.rawState,
        flowState: r.flowState,
        waitReason: r.waitReason,
        origin: r.origin,
        itemsNow: r.teamId ? 0 : (now.get(`${r.sourceId}\u0000${r.rawState}`) ?? 0),
        transitions: r.teamId ? 0 : (into.get(`${r.sourceId}\u0000${r.rawState}`) ?? 0),
      }))
      .sort(
        (a, b) =>
          a.sourceName.localeCompare(b.sourceName) ||
          (a.rawState < b.rawState ? -1 : a.rawState > b.rawState ? 1 : 0) ||
          a.teamId.localeCompare(b.teamId),
      );
  }

  function workflowSet(change) {
    if (!change.flowState && !change.teamId) {
      throw { code: "invalid", message: "choose a flow state (only a team's own mapping can be removed)" };
    }
    if (change.waitReason && change.flowState !== "waiting") {
      throw { code: "invalid", message: "a wait reason applies to waiting states only" };
    }
    if (change.rawState === "Won't do" && change.flowState === "active") {
      // A refusal to exercise the error path: Rust reports it, the screen shows it inline.
      throw { code: "invalid", message: "“Won't do” is final at its source: it cannot be mapped to Active" };
    }
    const row = findRow(change.sourceId, change.teamId, change.rawState);
    if (!change.flowState) {
      if (row) workflow.splice(workflow.indexOf(row), 1);
      return null;
    }
    if (row) {
      row.flowState = change.flowState;
      row.waitReason = change.waitReason ?? null;
      row.origin = "user";
    } else {
      workflow.push({
        sourceId: change.sourceId,
        teamId: change.teamId,
        rawState: change.rawState,
        flowState: change.flowState,
        waitReason: change.waitReason ?? null,
        origin: "user",
      });
    }
    return null;
  }

  const DEFAULT_FILTER = {
    from: null,
    to: null,
    lastDays: null,
    teams: [],
    sources: [],
    kinds: [],
    provenances: [],
    intents: [],
    rule: "last_entry",
    utcOffsetMinutes: 0,
  };

  function dayString(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }
  function parseDay(text, what) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(ms)) {
      throw { code: "invalid", message: `${what} must be a date like 2026-03-01, not "${text}"` };
    }
    return ms;
  }

  function scopeOf(filter) {
    const f = { ...DEFAULT_FILTER, ...filter };
    const offset = (f.utcOffsetMinutes ?? 0) * 60_000;
    const realNow = Date.now();
    const latest = Math.min(realNow, Math.max(...items.map((i) => i._updated)));
    const localDayStart = (t) => Math.floor((t + offset) / DAY) * DAY - offset;
    // "The last N days up to today" wins over fixed dates, as in Rust.
    if (f.lastDays !== null && f.lastDays !== undefined && !(f.lastDays >= 1 && f.lastDays <= 3660)) {
      throw { code: "invalid", message: "lastDays must be between 1 and 3660" };
    }
    const toStart = f.lastDays
      ? localDayStart(realNow)
      : f.to
        ? parseDay(f.to, "the end of the range") - offset
        : localDayStart(latest);
    const from = f.lastDays
      ? toStart - (f.lastDays - 1) * DAY
      : f.from
        ? parseDay(f.from, "the start of the range") - offset
        : toStart - 89 * DAY;
    if (from > toStart) throw { code: "invalid", message: "the range starts after it ends" };
    const days = Math.round((toStart - from) / DAY) + 1;
    if (days > 3660) throw { code: "invalid", message: "a range spans at most 3660 days" };
    const asOf = Math.min(toStart + DAY, realNow);
    const dates = [];
    for (let d = 0; d < days; d++) dates.push(dayString(from + offset + d * DAY));
    return { f, from, days, asOf, offset, dates, rule: f.rule };
  }

  const intentScopes = new WeakMap();
  function keeps(item, f) {
    // Intents: items linked to a chosen intent or to one under it.
    if (f.intents?.length && !intentScopes.has(f)) intentScopes.set(f, intentsUnder(f.intents));
    const under = f.intents?.length ? intentScopes.get(f) : null;
    return (
      (!under || (item._intent !== undefined && under.has(item._intent))) &&
      (!f.teams.length || f.teams.includes(item.teamId ?? "")) &&
      (!f.sources.length || f.sources.includes(item.sourceId)) &&
      (!f.kinds.length || f.kinds.includes(item.kind)) &&
      (!f.provenances.length || f.provenances.includes(item.provenance))
    );
  }

  /** An item's history as segments up to `asOf`, its cycle's start and finish; or why not. */
  function timelineOf(item, sc) {
    const events = transitions.get(item.id).filter((t) => t.kind === "state" && Date.parse(t.at) <= sc.asOf);
    const firstRaw = events.length ? events[0].fromState : item.rawState;
    let m = meaningOf(item, firstRaw);
    if (!m) return { unmapped: firstRaw };
    let cur = { start: item._created, flow: m[0], reason: m[1] };
    const segments = [];
    for (const e of events) {
      m = meaningOf(item, e.toState);
      if (!m) return { unmapped: e.toState };
      const at = Math.max(Date.parse(e.at), item._created);
      if (m[0] === cur.flow && m[1] === cur.reason) continue;
      if (at > cur.start) segments.push({ start: cur.start, end: at, flow: cur.flow, reason: cur.reason });
      cur = { start: at, flow: m[0], reason: m[1] };
    }
    segments.push({
      start: cur.start,
      end: Math.max(sc.asOf, cur.start),
      flow: cur.flow,
      reason: cur.reason,
    });
    let start = null;
    let leftNew = null;
    let firstDone = null;
    for (const s of segments) {
      if (s.flow === "active" && start === null) start = s.start;
      if (s.flow !== "new" && leftNew === null) leftNew = s.start;
      if (s.flow === "done" && firstDone === null) firstDone = s.start;
    }
    const last = segments[segments.length - 1];
    const finish = sc.rule === "first_entry" ? firstDone : last.flow === "done" ? last.start : null;
    if (finish !== null && (start === null || start > finish)) start = leftNew ?? finish;
    const canceled = last.flow === "canceled" ? last.start : null;
    return { segments, start, finish, canceled };
  }

  function stageOf(flow, reason) {
    if (flow === "active") return "active";
    if (flow === "waiting") return reason ?? "waiting";
    return null;
  }
  const STAGE_ORDER = [
    "queue",
    "active",
    "review",
    "security",
    "approval",
    "decision",
    "dependency",
    "blocked",
    "waiting",
  ];

  function stateAt(tl, t) {
    return tl.segments.find((s) => s.start <= t && t < s.end) ?? null;
  }
  function dayEnd(sc, d) {
    return Math.min(sc.from + (d + 1) * DAY, sc.asOf);
  }
  function probe(sc, d) {
    const at = dayEnd(sc, d);
    return at === sc.asOf ? at - 1 : at;
  }
  function dayIndex(sc, day) {
    return sc.dates.indexOf(day);
  }
  function finishedInRange(tl, sc) {
    return tl.finish !== null && tl.finish >= sc.from && tl.finish <= sc.asOf;
  }
  function inProgressAtEnd(tl) {
    return tl.start !== null && tl.finish === null && tl.canceled === null;
  }
  function timeIn(tl, stage, from, to) {
    let ms = 0;
    for (const s of tl.segments) {
      if (stageOf(s.flow, s.reason) === stage)
        ms += Math.max(0, Math.min(s.end, to) - Math.max(s.start, from));
    }
    return ms;
  }
  function daysOf(ms) {
    return ms / DAY;
  }
  function percentiles(values) {
    const v = [...values].sort((a, b) => a - b);
    const at = (p) => (v.length ? v[Math.ceil((p / 100) * v.length) - 1] : null);
    return {
      count: v.length,
      p50: at(50),
      p85: at(85),
      p95: at(95),
      mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : null,
    };
  }
  function mondayOf(day) {
    const d = new Date(`${day}T00:00:00Z`);
    const back = (d.getUTCDay() + 6) % 7;
    return dayString(d.getTime() - back * DAY);
  }

  /** The items of the slice with their timelines, and the notes about those left out. */
  function slice(filter) {
    const sc = scopeOf(filter);
    const rows = [];
    const unmapped = new Map();
    let inSlice = 0;
    let skipped = 0;
    for (const item of items) {
      if (!keeps(item, sc.f)) continue;
      inSlice++;
      if (item._created > sc.asOf) continue;
      const tl = timelineOf(item, sc);
      if (tl.unmapped) {
        skipped++;
        const key = `${item.sourceId}\u0000${tl.unmapped}`;
        unmapped.set(key, (unmapped.get(key) ?? 0) + 1);
        continue;
      }
      rows.push({ item, tl });
    }
    const notes = [...unmapped.entries()].map(([key, n]) => {
      const [sourceId, raw] = key.split("\u0000");
      return {
        code: "unmapped_state",
        message: `${n} item${n === 1 ? "" : "s"} skipped: state \u201c${raw}\u201d of ${SOURCE_NAMES[sourceId]} is not mapped to a flow state — map it in Settings → Workflow`,
        items: n,
        sourceId,
        rawState: raw,
      };
    });
    const range = {
      from: sc.dates[0],
      to: sc.dates[sc.dates.length - 1],
      dates: sc.dates,
      asOf: new Date(sc.asOf).toISOString(),
      utcOffsetMinutes: sc.offset / 60_000,
      rule: sc.rule,
    };
    return { sc, rows, inSlice, skipped, notes, range };
  }

  function ref(item) {
    return { id: item.id, key: item.key, title: item.title };
  }

  function flowReport(filter) {
    if (globalThis.__batonMockBig) return bigFlowReport(filter);
    const { sc, rows, inSlice, skipped, notes, range } = slice(filter);
    const n = sc.days;
    const finished = rows.filter((r) => finishedInRange(r.tl, sc));
    const cycles = finished.map((r) => daysOf(r.tl.finish - r.tl.start));
    const leads = finished.map((r) => daysOf(r.tl.finish - r.item._created));
    const throughput = new Array(n).fill(0);
    for (const r of finished) throughput[Math.min(n - 1, Math.floor((r.tl.finish - sc.from) / DAY))] += 1;
    const cfd = FLOW.map((state) => ({ state, counts: new Array(n).fill(0) }));
    const wip = new Array(n).fill(0);
    for (let d = 0; d < n; d++) {
      const at = dayEnd(sc, d);
      const p = probe(sc, d);
      for (const r of rows) {
        if (r.item._created > at) continue;
        const s = stateAt(r.tl, Math.max(p, r.item._created));
        if (s) cfd[FLOW.indexOf(s.flow)].counts[d] += 1;
        const started = r.tl.start !== null && r.tl.start <= at;
        const ended = [r.tl.finish, r.tl.canceled].some((e) => e !== null && e <= at);
        if (started && !ended) wip[d] += 1;
      }
    }
    const weeks = [];
    sc.dates.forEach((day, d) => {
      const week = mondayOf(day);
      const last = weeks[weeks.length - 1];
      if (last && last.week === week) {
        last.count += throughput[d];
        last.daysInRange += 1;
      } else weeks.push({ week, count: throughput[d], daysInRange: 1 });
    });
    const byTeam = new Map();
    for (const r of finished) {
      const k = r.item.teamId ?? "";
      if (!byTeam.has(k)) byTeam.set(k, { teamId: k, teamName: r.item.teamName ?? "No team", values: [] });
      byTeam.get(k).values.push(daysOf(r.tl.finish - r.tl.start));
    }
    const sortedCycles = [...cycles].sort((a, b) => a - b);
    const inProgress = rows.filter((r) => inProgressAtEnd(r.tl));
    const aging = inProgress
      .map((r) => {
        const age = daysOf(sc.asOf - r.tl.start);
        const last = r.tl.segments[r.tl.segments.length - 1];
        const le = sortedCycles.filter((c) => c <= age).length;
        return {
          item: ref(r.item),
          teamName: r.item.teamName,
          stage: stageOf(last.flow, last.reason) ?? "waiting",
          ageDays: age,
          pace: sortedCycles.length ? (le / sortedCycles.length) * 100 : null,
        };
      })
      .sort((a, b) => b.ageDays - a.ageDays || a.item.id.localeCompare(b.item.id))
      .slice(0, 500);
    let active = 0;
    let waiting = 0;
    const histogram = new Array(10).fill(0);
    let effCount = 0;
    for (const r of finished) {
      const a = timeIn(r.tl, "active", r.tl.start, r.tl.finish);
      const total = r.tl.finish - r.tl.start;
      if (total <= 0) continue;
      active += a;
      waiting += total - a;
      histogram[Math.min(9, Math.floor((a / total) * 10))] += 1;
      effCount += 1;
    }
    const kinds = new Map();
    for (const r of finished) {
      const k = kinds.get(r.item.kind) ?? { kind: r.item.kind, finished: 0, inProgress: 0 };
      k.finished += 1;
      kinds.set(r.item.kind, k);
    }
    for (const r of inProgress) {
      const k = kinds.get(r.item.kind) ?? { kind: r.item.kind, finished: 0, inProgress: 0 };
      k.inProgress += 1;
      kinds.set(r.item.kind, k);
    }
    const total = throughput.reduce((a, b) => a + b, 0);
    const elapsed = Math.max(daysOf(sc.asOf - sc.from), 1e-9);
    const avgCycle = cycles.length ? cycles.reduce((a, b) => a + b, 0) / cycles.length : null;
    const perDay = total / elapsed;
    const pts = [...finished]
      .sort((a, b) => a.tl.finish - b.tl.finish)
      .map((r) => ({
        id: r.item.id,
        key: r.item.key,
        finished: sc.dates[Math.min(n - 1, Math.floor((r.tl.finish - sc.from) / DAY))],
        days: daysOf(r.tl.finish - r.tl.start),
        kind: r.item.kind,
      }));
    return {
      range,
      items: inSlice,
      skipped,
      cycleTime: percentiles(cycles),
      leadTime: percentiles(leads),
      cycleTimeByTeam: [...byTeam.values()]
        .map((t) => ({ teamId: t.teamId, teamName: t.teamName, cycleTime: percentiles(t.values) }))
        .sort((a, b) => a.teamName.localeCompare(b.teamName)),
      scatter: { total: pts.length, points: pts, sampled: false },
      throughputDaily: throughput,
      throughputWeekly: weeks,
      throughputTotal: total,
      wipDaily: wip,
      cfd,
      aging,
      inProgress: inProgress.length,
      efficiency: {
        aggregate: active + waiting > 0 ? active / (active + waiting) : null,
        activeDays: daysOf(active),
        waitingDays: daysOf(waiting),
        histogram,
        count: effCount,
      },
      distribution: [...kinds.values()].sort((a, b) => b.finished - a.finished),
      littlesLaw: {
        averageWip: wip.reduce((a, b) => a + b, 0) / n,
        throughputPerDay: perDay,
        averageCycleDays: avgCycle,
        predictedWip: avgCycle === null ? null : avgCycle * perDay,
      },
      notes,
    };
  }

  function blockedByTeam() {
    const out = new Map();
    for (const l of links) {
      if (l.kind !== "blocks" || l.removed) continue;
      const blocker = items.find((i) => i.id === l.from);
      if (blocker.flowState === "done" || blocker.flowState === "canceled") continue;
      const list = out.get(l.to) ?? [];
      list.push(blocker);
      out.set(l.to, list);
    }
    return out;
  }

  function bottlenecks(filter) {
    const { sc, rows, inSlice, skipped, notes, range } = slice(filter);
    const teamSlots = new Map();
    for (const r of rows) {
      const k = r.item.teamId ?? "";
      if (!teamSlots.has(k))
        teamSlots.set(k, { teamId: k, teamName: r.item.teamName ?? "No team", rows: [] });
      teamSlots.get(k).rows.push(r);
    }
    const order = [...TEAMS.map((t) => t.id), ""];
    const matrix = [];
    for (const id of order) {
      const slot = teamSlots.get(id);
      if (!slot) continue;
      const cells = STAGE_ORDER.map((stage) => {
        const values = slot.rows.map((r) => timeIn(r.tl, stage, sc.from, sc.asOf)).filter((ms) => ms > 0);
        const totalMs = values.reduce((a, b) => a + b, 0);
        return {
          stage,
          totalDays: daysOf(totalMs),
          medianDays: percentiles(values.map(daysOf)).p50,
          items: values.length,
        };
      });
      if (cells.every((c) => c.items === 0)) continue;
      matrix.push({ teamId: slot.teamId, teamName: slot.teamName, cells });
    }
    const waitingStages = STAGE_ORDER.filter((s) => s !== "active");
    const perStage = waitingStages.map((stage) => {
      const hits = rows
        .map((r) => ({ item: r.item, ms: timeIn(r.tl, stage, sc.from, sc.asOf) }))
        .filter((h) => h.ms > 0)
        .sort((a, b) => b.ms - a.ms || a.item.id.localeCompare(b.item.id));
      return { stage, hits, total: hits.reduce((a, h) => a + h.ms, 0) };
    });
    const allWaiting = perStage.reduce((a, s) => a + s.total, 0);
    const waitReasons = perStage
      .filter((s) => s.hits.length > 0)
      .map((s) => ({
        stage: s.stage,
        totalDays: daysOf(s.total),
        share: allWaiting > 0 ? s.total / allWaiting : 0,
        items: s.hits.length,
        examples: s.hits
          .slice(0, 5)
          .map((h) => ({ item: ref(h.item), teamName: h.item.teamName, days: daysOf(h.ms) })),
      }))
      .sort((a, b) => b.totalDays - a.totalDays);
    const blockers = blockedByTeam();
    const clusters = new Map();
    for (const r of rows) {
      const last = r.tl.segments[r.tl.segments.length - 1];
      if (last.flow !== "waiting") continue;
      const by = blockers.get(r.item.id);
      if (!by) continue;
      const seen = new Set();
      for (const b of by) {
        const k = b.teamId ?? "";
        const c = clusters.get(k) ?? {
          teamId: k,
          teamName: b.teamName ?? "No team",
          blockedItems: 0,
          blockedDays: 0,
          items: new Map(),
        };
        c.items.set(b.id, (c.items.get(b.id) ?? 0) + 1);
        if (!seen.has(k)) {
          seen.add(k);
          c.blockedItems += 1;
          c.blockedDays += daysOf(sc.asOf - last.start);
        }
        clusters.set(k, c);
      }
    }
    const blockerClusters = [...clusters.values()]
      .map((c) => ({
        teamId: c.teamId,
        teamName: c.teamName,
        blockedItems: c.blockedItems,
        blockedDays: c.blockedDays,
        blockers: [...c.items.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, 5)
          .map(([id, blocks]) => ({ item: ref(items.find((i) => i.id === id)), blocks })),
      }))
      .sort((a, b) => b.blockedDays - a.blockedDays || a.teamName.localeCompare(b.teamName));
    const queues = waitingStages
      .map((stage) => ({
        stage,
        counts: sc.dates.map((_, d) => {
          const p = probe(sc, d);
          return rows.filter((r) => {
            const s = stateAt(r.tl, p);
            return s && stageOf(s.flow, s.reason) === stage;
          }).length;
        }),
      }))
      .filter((q) => q.counts.some((c) => c > 0));
    const prs = rows.filter((r) => r.item.kind === "pull_request" && finishedInRange(r.tl, sc));
    // The mock records few review actions, so the segments split the time from ready to merge
    // in fixed shares that vary per pull request (Rust reads them from review transitions).
    const times = (r) => {
      const ready = r.tl.segments.find((s) => s.flow === "waiting")?.start ?? r.item._created;
      const rest = Math.max(0, r.tl.finish - ready);
      const n = Number(r.item.id.slice(-4));
      const pickup = 0.15 + (n % 7) / 14;
      const review = 0.2 + (n % 5) / 10;
      return {
        coding: daysOf(Math.max(0, ready - r.item._created)),
        pickup: daysOf(rest * pickup),
        review: daysOf(rest * review),
        merge: n % 6 === 0 ? null : daysOf(rest * Math.max(0.05, 1 - pickup - review)),
      };
    };
    const all = prs.map(times);
    const prSegments = ["coding", "pickup", "review", "merge"].map((segment) => ({
      segment,
      days: percentiles(all.map((t) => t[segment]).filter((v) => v !== null)),
    }));
    return {
      range,
      items: inSlice,
      skipped,
      stages: STAGE_ORDER,
      matrix,
      waitReasons,
      blockerClusters,
      queues,
      pullRequests: prs.length,
      prSegments,
      notes,
    };
  }

  function flowItems(filter, selection) {
    const { sc, rows } = slice(filter);
    const hits = [];
    const blockers = selection.type === "blocked_by" ? blockedByTeam() : null;
    for (const { item, tl } of rows) {
      let v = null;
      const cycle = () => daysOf(tl.finish - (tl.start ?? tl.finish));
      const fin = finishedInRange(tl, sc);
      const finDay = fin ? Math.min(sc.days - 1, Math.floor((tl.finish - sc.from) / DAY)) : -1;
      switch (selection.type) {
        case "finished":
          if (fin) v = cycle();
          break;
        case "finished_on":
          if (fin && finDay === dayIndex(sc, selection.day)) v = cycle();
          break;
        case "finished_in_week":
          if (fin && mondayOf(sc.dates[finDay]) === selection.week) v = cycle();
          break;
        case "in_state_at": {
          const d = dayIndex(sc, selection.day);
          const at = dayEnd(sc, d);
          if (d >= 0 && item._created <= at) {
            const s = stateAt(tl, Math.max(probe(sc, d), item._created));
            if (s && s.flow === selection.state) v = daysOf(at - item._created);
          }
          break;
        }
        case "in_progress_at": {
          const d = dayIndex(sc, selection.day);
          const at = dayEnd(sc, d);
          const ended = [tl.finish, tl.canceled].some((e) => e !== null && e <= at);
          if (d >= 0 && tl.start !== null && tl.start <= at && !ended) v = daysOf(at - tl.start);
          break;
        }
        case "in_progress_in_stage": {
          const last = tl.segments[tl.segments.length - 1];
          if (inProgressAtEnd(tl) && (stageOf(last.flow, last.reason) ?? "waiting") === selection.stage) {
            v = daysOf(sc.asOf - tl.start);
          }
          break;
        }
        case "efficiency_band":
          if (fin && tl.finish > tl.start) {
            const a = timeIn(tl, "active", tl.start, tl.finish);
            if (Math.min(9, Math.floor((a / (tl.finish - tl.start)) * 10)) === selection.band) {
              v = daysOf(tl.finish - tl.start);
            }
          }
          break;
        case "finished_kind":
          if (fin && item.kind === selection.kind) v = cycle();
          break;
        case "in_progress_kind":
          if (inProgressAtEnd(tl) && item.kind === selection.kind) v = daysOf(sc.asOf - tl.start);
          break;
        case "time_in_stage":
          if ((item.teamId ?? "") === selection.team_id) {
            const ms = timeIn(tl, selection.stage, sc.from, sc.asOf);
            if (ms > 0) v = daysOf(ms);
          }
          break;
        case "waiting_in": {
          const ms = timeIn(tl, selection.stage, sc.from, sc.asOf);
          if (ms > 0) v = daysOf(ms);
          break;
        }
        case "waiting_at": {
          const d = dayIndex(sc, selection.day);
          const s = d >= 0 ? stateAt(tl, probe(sc, d)) : null;
          if (s && stageOf(s.flow, s.reason) === selection.stage) v = daysOf(dayEnd(sc, d) - s.start);
          break;
        }
        case "blocked_by": {
          const last = tl.segments[tl.segments.length - 1];
          const by = blockers.get(item.id) ?? [];
          if (last.flow === "waiting" && by.some((b) => (b.teamId ?? "") === selection.team_id)) {
            v = daysOf(sc.asOf - last.start);
          }
          break;
        }
        default:
          throw { code: "invalid", message: `unknown selection ${selection.type}` };
      }
      if (v !== null) hits.push({ item, v });
    }
    hits.sort((a, b) => b.v - a.v || a.item.id.localeCompare(b.item.id));
    const measure = {
      finished: "cycle time",
      finished_on: "cycle time",
      finished_in_week: "cycle time",
      finished_kind: "cycle time",
      efficiency_band: "cycle time",
      in_state_at: "age at that day",
      in_progress_at: "days in progress at that day",
      in_progress_in_stage: "age",
      in_progress_kind: "age",
      time_in_stage: "time in the stage in the range",
      waiting_in: "time in the stage in the range",
      waiting_at: "waiting for",
      blocked_by: "waiting for",
    }[selection.type];
    return {
      total: hits.length,
      measure,
      items: hits.slice(0, 500).map((h) => ({ item: ref(h.item), teamName: h.item.teamName, days: h.v })),
    };
  }

  /** Big mode: a report of Rust's largest shape (365 days, 4,000 scatter points, 500 aging items). */
  function bigFlowReport(filter) {
    const sc = scopeOf({ ...filter, from: null, to: null });
    const n = 365;
    const end = Date.parse(`${sc.dates[sc.dates.length - 1]}T00:00:00Z`);
    const dates = Array.from({ length: n }, (_, d) => dayString(end - (n - 1 - d) * DAY));
    const wave = (d, k) => Math.round(k * (1 + 0.3 * Math.sin(d / 9)));
    const throughput = dates.map((_, d) => wave(d, 160));
    const total = throughput.reduce((a, b) => a + b, 0);
    let done = 20_000;
    const cfd = FLOW.map((state) => ({ state, counts: [] }));
    dates.forEach((_, d) => {
      done += throughput[d];
      const counts = [wave(d, 30_000), wave(d, 9_000), wave(d, 7_000), done, 3_000 + d * 10];
      counts.forEach((c, k) => {
        cfd[k].counts.push(c);
      });
    });
    const weeks = [];
    dates.forEach((day, d) => {
      const week = mondayOf(day);
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
      teamName: TEAMS[i % TEAMS.length].name,
      stage: stages[i % stages.length],
      ageDays: 120 - i * 0.2,
      pace: Math.max(0, 100 - i / 5),
    }));
    const cyc = { count: total, p50: 6.2, p85: 18.5, p95: 33.1, mean: 9.4 };
    return {
      range: {
        ...sc,
        from: dates[0],
        to: dates[n - 1],
        dates,
        asOf: new Date(sc.asOf).toISOString(),
        utcOffsetMinutes: 0,
        rule: "last_entry",
      },
      items: 200_000,
      skipped: 0,
      cycleTime: cyc,
      leadTime: { count: total, p50: 12.5, p85: 40.2, p95: 71.9, mean: 20.1 },
      cycleTimeByTeam: TEAMS.map((t) => ({ teamId: t.id, teamName: t.name, cycleTime: cyc })),
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
        predictedWip: (total / n) * 9.4,
      },
      notes: [],
    };
  }

  // ---------- dependencies: extra links, intents, and an engine like Rust's deps module ----------
  // Simplified from Rust's (ages from creation and first start; percentiles nearest-rank), but
  // self-consistent: the matrix, the team map, the lists and the graph count the same links.

  const openState = (i) => i.flowState !== "done" && i.flowState !== "canceled";
  const linked = new Set(links.flatMap((l) => [l.from, l.to]));
  const spare = items.filter((i) => openState(i) && i.teamId && !linked.has(i.id));
  /** The next spare open item of a team other than `avoid`'s (so chains cross teams). */
  function takeSpare(avoid) {
    const at = spare.findIndex((i) => !avoid || i.teamId !== avoid.teamId);
    const [item] = spare.splice(Math.max(at, 0), 1);
    return item;
  }
  const depLink = (from, to, kind = "blocks") => {
    links.push({ from: from.id, to: to.id, kind, origin: "source", confidence: null, removed: false });
  };
  // A chain of five items across teams.
  const CHAIN = [];
  for (let k = 0; k < 5; k++) CHAIN.push(takeSpare(CHAIN[k - 1]));
  for (let k = 0; k + 1 < CHAIN.length; k++) depLink(CHAIN[k], CHAIN[k + 1]);
  // A cycle of three, and an item that blocks itself.
  const CYCLE = [takeSpare(), null, null];
  CYCLE[1] = takeSpare(CYCLE[0]);
  CYCLE[2] = takeSpare(CYCLE[1]);
  depLink(CYCLE[0], CYCLE[1]);
  depLink(CYCLE[1], CYCLE[2]);
  depLink(CYCLE[2], CYCLE[0]);
  const SELF = takeSpare();
  depLink(SELF, SELF);
  // An epic, parent of the chain's last three items.
  const EPIC = spare.splice(
    spare.findIndex((i) => i.kind === "feature"),
    1,
  )[0];
  // A delivered blocker whose downstream item still waits: a handoff that never arrived.
  const delivered = items.find(
    (i) => i.flowState === "done" && !linked.has(i.id) && NOW - i._updated > 5 * DAY,
  );
  const waiter = spare.find((i) => i.flowState === "waiting");
  spare.splice(spare.indexOf(waiter), 1);
  depLink(delivered, waiter);
  // Cross-team blocking links, so the team map has edges of several widths and ages.
  for (let k = 0; k < 26 && spare.length > 1; k++) {
    const a = spare.shift();
    const b = spare.find((x) => x.teamId !== a.teamId && (k % 3 === 0 ? x.teamId === "t-platform" : true));
    if (!b) break;
    depLink(a, b);
    if (k % 4 === 1) {
      // Fan-out: the same blocker holds a second item.
      const c = spare.find((x) => x !== b && x.teamId !== a.teamId);
      if (c) depLink(a, c);
    }
    if (k % 2 === 0) spare.splice(spare.indexOf(b), 1);
  }
  // The epic's children, and a pull request implementing one of the chain's items.
  for (const child of CHAIN.slice(2)) depLink(EPIC, child, "parent");
  const PR = items.find(
    (i) => i.kind === "pull_request" && !links.some((l) => l.from === i.id || l.to === i.id),
  );
  depLink(PR, CHAIN[3], "implements");

  const INTENTS = [
    { id: "g-revenue", parentId: null, kind: "goal", title: "Grow revenue in the EU" },
    { id: "i-refunds", parentId: "g-revenue", kind: "initiative", title: "Instant refunds" },
    { id: "m-refunds-beta", parentId: "i-refunds", kind: "milestone", title: "Refunds beta" },
    { id: "g-platform", parentId: null, kind: "goal", title: "A platform nobody notices" },
    {
      id: "i-zero-downtime",
      parentId: "g-platform",
      kind: "initiative",
      title: '<img src=x onerror=alert(3)> "Zero" downtime & co',
    },
  ];
  for (const i of CHAIN) i._intent = "m-refunds-beta";
  EPIC._intent = "i-refunds";
  for (const i of CYCLE) i._intent = "i-zero-downtime";
  items.forEach((i, n) => {
    if (!i._intent && n % 17 === 3) i._intent = n % 2 ? "g-revenue" : "g-platform";
  });
  function intentsUnder(ids) {
    const out = new Set(ids);
    let grew = true;
    while (grew) {
      grew = false;
      for (const n of INTENTS) {
        if (n.parentId && out.has(n.parentId) && !out.has(n.id)) {
          out.add(n.id);
          grew = true;
        }
      }
    }
    return out;
  }
  function intentsList() {
    return INTENTS.map((n) => {
      const under = intentsUnder([n.id]);
      return {
        ...n,
        items: items.filter((i) => i._intent === n.id).length,
        itemsWithDescendants: items.filter((i) => under.has(i._intent)).length,
      };
    });
  }

  const itemById = new Map(items.map((i) => [i.id, i]));
  const teamName = (id) => TEAMS.find((t) => t.id === id)?.name ?? "No team";
  function startOf(item) {
    const t = transitions
      .get(item.id)
      .find((x) => x.kind === "state" && x.toFlowState && x.toFlowState !== "new");
    return t ? Date.parse(t.at) : null;
  }
  /** Days since the item's cycle started, or since it was created if it has not started. */
  function ageOf(item) {
    return daysOf(NOW - (startOf(item) ?? item._created));
  }
  const teamCycle = new Map();
  for (const team of [...TEAMS.map((t) => t.id), ""]) {
    const done = items
      .filter((i) => (i.teamId ?? "") === team && i.flowState === "done")
      .map((i) => daysOf(i._updated - (startOf(i) ?? i._created)));
    const p = percentiles(done);
    teamCycle.set(
      team,
      p.count ? { p50: p.p50, p85: p.p85, default: false } : { p50: 5, p85: 12, default: true },
    );
  }
  function depItem(item) {
    return {
      item: ref(item),
      teamId: item.teamId,
      teamName: item.teamName,
      flowState: item.flowState,
      stage: stageOf(item.flowState, item.waitReason),
    };
  }
  /** Dependencies (not removed, not to itself, once per pair): `before` must finish first. */
  function dependencies(kinds) {
    const seen = new Set();
    const out = [];
    for (const l of links) {
      if (l.removed || !kinds.includes(l.kind) || l.from === l.to) continue;
      const a = itemById.get(l.from);
      const b = itemById.get(l.to);
      // A parent link reads "parent → child": the child comes first.
      const [before, after] = l.kind === "parent" ? [b, a] : [a, b];
      const key = `${before.id}>${after.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        before,
        after,
        kind: l.kind,
        created: Math.min(NOW, Math.max(a._created, b._created) + DAY),
      });
    }
    return out;
  }
  const openBlocking = () =>
    dependencies(["blocks"]).filter((d) => openState(d.before) && openState(d.after));

  function keeper(filter) {
    const teams = filter?.teams ?? [];
    const intents = filter?.intents?.length ? intentsUnder(filter.intents) : null;
    const item = (i) =>
      (!teams.length || teams.includes(i.teamId ?? "")) &&
      (!intents || (i._intent && intents.has(i._intent)));
    return { item, any: (list) => list.some(item) };
  }

  /** Strongly connected components of the open blocking graph (Tarjan). */
  function components(open) {
    const out = new Map();
    for (const d of open) {
      if (!out.has(d.before.id)) out.set(d.before.id, []);
      if (!out.has(d.after.id)) out.set(d.after.id, []);
      out.get(d.before.id).push(d.after.id);
    }
    let index = 0;
    const idx = new Map();
    const low = new Map();
    const stack = [];
    const on = new Set();
    const sccs = [];
    const visit = (v) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of out.get(v)) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v), low.get(w)));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
      }
      if (low.get(v) === idx.get(v)) {
        const comp = [];
        let w;
        do {
          w = stack.pop();
          on.delete(w);
          comp.push(w);
        } while (w !== v);
        sccs.push(comp);
      }
    };
    for (const v of out.keys()) if (!idx.has(v)) visit(v);
    const of = new Map();
    sccs.forEach((c, n) => {
      for (const v of c) of.set(v, n);
    });
    return { sccs, of };
  }

  function depsReport(filter) {
    const keep = keeper(filter);
    const open = openBlocking();
    const age = (d) => daysOf(NOW - d.created);
    const cells = new Map();
    for (const d of open) {
      if (!keep.any([d.before, d.after])) continue;
      const k = `${d.before.teamId ?? ""}\u0000${d.after.teamId ?? ""}`;
      if (!cells.has(k)) cells.set(k, []);
      cells.get(k).push(age(d));
    }
    const matrix = [...cells.entries()]
      .map(([k, ages]) => {
        const [from, to] = k.split("\u0000");
        ages.sort((a, b) => a - b);
        return {
          blockerTeamId: from,
          blockerTeam: teamName(from),
          blockedTeamId: to,
          blockedTeam: teamName(to),
          openLinks: ages.length,
          totalDays: ages.reduce((a, b) => a + b, 0),
          oldestDays: ages[ages.length - 1],
          medianDays: percentiles(ages).p50,
        };
      })
      .sort(
        (a, b) =>
          b.openLinks - a.openLinks ||
          a.blockerTeam.localeCompare(b.blockerTeam) ||
          a.blockedTeam.localeCompare(b.blockedTeam),
      );
    const blocking = new Map();
    const blocked = new Map();
    for (const d of open) {
      const [from, to] = [d.before.teamId ?? "", d.after.teamId ?? ""];
      if (from === to) continue;
      blocking.set(from, (blocking.get(from) ?? 0) + 1);
      blocked.set(to, (blocked.get(to) ?? 0) + 1);
    }
    const teams = [...TEAMS.map((t) => t.id), ""]
      .filter((id) => id !== "" || blocking.has("") || blocked.has(""))
      .map((id) => {
        const c = teamCycle.get(id);
        return {
          teamId: id,
          teamName: teamName(id),
          blocking: blocking.get(id) ?? 0,
          blocked: blocked.get(id) ?? 0,
          cycleP50Days: c.p50,
          cycleP85Days: c.p85,
          defaultPercentiles: c.default,
        };
      });

    const { sccs, of } = components(open);
    const cycles = sccs
      .filter((c) => c.length > 1)
      .map((c) => c.map((id) => itemById.get(id)).sort((a, b) => a.id.localeCompare(b.id)))
      .filter((list) => keep.any(list))
      .map((list) => ({ items: list.map(depItem), selfLink: false }));
    for (const l of links) {
      const i = itemById.get(l.from);
      if (l.kind === "blocks" && !l.removed && l.from === l.to && openState(i) && keep.item(i)) {
        cycles.push({ items: [depItem(i)], selfLink: true });
      }
    }
    cycles.sort(
      (a, b) => b.items.length - a.items.length || a.items[0].item.key.localeCompare(b.items[0].item.key),
    );

    // Longest chain ending at each item (links inside a cycle left out), in topological order.
    const incoming = new Map();
    for (const d of open) {
      if (of.get(d.before.id) === of.get(d.after.id)) continue;
      if (!incoming.has(d.after.id)) incoming.set(d.after.id, []);
      incoming.get(d.after.id).push(d);
    }
    const best = new Map();
    const bestOf = (id) => {
      if (best.has(id)) return best.get(id);
      best.set(id, { len: 0, wait: 0, prev: null });
      let b = { len: 0, wait: 0, prev: null };
      for (const d of incoming.get(id) ?? []) {
        const p = bestOf(d.before.id);
        const cand = { len: p.len + 1, wait: p.wait + age(d), prev: d.before.id };
        if (cand.len > b.len || (cand.len === b.len && cand.wait > b.wait)) b = cand;
      }
      best.set(id, b);
      return b;
    };
    const nodes = [...new Set(open.flatMap((d) => [d.before.id, d.after.id]))];
    for (const id of nodes) bestOf(id);
    const ends = nodes
      .filter((id) => best.get(id).len >= 2)
      .filter((id) => !open.some((d) => d.before.id === id && best.get(d.after.id).prev === id))
      .sort(
        (a, b) =>
          best.get(b).len - best.get(a).len || best.get(b).wait - best.get(a).wait || a.localeCompare(b),
      );
    const chains = [];
    for (const end of ends) {
      const path = [end];
      let at = end;
      while (best.get(at).prev) {
        at = best.get(at).prev;
        path.push(at);
      }
      path.reverse();
      const list = path.map((id) => itemById.get(id));
      if (!keep.any(list)) continue;
      chains.push({
        items: list.map(depItem),
        waitingDays: best.get(end).wait,
        teams: new Set(list.map((i) => i.teamId ?? "")).size,
      });
    }

    const blockersOf = new Map();
    for (const d of open) {
      if (!blockersOf.has(d.after.id)) blockersOf.set(d.after.id, []);
      blockersOf.get(d.after.id).push(d.before);
    }
    const old = (b) => ageOf(b) > teamCycle.get(b.teamId ?? "").p85;
    const atRiskAll = [];
    for (const id of [...blockersOf.keys()].sort()) {
      const seen = new Set([id]);
      let frontier = [id];
      let found = null;
      let distance = 0;
      while (!found && frontier.length && distance < 32) {
        distance++;
        const next = [];
        for (const f of frontier) {
          for (const b of blockersOf.get(f) ?? []) {
            if (seen.has(b.id)) continue;
            seen.add(b.id);
            if (!found && old(b)) found = b;
            next.push(b.id);
          }
        }
        frontier = next;
      }
      const item = itemById.get(id);
      if (!found || !keep.any([item, found])) continue;
      const c = teamCycle.get(found.teamId ?? "");
      atRiskAll.push({
        item: depItem(item),
        blocker: depItem(found),
        distance,
        blockerAgeDays: ageOf(found),
        thresholdDays: c.p85,
        defaultThreshold: c.default,
      });
    }
    atRiskAll.sort((a, b) => b.blockerAgeDays - b.thresholdDays - (a.blockerAgeDays - a.thresholdDays));

    const handoffsAll = [];
    for (const d of dependencies(["blocks"])) {
      const up = d.before;
      const down = d.after;
      if (up.flowState !== "done" || !openState(down)) continue;
      const deliveredAt = up._updated;
      if (NOW - deliveredAt <= DAY) continue;
      if (!(down.flowState === "waiting" || down._updated <= deliveredAt)) continue;
      if (!keep.any([up, down])) continue;
      handoffsAll.push({
        upstream: depItem(up),
        downstream: depItem(down),
        deliveredAt: iso(deliveredAt),
        daysWaiting: daysOf(NOW - deliveredAt),
      });
    }
    handoffsAll.sort((a, b) => b.daysWaiting - a.daysWaiting);

    const cap = globalThis.__batonMockDepsCap ?? 200;
    return {
      asOf: iso(NOW),
      teams,
      matrix,
      openBlockingLinks: open.length,
      chains: chains.slice(0, cap),
      chainsTotal: chains.length,
      cycles: cycles.slice(0, cap),
      cyclesTotal: cycles.length,
      atRisk: atRiskAll.slice(0, cap),
      atRiskTotal: atRiskAll.length,
      handoffs: handoffsAll.slice(0, cap),
      handoffsTotal: handoffsAll.length,
    };
  }

  /** Expected finish (days from now) of every item `target` depends on, and the critical path. */
  function criticalPath(target) {
    const deps = dependencies(["blocks", "parent", "implements"]);
    const before = new Map();
    for (const d of deps) {
      if (!before.has(d.after.id)) before.set(d.after.id, []);
      before.get(d.after.id).push(d.before.id);
    }
    let roots;
    let label;
    if (target.type === "item") {
      const item = itemById.get(target.id);
      if (!item) throw { code: "not_found", message: `item ${target.id} was not found` };
      roots = [item.id];
      label = `${item.key} ${item.title}`;
    } else {
      const intent = INTENTS.find((n) => n.id === target.id);
      if (!intent) throw { code: "not_found", message: `intent ${target.id} was not found` };
      const under = intentsUnder([intent.id]);
      roots = items.filter((i) => under.has(i._intent)).map((i) => i.id);
      label = intent.title;
    }
    const remaining = (item, p85) => {
      if (!openState(item)) return 0;
      const c = teamCycle.get(item.teamId ?? "");
      const expected = p85 ? c.p85 : c.p50;
      return startOf(item) === null ? expected : Math.max(0, expected - ageOf(item));
    };
    const finish = new Map();
    const state = new Map();
    const inCycles = new Set();
    const visit = (id) => {
      if (state.get(id) === 2) return finish.get(id);
      state.set(id, 1);
      let latest = { p50: 0, p85: 0, via: null };
      for (const b of before.get(id) ?? []) {
        if (state.get(b) === 1) {
          // The link that closes a cycle is ignored.
          inCycles.add(b);
          inCycles.add(id);
          continue;
        }
        const f = visit(b);
        if (f.p85 > latest.p85 || (f.p85 === latest.p85 && latest.via === null))
          latest = { ...latest, p85: f.p85, via: b };
        latest.p50 = Math.max(latest.p50, f.p50);
      }
      const item = itemById.get(id);
      const f = {
        p50: latest.p50 + remaining(item, false),
        p85: latest.p85 + remaining(item, true),
        via: latest.via,
      };
      state.set(id, 2);
      finish.set(id, f);
      return f;
    };
    let end = null;
    for (const r of roots) {
      const f = visit(r);
      if (!end || f.p85 > finish.get(end).p85) end = r;
    }
    const upstream = [...finish.keys()].filter((id) => !roots.includes(id) || target.type === "intent");
    const steps = [];
    for (let at = end; at; at = finish.get(at).via) {
      const item = itemById.get(at);
      const f = finish.get(at);
      const c = teamCycle.get(item.teamId ?? "");
      steps.push({
        item: depItem(item),
        ageDays: ageOf(item),
        remainingP50Days: remaining(item, false),
        remainingP85Days: remaining(item, true),
        finishP50: iso(NOW + f.p50 * DAY),
        finishP85: iso(NOW + f.p85 * DAY),
        defaultPercentiles: c.default,
      });
    }
    steps.reverse();
    const last = end ? finish.get(end) : { p50: 0, p85: 0 };
    return {
      targetLabel: label,
      steps,
      upstreamItems: upstream.length,
      openUpstreamItems: upstream.filter((id) => openState(itemById.get(id))).length,
      finishP50: iso(NOW + last.p50 * DAY),
      finishP85: iso(NOW + last.p85 * DAY),
      done: roots.every((id) => !openState(itemById.get(id))),
      itemsInCycles: inCycles.size,
    };
  }

  function graphNode(item, focus, critical) {
    return {
      item: ref(item),
      teamId: item.teamId,
      teamName: item.teamName,
      flowState: item.flowState,
      stage: stageOf(item.flowState, item.waitReason),
      ageDays: ageOf(item),
      focus,
      critical,
    };
  }

  function depsGraph(request) {
    if (globalThis.__batonMockDepsBig) return bigDepsGraph();
    const max = Math.min(2000, request.maxNodes || 2000);
    const deps = dependencies(["blocks", "parent", "implements"]);
    const keep = keeper(request.filter);
    const critical = request.critical ? criticalPath(request.critical).steps.map((s) => s.item.item.id) : [];
    let chosen = [];
    if (request.focus) {
      if (!itemById.has(request.focus))
        throw { code: "not_found", message: `item ${request.focus} was not found` };
      const hops = Math.min(6, Math.max(1, request.hops));
      const near = new Map();
      for (const d of deps) {
        for (const [a, b] of [
          [d.before.id, d.after.id],
          [d.after.id, d.before.id],
        ]) {
          if (!near.has(a)) near.set(a, []);
          near.get(a).push(b);
        }
      }
      const depth = new Map([[request.focus, 0]]);
      const queue = [request.focus];
      while (queue.length) {
        const id = queue.shift();
        chosen.push(id);
        if (depth.get(id) === hops) continue;
        for (const n of [...(near.get(id) ?? [])].sort()) {
          if (!depth.has(n)) {
            depth.set(n, depth.get(id) + 1);
            queue.push(n);
          }
        }
      }
    } else {
      const degree = new Map();
      for (const d of openBlocking()) {
        for (const i of [d.before, d.after]) if (keep.item(i)) degree.set(i.id, (degree.get(i.id) ?? 0) + 1);
      }
      chosen = [...degree.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([id]) => id);
    }
    const total = chosen.length;
    const order = [...critical, ...chosen.filter((id) => !critical.includes(id))];
    const drawn = order.slice(0, max);
    const set = new Set(drawn);
    const onPath = new Set(critical.slice(1).map((id, k) => `${critical[k]}>${id}`));
    return {
      nodes: drawn.map((id) => graphNode(itemById.get(id), id === request.focus, critical.includes(id))),
      edges: deps
        .filter((d) => set.has(d.before.id) && set.has(d.after.id))
        .map((d) => {
          // Drawn as the link reads: a parent link from the parent to its child.
          const [from, to] = d.kind === "parent" ? [d.after, d.before] : [d.before, d.after];
          return {
            from: from.id,
            to: to.id,
            kind: d.kind,
            open: openState(d.before) && openState(d.after),
            ageDays: daysOf(NOW - d.created),
            critical: onPath.has(`${d.before.id}>${d.after.id}`),
          };
        }),
      totalNodes: Math.max(total, drawn.length),
      truncated: order.length > max,
    };
  }

  /** Big mode (globalThis.__batonMockDepsBig): Rust's largest graph, 2,000 of 2,600 items drawn. */
  function bigDepsGraph() {
    const N = 2000;
    const flows = ["waiting", "active", "active", "new", "waiting"];
    const nodes = [];
    for (let i = 0; i < N; i++) {
      const team = TEAMS[(i * 7 + Math.floor(i / 50)) % TEAMS.length];
      nodes.push({
        item: {
          id: `dep-${i}`,
          key: `DEP-${i + 1}`,
          title: `${VERBS[i % VERBS.length]} ${NOUNS[(i >> 2) % NOUNS.length]}`,
        },
        teamId: team.id,
        teamName: team.name,
        flowState: flows[i % flows.length],
        stage:
          flows[i % flows.length] === "waiting"
            ? "blocked"
            : flows[i % flows.length] === "active"
              ? "active"
              : null,
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

  // ---------- sources: connections, sync runs that send progress events, history, rules ----------
  // Tokens are kept here as the keychain would keep them, and never returned. A token containing
  // "bad" (or the Jira source's expired one) is refused with auth_bad_token. Syncs step on a timer
  // (state.syncStepMs), or one event per `syncStep(id)` when state.syncManual is set.

  const REAL_NOW = Date.now();
  const MINUTE = 60 * 1000;
  function pastRun(id, agoMin, seconds, status, figures = {}, errorCode = null, error = null) {
    const started = REAL_NOW - agoMin * MINUTE;
    return {
      id,
      startedAt: iso(started),
      endedAt: iso(started + seconds * 1000),
      status,
      pages: 0,
      items: 0,
      requests: 0,
      retries: 0,
      rateLimitWaits: 0,
      rateLimitWaitSeconds: 0,
      errorCode,
      error,
      ...figures,
    };
  }
  const JIRA_REFUSED =
    "the token was refused: https://acme.atlassian.net/rest/api/3/myself: Client must be authenticated to access this resource.";
  const sourceRows = [
    {
      id: "s-gh",
      kind: "github",
      name: "acme-corp",
      baseUrl: "https://api.github.com",
      repos: [],
      org: "acme-corp",
      email: null,
      projects: [],
      jql: null,
      pollIntervalMinutes: 10,
      enabled: true,
      synthetic: false,
      token: "ghp_good_acme",
    },
    {
      id: "s-jira",
      kind: "jira",
      name: "acme.atlassian.net",
      baseUrl: "https://acme.atlassian.net",
      repos: [],
      org: null,
      email: "lead@acme.com",
      projects: ["PAY", "OPS"],
      jql: null,
      pollIntervalMinutes: 15,
      enabled: true,
      synthetic: false,
      token: "expired-bad",
    },
    {
      id: "s-linear",
      kind: "linear",
      name: "Acme Linear",
      baseUrl: "https://linear.app/acme",
      repos: [],
      org: null,
      email: null,
      projects: [],
      jql: null,
      pollIntervalMinutes: 10,
      enabled: false,
      synthetic: true,
      token: null,
    },
  ];
  const runsBySource = new Map([
    [
      "s-gh",
      [
        pastRun("run-gh-5", 4, 96, "succeeded", { pages: 6, items: 212, requests: 9 }),
        pastRun("run-gh-4", 14, 131, "succeeded", {
          pages: 11,
          items: 804,
          requests: 17,
          retries: 1,
          rateLimitWaits: 2,
          rateLimitWaitSeconds: 312,
        }),
        pastRun(
          "run-gh-3",
          24,
          38,
          "failed",
          { pages: 2, items: 150, requests: 8, retries: 4 },
          "server_error",
          "the source failed (HTTP 502): https://api.github.com/repos/acme-corp/web/issues: Bad Gateway",
        ),
        pastRun("run-gh-2", 34, 3, "canceled", { pages: 0, items: 0, requests: 1 }, "canceled", "canceled"),
        pastRun("run-gh-1", 60 * 26, 1980, "succeeded", {
          pages: 96,
          items: 9412,
          requests: 131,
          retries: 2,
        }),
      ],
    ],
    [
      "s-jira",
      [
        pastRun("run-jira-3", 7, 2, "failed", { requests: 1 }, "auth_bad_token", JIRA_REFUSED),
        pastRun("run-jira-2", 22, 2, "failed", { requests: 1 }, "auth_bad_token", JIRA_REFUSED),
        pastRun("run-jira-1", 60 * 27, 544, "succeeded", { pages: 41, items: 4020, requests: 47 }),
      ],
    ],
  ]);
  const syncs = new Map(); // source id → { run, steps, timer }
  let runSeq = 0;
  let sourceSeq = 0;

  function sourceDto(row) {
    const { token: _secret, ...shown } = row;
    const last = (runsBySource.get(row.id) ?? [])[0];
    return { ...shown, syncing: syncs.has(row.id), lastRun: last ? { ...last } : null };
  }
  function sourcesList() {
    return sourceRows.map(sourceDto);
  }
  function findSource(id) {
    const row = sourceRows.find((s) => s.id === id);
    if (!row) throw { code: "invalid_source", message: `there is no source ${id}` };
    return row;
  }
  function scopeProblem(input) {
    if (!input.name?.trim()) return "a source needs a name";
    if (input.kind === "github") {
      if (!input.org && !(input.repos ?? []).length) {
        return "a GitHub source needs an organisation or a list of repositories";
      }
      const bad = (input.repos ?? []).find((r) => !/^[^/\s]+\/[^/\s]+$/.test(r));
      if (bad) return `"${bad}" is not a repository name like owner/name`;
    } else if (input.kind === "jira") {
      if (!input.baseUrl) return "a Jira source needs its site URL (https://YOUR-SITE.atlassian.net)";
      if (!input.email) return "a Jira source needs the account's e-mail";
      if (!(input.projects ?? []).length && !input.jql) return "a Jira source needs projects or a JQL filter";
    } else {
      return `${input.kind} sources cannot be added in this version`;
    }
    return null;
  }
  function fields(input) {
    return {
      kind: input.kind,
      name: input.name.trim(),
      baseUrl:
        input.kind === "github"
          ? (input.baseUrl || "https://api.github.com").replace(/\/+$/, "")
          : input.baseUrl.replace(/\/+$/, ""),
      repos: input.repos ?? [],
      org: input.org ?? null,
      email: input.email ?? null,
      projects: input.projects ?? [],
      jql: input.jql ?? null,
      pollIntervalMinutes: input.pollIntervalMinutes,
    };
  }
  function sourcesAdd(input) {
    const problem = scopeProblem(input);
    if (problem) throw { code: "invalid_source", message: problem };
    if (!input.token) throw { code: "invalid_source", message: "a source needs a token" };
    if (sourceRows.some((s) => s.name === input.name.trim())) {
      throw { code: "invalid_source", message: `a source named "${input.name.trim()}" already exists` };
    }
    const row = {
      id: `src-new-${++sourceSeq}`,
      ...fields(input),
      enabled: true,
      synthetic: false,
      token: input.token,
    };
    sourceRows.push(row);
    return sourceDto(row);
  }
  function sourcesEdit(id, input) {
    const row = findSource(id);
    const problem = scopeProblem(input);
    if (problem) throw { code: "invalid_source", message: problem };
    Object.assign(row, fields(input));
    if (input.token) row.token = input.token;
    return sourceDto(row);
  }
  function sourcesSetEnabled(id, enabled) {
    const row = findSource(id);
    row.enabled = enabled;
    return sourceDto(row);
  }
  function sourcesRemove(id) {
    const at = sourceRows.findIndex((s) => s.id === id);
    if (at < 0) throw { code: "invalid_source", message: `there is no source ${id}` };
    sourcesCancel(id);
    sourceRows.splice(at, 1);
    runsBySource.delete(id);
    return null;
  }
  function refusal(kind, base) {
    return kind === "jira"
      ? `the token was refused: ${base}/rest/api/3/myself: Client must be authenticated to access this resource.`
      : `the token was refused: ${base}/user: Bad credentials`;
  }
  function sourcesTest(input, id) {
    const token = input.token || (id ? findSource(id).token : null);
    if (!token) throw { code: "invalid_source", message: "enter the token to test" };
    const problem = scopeProblem(input);
    if (problem) return { ok: false, code: "invalid_source", message: problem };
    const base = fields(input).baseUrl;
    if (token.includes("bad"))
      return { ok: false, code: "auth_bad_token", message: refusal(input.kind, base) };
    if (input.kind === "github") {
      const hidden = (input.repos ?? []).find((r) => r.includes("secret"));
      if (hidden) {
        return {
          ok: false,
          code: "no_access",
          message: `no access: the repository ${hidden} was not found, or the token cannot see it`,
        };
      }
      const checked = Math.min(5, (input.repos ?? []).length || 3);
      return { ok: true, code: null, message: `signed in as lead-dev (${checked} repositories checked)` };
    }
    return { ok: true, code: null, message: `signed in as ${input.email} (time zone Europe/Berlin)` };
  }

  function emitEvent(event, payload) {
    const internals = globalThis.__TAURI_INTERNALS__;
    if (internals && typeof internals.invoke === "function") {
      Promise.resolve(internals.invoke("plugin:event|emit", { event, payload })).catch(() => {});
    }
  }
  function syncScript(row, run) {
    const ids = { sourceId: row.id, runId: run.id };
    const repo = row.repos[0] ?? `${row.org ?? "acme"}/web`;
    const stream = (what) => (row.kind === "jira" ? what : `${what}:${repo}`);
    if (row.token?.includes("bad")) {
      return [
        { type: "started", ...ids },
        {
          type: "finished",
          ...ids,
          status: "failed",
          pages: 0,
          items: 0,
          errorCode: "auth_bad_token",
          error: refusal(row.kind, row.baseUrl),
          _requests: 1,
        },
      ];
    }
    const waitUntil = () => new Date(Date.now() + 47 * 1000).toISOString();
    return [
      { type: "started", ...ids },
      { type: "progress", ...ids, stream: stream("issues"), pages: 1, items: 100 },
      { type: "progress", ...ids, stream: stream("issues"), pages: 4, items: 382 },
      {
        type: "waiting",
        ...ids,
        rateLimit: true,
        seconds: 47,
        get until() {
          return waitUntil();
        },
        reason: "GitHub's rate limit is used up (x-ratelimit-remaining: 0)",
      },
      { type: "progress", ...ids, stream: stream("pulls"), pages: 6, items: 517 },
      { type: "progress", ...ids, stream: stream("events"), pages: 8, items: 644 },
      { type: "finished", ...ids, status: "succeeded", pages: 8, items: 644, errorCode: null, error: null },
    ];
  }
  function finishRun(row, run, ev) {
    run.status = ev.status;
    run.endedAt = iso(Date.now());
    run.pages = ev.pages;
    run.items = ev.items;
    run.errorCode = ev.errorCode;
    run.error = ev.error;
    syncs.delete(row.id);
  }
  /** Sends the next event of the source's running sync; returns how many remain. */
  function syncStep(id) {
    const sync = syncs.get(id);
    if (!sync) return 0;
    const raw = sync.steps.shift();
    const ev = { ...raw };
    delete ev._requests;
    if (raw.type === "waiting") ev.until = raw.until;
    const run = sync.run;
    run.requests += raw._requests ?? 2;
    if (ev.type === "progress") {
      run.pages = ev.pages;
      run.items = ev.items;
    } else if (ev.type === "waiting") {
      run.rateLimitWaits += 1;
      run.rateLimitWaitSeconds += ev.seconds;
    } else if (ev.type === "finished") {
      finishRun(sync.row, run, ev);
    }
    emitEvent("sync-progress-event", { progress: ev });
    if (ev.type === "finished" && ev.pages > 0) emitChanges(["items", "people", "sync_runs"]);
    return sync.steps.length;
  }
  function schedule(id) {
    const sync = syncs.get(id);
    if (!sync || state.syncManual) return;
    sync.timer = setTimeout(() => {
      if (syncStep(id) > 0) schedule(id);
    }, state.syncStepMs);
  }
  function sourcesSyncNow(id) {
    const row = findSource(id);
    if (row.synthetic || row.kind === "linear") {
      throw { code: "invalid_source", message: `${row.name} cannot be synced` };
    }
    if (syncs.has(id)) return null;
    const run = {
      id: `run-${row.id}-${++runSeq}`,
      startedAt: iso(Date.now()),
      endedAt: null,
      status: "running",
      pages: 0,
      items: 0,
      requests: 0,
      retries: 0,
      rateLimitWaits: 0,
      rateLimitWaitSeconds: 0,
      errorCode: null,
      error: null,
    };
    runsBySource.set(id, [run, ...(runsBySource.get(id) ?? [])]);
    syncs.set(id, { row, run, steps: syncScript(row, run), timer: null });
    schedule(id);
    return null;
  }
  function sourcesCancel(id) {
    const sync = syncs.get(id);
    if (!sync) return false;
    if (sync.timer) clearTimeout(sync.timer);
    const ev = {
      type: "finished",
      sourceId: id,
      runId: sync.run.id,
      status: "canceled",
      pages: sync.run.pages,
      items: sync.run.items,
      errorCode: "canceled",
      error: "canceled",
    };
    finishRun(sync.row, sync.run, ev);
    emitEvent("sync-progress-event", { progress: ev });
    return true;
  }

  const rules = {
    team: [
      {
        id: "tr-pay",
        sourceId: null,
        field: "repo",
        pattern: "acme-corp/pay*",
        teamId: "t-payments",
        priority: 10,
      },
      {
        id: "tr-mobile",
        sourceId: "s-gh",
        field: "label",
        pattern: "team:mobile",
        teamId: "t-mobile",
        priority: 20,
      },
      {
        id: "tr-ops",
        sourceId: "s-jira",
        field: "project",
        pattern: "OPS",
        teamId: "t-platform",
        priority: 30,
      },
    ],
    provenance: [
      ["builtin-login-copilot", "bot_login", "copilot*[bot]", "ai_agent", "GitHub Copilot", 0.95],
      ["builtin-login-claude", "bot_login", "claude*[bot]", "ai_agent", "Claude", 0.95],
      ["builtin-login-dependabot", "bot_login", "dependabot*", "automation", "Dependabot", 1],
      ["builtin-login-renovate", "bot_login", "renovate*", "automation", "Renovate", 1],
      ["builtin-coauthor-claude", "co_author", "*claude*", "ai_agent", "Claude", 0.8],
      ["builtin-label-ai", "label", "ai-generated", "ai_agent", null, 0.7],
    ].map(([id, signal, pattern, provenance, agent, confidence]) => ({
      id,
      signal,
      pattern,
      provenance,
      agent,
      confidence,
      builtin: true,
    })),
  };
  let ruleSeq = 0;
  function saveTeamRule(rule) {
    if (!["repo", "project", "component", "label"].includes(rule.field)) {
      throw { code: "invalid", message: "a team rule matches a repo, project, component or label" };
    }
    if (!rule.pattern.trim()) throw { code: "invalid", message: "a team rule needs a pattern" };
    if (!TEAMS.some((t) => t.id === rule.teamId)) {
      throw { code: "database", message: "FOREIGN KEY constraint failed" };
    }
    const id = rule.id || `team-rule-${++ruleSeq}`;
    const row = { ...rule, id, pattern: rule.pattern.trim() };
    const at = rules.team.findIndex((r) => r.id === id);
    if (at >= 0) rules.team[at] = row;
    else rules.team.push(row);
    return id;
  }
  function saveProvenanceRule(rule) {
    if (!["bot_login", "co_author", "label"].includes(rule.signal)) {
      throw {
        code: "invalid",
        message: "a provenance rule reads a bot login, a co-author trailer or a label",
      };
    }
    if (!(rule.confidence >= 0 && rule.confidence <= 1) || !rule.pattern.trim()) {
      throw {
        code: "invalid",
        message: "a provenance rule needs a pattern and a confidence between 0 and 1",
      };
    }
    const id = rule.id || `provenance-rule-${++ruleSeq}`;
    const row = { ...rule, id, pattern: rule.pattern.trim() };
    const at = rules.provenance.findIndex((r) => r.id === id);
    if (at >= 0) rules.provenance[at] = row;
    else rules.provenance.push(row);
    return id;
  }

  const state = {
    theme: "system",
    calls: [],
    /** Syncs send one event per `syncStep(id)` instead of on a timer. */
    syncManual: false,
    syncStepMs: 900,
    workspace: { path: "/home/lead/Baton/acme-demo.baton", name: "Acme demo", isDemo: true },
    flowFilter: null,
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

  function handleCommand(cmd, args) {
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
      case "flow_filter_get":
        return { ...DEFAULT_FILTER, ...(state.flowFilter ?? {}) };
      case "flow_filter_set":
        state.flowFilter = args.filter;
        return null;
      case "flow_report":
        return flowReport(args.filter);
      case "flow_bottlenecks":
        return bottlenecks(args.filter);
      case "flow_items":
        return flowItems(args.filter, args.selection);
      case "workflow_list":
        return workflowList();
      case "workflow_set":
        return workflowSet(args.change);
      case "intents_list":
        return intentsList();
      case "sources_list":
        return sourcesList();
      case "sources_add":
        return sourcesAdd(args.input);
      case "sources_edit":
        return sourcesEdit(args.id, args.input);
      case "sources_set_enabled":
        return sourcesSetEnabled(args.id, args.enabled);
      case "sources_remove":
        return sourcesRemove(args.id);
      case "sources_test_connection":
        return sourcesTest(args.input, args.id);
      case "sources_sync_now":
        return sourcesSyncNow(args.id);
      case "sources_cancel":
        return sourcesCancel(args.id);
      case "sources_history":
        return (runsBySource.get(args.id) ?? []).slice(0, args.limit).map((r) => ({ ...r }));
      case "rules_list":
        return {
          team: rules.team.map((r) => ({ ...r })),
          provenance: rules.provenance.map((r) => ({ ...r })),
        };
      case "rules_save_team_rule":
        return saveTeamRule(args.rule);
      case "teams_list":
        return TEAMS.map((t) => ({
          id: t.id,
          name: t.name,
          items: items.filter((i) => i.teamId === t.id).length,
        }));
      case "teams_create": {
        const name = String(args.name).trim();
        if (!name) throw { code: "invalid", message: "a team needs a name" };
        const team = { id: `team-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, name, weight: 0 };
        TEAMS.push(team);
        return { id: team.id, name: team.name, items: 0 };
      }
      case "rules_delete_team_rule":
        rules.team = rules.team.filter((r) => r.id !== args.id);
        return null;
      case "rules_save_provenance_rule":
        return saveProvenanceRule(args.rule);
      case "rules_delete_provenance_rule":
        rules.provenance = rules.provenance.filter((r) => r.id !== args.id);
        return null;
      case "export_save":
        return `/home/lead/Downloads/${String(args.suggestedName).split(/[\\/]/).pop()}`;
      case "deps_report":
        return depsReport(args.filter);
      case "deps_graph":
        return depsGraph(args.request);
      case "deps_critical_path":
        return criticalPath(args.target);
      default:
        throw { code: "internal", message: `The mock backend has no command ${cmd}` };
    }
  }

  // What each writing command changes, as Rust's write layer publishes it: after a write the
  // app refetches from the `workspace-changed` event, not from the command's answer.
  const WRITES = {
    workflow_set: ["items", "workflow"],
    sources_add: ["sources"],
    sources_edit: ["sources"],
    sources_set_enabled: ["sources"],
    sources_remove: ["items", "people", "sources", "sync_runs"],
    rules_save_team_rule: ["rules"],
    rules_delete_team_rule: ["rules"],
    rules_save_provenance_rule: ["rules"],
    rules_delete_provenance_rule: ["rules"],
    teams_create: ["teams"],
  };
  function emitChanges(kinds) {
    const allItems = kinds.includes("items");
    setTimeout(
      () => emitEvent("workspace-changed", { reason: "data", changes: { kinds, itemIds: [], allItems } }),
      0,
    );
  }
  function handle(cmd, args) {
    const answer = handleCommand(cmd, args);
    if (WRITES[cmd]) emitChanges(WRITES[cmd]);
    return answer;
  }

  globalThis.__batonMock = {
    handle,
    state,
    summary,
    ordered,
    itemDetail,
    items,
    HOSTILE,
    HOSTILE_STATE,
    UNMAPPED_STATE,
    flowReport,
    bottlenecks,
    flowItems,
    workflowList,
    intentsList,
    sourcesList,
    syncStep,
    rules,
    depsReport,
    depsGraph,
    criticalPath,
    DEPS: { CHAIN, CYCLE, SELF, EPIC, PR },
  };
})();
