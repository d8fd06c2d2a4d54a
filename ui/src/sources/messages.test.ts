import { describe, expect, it } from "vitest";
import { rustCode, TRANSPORT_ERROR } from "../lib/ipc";
import { makeSource } from "../lib/ipc/testing";
import { checkDraft, draftOf, emptyDraft, inputOf, parseRepos } from "./draft";
import { explain, formatDuration, scopeSummary, streamLabel } from "./messages";

describe("failure messages", () => {
  it("names the missing permission Rust sends as data, never read from its sentence", () => {
    expect(
      explain("auth_missing_scope", "github", "repo, or public_repo for public repositories only").title,
    ).toBe("The token is missing a permission: repo, or public_repo for public repositories only");
    expect(explain("auth_missing_scope", "github", null).title).toBe("The token is missing a permission");
    expect(explain("auth_missing_scope", "jira").hint).toContain("read:jira-work");
  });

  it("says which source and what to do for each code", () => {
    expect(explain("auth_bad_token", "github").title).toBe("GitHub refused the token");
    // A Linear team's refusal names the team keys; the workspace-wide projects' does not.
    expect(explain("no_access", "linear", null, "team:ENG").title).toBe("The token cannot see this team");
    expect(explain("no_access", "linear", null, "intents").title).toBe(
      "The key cannot read the workspace's projects or initiatives",
    );
    expect(explain("no_access", "linear", null, "intents").hint).toContain("issues still synced");
    expect(explain("wrong_url", "jira").title).toBe("This address is not a Jira Cloud site");
    expect(explain("wrong_url", "github").hint).toContain("https://HOST/api/v3");
    expect(explain("keychain_unavailable").hint).toContain("never in the workspace file");
    expect(explain("interrupted", "jira").title).toBe("The sync was interrupted");
    expect(explain("database").title).toBe("The workspace file could not be written");
    expect(explain("workspace_read_only").title).toBe("This workspace is open read-only");
    expect(explain(null).title).toBe("It did not work");
  });

  it("takes only Rust's codes: its switch is checked by the compiler", () => {
    // @ts-expect-error a code Rust does not have does not compile
    const unknown = explain("something_new");
    expect(unknown.title).toBe("It did not work");
    expect(explain(rustCode(TRANSPORT_ERROR)).title).toBe("It did not work");
    expect(rustCode("offline")).toBe("offline");
  });

  it("explains a foreign address, a sync already going, and a capped rate-limit wait", () => {
    expect(explain("foreign_origin", "github").title).toBe("GitHub pointed Baton to another address");
    expect(explain("foreign_origin", "jira").hint).toContain("rather than send the token there");
    expect(explain("sync_in_progress").title).toBe("This source is already being synced");
    expect(explain("sync_in_progress").hint).toContain("name the process");
    expect(explain("rate_limited", "jira").hint).toContain("at most 15 minutes");
  });
});

describe("GitLab sources", () => {
  it("summarises the scope, names the streams and explains failures for GitLab (and names Linear's and files' streams)", () => {
    expect(
      scopeSummary(
        makeSource({
          id: "g",
          kind: "gitlab",
          baseUrl: "",
          scope: { kind: "gitlab", group: "acme", projects: ["acme/web", "acme/api"] },
        }),
      ),
    ).toBe("Group acme · 2 projects: acme/web, acme/api");
    expect(
      scopeSummary(
        makeSource({
          id: "g2",
          kind: "gitlab",
          baseUrl: "https://gitlab.acme.com",
          scope: { kind: "gitlab", group: null, projects: ["ops/infra"] },
        }),
      ),
    ).toBe("gitlab.acme.com · 1 project: ops/infra");
    expect(streamLabel("merge_requests:acme/web")).toBe("merge requests of acme/web");
    expect(streamLabel("group:acme")).toBe("the projects of group acme");
    expect(streamLabel("team:ENG")).toBe("the team ENG");
    expect(streamLabel("intents")).toBe("projects and initiatives");
    expect(streamLabel("teams")).toBe("teams and workflow states");
    expect(streamLabel("rows")).toBe("rows of the file");
    expect(explain("auth_bad_token", "gitlab").title).toBe("GitLab refused the token");
    expect(explain("auth_missing_scope", "gitlab").hint).toContain("read_api");
  });
});

