import { describe, expect, it } from "vitest";
import { makeSource } from "../lib/ipc/testing";
import { checkDraft, emptyDraft, inputOf, parseRepos } from "./draft";
import { explain, formatDuration, missingScopeName, scopeSummary } from "./messages";

describe("failure messages", () => {
  it("names the missing scope when Rust's message has it", () => {
    expect(
      missingScopeName(
        "the token lacks a permission: the token has the scopes [read:user]; it needs `repo` (or `public_repo` for public repositories only)",
      ),
    ).toBe("repo or public_repo");
    expect(
      missingScopeName(
        "the token lacks a permission: acme/pay: the token may not read issues (https://api.github.com/repos/acme/pay/issues: Resource not accessible by personal access token); grant Issues and Pull requests: read",
      ),
    ).toBe("Issues and Pull requests: read");
    expect(missingScopeName("https://x.atlassian.net/rest/api/3/search: needs read:jira-work")).toBe(
      "read:jira-work",
    );
    expect(missingScopeName("https://api.github.com/repos/acme/pay: Resource not accessible")).toBeNull();
    expect(explain("auth_missing_scope", "it needs `read:org`", "github").title).toBe(
      "The token is missing a permission: read:org",
    );
    expect(explain("auth_missing_scope", "forbidden", "github").title).toBe(
      "The token is missing a permission",
    );
  });

  it("says which source and what to do for each code", () => {
    expect(explain("auth_bad_token", null, "github").title).toBe("GitHub refused the token");
    expect(explain("wrong_url", null, "jira").title).toBe("This address is not a Jira Cloud site");
    expect(explain("wrong_url", null, "github").hint).toContain("https://HOST/api/v3");
    expect(explain("keychain_unavailable").hint).toContain("never in the workspace file");
    expect(explain("something_new").title).toBe("It did not work");
  });

  it("explains a foreign address, a sync already going, and a capped rate-limit wait", () => {
    expect(explain("foreign_origin", null, "github").title).toBe("GitHub pointed Baton to another address");
    expect(explain("foreign_origin", null, "jira").hint).toContain("rather than send the token there");
    expect(explain("sync_in_progress").title).toBe("This source is already being synced");
    expect(explain("sync_in_progress").hint).toContain("name the process");
    expect(explain("rate_limited", null, "jira").hint).toContain("at most 15 minutes");
  });
});

describe("source summaries", () => {
  it("describes the scope in one line", () => {
    expect(scopeSummary(makeSource({ id: "a", org: "acme" }))).toBe("Organisation acme");
    expect(
      scopeSummary(
        makeSource({
          id: "b",
          org: null,
          repos: ["acme/a", "acme/b", "acme/c", "acme/d"],
          baseUrl: "https://ghe.acme.com/api/v3",
        }),
      ),
    ).toBe("4 repositories on ghe.acme.com: acme/a, acme/b, acme/c and 1 more");
    expect(
      scopeSummary(
        makeSource({
          id: "c",
          kind: "jira",
          org: null,
          baseUrl: "https://acme.atlassian.net",
          projects: ["PAY", "OPS"],
          jql: "labels = x",
        }),
      ),
    ).toBe("acme.atlassian.net · projects PAY, OPS · JQL: labels = x");
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
      kind: "github",
      name: "web",
      baseUrl: "",
      repos: ["acme/web"],
      org: null,
      email: null,
      projects: [],
      jql: null,
      pollIntervalMinutes: 10,
      token: "ghp_x",
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
  });
});
