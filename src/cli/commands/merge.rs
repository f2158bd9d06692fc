//! `desk merge`, `desk unmerge` and `desk split`: one request reported twice
//! becomes one ticket, and two requests in one ticket become two.

use std::io::Write as _;

use super::{ChangeOutput, check_transition, fired_rules, person, short_id, signature_time, write_two};
use crate::cli::output::{self, TicketJson};
use crate::cli::rules::{RuleEnv, rules_of};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::combine::{self, copied_from, copy_conversation};
use crate::model::link::{self, merged_into};
use crate::model::{Ticket, TicketId};
use crate::store::{Change, StoreError, Written};
use crate::workflow::{Category, Config};

/// Merge a ticket into another: SRC's description, replies and notes are
/// copied into DST in time order, each under a line naming SRC; SRC moves to
/// the status of category merged (`merged`) with a `merged-into` link to DST.
///
/// Later changes to SRC (replies, notes, status, labels …) go to DST, with a
/// notice. Reports count a merged ticket neither as resolved nor in the
/// backlog, and copied messages never count as responses. `desk unmerge SRC`
/// takes it back.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The ticket to merge: its id or a unique prefix of 4 or more characters.
    pub src: TicketRef,
    /// The ticket it goes into.
    #[arg(long, value_name = "ID")]
    pub into: TicketRef,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// Take a merged ticket back out: the messages copied into the other ticket are
/// removed there (removal markers stay), the links go, and the ticket returns
/// to the workflow's reopen status.
#[derive(Debug, clap::Args)]
pub struct UnmergeArgs {
    /// The merged ticket.
    pub src: TicketRef,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// Split one reply or note off into a new ticket, linked to this one (`relates`).
///
/// The new ticket's description is the comment's text; its requester the
/// comment's author when that is the ticket's requester or someone who is not
/// an agent (else the ticket's requester); queue, priority and labels are the
/// ticket's. The comment stays, its text replaced by a line naming the new
/// ticket. Prints the new ticket's id.
#[derive(Debug, clap::Args)]
pub struct SplitArgs {
    /// The ticket.
    #[arg(index = 1)]
    pub id: TicketRef,
    /// The comment to split off: its id, or a unique prefix of 4 or more characters.
    #[arg(long, value_name = "COMMENT")]
    pub comment: String,
    /// The new ticket's title (default: the comment's first line).
    #[arg(index = 2)]
    pub title: Option<String>,
    /// Print the new ticket as JSON (as `desk show --json` does) instead of its id.
    #[arg(long)]
    pub json: bool,
}

fn print(ticket: &Ticket, written: Written, output: ChangeOutput, done: &str) -> Result<()> {
    if output.json {
        return output::print_json(&TicketJson(ticket)).map_err(|e| match written {
            Written::Commit(c) => e.after_commit(&format!("{done} (commit {})", &c.to_string()[..7])),
            Written::Unchanged => e,
        });
    }
    say!("{}", output::Shown(done));
    Ok(())
}

pub fn run_merge(ctx: &Ctx, args: &MergeArgs) -> Result<()> {
    let store = ctx.store()?;
    let mut copied = 0;
    let (src, dst, written) = write_two(&store, &args.src, &args.into, "merge", |src, dst, config, _| {
        for (t, what) in [(&*src, "merge"), (&*dst, "merge into")] {
            if let Some(into) =
                merged_into(&t.links).filter(|_| config.category(&t.status) == Some(Category::Merged))
            {
                return Err(CliError::conflict(format!(
                    "ticket {} is already merged into {into}: nothing to {what}",
                    &t.id.as_str()[..6]
                ))
                .hint(format!(
                    "use {into} instead, or take it back first: desk unmerge {}",
                    &t.id.as_str()[..6]
                )));
            }
        }
        let status = config.merged_status().ok_or_else(|| {
            CliError::config("desk.yaml has no status of category merged")
                .hint("add `- {name: merged, category: merged}` to workflow.statuses")
        })?;
        check_transition(config, &src.status, status)?;
        copied = copy_conversation(src, dst);
        status.clone_into(&mut src.status);
        src.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != dst.id.as_str()));
        dst.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != src.id.as_str()));
        src.links.push(link::value("merged-into", &dst.id));
        dst.links.push(link::value("merged-from", &src.id));
        Ok(true)
    })?;
    let tip = store.require_tip()?;
    let done = format!(
        "{}: merged into {} ({copied} messages copied)",
        short_id(&store, &tip, &src.id),
        short_id(&store, &tip, &dst.id)
    );
    print(&dst, written, args.output, &done)
}

