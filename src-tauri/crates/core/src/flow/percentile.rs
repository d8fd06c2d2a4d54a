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

/// `values` sorted ascending by [`f64::total_cmp`]. Values that compare equal that way have the
/// same bits, so an unstable sort leaves exactly what a stable one leaves, without the stable
/// sort's buffer.
pub fn sort_values(values: &mut [f64]) {
    values.sort_unstable_by(f64::total_cmp);
}

/// The first `k` of `values` in the order of `order`, sorted, as a full sort would leave them:
/// the others are only partitioned behind them, not sorted. `order` must be a total order in
/// which no two values are equal (an item position as the last key), so the result is the same
/// as sorting every value and taking the first `k`.
pub fn first_sorted<T>(
    values: &mut [T],
    k: usize,
    mut order: impl FnMut(&T, &T) -> std::cmp::Ordering,
) -> &[T] {
    let k = k.min(values.len());
    if k == 0 {
        return &values[..0];
    }
    if k < values.len() {
        values.select_nth_unstable_by(k - 1, &mut order);
    }
    let first = &mut values[..k];
    first.sort_unstable_by(order);
    first
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

    /// A small deterministic generator for the equality tests below.
    fn numbers(seed: u64, n: usize, spread: u64) -> Vec<u64> {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % spread
            })
            .collect()
    }

    /// The unstable sort of [`sort_values`] leaves exactly what the stable sort leaves, bit for
    /// bit, on generated values with many ties and on hand-made edge cases (both zeros, NaN,
    /// infinities, one value, none).
    #[test]
    fn sorting_values_unstably_gives_exactly_the_stable_order() {
        let mut cases: Vec<Vec<f64>> = (0..40u64)
            .map(|seed| {
                numbers(seed, (seed as usize * 97) % 3_000, 1 + seed * 7)
                    .into_iter()
                    .map(|v| v as f64 / 86_400_000.0 * 3_600_000.0 - 2.0)
                    .collect()
            })
            .collect();
        cases.push(vec![]);
        cases.push(vec![1.5]);
        cases.push(vec![
            0.0,
            -0.0,
            0.0,
            -0.0,
            f64::NAN,
            1.0,
            f64::INFINITY,
            -f64::INFINITY,
            -f64::NAN,
        ]);
        for values in cases {
            let mut stable = values.clone();
            stable.sort_by(f64::total_cmp);
            let mut unstable = values.clone();
            sort_values(&mut unstable);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&unstable), bits(&stable));
        }
    }

    /// [`first_sorted`] gives the first k of a full stable sort, for every k from none to more
    /// than there are, on generated records with many ties on the leading key (the item breaks
    /// them, as in the aging list and the wait examples).
    #[test]
    fn the_first_k_picked_equal_the_first_k_of_a_full_sort() {
        for seed in 0..30u64 {
            let n = (seed as usize * 53) % 700;
            let ages = numbers(seed, n, 1 + seed % 9 * 5);
            let items = numbers(seed + 1_000, n, u64::MAX);
            // Unique items: positions shuffled by the generator.
            let records: Vec<(f64, u32)> = ages
                .iter()
                .enumerate()
                .map(|(k, a)| (*a as f64 * 0.25, (items[k] as u32 & !0xFFFF) | k as u32))
                .collect();
            let order = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            let mut full = records.clone();
            full.sort_by(order);
            for k in [0, 1, 2, 5, 17, n / 2, n.saturating_sub(1), n, n + 3] {
                let mut picked = records.clone();
                let first = first_sorted(&mut picked, k, order);
                assert_eq!(first, &full[..k.min(full.len())], "seed {seed}, k {k}");
                let mut rest = picked.clone();
                rest.sort_by(order);
                assert_eq!(rest, full, "the others are only moved");
            }
        }
    }

    #[test]
    fn rank_of_counts_values_at_or_below() {
        let values = [1.0, 2.0, 2.0, 4.0];
        assert_eq!(rank_of(&values, 2.0), Some(75.0));
        assert_eq!(rank_of(&values, 0.5), Some(0.0));
        assert_eq!(rank_of(&values, 10.0), Some(100.0));
    }
}
