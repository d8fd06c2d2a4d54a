//! Percentiles by the nearest-rank method (see `docs/metrics.md`, "Percentiles").
//!
//! The p-th percentile of n values is the value at rank ⌈p/100 × n⌉ in ascending order: an
//! observed value such that at least p% of the values are less than or equal to it. It never
//! interpolates, so "85% of items finished within X days" holds exactly for the items counted.

/// The p-th percentile (0 < p ≤ 100) of values sorted ascending; None when empty.
pub fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// [`nearest_rank`] of values in any order, without sorting them all: only the value at the
/// rank is put in its place (the others are reordered). The same value as sorting first.
pub fn nearest_rank_unsorted(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * values.len() as f64).ceil().max(1.0) as usize;
    let at = rank.min(values.len()) - 1;
    Some(*values.select_nth_unstable_by(at, f64::total_cmp).1)
}

/// The share (0–100) of `sorted` values that are ≤ `value`: the percentile rank of `value`.
pub fn rank_of(sorted: &[f64], value: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let at_or_below = sorted.partition_point(|v| *v <= value);
    Some(100.0 * at_or_below as f64 / sorted.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_hand_computed_cases() {
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&ten, 50.0), Some(5.0), "rank ceil(0.5*10) = 5");
        assert_eq!(nearest_rank(&ten, 85.0), Some(9.0), "rank ceil(8.5) = 9");
        assert_eq!(nearest_rank(&ten, 95.0), Some(10.0), "rank ceil(9.5) = 10");
        assert_eq!(nearest_rank(&ten, 100.0), Some(10.0));
        assert_eq!(nearest_rank(&[3.0], 50.0), Some(3.0));
        assert_eq!(nearest_rank(&[], 50.0), None);
        let seven = [1.0, 2.0, 2.0, 4.0, 8.0, 9.0, 30.0];
        assert_eq!(nearest_rank(&seven, 50.0), Some(4.0), "rank ceil(3.5) = 4");
        assert_eq!(
            nearest_rank(&seven, 85.0),
            Some(9.0),
            "rank ceil(7 * 0.85) = ceil(5.95) = 6"
        );
        assert_eq!(
            nearest_rank(&seven, 95.0),
            Some(30.0),
            "rank ceil(6.65) = 7"
        );
    }

    #[test]
    fn rank_of_counts_values_at_or_below() {
        let values = [1.0, 2.0, 2.0, 4.0];
        assert_eq!(rank_of(&values, 2.0), Some(75.0));
        assert_eq!(rank_of(&values, 0.5), Some(0.0));
        assert_eq!(rank_of(&values, 10.0), Some(100.0));
    }
}
