//! Monte Carlo over a daily throughput history: the two questions a forecast answers.
//!
//! Each trial builds one possible future by drawing, for every future day, the number of items
//! finished on one day of the history (uniformly, with replacement). "When will N items be
//! done?" counts the days a trial needs to reach N; "how many by this date?" sums the draws of
//! the days until the date. Everything here is pure and seeded: the same history, question,
//! trial count and seed give the same answer on every machine.

use crate::demo::rng::Rng;

/// The most days a trial may run before it is counted as "not within ten years".
pub const MAX_DAYS: u32 = 3_650;

/// For each trial, the number of days (1-based: 1 = the first forecast day) until `items`
/// items are finished, or `None` when the trial does not get there within [`MAX_DAYS`].
/// `history` holds one count per past day and must contain at least one non-zero day (the
/// caller checks; a history of zeros gives `None` for every trial).
pub(crate) fn days_to_finish(
    history: &[u32],
    items: u32,
    trials: u32,
    rng: &mut Rng,
) -> Vec<Option<u32>> {
    if items == 0 {
        return vec![Some(0); trials as usize];
    }
    if history.iter().all(|d| *d == 0) {
        return vec![None; trials as usize];
    }
    (0..trials)
        .map(|_| {
            let mut done = 0u32;
            for day in 1..=MAX_DAYS {
                done = done.saturating_add(history[rng.below(history.len())]);
                if done >= items {
                    return Some(day);
                }
            }
            None
        })
        .collect()
}

/// For each trial, the number of items finished over the next `days` days.
pub(crate) fn items_within(history: &[u32], days: u32, trials: u32, rng: &mut Rng) -> Vec<u32> {
    if history.is_empty() {
        return vec![0; trials as usize];
    }
    (0..trials)
        .map(|_| {
            (0..days).fold(0u32, |sum, _| {
                sum.saturating_add(history[rng.below(history.len())])
            })
        })
        .collect()
}

/// The nearest-rank `p`th percentile of sorted whole numbers.
pub fn nearest_rank(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// "At least this many, with `confidence`% of the trials": the value that `confidence`% of the
/// trials reach or exceed (the nearest-rank `100 - confidence` percentile, counted from the top).
pub fn at_least(sorted: &[u32], confidence: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    // The largest value v such that at least `confidence`% of trials are >= v.
    let need = ((confidence / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    let need = need.min(sorted.len());
    Some(sorted[sorted.len() - need])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_history_gives_the_closed_form_answer_in_every_trial() {
        // Three items a day, every day: 30 items take exactly 10 days; 7 days give 21 items.
        let mut rng = Rng::new(7);
        let days = days_to_finish(&[3, 3, 3, 3], 30, 500, &mut rng);
        assert!(days.iter().all(|d| *d == Some(10)));
        let items = items_within(&[3, 3, 3, 3], 7, 500, &mut rng);
        assert!(items.iter().all(|n| *n == 21));
        // 31 items need an 11th day.
        assert!(days_to_finish(&[3], 31, 10, &mut rng)
            .iter()
            .all(|d| *d == Some(11)));
    }

    #[test]
    fn a_two_valued_history_matches_the_hand_computed_distribution() {
        // Days of 0 or 2 items, each with probability 1/2. Two items need the first day of 2:
        // P(day = k) = 1/2^k, so P(day <= 1) = 0.5, P(day <= 2) = 0.75, P(day <= 3) = 0.875,
        // P(day <= 4) = 0.9375. Nearest rank (thresholds chosen away from the jumps, so sampling
        // noise cannot move them): P40 = 1, P60 = 2, P70 = 2, P85 = 3, P95 = 5 (0.96875).
        let mut rng = Rng::new(42);
        let mut days: Vec<u32> = days_to_finish(&[0, 2], 2, 100_000, &mut rng)
            .into_iter()
            .flatten()
            .collect();
        days.sort_unstable();
        assert_eq!(nearest_rank(&days, 40.0), Some(1));
        assert_eq!(nearest_rank(&days, 60.0), Some(2));
        assert_eq!(nearest_rank(&days, 70.0), Some(2));
        assert_eq!(nearest_rank(&days, 85.0), Some(3));
        assert_eq!(nearest_rank(&days, 95.0), Some(5));
        let share_first = days.iter().filter(|d| **d == 1).count() as f64 / days.len() as f64;
        assert!((share_first - 0.5).abs() < 0.01, "{share_first}");
    }

    #[test]
    fn at_least_reads_the_distribution_from_the_top() {
        // 10 trials: 1..=10 items. 85% of trials reach at least 2 (9 of 10 are >= 2; 10 of 10
        // are >= 1; 8.5 rounds up to 9 trials needed).
        let sorted: Vec<u32> = (1..=10).collect();
        assert_eq!(at_least(&sorted, 85.0), Some(2));
        assert_eq!(at_least(&sorted, 50.0), Some(6));
        assert_eq!(at_least(&sorted, 95.0), Some(1));
        assert_eq!(at_least(&[], 50.0), None);
    }

    #[test]
    fn the_same_seed_gives_the_same_trials_and_another_seed_does_not() {
        let history = [0, 1, 4, 2, 0, 0, 3, 1];
        let a = days_to_finish(&history, 40, 1_000, &mut Rng::new(1));
        let b = days_to_finish(&history, 40, 1_000, &mut Rng::new(1));
        let c = days_to_finish(&history, 40, 1_000, &mut Rng::new(2));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_history_without_finishes_never_finishes_and_zero_items_are_done_at_once() {
        let mut rng = Rng::new(3);
        assert!(days_to_finish(&[0, 0, 0], 5, 10, &mut rng)
            .iter()
            .all(Option::is_none));
        assert!(days_to_finish(&[0, 0, 0], 0, 10, &mut rng)
            .iter()
            .all(|d| *d == Some(0)));
        assert!(items_within(&[], 10, 5, &mut rng).iter().all(|n| *n == 0));
    }
}
