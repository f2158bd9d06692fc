//! `desk whoami`: how desk sees you — who git says you are, and what desk.yaml
//! says of you.

use std::io::Write as _;

use serde::Serialize;

use crate::cli::output::{print_json, terminal_line};
use crate::cli::{Ctx, Result};
use crate::workflow::{Agent, Config};

/// Show how desk sees you: your name and email (git's user.name and
/// user.email, as every change you make is signed), whether desk.yaml lists you
/// as an agent (under any of the agent's addresses), your teams, the queues you
/// work (yours and your teams'), your skills, and whether you are away today
/// (a day in the local time zone; UTC with --utc).
///
/// Whether you are an agent decides whether your replies are responses: with
/// agents in desk.yaml only theirs are; without, everyone's but the requester's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object (docs/json.md, `whoami`).
    #[arg(long)]
    pub json: bool,
}

/// `desk whoami --json`. Field names are part of desk's interface (docs/json.md).
#[derive(Debug, Serialize)]
struct WhoamiJson<'a> {
    name: &'a str,
    email: &'a str,
    /// Whether desk.yaml lists you as an agent.
    agent: bool,
    /// Whether desk.yaml lists any agent.
    agents_listed: bool,
    /// The agent you are, `Name <email>` as desk.yaml lists them.
    agent_as: Option<String>,
    teams: &'a [String],
    queues: &'a [String],
    skills: &'a [String],
    /// Away today.
    away: bool,
    /// Every away day or range, `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
    away_days: Vec<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let people = super::people(&config)?;
    let (author, _) = store.signatures()?;
    let agent = people.agent(&author.person());
    let today = ctx.zone.date_of(ctx.now.timestamp());
    let empty: &[String] = &[];
    let json = WhoamiJson {
        name: author.name(),
        email: author.email(),
        agent: agent.is_some(),
        agents_listed: people.has_agents(),
        agent_as: agent.map(Agent::person),
        teams: agent.map_or(empty, |a| &a.teams),
        queues: agent.map_or(empty, |a| &a.queues),
        skills: agent.map_or(empty, |a| &a.skills),
        away: agent.is_some_and(|a| a.is_away(today)),
        away_days: agent.map(|a| a.away.iter().map(ToString::to_string).collect()).unwrap_or_default(),
    };
    if args.json {
        return print_json(&json);
    }
    print(&json)
}

fn print(me: &WhoamiJson<'_>) -> Result<()> {
    let list = |items: &[String]| if items.is_empty() { "-".to_owned() } else { items.join(", ") };
    let agent = match (&me.agent_as, me.agents_listed) {
        (Some(a), _) => format!("yes, {a}"),
        (None, true) => "no (your replies are not responses)".to_owned(),
        (None, false) => "desk.yaml lists no agents: everyone but the requester responds".to_owned(),
    };
    let away = match (me.away, me.away_days.is_empty()) {
        (true, _) => format!("yes, today ({})", me.away_days.join(", ")),
        (false, true) => "no".to_owned(),
        (false, false) => format!("no ({})", me.away_days.join(", ")),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} <{}>", terminal_line(me.name), terminal_line(me.email))?;
    for (key, value) in [
        ("agent", agent),
        ("teams", list(me.teams)),
        ("queues", list(me.queues)),
        ("skills", list(me.skills)),
        ("away", away),
    ] {
        writeln!(out, "{key:<8}{}", terminal_line(&value))?;
    }
    Ok(())
}