pub fn run_unmerge(ctx: &Ctx, args: &UnmergeArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let src = store.load_ticket(&tip, &store.resolve(&tip, &args.src.0)?)?;
    let Some(into) = merged_into(&src.links).map(str::to_owned) else {
        return Err(CliError::conflict(format!(
            "ticket {} is not merged into another",
            short_id(&store, &tip, &src.id)
        ))
        .hint("`desk merge SRC --into DST` merges one"));
    };
    let dst_ref = TicketRef(into.clone());
    let (author, _) = store.signatures()?;
    let now = signature_time(&author);
    let mut removed = 0;
    let (src, dst, written) =
        write_two(&store, &args.src, &dst_ref, "unmerge", |src, dst, config, author| {
            if merged_into(&src.links) != Some(dst.id.as_str()) {
                return Err(CliError::conflict(format!("ticket {} is no longer merged into {into}", src.id)));
            }
            let before = dst.clone();
            let copies = copied_from(src, dst);
            removed = copies.len();
            dst.comments.retain(|c| !copies.contains(&c.id));
            dst.record_removals(&before, &person(author), now).map_err(CliError::conflict)?;
            src.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != dst.id.as_str()));
            dst.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != src.id.as_str()));
            config.workflow.reopen.clone_into(&mut src.status);
            Ok(true)
        })?;
    let tip = store.require_tip()?;
    let done = format!(
        "{}: taken out of {} ({removed} copied messages removed there), status {}",
        short_id(&store, &tip, &src.id),
        short_id(&store, &tip, &dst.id),
        src.status
    );
    print(&src, written, args.output, &done)
}

/// The comment of `t` that `prefix` names: a unique prefix of at least 4 characters.
fn find_comment<'t>(t: &'t Ticket, prefix: &str) -> Result<&'t crate::model::Comment> {
    let prefix = prefix.trim().to_lowercase();
    if prefix.len() < 4 {
        return Err(CliError::usage(format!(
            "comment id '{prefix}' is too short: give 4 or more characters"
        )));
    }
    let hits: Vec<_> = t.comments.iter().filter(|c| c.id.starts_with(&prefix)).collect();
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(CliError::input(format!("ticket {} has no comment '{prefix}'", &t.id.as_str()[..6]))
            .hint("`desk show ID` lists the comments with their ids")),
        _ => Err(CliError::usage(format!("comment id '{prefix}' is ambiguous: give more characters"))),
    }
}

pub fn run_split(ctx: &Ctx, args: &SplitArgs) -> Result<()> {
    let store = ctx.store()?;
    let (author, committer) = store.signatures()?;
    let now = signature_time(&author);
    let mut new_id = TicketId::generate();
    let mut result = None;
    store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let config = Config::load(&store, tip)?;
        let found = store.locate(tip, &args.id.0)?;
        let mut ticket = store.load_blob_ticket(found.blob, &found.id.path())?;
        let short = &found.id.as_str()[..found.short];
        if config.is_final(&ticket.status) {
            return Err(super::closed(short, &ticket.status));
        }
        let comment = find_comment(&ticket, &args.comment)?.clone();
        if combine::is_moved(&comment) {
            return Err(CliError::conflict(format!("comment {} was split off already", comment.id)));
        }
        while store.read_file(tip.tree, &new_id.path())?.is_some() {
            new_id = TicketId::generate();
        }
        let title = args.title.clone().unwrap_or_else(|| combine::split_title(&comment.body, &ticket.title));
        crate::cli::input::check_title(&title, &config.limits)?;
        let mut split =
            Ticket::new(new_id.clone(), title, config.workflow.initial.clone(), ticket.priority.clone(), now);
        let people = config.people().ok();
        let customer = people.is_none_or(|p| !p.has_agents() || !p.is_agent(&comment.author))
            || ticket.requester.as_deref().is_some_and(|r| crate::model::same_person(r, &comment.author));
        split.requester = if customer { Some(comment.author.clone()) } else { ticket.requester.clone() };
        split.queue.clone_from(&ticket.queue);
        split.labels.clone_from(&ticket.labels);
        split.description.clone_from(&comment.body);
        split.links.push(link::value("relates", &ticket.id));
        let before = ticket.clone();
        if let Some(c) = ticket.comments.iter_mut().find(|c| c.id == comment.id) {
            c.body = combine::moved_text(&split);
        }
        let link_back = link::value("relates", &split.id);
        if !ticket.links.contains(&link_back) {
            ticket.links.push(link_back);
        }
        ticket.updated = now.max(ticket.created);
        let rules = rules_of(&config, tip.tree);
        let mut env = RuleEnv::new(&store, Some(tip), &config, &author);
        env.after_change(&rules, None, &mut split);
        env.after_change(&rules, Some(&before), &mut ticket);
        let mut change = Change::ticket("split", &split)?;
        let other = Change::ticket("split", &ticket)?;
        change.files.extend(other.files);
        change.tickets.extend(other.tickets);
        env.sign(&mut change)?;
        result = Some((split, short.to_owned(), comment.id, env.fired));
        Ok(Some(change))
    })?;
    let (split, short, comment, rules) = result.expect("the write closure ran");
    fired_rules(&split.id.as_str()[..crate::model::MIN_SHORT], &rules);
    if args.json {
        return output::print_json(&TicketJson(&split));
    }
    say!("{short}: comment {comment} split off into {}", &split.id.as_str()[..crate::model::MIN_SHORT]);
    writeln!(std::io::stdout().lock(), "{}", split.id).map_err(CliError::from)
}
