//! The add/edit form's values, their checks, and the `SourceInput` they become. Checked here so
//! the form can say what is wrong field by field before anything reaches Rust (which checks
//! again).

import type {
  FileColumns,
  FileFormat,
  FileScopeInput,
  SourceInput,
  SourceScope,
  SourceView,
} from "../lib/ipc";
import { GITHUB_API, GITLAB_COM, isGithubCom, isGitlabCom } from "./messages";

/** The kinds of source the form adds: those Rust has a scope for. */
export type FormKind = SourceScope["kind"];

export type Draft = {
  kind: FormKind;
  name: string;
  /** Typed by the person; never filled from a stored source. */
  token: string;
  scopeMode: "org" | "repos";
  org: string;
  /** One repository per line (or separated by commas or spaces). */
  repos: string;
  enterpriseUrl: string;
  siteUrl: string;
  email: string;
  /** Project keys separated by commas or spaces. */
  projects: string;
  jql: string;
  /** GitLab: the instance (empty for gitlab.com), a group path and/or project paths. */
  gitlabUrl: string;
  group: string;
  /** One project path per line (or separated by commas or spaces). */
  gitlabProjects: string;
  /** Linear: team keys separated by commas or spaces (none: every team the key can see), and
   * whether the token is an OAuth access token rather than a personal API key. */
  linearTeams: string;
  linearOauth: boolean;
  /** A file source: the file's absolute path, its layout and which column holds what. */
  path: string;
  format: FileFormat;
  columns: FileColumns;
  pollMinutes: string;
};

export type DraftField = Exclude<keyof Draft, "kind" | "scopeMode" | "format" | "columns" | "linearOauth">;
export type Problems = Partial<Record<DraftField, string>>;

export const DEFAULT_POLL_MINUTES = 10;

export function emptyDraft(kind: FormKind): Draft {
  return {
    kind,
    name: "",
    token: "",
    scopeMode: "org",
    org: "",
    repos: "",
    enterpriseUrl: "",
    siteUrl: "",
    email: "",
    projects: "",
    jql: "",
    gitlabUrl: "",
    group: "",
    gitlabProjects: "",
    linearTeams: "",
    linearOauth: false,
    path: "",
    format: "jira_csv",
    columns: emptyColumns(),
    pollMinutes: String(DEFAULT_POLL_MINUTES),
  };
}

/** No column chosen: Rust guesses them from the header row (and Jira's export names its own). */
export function emptyColumns(): FileColumns {
  return {
    id: null,
    key: null,
    title: null,
    item_type: null,
    team: null,
    state: null,
    created: null,
    updated: null,
    resolved: null,
    owner: null,
    author: null,
    priority: null,
    estimate: null,
    labels: null,
    parent: null,
    states: [],
    date_format: null,
  };
}

/** Whether a kind of source is reached with a token (a file is read from this computer). */
export function needsToken(kind: FormKind): boolean {
  return kind !== "file";
}

/** The scope a file draft sends (for the preview and the save). */
export function fileScopeOf(d: Draft): FileScopeInput {
  return { path: d.path.trim(), format: d.format, columns: d.columns };
}

/** A source the form can edit: one of a kind this version syncs, so it has a scope. */
export type EditableSource = SourceView & { scope: SourceScope };

/** The form for an existing source. The token stays empty: the stored one is never read back. */
export function draftOf(source: EditableSource): Draft {
  const pollMinutes = String(source.pollIntervalMinutes || DEFAULT_POLL_MINUTES);
  const scope = source.scope;
  switch (scope.kind) {
    case "github":
      return {
        ...emptyDraft("github"),
        name: source.name,
        scopeMode: scope.repos.length > 0 ? "repos" : "org",
        org: scope.org ?? "",
        repos: scope.repos.join("\n"),
        enterpriseUrl: isGithubCom(source.baseUrl) ? "" : source.baseUrl,
        pollMinutes,
      };
    case "jira":
      return {
        ...emptyDraft("jira"),
        name: source.name,
        siteUrl: source.baseUrl,
        email: scope.email,
        projects: scope.projects.join(", "),
        jql: scope.jql ?? "",
        pollMinutes,
      };
    case "gitlab":
      return {
        ...emptyDraft("gitlab"),
        name: source.name,
        gitlabUrl: isGitlabCom(source.baseUrl) ? "" : source.baseUrl,
        group: scope.group ?? "",
        gitlabProjects: scope.projects.join("\n"),
        pollMinutes,
      };
    case "linear":
      return {
        ...emptyDraft("linear"),
        name: source.name,
        linearTeams: scope.teams.join(", "),
        linearOauth: scope.oauth,
        pollMinutes,
      };
    case "file":
      return {
        ...emptyDraft("file"),
        name: source.name,
        path: scope.path,
        format: scope.format,
        columns: scope.columns,
        pollMinutes,
      };
  }
}

