//! A column of strings kept end to end in one buffer.
//!
//! The index holds three strings per item (id, key, folded title). As separate `Box<str>`s
//! they cost a pointer, a length and an allocation each (48 MiB of pointers alone at a million
//! items, plus the allocator's rounding); here they cost 8 bytes of position each, and a
//! column loads from a snapshot as one buffer and one array of ends.

use std::ops::Index;

use crate::error::{CoreError, CoreResult};

/// Strings stored end to end in one buffer, addressed by position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextColumn {
    text: String,
    /// Where each value starts in `text`, and its length in bytes.
    spans: Vec<(u32, u32)>,
    /// Bytes of `text` no value points to any more (left by [`TextColumn::set`]).
    garbage: usize,
}

fn too_long() -> CoreError {
    CoreError::Invalid("the work index's text passed 4 GiB in one column".into())
}

impl TextColumn {
    /// An empty column with room for `values` values of `bytes` bytes in all.
    pub fn with_capacity(values: usize, bytes: usize) -> TextColumn {
        TextColumn {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(values),
            garbage: 0,
        }
    }

    /// A column from values stored end to end: `text` and where each value ends in it.
    /// `None` when an end is out of order, past the text, or not on a character boundary.
    pub fn from_ends(text: String, ends: &[u32]) -> Option<TextColumn> {
        let mut spans = Vec::with_capacity(ends.len());
        let mut start = 0u32;
        for &end in ends {
            if end < start || end as usize > text.len() || !text.is_char_boundary(end as usize) {
                return None;
            }
            spans.push((start, end - start));
            start = end;
        }
        if start as usize != text.len() {
            return None;
        }
        Some(TextColumn {
            text,
            spans,
            garbage: 0,
        })
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there is no value.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Value `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let &(start, len) = self.spans.get(i)?;
        self.text.get(start as usize..(start + len) as usize)
    }

    /// Every value, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.spans
            .iter()
            .map(|&(start, len)| &self.text[start as usize..(start + len) as usize])
    }

    /// Adds a value at the end.
    pub fn push(&mut self, value: &str) -> CoreResult<()> {
        let start = u32::try_from(self.text.len()).map_err(|_| too_long())?;
        let len = u32::try_from(value.len()).map_err(|_| too_long())?;
        start.checked_add(len).ok_or_else(too_long)?;
        self.text.push_str(value);
        self.spans.push((start, len));
        Ok(())
    }

    /// Replaces value `i` (the old bytes stay until the column is compacted, which happens once
    /// they are half of it).
    pub fn set(&mut self, i: usize, value: &str) -> CoreResult<()> {
        let Some(&(_, old)) = self.spans.get(i) else {
            return Err(CoreError::Invalid(format!(
                "no value {i} in a column of {}",
                self.spans.len()
            )));
        };
        if self.get(i) == Some(value) {
            return Ok(());
        }
        let start = u32::try_from(self.text.len()).map_err(|_| too_long())?;
        let len = u32::try_from(value.len()).map_err(|_| too_long())?;
        start.checked_add(len).ok_or_else(too_long)?;
        if self.text.capacity() - self.text.len() < value.len() {
            // A little room at a time: doubling the whole column for one renamed item would
            // hold as much again as it uses (10 MiB of titles at 200,000 items).
            self.text
                .reserve_exact(value.len().max(self.text.len() / 64));
        }
        self.text.push_str(value);
        self.spans[i] = (start, len);
        self.garbage += old as usize;
        if self.garbage * 2 > self.text.len() {
            self.compact();
        }
        Ok(())
    }

    /// The values end to end, in order, with no garbage between them.
    pub fn compact(&mut self) {
        if self.garbage == 0 && self.is_end_to_end() {
            return;
        }
        let mut text = String::with_capacity(self.text.len() - self.garbage);
        let mut spans = Vec::with_capacity(self.spans.len());
        for value in self.iter() {
            spans.push((text.len() as u32, value.len() as u32));
            text.push_str(value);
        }
        self.text = text;
        self.spans = spans;
        self.garbage = 0;
    }

    /// Whether the values lie end to end in order (what a snapshot writes).
    fn is_end_to_end(&self) -> bool {
        let mut at = 0u32;
        for &(start, len) in &self.spans {
            if start != at {
                return false;
            }
            at = start + len;
        }
        at as usize == self.text.len()
    }

    /// The values end to end and where each ends (compacting a copy first when needed).
    pub fn end_to_end(&self) -> (std::borrow::Cow<'_, str>, Vec<u32>) {
        if self.is_end_to_end() {
            let ends = self.spans.iter().map(|&(s, l)| s + l).collect();
            return (std::borrow::Cow::Borrowed(&self.text), ends);
        }
        let mut copy = self.clone();
        copy.compact();
        let ends = copy.spans.iter().map(|&(s, l)| s + l).collect();
        (std::borrow::Cow::Owned(copy.text), ends)
    }

    /// Shrinks the buffers to what they hold.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.spans.shrink_to_fit();
    }

    /// Shrinks the values' buffer to what they hold and a 1/`part` more, for values replaced
    /// later ([`crate::graph::index::room`]).
    pub fn leave_room(&mut self, part: usize) {
        let target = crate::graph::index::room(self.text.len(), part);
        if self.text.capacity() > target {
            self.text.shrink_to(target);
        } else {
            self.text.reserve_exact(target - self.text.len());
        }
        self.spans.shrink_to_fit();
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.spans.capacity() * std::mem::size_of::<(u32, u32)>()
    }
}

impl Index<usize> for TextColumn {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        let (start, len) = self.spans[i];
        &self.text[start as usize..(start + len) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_after_pushes_and_replacements() {
        let mut c = TextColumn::default();
        for v in ["jira:PAY-1", "", "github:acme/x#2", "é"] {
            c.push(v).unwrap();
        }
        c.set(1, "now filled").unwrap();
        c.set(0, "jira:PAY-1").unwrap();
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            vec!["jira:PAY-1", "now filled", "github:acme/x#2", "é"]
        );
        assert_eq!(&c[3], "é");
        let (text, ends) = c.end_to_end();
        let back = TextColumn::from_ends(text.into_owned(), &ends).unwrap();
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            c.iter().collect::<Vec<_>>()
        );
    }

    #[test]
    fn replacements_compact_once_garbage_is_half() {
        let mut c = TextColumn::default();
        c.push("aaaa").unwrap();
        c.push("bbbb").unwrap();
        for n in 0..10 {
            c.set(0, &format!("{n:04}")).unwrap();
        }
        assert!(
            c.text.len() <= 16,
            "old values do not pile up: {} bytes",
            c.text.len()
        );
        assert_eq!(c.iter().collect::<Vec<_>>(), vec!["0009", "bbbb"]);
    }

    #[test]
    fn ends_that_do_not_fit_the_text_are_refused() {
        let text = "abcé".to_owned();
        assert!(
            TextColumn::from_ends(text.clone(), &[1, 2]).is_none(),
            "text left over"
        );
        assert!(
            TextColumn::from_ends(text.clone(), &[2, 1, 5]).is_none(),
            "out of order"
        );
        assert!(
            TextColumn::from_ends(text.clone(), &[4, 5]).is_none(),
            "inside a character"
        );
        assert!(
            TextColumn::from_ends(text.clone(), &[9]).is_none(),
            "past the end"
        );
        assert!(TextColumn::from_ends(text, &[3, 5]).is_some());
    }
}
