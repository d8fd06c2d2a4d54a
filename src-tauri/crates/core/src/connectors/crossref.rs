//! Links across tools: Jira issue keys that GitHub records mention.
//!
//! A pull request whose title, branch name or description names a Jira issue (`PAY-12`)
//! implements it. GitHub does not say which Jira site a key belongs to, so the link names its
//! end by [`jira_key_ref`], a reference every Jira source records for each of its issues (see
//! `item_keys`); it resolves when the issue is synced, whichever source syncs first. Two Jira
//! sites with the same project key would share these references: the last synced wins.

/// How a Jira issue key is named across tools, whatever the site: `jira-key:PAY-12`.
pub fn jira_key_ref(key: &str) -> String {
    format!("jira-key:{key}")
}

/// Upper-case words that look like issue keys but name standards and encodings (`UTF-8`,
/// `SHA-256`, `ISO-8601`, `CVE-2024-1234`, ...).
const NOT_PROJECTS: &[&str] = &[
    "AES", "CVE", "ES", "GPT", "HTTP", "IPV", "ISO", "MD", "PEP", "RFC", "SHA", "TLS", "UTF", "X",
];

/// The Jira issue keys `text` names, in order of first mention: a project key (an upper-case
/// letter, then upper-case letters, digits or `_`, up to ten characters), a dash and a number,
/// standing alone as a word (`[PAY-12]`, `PAY-12:`, `feature/PAY-12-retry` all count;
/// `xPAY-12` and `PAY-12x` do not).
pub fn jira_keys_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !is_word(bytes[i - 1]);
        if !(starts_word && bytes[i].is_ascii_uppercase()) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len()
            && (bytes[j].is_ascii_uppercase() || bytes[j].is_ascii_digit() || bytes[j] == b'_')
        {
            j += 1;
        }
        let project = &text[i..j];
        if j < bytes.len() && bytes[j] == b'-' && project.len() <= 10 {
            let mut k = j + 1;
            while k < bytes.len() && bytes[k].is_ascii_digit() {
                k += 1;
            }
            let digits = &text[j + 1..k];
            let ends_word = k == bytes.len() || !is_word(bytes[k]);
            if !digits.is_empty()
                && digits.len() <= 7
                && !digits.starts_with('0')
                && ends_word
                && !NOT_PROJECTS.contains(&project)
            {
                let key = &text[i..k];
                if !found.iter().any(|f| f == key) {
                    found.push(key.to_owned());
                }
                i = k;
                continue;
            }
        }
        i = j;
    }
    found
}

/// A character that continues a word (a key must not be part of a longer one).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_where_people_write_them() {
        assert_eq!(
            jira_keys_in("PAY-12: retry payouts (see [OPS-7], DZFNK0168-5)"),
            vec!["PAY-12", "OPS-7", "DZFNK0168-5"]
        );
        assert_eq!(
            jira_keys_in("feature/PAY-12-retry-payouts"),
            vec!["PAY-12"],
            "a branch name"
        );
        assert_eq!(jira_keys_in("PAY-12 and again PAY-12"), vec!["PAY-12"]);
        assert_eq!(
            jira_keys_in("UTF-8, SHA-256, ISO-8601, CVE-2024-1234, HTTP-2"),
            Vec::<String>::new(),
            "standards are not projects"
        );
        assert_eq!(
            jira_keys_in("xPAY-12, PAY-12x, pay-12, PAY-, PAY-012, -12"),
            Vec::<String>::new(),
            "only whole words, upper-case projects, numbers without a leading zero"
        );
        assert_eq!(
            jira_keys_in("é PAY-3 ü"),
            vec!["PAY-3"],
            "beside non-ASCII text"
        );
    }
}
