//! Where the repository is: bare repositories, `-C`/`--repo`, discovery from a
//! subdirectory, `desk.branch`, a clone that only has `origin/desk`, and
//! `desk demo` without a git identity.

use crate::common::TestEnv;

#[test]
fn a_bare_repository_works_the_same() {
    let env = TestEnv::new();
    let bare = env.root.join("server.git");
    env.git_in(&env.root, &["init", "-q", "--bare", bare.to_str().unwrap()]);
    let b = bare.to_str().unwrap();
    let head_before = std::fs::read(bare.join("HEAD")).unwrap();
    env.desk(&["-C", b, "init"]).ok();
    env.desk(&["--repo", b, "init"]).ok();
    let requester = "Jane Doe <jane@example.com>";
    let id = env
        .desk(&["-C", b, "new", "Mail gateway ticket", "-b", "From mail.", "--requester", requester])
        .ok()
        .line();
    env.desk(&["--repo", b, "reply", &id[..6], "-m", "Got it."]).ok();
    let list = env.desk(&["-C", b, "list", "--json"]).ok().json();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "open");
    // Inside the bare repository, discovery works too.
    let show = env.desk_in(&bare, &["show", &id, "--json"]).ok().json();
    assert_eq!(show["comments"][0]["body"], "Got it.");
    env.desk_in(&bare, &["doctor"]).ok();
    assert_eq!(std::fs::read(bare.join("HEAD")).unwrap(), head_before);
    assert!(!bare.join("index").exists(), "no index appears in a bare repository");
    let count = env.git_in(&bare, &["rev-list", "--count", "refs/heads/desk"]);
    assert_eq!(count.trim(), "3");
}

#[test]
fn the_repository_is_found_from_elsewhere_and_from_below() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Found", &[]);
    let repo = env.repo.to_str().unwrap();
    let elsewhere = env.root.join("elsewhere");
    let sub = env.repo.join("src/deep/dir");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(&sub).unwrap();
    let ceiling = [("GIT_CEILING_DIRECTORIES", env.root.to_str().unwrap())];
    assert_eq!(
        env.desk_full(&elsewhere, &["-C", repo, "show", &id, "--json"], None, &ceiling).ok().json()["id"],
        id.as_str()
    );
    env.desk_full(&elsewhere, &["--repo", repo, "reply", &id, "-m", "from outside"], None, &ceiling).ok();
    env.desk_full(&sub, &["note", &id, "-m", "from below"], None, &ceiling).ok();
    let t = env.desk_in(&sub, &["show", &id, "--json"]).ok().json();
    assert_eq!(t["comments"].as_array().unwrap().len(), 2);
    // -C to a subdirectory discovers the repository around it.
    let s = sub.to_str().unwrap();
    assert_eq!(
        env.desk_full(&elsewhere, &["-C", s, "list", "--json"], None, &ceiling).ok().json()[0]["id"],
        id.as_str()
    );
    // Outside, without -C, there is no repository.
    env.desk_full(&elsewhere, &["list"], None, &ceiling).error(1);
    let missing = env.root.join("missing");
    let message = env.desk(&["-C", missing.to_str().unwrap(), "list"]).error(1);
    assert!(message.starts_with("not a git repository"), "{message}");
}

#[test]
fn git_config_desk_branch_chooses_the_branch() {
    let env = TestEnv::new();
    env.with_user_work();
    env.git(&["config", "desk.branch", "helpdesk"]);
    let before = env.user_state();
    let run = env.desk(&["init"]).ok();
    assert!(run.stderr.contains("'helpdesk'"), "{run}");
    let id = env.new_ticket("On another branch", &[]);
    env.desk(&["reply", &id, "-m", "x"]).ok();
    assert_eq!(env.git(&["rev-list", "--count", "refs/heads/helpdesk"]).trim(), "3");
    assert!(env.try_git(&["rev-parse", "--verify", "-q", "refs/heads/desk"]).code != 0, "no desk branch");
    assert!(
        env.git(&["show", &format!("helpdesk:tickets/{}/{id}.md", &id[..2])]).contains("On another branch")
    );
    assert_eq!(env.desk(&["list", "--json"]).ok().json()[0]["id"], id.as_str());
    assert_eq!(env.user_state(), before);
    // Back to the default branch: desk is not initialised there.
    env.git(&["config", "--unset", "desk.branch"]);
    env.desk(&["list"]).error(1);
}

