//! Links between tickets: `desk link`, `desk unlink`, kept on both tickets,
//! shown by `desk show`, queried with `linked:`.

use serde_json::{Value, json};

use crate::common::TestEnv;

fn links(env: &TestEnv, id: &str) -> Value {
    env.desk(&["show", id, "--json"]).ok().json()["links"].clone()
}

#[test]
fn a_link_is_kept_on_both_tickets_each_from_its_side_in_one_commit() {
    let env = TestEnv::initialised();
    let outage = env.new_ticket("Network outage", &[]);
    let print = env.new_ticket("Cannot print", &[]);
    let mail = env.new_ticket("Cannot send mail", &[]);
    let before = env.desk_head();
    let json = env.desk(&["link", &print, &outage, "--type", "caused-by", "--json"]).ok().json();
    assert_eq!(json["links"], json!([format!("caused-by:{outage}")]));
    assert_eq!(env.git(&["rev-list", "--count", &format!("{before}..desk")]).trim(), "1");
    let message = env.git(&["log", "-1", "--format=%B", "desk"]);
    assert_eq!(message.matches("Desk-Ticket: ").count(), 2, "{message}");
    env.desk(&["link", &mail, &outage, "--type", "caused-by"]).ok();
    assert_eq!(links(&env, &outage), json!([format!("causes:{print}"), format!("causes:{mail}")]));
    // Linking again changes nothing.
    let head = env.desk_head();
    let run = env.desk(&["link", &print, &outage, "--type", "caused-by"]).ok();
    assert!(run.stderr.ends_with("; nothing to commit\n"), "{run}");
    assert_eq!(env.desk_head(), head);

    let shown = env.desk(&["show", &outage]).ok().stdout;
    let line = shown.lines().find(|l| l.starts_with("Links")).unwrap_or_default().to_owned();
    assert!(line.contains(&format!("causes {} Cannot print (new)", &print[..6])), "{shown}");
    assert!(line.contains("Cannot send mail (new)"), "{shown}");

    let ids = |query: &str| -> Vec<String> {
        let out = env.desk(&["list", query, "--all", "--ndjson", "--fields", "id"]).ok().stdout;
        out.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut incidents = ids(&format!("linked:{}", &outage[..5]));
    incidents.sort();
    let mut expected = vec![print.clone(), mail.clone()];
    expected.sort();
    assert_eq!(incidents, expected);
    assert_eq!(ids("linked:causes"), std::slice::from_ref(&outage));
    let mut with_parent = ids("has:parent");
    assert!(with_parent.is_empty(), "caused-by is not child-of: {with_parent:?}");
    env.desk(&["link", &outage, &mail, "--type", "parent-of"]).ok();
    with_parent = ids("has:parent");
    assert_eq!(with_parent, std::slice::from_ref(&mail));
    assert_eq!(ids("has:children"), std::slice::from_ref(&outage));
    assert_eq!(ids("has:links").len(), 3);
    assert_eq!(
        env.desk(&["list", "has:cousins"]).error(2),
        "invalid 'has:cousins'; allowed: parent, children, duplicates, links"
    );

    env.desk(&["unlink", &outage, &print]).ok();
    assert_eq!(links(&env, &print), json!([]));
    assert_eq!(links(&env, &outage), json!([format!("causes:{mail}"), format!("parent-of:{mail}")]));
    let log = env.desk(&["log", &print]).ok().stdout;
    assert!(
        log.contains(&format!("links +caused-by:{outage}"))
            && log.contains(&format!("links -caused-by:{outage}")),
        "{log}"
    );
}

#[test]
fn a_link_to_itself_to_a_closed_ticket_or_of_an_unknown_type_is_refused() {
    let env = TestEnv::initialised();
    let a = env.new_ticket("One", &[]);
    let b = env.new_ticket("Two", &[]);
    let head = env.desk_head();
    assert_eq!(env.desk(&["link", &a, &a]).error(2), format!("a ticket cannot be linked to itself ({a})"));
    let message = env.desk(&["link", &a, &b, "--type", "friend-of"]).error(2);
    assert!(message.contains("friend-of"), "{message}");
    assert_eq!(env.desk_head(), head);
    env.desk(&["close", &b]).ok();
    let head = env.desk_head();
    let message = env.desk(&["link", &a, &b]).error(1);
    assert!(message.contains("is closed"), "{message}");
    assert_eq!(env.desk_head(), head);
    assert_eq!(links(&env, &a), json!([]));
}

#[test]
fn a_link_that_is_not_type_and_id_makes_the_file_malformed() {
    let env = TestEnv::initialised();
    let a = env.new_ticket("One", &[]);
    let path = format!("tickets/{}/{a}.md", &a[..2]);
    let file = env.ticket_file(&a).replace("labels: []\n", "labels: []\nlinks: [friend-of:zzzz]\n");
    env.commit_by_hand(&[(&path, &file)], "a bad link");
    let message = env.desk(&["show", &a]).error(1);
    assert!(message.contains("'friend-of:zzzz' is not TYPE:ID"), "{message}");
}