function words(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((w) => w.trim())
    .filter(Boolean);
}

/** `owner/name` from what people paste: a name, a github.com URL, a clone URL. */
export function repoName(text: string): string {
  return text
    .trim()
    .replace(/^https?:\/\/[^/]+\//i, "")
    .replace(/^git@[^:]+:/i, "")
    .replace(/\.git$/i, "")
    .replace(/\/+$/, "");
}

export function parseRepos(text: string): string[] {
  return [...new Set(words(text).map(repoName))];
}

/** `group/project` from what people paste: a path, a GitLab address, a clone URL. */
export function gitlabPath(text: string): string {
  return text
    .trim()
    .replace(/^https?:\/\/[^/]+\//i, "")
    .replace(/^git@[^:]+:/i, "")
    .replace(/\.git$/i, "")
    .replace(/\/-\/.*$/, "")
    .replace(/\/+$/, "");
}

export function parseGitlabProjects(text: string): string[] {
  return [...new Set(words(text).map(gitlabPath).filter(Boolean))];
}

export function parseProjects(text: string): string[] {
  return [...new Set(words(text).map((p) => p.toUpperCase()))];
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === "https:" || url.protocol === "http:") && url.host !== "";
  } catch {
    return false;
  }
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const PROJECT = /^[A-Z0-9_]+$/;
/** A GitLab namespace path: segments of letters, digits, `_`, `-` and `.`, separated by `/`. */
const GITLAB_PATH = /^[\p{L}\p{N}_.-]+(?:\/[\p{L}\p{N}_.-]+)*$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A Linear team key: letters, digits and `_` (ENG, WEB2). */
const TEAM_KEY = /^[\p{L}\p{N}_]+$/u;

/**
 * What is wrong with the form, field by field (empty when nothing is). `editing`: the token may
 * stay empty (the stored one is kept). `otherNames`: names of the other sources.
 */
export function checkDraft(
  d: Draft,
  { editing, otherNames, forTest = false }: { editing: boolean; otherNames: string[]; forTest?: boolean },
): Problems {
  const p: Problems = {};
  const name = d.name.trim();
  if (!forTest) {
    if (!name) p.name = "Give the source a name, such as the organisation or the site.";
    else if (otherNames.includes(name)) p.name = `Another source is already called “${name}”.`;
  }
  if (!needsToken(d.kind)) {
    // A file has no token.
  } else if (!editing && !d.token.trim()) {
    p.token =
      d.kind === "github"
        ? "Paste a GitHub token."
        : d.kind === "gitlab"
          ? "Paste a GitLab access token."
          : d.kind === "linear"
            ? d.linearOauth
              ? "Paste a Linear OAuth access token."
              : "Paste a Linear personal API key."
            : "Paste an Atlassian API token.";
  } else if (/\s/.test(d.token.trim())) {
    p.token = "A token has no spaces: check what was pasted.";
  }
  if (d.kind === "file") {
    const path = d.path.trim();
    if (!path) p.path = "Choose the file to import.";
    else if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path))
      p.path = "Give the whole path of the file (it starts with / or a drive letter).";
  } else if (d.kind === "gitlab") {
    const group = gitlabPath(d.group);
    const projects = parseGitlabProjects(d.gitlabProjects);
    if (group && !GITLAB_PATH.test(group))
      p.group = `“${group}” is not a group path (like acme or acme/platform).`;
    const bad = projects.filter((r) => !GITLAB_PATH.test(r) || !r.includes("/"));
    if (bad.length) p.gitlabProjects = `Not a project path like group/project: ${bad.slice(0, 3).join(", ")}`;
    else if (!group && projects.length === 0) p.group = "Name a group, list projects, or both.";
    const url = d.gitlabUrl.trim();
    if (url && !isHttpUrl(url)) p.gitlabUrl = "Enter a full address, like https://gitlab.example.com.";
  } else if (d.kind === "linear") {
    const bad = parseProjects(d.linearTeams).filter((k) => !TEAM_KEY.test(k));
    if (bad.length)
      p.linearTeams = `Not a team key (the prefix of the team's issues, like ENG): ${bad.slice(0, 3).join(", ")}`;
  } else if (d.kind === "github") {
    if (d.scopeMode === "org") {
      const org = d.org.trim();
      if (!org) p.org = "Name the organisation (or user) whose repositories to sync.";
      else if (!LOGIN.test(org))
        p.org = `“${org}” is not an organisation name (letters, digits and hyphens).`;
    } else {
      const repos = parseRepos(d.repos);
      const bad = repos.filter((r) => !REPO.test(r));
      if (repos.length === 0) p.repos = "List at least one repository, as owner/name.";
      else if (bad.length) p.repos = `Not a repository name like owner/name: ${bad.slice(0, 3).join(", ")}`;
    }
    const url = d.enterpriseUrl.trim();
    if (url && !isHttpUrl(url))
      p.enterpriseUrl = "Enter a full address, like https://github.example.com/api/v3.";
  } else {
    const site = d.siteUrl.trim();
    if (!site) p.siteUrl = "Enter the site's address, like https://your-site.atlassian.net.";
    else if (!isHttpUrl(site)) p.siteUrl = "Enter a full address starting with https://.";
    const email = d.email.trim();
    if (!email) p.email = "Enter the e-mail of the account the token belongs to.";
    else if (!EMAIL.test(email)) p.email = `“${email}” is not an e-mail address.`;
    const projects = parseProjects(d.projects);
    const bad = projects.filter((k) => !PROJECT.test(k));
    if (bad.length) p.projects = `Not a project key (letters, digits, _): ${bad.slice(0, 3).join(", ")}`;
    else if (projects.length === 0 && !d.jql.trim()) p.projects = "Give project keys, a JQL filter, or both.";
  }
  const minutes = Number(d.pollMinutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    p.pollMinutes = "Sync every 1 to 1,440 minutes (whole minutes).";
  }
  return p;
}

