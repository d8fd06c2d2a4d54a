//! What `baton` writes for people and how: text from sources with its control characters shown
//! escaped, cells bounded in width, colour only where a person sees it, JSON that a terminal
//! cannot misread, and output that stops quietly when its reader goes away.
//!
//! Everything the command prints goes through [`out_line`] (the `outln!` macro) or
//! [`out_json`], and error messages through [`err_line`]:
//! - **Escaping.** Titles, team names, server messages and other source text may hold bytes a
//!   terminal obeys: ANSI/OSC escape sequences (ESC, the one-byte CSI U+009B), carriage returns
//!   that overwrite a line, NUL, BEL, backspace, other C0/C1 controls, and invisible Unicode
//!   format characters that reorder or hide text (bidi embeddings, overrides and isolates
//!   U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F/U+061C, zero-width and tag
//!   characters). [`escape`] shows them as `\e`, `\r`, `\u{202E}`… Tables escape every cell,
//!   and [`out_line`] escapes whatever is left (all but the line ends baton writes itself), so
//!   nothing reaches the terminal raw even from a line that forgot. The zero-width joiners
//!   U+200C/U+200D stay: scripts and emoji sequences need them and they move or hide nothing.
//! - **JSON** (`--json`) is for programs: serde_json escapes C0 controls (ESC included) and
//!   [`out_json`] also writes C1 controls, DEL and the characters above as `\uXXXX` escapes, so
//!   the parsed values are unchanged and the raw text is still safe on a terminal.
//! - **Broken pipe.** When the reader of stdout goes away (`baton stats FILE | head`), writing
//!   stops silently, the command finishes its work (a sync is never cut in the middle by it) and
//!   baton exits with the command's own status, 0 when it succeeded. No panic, no "error:" line.
//!   Any other write error (a full disk) is reported once at the end, with exit status 2.
//! - **Colour.** Tables and the progress line use none. Log lines on stderr are coloured only
//!   when stderr is a terminal, `NO_COLOR` is unset or empty, and `CLICOLOR` is not `0`;
//!   `CLICOLOR_FORCE` (not `0`) forces colour unless `NO_COLOR` is set.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The widest a table cell or a quoted piece of source text is printed, in terminal columns.
pub const MAX_CELL_WIDTH: usize = 120;

/// A grapheme with more code points than this (a pile of combining marks) ends the cell: its
/// width is one column however long it is, so the column bound alone would not bound the bytes.
const MAX_GRAPHEME_CHARS: usize = 16;

/// What ends a cut cell.
pub const ELLIPSIS: char = '…';

/// Whether `c` must not reach a terminal as it is (see the module comment).
pub fn is_hostile(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1F}'          // C0 controls: NUL, BEL, BS, TAB, LF, CR, ESC…
            | '\u{7F}'..='\u{9F}'   // DEL and the C1 controls (U+009B is a one-byte CSI)
            | '\u{AD}'              // soft hyphen (invisible)
            | '\u{61C}'             // Arabic letter mark
            | '\u{180E}'            // Mongolian vowel separator
            | '\u{200B}'            // zero-width space
            | '\u{200E}'..='\u{200F}' // left-to-right and right-to-left marks
            | '\u{2028}'..='\u{2029}' // line and paragraph separators
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}' // bidi isolates, deprecated format characters
            | '\u{FEFF}'            // zero-width no-break space (byte-order mark)
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{E0000}'..='\u{E007F}' // tag characters (invisible text)
    )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\0' => out.push_str("\\0"),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\u{B}' => out.push_str("\\v"),
        '\u{C}' => out.push_str("\\f"),
        '\r' => out.push_str("\\r"),
        '\u{1B}' => out.push_str("\\e"),
        c => {
            let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
        }
    }
}

