//! The everyday commands, end to end.

use crate::common::TestEnv;

#[test]
fn init_new_list_show_round_trip() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer on 3rd floor does not print", &["--priority", "high", "-l", "printer"]);
    let list = env.desk(&["list"]).ok();
    assert!(list.stdout.contains("Printer on 3rd floor does not print"), "{list}");
    assert!(list.stdout.contains(&id[..6]), "{list}");
    let show = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(show["id"], id.as_str());
    assert_eq!(show["priority"], "high");
    assert_eq!(show["status"], "new");
    assert_eq!(show["requester"], "Test Agent <agent@example.com>");
    assert_eq!(show["labels"], serde_json::json!(["printer"]));
    assert_eq!(show["created"], "2026-11-28T09:00:00Z");
    // The user's branch and working tree are untouched.
    assert_eq!(env.git(&["status", "--porcelain"]), "");
    assert!(env.git(&["branch", "--list", "main"]).is_empty());
}

#[test]
fn every_command_has_its_own_description() {
    let env = TestEnv::new();
    let help = env.desk(&["--help"]).ok().stdout;
    let commands: Vec<(&str, &str)> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.trim().split_once(' '))
        .map(|(name, about)| (name, about.trim()))
        .collect();
    assert!(commands.len() >= 16, "{help}");
    let abouts: std::collections::HashSet<&str> = commands.iter().map(|(_, a)| *a).collect();
    assert_eq!(abouts.len(), commands.len(), "two commands share a description:\n{help}");
}
