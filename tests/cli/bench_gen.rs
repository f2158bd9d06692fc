//! The benchmark generator (`examples/gen_helpdesk.rs`) makes helpdesks that
//! desk itself reads without a problem.

use crate::bench_support::{self, Generated, Options};

use crate::common::TestEnv;

fn commits(env: &TestEnv) -> Vec<String> {
    env.git(&["rev-list", "--parents", "refs/heads/desk"]).lines().map(str::to_owned).collect()
}

#[test]
fn a_generated_helpdesk_passes_doctor_and_lists_every_ticket() {
    let env = TestEnv::new();
    let generated = bench_support::generate(&env.repo, &Options::new(50)).unwrap();
    assert_eq!(generated, Generated { tickets: 50, commits: 51 });

    env.desk(&["doctor"]).ok();
    let all = env.desk(&["list", "--all", "--json"]).ok().json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 50);
    let open = env.desk(&["list", "--json"]).ok().json();
    let open = open.as_array().unwrap().len();
    assert!((15..45).contains(&open), "{open} of 50 tickets are not done");

    // One linear chain: every commit but the root has exactly one parent.
    let chain = commits(&env);
    assert_eq!(chain.len(), 51);
    assert!(chain[..50].iter().all(|l| l.split(' ').count() == 2));
    assert_eq!(chain[50].split(' ').count(), 1);

    // desk can write on top of it.
    let id = env.new_ticket("After the import", &[]);
    env.desk(&["reply", &id[..6], "-m", "On it."]).ok();
    env.desk(&["doctor"]).ok();
}

#[test]
fn history_mode_gives_one_commit_per_change_in_time_order() {
    let env = TestEnv::new();
    let opts = Options { history: true, seed: 9, ..Options::new(50) };
    let generated = bench_support::generate(&env.repo, &opts).unwrap();
    assert!(generated.commits > 50 * 3, "{generated:?}");

    env.desk(&["doctor"]).ok();
    assert_eq!(env.desk(&["list", "--all", "--json"]).ok().json().as_array().unwrap().len(), 50);

    let log = env.git(&["log", "--format=%at %s%n%(trailers:key=Desk-Ticket,valueonly)", "refs/heads/desk"]);
    let entries: Vec<&str> = log.split("\n\n").filter(|e| !e.trim().is_empty()).collect();
    assert_eq!(entries.len(), generated.commits);
    let mut times = Vec::new();
    for entry in &entries[..entries.len() - 1] {
        let mut lines = entry.trim().lines();
        let (time, summary) = lines.next().unwrap().split_once(' ').unwrap();
        times.push(time.parse::<i64>().unwrap());
        let trailer = lines.next().unwrap_or_else(|| panic!("a Desk-Ticket trailer in {entry:?}"));
        assert_eq!(trailer.len(), 10);
        assert!(summary.starts_with(&trailer[..6]), "{summary} names {trailer}");
    }
    // git log lists newest first.
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "author times are chronological");
    let chain = commits(&env);
    assert!(chain[..chain.len() - 1].iter().all(|l| l.split(' ').count() == 2));
}

#[test]
fn the_same_seed_gives_the_same_commits() {
    let a = TestEnv::new();
    let b = TestEnv::new();
    bench_support::generate(&a.repo, &Options::new(20)).unwrap();
    bench_support::generate(&b.repo, &Options::new(20)).unwrap();
    assert_eq!(a.desk_head(), b.desk_head());
    let err = bench_support::generate(&a.repo, &Options::new(20)).unwrap_err();
    assert!(err.to_string().contains("already has a desk branch"), "{err}");
}
