//! A forecast that respects dependencies: each open item is finished by its own team, at that
//! team's pace, and never before the items it waits on.
//!
//! Every trial replays the future day by day. On each day every team draws how many items it
//! finishes that day from its own daily throughput history, and finishes that many of its ready
//! items, oldest first. An item is ready the day after the last of its blockers is finished
//! (the same day would let a chain of ten items finish in one afternoon). The trial ends on the
//! day the last item of the target is finished.

use std::collections::VecDeque;

use crate::demo::rng::Rng;

use super::montecarlo::MAX_DAYS;

/// One open item of the simulation.
#[derive(Debug, Clone)]
pub struct Job {
    /// The team (lane) that finishes it: a position in the histories.
    pub lane: usize,
    /// Jobs (positions) that must be finished before it can be.
    pub blockers: Vec<u32>,
    /// Whether it belongs to what is forecast (upstream items only gate it).
    pub target: bool,
}

/// For each trial, the day (1-based) the last target job is finished, or `None` past
/// [`MAX_DAYS`]. Jobs are taken in their order within a lane (the caller sorts them oldest
/// first). A lane whose history has no finished item never finishes anything: the caller says
/// so instead of simulating it. Blockers must not form a cycle (the caller breaks cycles).
pub(crate) fn simulate(
    jobs: &[Job],
    histories: &[Vec<u32>],
    trials: u32,
    rng: &mut Rng,
) -> Vec<Option<u32>> {
    let targets = jobs.iter().filter(|j| j.target).count();
    if targets == 0 {
        return vec![Some(0); trials as usize];
    }
    let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); jobs.len()];
    for (j, job) in jobs.iter().enumerate() {
        for b in &job.blockers {
            dependents[*b as usize].push(j as u32);
        }
    }
    let lanes = histories.len();
    let mut waiting = vec![0usize; jobs.len()];
    let mut ready: Vec<VecDeque<u32>> = vec![VecDeque::new(); lanes];
    let mut released: Vec<u32> = Vec::new();
    (0..trials)
        .map(|_| {
            for q in ready.iter_mut() {
                q.clear();
            }
            for (j, job) in jobs.iter().enumerate() {
                waiting[j] = job.blockers.len();
                if job.blockers.is_empty() {
                    ready[job.lane].push_back(j as u32);
                }
            }
            let mut left = targets;
            for day in 1..=MAX_DAYS {
                released.clear();
                for lane in 0..lanes {
                    let history = &histories[lane];
                    if ready[lane].is_empty() || history.is_empty() {
                        continue;
                    }
                    let capacity = history[rng.below(history.len())];
                    for _ in 0..capacity {
                        let Some(j) = ready[lane].pop_front() else {
                            break;
                        };
                        if jobs[j as usize].target {
                            left -= 1;
                        }
                        for d in &dependents[j as usize] {
                            let w = &mut waiting[*d as usize];
                            *w -= 1;
                            if *w == 0 {
                                released.push(*d);
                            }
                        }
                    }
                }
                if left == 0 {
                    return Some(day);
                }
                for j in &released {
                    ready[jobs[*j as usize].lane].push_back(*j);
                }
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(lane: usize, blockers: &[u32], target: bool) -> Job {
        Job {
            lane,
            blockers: blockers.to_vec(),
            target,
        }
    }

    #[test]
    fn a_chain_takes_a_day_per_link_even_for_a_fast_team() {
        // Team 0 finishes 5 items a day, but a chain of 4 items needs 4 days: each item is
        // ready only the day after its blocker is finished.
        let jobs = vec![
            job(0, &[], true),
            job(0, &[0], true),
            job(0, &[1], true),
            job(0, &[2], true),
        ];
        let days = simulate(&jobs, &[vec![5]], 50, &mut Rng::new(1));
        assert!(days.iter().all(|d| *d == Some(4)));
    }

    #[test]
    fn an_item_waits_for_a_blocker_of_a_slower_team() {
        // Team 1 finishes one item a day: its two items are done on days 1 and 2. Team 0's item
        // waits for the second, is ready on day 3 and, team 0 being fast, done that day.
        let jobs = vec![job(1, &[], false), job(1, &[], false), job(0, &[1], true)];
        let days = simulate(&jobs, &[vec![10], vec![1]], 20, &mut Rng::new(9));
        assert!(days.iter().all(|d| *d == Some(3)), "{days:?}");
    }

    #[test]
    fn independent_teams_work_in_parallel() {
        // Two teams, three items each, one item a day each: three days, not six.
        let jobs: Vec<Job> = (0..6).map(|j| job(j % 2, &[], true)).collect();
        let days = simulate(&jobs, &[vec![1], vec![1]], 10, &mut Rng::new(2));
        assert!(days.iter().all(|d| *d == Some(3)));
    }

    #[test]
    fn a_team_that_never_finishes_anything_gives_no_date() {
        let jobs = vec![job(0, &[], true)];
        let days = simulate(&jobs, &[vec![0, 0]], 3, &mut Rng::new(2));
        assert!(days.iter().all(Option::is_none));
    }
}