describe("source summaries", () => {
  it("describes the scope in one line", () => {
    expect(scopeSummary(makeSource({ id: "a", scope: { kind: "github", org: "acme", repos: [] } }))).toBe(
      "Organisation acme",
    );
    expect(
      scopeSummary(
        makeSource({
          id: "b",
          scope: { kind: "github", org: null, repos: ["acme/a", "acme/b", "acme/c", "acme/d"] },
          baseUrl: "https://ghe.acme.com/api/v3",
        }),
      ),
    ).toBe("4 repositories on ghe.acme.com: acme/a, acme/b, acme/c and 1 more");
    expect(
      scopeSummary(
        makeSource({
          id: "c",
          kind: "jira",
          baseUrl: "https://acme.atlassian.net",
          scope: { kind: "jira", email: "", projects: ["PAY", "OPS"], jql: "labels = x" },
        }),
      ),
    ).toBe("acme.atlassian.net · projects PAY, OPS · JQL: labels = x");
    expect(
      scopeSummary(makeSource({ id: "d", kind: "linear", baseUrl: "https://linear.app/acme", scope: null })),
    ).toBe("https://linear.app/acme");
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(185)).toBe("3 min 5 s");
    expect(formatDuration(7440)).toBe("2 h 4 min");
  });
});

describe("the form's values", () => {
  it("checks each field and builds the input Rust takes", () => {
    const gh = emptyDraft("github");
    expect(Object.keys(checkDraft(gh, { editing: false, otherNames: [] })).sort()).toEqual([
      "name",
      "org",
      "token",
    ]);
    expect(checkDraft({ ...gh, name: "web" }, { editing: false, otherNames: ["web"] }).name).toMatch(
      /already/,
    );
    expect(parseRepos("https://github.com/acme/web.git\nacme/api, acme/api")).toEqual([
      "acme/web",
      "acme/api",
    ]);
    const repos = {
      ...gh,
      name: "web",
      token: "ghp_x",
      scopeMode: "repos" as const,
      repos: "acme/web\nnot-a-repo",
    };
    expect(checkDraft(repos, { editing: false, otherNames: [] }).repos).toMatch(/not-a-repo/);
    const ok = { ...repos, repos: "acme/web", enterpriseUrl: "https://api.github.com/" };
    expect(checkDraft(ok, { editing: false, otherNames: [] })).toEqual({});
    expect(inputOf(ok)).toEqual({
      name: "web",
      baseUrl: "",
      pollIntervalMinutes: 10,
      token: "ghp_x",
      scope: { kind: "github", org: null, repos: ["acme/web"] },
    });
    expect(inputOf({ ...ok, scopeMode: "org", org: " acme " }).scope).toEqual({
      kind: "github",
      org: "acme",
      repos: [],
    });
    const jira = {
      ...emptyDraft("jira"),
      name: "j",
      siteUrl: "acme.atlassian.net",
      email: "x",
      projects: "pay-1",
    };
    const problems = checkDraft(jira, { editing: true, otherNames: [] });
    expect(problems.token).toBeUndefined();
    expect(problems.siteUrl).toMatch(/https/);
    expect(problems.email).toMatch(/not an e-mail/);
    expect(problems.projects).toMatch(/PAY-1/);
    expect(
      checkDraft({ ...jira, projects: "", jql: "" }, { editing: true, otherNames: [] }).projects,
    ).toMatch(/project keys, a JQL filter/);
    expect(
      inputOf({
        ...jira,
        siteUrl: "https://acme.atlassian.net/",
        email: "lead@acme.com",
        projects: "pay, ops",
        jql: " ",
        token: "",
      }),
    ).toEqual({
      name: "j",
      baseUrl: "https://acme.atlassian.net",
      pollIntervalMinutes: 10,
      token: null,
      scope: { kind: "jira", email: "lead@acme.com", projects: ["PAY", "OPS"], jql: null },
    });
  });

  it("reads an existing source back into the form, whatever its kind", () => {
    const gh = makeSource({ id: "g", scope: { kind: "github", org: null, repos: ["acme/web", "acme/api"] } });
    if (gh.scope === null) throw new Error("a GitHub source has a scope");
    const draft = draftOf({ ...gh, scope: gh.scope });
    expect(draft).toMatchObject({
      kind: "github",
      scopeMode: "repos",
      repos: "acme/web\nacme/api",
      token: "",
    });
    expect(inputOf({ ...draft, token: "" }).scope).toEqual(gh.scope);
    const jira = draftOf({
      ...makeSource({ id: "j", kind: "jira", baseUrl: "https://acme.atlassian.net" }),
      scope: { kind: "jira", email: "lead@acme.com", projects: ["PAY"], jql: "labels = x" },
    });
    expect(jira).toMatchObject({
      kind: "jira",
      siteUrl: "https://acme.atlassian.net",
      email: "lead@acme.com",
      projects: "PAY",
      jql: "labels = x",
    });
  });
});
