//! Number and time formatting, in the user's locale and time zone.

/**
 * The user's locale, unless it is the POSIX/C locale a bare system (or a CI machine) reports,
 * which formats 1000000 without separators: then English, so large counts stay readable.
 */
export function displayLocale(
  probe: (locale?: string) => string = (l) => new Intl.NumberFormat(l).format(1_000_000),
): string | undefined {
  return /\D/.test(probe(undefined)) ? undefined : "en-US";
}

const LOCALE = displayLocale();
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 0 });

/** 200000 → "200,000" (thousands separators of the user's locale). */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** 0.85 → "85%". */
export function formatPercent(ratio: number): string {
  return percent.format(ratio);
}

/** "1 item", "2,345 items". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function parse(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium" });
const dateOnlyUtc = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: "UTC" });
const dateTimeUtc = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** Local date and time, e.g. "12 Mar 2025, 14:03". */
export function formatDateTime(iso: string): string {
  const d = parse(iso);
  return d ? dateTime.format(d) : iso;
}

/** Local date, e.g. "12 Mar 2025". */
export function formatDate(iso: string): string {
  const d = parse(iso);
  return d ? dateOnly.format(d) : iso;
}

/** UTC date (for metrics defined on UTC days). */
export function formatDateUtc(iso: string): string {
  const d = parse(iso);
  return d ? dateOnlyUtc.format(d) : iso;
}

/** UTC date and time. */
export function formatDateTimeUtc(iso: string): string {
  const d = parse(iso);
  return d ? `${dateTimeUtc.format(d)} UTC` : iso;
}

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 days ago", "in 2 hours", "now". */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const d = parse(iso);
  if (!d) return "";
  const seconds = (d.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

const oneDecimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 3.456 → "3.5" (one decimal, thousands separators). */
export function formatDecimal(n: number): string {
  return oneDecimal.format(n);
}

/**
 * A duration in days as people quote it: one decimal under 10 days ("3.5 days"), whole days
 * above ("42 days"); "—" when there is none. A duration too short to show at one decimal says
 * so ("<0.1 days") rather than reading as none at all ("0.0 days").
 */
export function formatDays(days: number | null | undefined, unit = true): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return "—";
  if (days > 0 && days < 0.05) return `<${formatDecimal(0.1)}${unit ? " days" : ""}`;
  const small = Math.abs(days) < 10;
  const text = small ? formatDecimal(days) : formatCount(days);
  if (!unit) return text;
  const rounded = small ? Math.round(days * 10) / 10 : Math.round(days);
  return `${text} ${rounded === 1 ? "day" : "days"}`;
}

const dayLong = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: "UTC" });
const dayShort = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", timeZone: "UTC" });

function parseDay(day: string): Date | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? parse(`${day}T00:00:00Z`) : null;
}

/** A calendar day (`YYYY-MM-DD`, already in the chosen time zone) → "12 Mar 2026". */
export function formatDay(day: string): string {
  const d = parseDay(day);
  return d ? dayLong.format(d) : day;
}

/** A calendar day → "12 Mar". */
export function formatDayShort(day: string): string {
  const d = parseDay(day);
  return d ? dayShort.format(d) : day;
}

/** Minutes east of UTC → "UTC+02:00", "UTC−05:30", "UTC". */
export function formatUtcOffset(minutes: number): string {
  if (minutes === 0) return "UTC";
  const sign = minutes > 0 ? "+" : "−";
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `UTC${sign}${hh}:${mm}`;
}