fn escape_where(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let hostile = |c: char| is_hostile(c) && !keep(c);
    if !text.chars().any(hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hostile(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every character a terminal would obey or hide shown escaped (`\e`, `\r`,
/// `\n`, `\u{202E}`); borrowed when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_where(text, |_| false)
}

/// Like [`escape`] but keeps line ends: for whole lines of output and error messages.
pub fn escape_keeping_lines(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c == '\n')
}

/// The display width of `text` in terminal columns.
#[cfg(test)]
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to at most `max` columns by display width, ending in `…` when cut. Cuts between
/// graphemes only (never inside a character or an emoji sequence). `max` of 0 counts as 1.
pub fn fit(text: &str, max: usize) -> Cow<'_, str> {
    let max = max.max(1);
    // ASCII is at most one column a byte.
    if text.len() <= max && text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut used = 0usize;
    // The end (in bytes) of the longest prefix that leaves one column for the ellipsis.
    let mut keep = 0usize;
    for (start, grapheme) in text.grapheme_indices(true) {
        let oversized = grapheme.chars().nth(MAX_GRAPHEME_CHARS).is_some();
        used = used.saturating_add(grapheme.width());
        if oversized || used > max {
            let mut cut = String::with_capacity(keep + ELLIPSIS.len_utf8());
            cut.push_str(&text[..keep]);
            cut.push(ELLIPSIS);
            return Cow::Owned(cut);
        }
        if used < max {
            keep = start + grapheme.len();
        }
    }
    Cow::Borrowed(text)
}

/// Source text made safe and bounded for one cell or one quoted field: escaped, then cut to
/// [`MAX_CELL_WIDTH`] columns.
pub fn cell(text: &str) -> String {
    fit(&escape(text), MAX_CELL_WIDTH).into_owned()
}

/// Whether colour may be written to a stream: `NO_COLOR` (set, not empty) forbids it,
/// `CLICOLOR_FORCE` (set, not `0`) forces it, `CLICOLOR=0` forbids it, otherwise only on a
/// terminal that is not `TERM=dumb`.
pub fn colour_allowed(is_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    if env("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    is_terminal && env("TERM").is_none_or(|t| t != "dumb")
}

/// Whether stderr (the log lines) may be coloured.
pub fn stderr_colour() -> bool {
    colour_allowed(io::stderr().is_terminal(), |name| std::env::var(name).ok())
}

/// Set once the reader of stdout has gone away.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// The first write error other than a broken pipe, reported at the end.
static WRITE_ERROR: Mutex<Option<String>> = Mutex::new(None);

fn write_stdout(bytes: &[u8]) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = io::stdout().lock();
    if let Err(err) = stdout.write_all(bytes) {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if err.kind() != io::ErrorKind::BrokenPipe {
            let mut first = WRITE_ERROR.lock().unwrap_or_else(|p| p.into_inner());
            first.get_or_insert_with(|| err.to_string());
        }
    }
}

/// Writes one line (or several) to stdout, escaping any control character but the line ends.
pub fn out_line(text: &str) {
    let mut line = escape_keeping_lines(text).into_owned();
    line.push('\n');
    write_stdout(line.as_bytes());
}

/// `println!` for baton's output: through [`out_line`].
macro_rules! outln {
    () => { $crate::term::out_line("") };
    ($($arg:tt)*) => { $crate::term::out_line(&format!($($arg)*)) };
}

/// Writes `value` to stdout as pretty JSON whose strings hold no character a terminal obeys.
pub fn out_json(value: &impl serde::Serialize) -> Result<(), serde_json::Error> {
    let mut text = safe_json(value)?;
    text.push(b'\n');
    write_stdout(&text);
    Ok(())
}

/// `value` as pretty JSON with the characters of [`is_hostile`] written as `\uXXXX` escapes.
pub fn safe_json(value: &impl serde::Serialize) -> Result<Vec<u8>, serde_json::Error> {
    let mut text = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, SafeJson::default());
    value.serialize(&mut serializer)?;
    Ok(text)
}

/// serde_json's pretty formatter, plus `\uXXXX` escapes for what serde_json writes raw: DEL, C1
/// controls and invisible format characters (it escapes C0 controls itself).
#[derive(Default)]
struct SafeJson<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for SafeJson<'_> {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_hostile(c)) {
            w.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(w, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
}

/// Writes one line to stderr, escaping any control character but the line ends. Errors are
/// ignored: there is nowhere left to report them.
pub fn err_line(text: &str) {
    let mut line = escape_keeping_lines(text).into_owned();
    line.push('\n');
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// The progress line on screen, if any: log lines are written above it, not through it.
static PROGRESS: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);

/// Registers the progress line on screen (None when it is gone).
pub fn set_progress(line: Option<indicatif::ProgressBar>) {
    *PROGRESS.lock().unwrap_or_else(|p| p.into_inner()) = line;
}