/** A hint (not an error) for an Enterprise URL that does not look like an API root. */
export function enterpriseUrlHint(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed || !isHttpUrl(trimmed)) return null;
  if (isGithubCom(trimmed)) return null;
  return /\/api\/v3\/?$/.test(trimmed)
    ? null
    : "GitHub Enterprise Server's API is usually at https://HOST/api/v3.";
}

/** What the form sends to Rust. An empty token means "keep the stored one" when editing. */
export function inputOf(d: Draft): SourceInput {
  const token = d.token.trim() || null;
  const pollIntervalMinutes = Number(d.pollMinutes) || DEFAULT_POLL_MINUTES;
  const name = d.name.trim();
  switch (d.kind) {
    case "github": {
      const enterprise = d.enterpriseUrl.trim().replace(/\/+$/, "");
      return {
        name,
        baseUrl: enterprise && enterprise !== GITHUB_API ? enterprise : "",
        pollIntervalMinutes,
        token,
        scope:
          d.scopeMode === "repos"
            ? { kind: "github", org: null, repos: parseRepos(d.repos) }
            : { kind: "github", org: d.org.trim(), repos: [] },
      };
    }
    case "jira":
      return {
        name,
        baseUrl: d.siteUrl.trim().replace(/\/+$/, ""),
        pollIntervalMinutes,
        token,
        scope: {
          kind: "jira",
          email: d.email.trim(),
          projects: parseProjects(d.projects),
          jql: d.jql.trim() || null,
        },
      };
    case "gitlab": {
      const url = d.gitlabUrl.trim().replace(/\/+$/, "");
      return {
        name,
        baseUrl: url && url !== GITLAB_COM ? url : "",
        pollIntervalMinutes,
        token,
        scope: {
          kind: "gitlab",
          group: gitlabPath(d.group) || null,
          projects: parseGitlabProjects(d.gitlabProjects),
        },
      };
    }
    case "linear":
      return {
        name,
        baseUrl: "",
        pollIntervalMinutes,
        token,
        scope: { kind: "linear", teams: parseProjects(d.linearTeams), oauth: d.linearOauth },
      };
    case "file":
      return {
        name,
        baseUrl: "",
        pollIntervalMinutes,
        token: null,
        scope: { kind: "file", ...fileScopeOf(d) },
      };
  }
}