#[test]
fn a_clone_with_only_origin_desk_reads_it_and_the_first_write_creates_the_branch() {
    let env = TestEnv::new();
    env.with_user_work();
    env.desk(&["init"]).ok();
    let id = env.new_ticket("Shared ticket", &["--priority", "high"]);
    let clone = env.root.join("clone");
    env.git_in(&env.root, &["clone", "-q", env.repo.to_str().unwrap(), clone.to_str().unwrap()]);
    let in_clone = |args: &[&str]| env.desk_in(&clone, args);
    let remote_tip = env.git_in(&clone, &["rev-parse", "refs/remotes/origin/desk"]).trim().to_owned();
    let local =
        |env: &TestEnv| env.git_in(&clone, &["for-each-ref", "--format=%(objectname)", "refs/heads/desk"]);
    assert_eq!(local(&env), "", "the clone has no local desk branch");

    // Read commands read the remote-tracking branch.
    assert_eq!(in_clone(&["list", "--json"]).ok().json()[0]["id"], id.as_str());
    assert_eq!(in_clone(&["show", &id[..6], "--json"]).ok().json()["priority"], "high");
    in_clone(&["doctor"]).ok();
    assert!(in_clone(&["list"]).ok().stdout.contains("Shared ticket"));
    assert_eq!(local(&env), "", "reading creates nothing");
    // init does not fork a second history.
    in_clone(&["init"]).ok();
    assert_eq!(local(&env), "", "init on a clone keeps reading origin/desk");

    // The first write creates the local branch on top of origin/desk.
    let status_before = env.git_in(&clone, &["status", "--porcelain"]);
    in_clone(&["reply", &id, "-m", "From the clone."]).ok();
    let tip = local(&env).trim().to_owned();
    assert!(!tip.is_empty(), "the local branch exists now");
    assert_eq!(env.git_in(&clone, &["rev-parse", &format!("{tip}^")]).trim(), remote_tip);
    assert_eq!(env.git_in(&clone, &["rev-parse", "refs/remotes/origin/desk"]).trim(), remote_tip);
    assert_eq!(env.git_in(&clone, &["status", "--porcelain"]), status_before);
    let t = in_clone(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["comments"][0]["body"], "From the clone.");
}

#[test]
fn demo_works_without_a_git_identity() {
    let env = TestEnv::new();
    std::fs::write(env.home.join(".gitconfig"), "").unwrap();
    let target = env.root.join("demo-here");
    let run = env.desk_full(
        &env.root,
        &["demo", target.to_str().unwrap()],
        None,
        &[("GIT_AUTHOR_DATE", ""), ("GIT_COMMITTER_DATE", ""), ("EMAIL", "")],
    );
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("VPN disconnects every 10 minutes"), "{run}");
    assert!(run.stderr.contains("created a demo helpdesk"), "{run}");
    let list = env.desk_in(&target, &["list", "--all", "--json"]).ok().json();
    assert!(list.as_array().unwrap().len() >= 5, "{list}");
    env.desk_in(&target, &["doctor"]).ok();
    let log = env.git_in(&target, &["log", "--format=%an", "refs/heads/desk"]);
    assert!(log.lines().count() > 10, "{log}");
    // A non-empty directory is refused.
    let message = env.desk_full(&env.root, &["demo", target.to_str().unwrap()], None, &[]).error(1);
    assert!(message.contains("not empty"), "{message}");
}
