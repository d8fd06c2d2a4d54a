//! The Intents page's queries. Every key starts with "intents", so a change of items, intents or
//! decisions refetches them (`QUERIES_FOR_CHANGE`).

import { keepPreviousData, queryOptions, skipToken } from "@tanstack/react-query";
import { type IntentsQuery, ipc, type RuleInput } from "../lib/ipc";

export const intentsPageQueries = {
  report: (query: IntentsQuery) =>
    queryOptions({
      queryKey: ["intents", "report", query],
      queryFn: () => ipc.intentsReport(query),
      placeholderData: keepPreviousData,
    }),
  forecast: (query: IntentsQuery, id: string | null) =>
    queryOptions({
      queryKey: ["intents", "forecast", query, id],
      queryFn: id ? () => ipc.intentsForecast(query, id) : skipToken,
      staleTime: 60_000,
    }),
  rules: () => queryOptions({ queryKey: ["intents", "rules"], queryFn: ipc.intentsRules }),
  /** `null` while the rule form is incomplete: nothing is asked. */
  preview: (rule: RuleInput | null) =>
    queryOptions({
      queryKey: ["intents", "rule-preview", rule],
      queryFn: rule ? () => ipc.intentsRulePreview(rule) : skipToken,
    }),
};
