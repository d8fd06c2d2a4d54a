//! Reading Apache DevLake's e2e raw tables: CSV files with the columns
//! `id,params,data,url,input,created_at`, one API list item per row (`data` is the item's raw
//! JSON as the API returned it; `url` the request; `input` the parent for per-item requests).

use std::path::Path;

/// One row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub id: String,
    pub params: String,
    pub data: String,
    pub url: String,
    pub input: String,
    pub created_at: String,
}

/// Reads every row of a DevLake raw-table CSV file.
pub fn read(path: &Path) -> std::io::Result<Vec<Row>> {
    let text = std::fs::read_to_string(path)?;
    let records = parse_csv(&text);
    let mut rows = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for (i, record) in records.into_iter().enumerate() {
        if i == 0 {
            header = record;
            continue;
        }
        let get = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|at| record.get(at).cloned())
                .unwrap_or_default()
        };
        rows.push(Row {
            id: get("id"),
            params: get("params"),
            data: get("data"),
            url: get("url"),
            input: get("input"),
            created_at: get("created_at"),
        });
    }
    Ok(rows)
}

/// Parses RFC 4180 CSV (quoted fields may hold commas, quotes as `""`, and newlines).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        record.push(field);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let rows = parse_csv("id,data\n1,\"{\"\"a\"\": 1,\n\"\"b\"\": 2}\"\n2,plain\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][1], "{\"a\": 1,\n\"b\": 2}");
        assert_eq!(rows[2], vec!["2".to_owned(), "plain".to_owned()]);
    }
}
