//! The sync benchmark's corpus: **scaled from** the real recorded GitHub rows, not real volume.
//!
//! Each generated record is a clone of a real issue or pull request row (DevLake's
//! panjf2000/ants tables) with its number and id offset and its times shifted by a seeded
//! generator; everything else (bodies, users, labels, nested objects) is the real row's. The
//! same options give the same corpus, byte for byte.

use std::path::Path;

use serde_json::Value;

use super::github::{GithubData, Record};
use crate::connectors::iso;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorpusOptions {
    /// Issues and pull requests in all.
    pub items: usize,
    /// Out of every 10 items, how many are pull requests (the real rows: about 4).
    pub pulls_per_ten: usize,
    pub seed: u64,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            items: 100_000,
            pulls_per_ten: 4,
            seed: 0xBA70_5CA1,
        }
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// 2024-01-01T00:00:00Z: the corpus's first creation time.
const START: i64 = 1_704_067_200_000;

/// Generates the corpus from the fixtures folder (`github/devlake/*.csv`).
pub fn github(fixtures: &Path, options: &CorpusOptions) -> std::io::Result<GithubData> {
    let read = |name: &str| super::devlake::read(&fixtures.join("github/devlake").join(name));
    let parse = |rows: Vec<super::devlake::Row>| -> Vec<Value> {
        rows.iter()
            .filter_map(|r| serde_json::from_str(&r.data).ok())
            .collect()
    };
    let issue_rows = parse(read("_raw_github_api_issues.csv")?);
    let (pr_issues, plain_issues): (Vec<Value>, Vec<Value>) = issue_rows
        .into_iter()
        .partition(|v| v.get("pull_request").is_some());
    let pulls = parse(read("_raw_github_api_pull_requests.csv")?);
    let mut reviews_by_number: std::collections::HashMap<i64, Vec<Value>> = Default::default();
    for row in read("_raw_github_api_pull_request_reviews.csv")? {
        let number = serde_json::from_str::<Value>(&row.input)
            .ok()
            .and_then(|v| v.get("Number").and_then(Value::as_i64))
            .unwrap_or(0);
        if let Ok(value) = serde_json::from_str(&row.data) {
            reviews_by_number.entry(number).or_default().push(value);
        }
    }
    if plain_issues.is_empty() || pulls.is_empty() || pr_issues.is_empty() {
        return Err(std::io::Error::other(
            "the GitHub fixtures are missing rows",
        ));
    }
    let mut rng = Rng(options.seed | 1);
    let mut data = GithubData::default();
    data.issues.reserve(options.items);
    for i in 0..options.items {
        let number = (i + 1) as i64;
        let created = START + (i as i64) * 60_000 + rng.below(60_000) as i64;
        let updated = created + rng.below(30 * 86_400_000) as i64;
        let closed = (rng.below(10) < 7).then_some(updated);
        let is_pull = i % 10 < options.pulls_per_ten;
        let times = |v: &mut Value, closed_key: &str| {
            v["created_at"] = iso(created).into();
            v["updated_at"] = iso(updated).into();
            if v.get(closed_key).is_some() {
                v[closed_key] = closed.map(iso).map_or(Value::Null, Value::from);
            }
            v["state"] = if closed.is_some() { "closed" } else { "open" }.into();
        };
        if is_pull {
            let template = &pulls[rng.below(pulls.len() as u64) as usize];
            let mut pull = template.clone();
            pull["number"] = number.into();
            pull["id"] = (500_000_000 + i as i64).into();
            pull["html_url"] = format!("https://github.com/panjf2000/ants/pull/{number}").into();
            times(&mut pull, "closed_at");
            let merged = closed.filter(|_| rng.below(10) < 8);
            pull["merged_at"] = merged.map(iso).map_or(Value::Null, Value::from);
            let template_number = template.get("number").and_then(Value::as_i64).unwrap_or(0);
            if let Some(reviews) = reviews_by_number.get(&template_number) {
                let list = reviews
                    .iter()
                    .enumerate()
                    .map(|(k, r)| {
                        let mut review = r.clone();
                        review["id"] = (900_000_000 + (i as i64) * 10 + k as i64).into();
                        review["submitted_at"] = iso(created + (k as i64 + 1) * 3_600_000).into();
                        review.to_string()
                    })
                    .collect();
                data.reviews.insert(number, list);
            }
            if let Some(record) = Record::from_json(&pull.to_string()) {
                data.pulls.push(record);
            }
            let mut as_issue = pr_issues[rng.below(pr_issues.len() as u64) as usize].clone();
            as_issue["number"] = number.into();
            as_issue["id"] = (700_000_000 + i as i64).into();
            as_issue["html_url"] =
                format!("https://github.com/panjf2000/ants/pull/{number}").into();
            times(&mut as_issue, "closed_at");
            if let Some(record) = Record::from_json(&as_issue.to_string()) {
                data.issues.push(record);
            }
        } else {
            let mut issue = plain_issues[rng.below(plain_issues.len() as u64) as usize].clone();
            issue["number"] = number.into();
            issue["id"] = (300_000_000 + i as i64).into();
            issue["html_url"] = format!("https://github.com/panjf2000/ants/issues/{number}").into();
            times(&mut issue, "closed_at");
            if let Some(record) = Record::from_json(&issue.to_string()) {
                data.issues.push(record);
            }
        }
    }
    Ok(data)
}