/// Where log lines go: stderr, with the progress line (if any) taken off the screen while one
/// is written, so that no stale progress line is left between them.
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let line = PROGRESS.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match line {
            Some(line) => line.suspend(|| io::stderr().lock().write(buf)),
            None => io::stderr().lock().write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

/// Flushes stdout at the end. A reader that went away is not an error; any other failure to
/// write is returned as a sentence.
pub fn finish() -> Result<(), String> {
    if !STDOUT_CLOSED.load(Ordering::Relaxed) {
        if let Err(err) = io::stdout().lock().flush() {
            if err.kind() != io::ErrorKind::BrokenPipe {
                return Err(format!("cannot write the output: {err}"));
            }
        }
    }
    match WRITE_ERROR.lock().unwrap_or_else(|p| p.into_inner()).take() {
        Some(err) => Err(format!("cannot write the output: {err}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_shows_terminal_controls_and_bidi_characters() {
        assert_eq!(escape("plain title"), "plain title");
        assert!(
            matches!(escape("plain"), Cow::Borrowed(_)),
            "clean text is not copied"
        );
        assert_eq!(
            escape("\u{1b}[31mred\u{1b}[0m"),
            "\\e[31mred\\e[0m",
            "ANSI colour"
        );
        assert_eq!(
            escape("\u{1b}]0;pwned\u{7}"),
            "\\e]0;pwned\\a",
            "OSC title change ended by BEL"
        );
        assert_eq!(escape("\u{9b}2J"), "\\u{9B}2J", "one-byte CSI");
        assert_eq!(escape("ok\rFAKE"), "ok\\rFAKE", "carriage return");
        assert_eq!(escape("a\0b\u{8}c\td\ne"), "a\\0b\\bc\\td\\ne");
        assert_eq!(escape("\u{7f}\u{85}"), "\\u{7F}\\u{85}", "DEL and NEL");
        assert_eq!(
            escape("invoice\u{202E}fdp.exe"),
            "invoice\\u{202E}fdp.exe",
            "right-to-left override"
        );
        for c in [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{61C}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{E0041}',
        ] {
            let shown = escape(&c.to_string()).into_owned();
            assert_eq!(
                shown,
                format!("\\u{{{:X}}}", u32::from(c)),
                "{c:?} is escaped"
            );
        }
        assert_eq!(
            escape("👩\u{200D}💻 café ünïcödé 日本"),
            "👩\u{200D}💻 café ünïcödé 日本",
            "letters, emoji sequences and joiners stay"
        );
        assert_eq!(escape_keeping_lines("a\nb\rc"), "a\nb\\rc");
    }

    #[test]
    fn fit_cuts_by_display_width_between_graphemes() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("exactly10!", 10), "exactly10!");
        assert_eq!(fit("eleven cols", 10), "eleven co…");
        // Wide characters take two columns: never more than `max` columns in all.
        let cut = fit("日本語のタイトル", 7);
        assert_eq!(cut, "日本語…");
        assert!(width(&cut) <= 7);
        // An accent written as a combining mark stays with its letter.
        let cut = fit("cafe\u{301}s and more", 5);
        assert_eq!(cut, "cafe\u{301}…");
        // An emoji sequence is one grapheme: kept whole or dropped whole.
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(fit(&format!("ab{family}cd"), 4), "ab…");
        assert_eq!(fit(&format!("ab{family}cd"), 5), format!("ab{family}…"));
        // A grapheme of thousands of combining marks does not slip through.
        let zalgo = format!("x{}", "\u{301}".repeat(5_000));
        assert_eq!(fit(&zalgo, 120), "…");
        assert_eq!(fit("abc", 0), "…");
    }

    #[test]
    fn a_cell_is_escaped_then_bounded() {
        let huge = "é".repeat(70_000);
        let shown = cell(&huge);
        assert_eq!(
            width(&shown),
            MAX_CELL_WIDTH,
            "70,000 characters become 120 columns"
        );
        assert!(shown.ends_with(ELLIPSIS));
        let hostile = format!("{}\u{1b}[2J", "x".repeat(200));
        assert!(!cell(&hostile).contains('\u{1b}'));
        let escaped_at_end = format!("{}\u{1b}", "x".repeat(119));
        assert_eq!(
            cell(&escaped_at_end),
            format!("{}…", "x".repeat(119)),
            "an escape cut in half never leaves the control character"
        );
    }

    #[test]
    fn colour_follows_the_terminal_and_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(colour_allowed(true, env(&[])), "a terminal gets colour");
        assert!(!colour_allowed(false, env(&[])), "a pipe or file does not");
        assert!(!colour_allowed(true, env(&[("NO_COLOR", "1")])), "NO_COLOR");
        assert!(
            colour_allowed(true, env(&[("NO_COLOR", "")])),
            "empty NO_COLOR"
        );
        assert!(!colour_allowed(true, env(&[("TERM", "dumb")])));
        assert!(!colour_allowed(true, env(&[("CLICOLOR", "0")])));
        assert!(colour_allowed(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!colour_allowed(false, env(&[("CLICOLOR_FORCE", "0")])));
        assert!(
            !colour_allowed(true, env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])),
            "NO_COLOR wins"
        );
    }

    #[test]
    fn json_strings_hold_no_terminal_controls_and_parse_back_unchanged() {
        let value = serde_json::json!({
            "title": "a\u{1b}[31m\u{9b}\u{7f}\u{202E}\u{2066}\u{E0041}z",
            "list": [1, "plain"],
        });
        let text = String::from_utf8(safe_json(&value).expect("serialises")).expect("UTF-8");
        assert!(
            !text.chars().any(|c| is_hostile(c) && c != '\n'),
            "raw JSON text is safe on a terminal: {text}"
        );
        assert!(text.contains("\\u001b"), "ESC (by serde_json)");
        assert!(
            text.contains("\\u009b") && text.contains("\\u202e"),
            "{text}"
        );
        assert!(
            text.contains("\\udb40\\udc41"),
            "astral tags as surrogate pairs"
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, value, "the values are unchanged");
        assert!(text.contains("\n  \"list\": ["), "still pretty: {text}");
    }
}
