//! `desk demo`: a throw-away helpdesk with a few realistic tickets, to try desk on.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::cli::{CliError, Ctx, Result};
use crate::model::{Ticket, TicketId, Visibility};
use crate::store::{Change, Identity, Store};
use crate::workflow::{CONFIG_PATH, Config};

/// Create a demo helpdesk in a new repository and show its queue.
///
/// The repository is created in PATH, or in a new temporary directory. It has a
/// week of history: tickets from several requesters, replies, internal notes,
/// assignments and status changes, each its own commit.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the demo repository (must not exist or be empty).
    pub path: Option<PathBuf>,
}

struct Person {
    name: &'static str,
    email: &'static str,
}

impl Person {
    fn full(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

const ADA: Person = Person { name: "Ada Agent", email: "ada@example.com" };
const BOB: Person = Person { name: "Bob Agent", email: "bob@example.com" };
const JANE: Person = Person { name: "Jane Doe", email: "jane@example.com" };
const OMAR: Person = Person { name: "Omar Haddad", email: "omar@example.com" };
const LI: Person = Person { name: "Li Wei", email: "li.wei@example.com" };
const SAM: Person = Person { name: "Sam Rivera", email: "sam@example.com" };
const PRIYA: Person = Person { name: "Priya Natarajan", email: "priya@example.com" };

/// Writes the demo history, one commit per step.
struct Demo<'a> {
    store: &'a Store,
    now: DateTime<Utc>,
}

impl Demo<'_> {
    fn commit(&self, who: &Person, ago: Duration, verb: &str, ticket: &Ticket) -> Result<()> {
        let when = self.now - ago;
        let sig = Identity::new(who.name, who.email, when)?;
        self.store
            .write(&sig, &sig, |_| -> Result<Option<Change>> { Ok(Some(Change::ticket(verb, ticket)?)) })?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments, reason = "one call per demo ticket reads best flat")]
    fn open(
        &self,
        who: &Person,
        ago: Duration,
        title: &str,
        priority: &str,
        queue: &str,
        labels: &[&str],
        body: &str,
    ) -> Result<Ticket> {
        let mut t =
            Ticket::new(TicketId::generate(), title.into(), "new".into(), priority.into(), self.now - ago);
        t.requester = Some(who.full());
        t.queue = Some(queue.into());
        for l in labels {
            t.add_label(l);
        }
        t.description = body.into();
        self.commit(who, ago, "new", &t)?;
        Ok(t)
    }

    fn say(
        &self,
        t: &mut Ticket,
        who: &Person,
        ago: Duration,
        vis: Visibility,
        body: &str,
        status: Option<&str>,
    ) -> Result<()> {
        t.add_comment(who.full(), self.now - ago, vis, body);
        if let Some(s) = status {
            s.clone_into(&mut t.status);
        }
        t.updated = crate::model::whole_seconds(self.now - ago);
        let verb = if vis == Visibility::Public { "reply" } else { "note" };
        self.commit(who, ago, verb, t)
    }

    fn change(
        &self,
        t: &mut Ticket,
        who: &Person,
        ago: Duration,
        verb: &str,
        f: impl FnOnce(&mut Ticket),
    ) -> Result<()> {
        f(t);
        t.updated = crate::model::whole_seconds(self.now - ago);
        self.commit(who, ago, verb, t)
    }
}

fn target_dir(path: Option<&PathBuf>) -> Result<PathBuf> {
    match path {
        Some(p) => {
            let empty = std::fs::read_dir(p).map_or(true, |mut d| d.next().is_none());
            if !empty {
                return Err(CliError::conflict(format!("{} exists and is not empty", p.display()))
                    .hint("name a new directory, or leave PATH out to use a temporary one"));
            }
            std::fs::create_dir_all(p)?;
            Ok(p.clone())
        }
        None => Ok(tempfile::Builder::new().prefix("desk-demo-").tempdir()?.keep()),
    }
}

/// Creates the demo repository and its history, then shows its queue with
/// `show_queue` (the caller's listing, so this command needs no other).
pub fn run(ctx: &Ctx, args: &Args, show_queue: impl FnOnce(&Store) -> Result<()>) -> Result<()> {
    let dir = target_dir(args.path.as_ref())?;
    let store = Store::init_repository(&dir, ADA.name, ADA.email)?;
    let demo = Demo { store: &store, now: ctx.now };
    let init = Identity::new(ADA.name, ADA.email, ctx.now - Duration::days(8))?;
    store.write(&init, &init, |_| -> Result<Option<Change>> {
        Ok(Some(Change {
            summary: "desk init".into(),
            files: vec![(CONFIG_PATH.into(), Some(Config::default_text().into_bytes()))],
            tickets: Vec::new(),
            trailers: Vec::new(),
        }))
    })?;
    laptop(&demo)?;
    let printer = printer(&demo)?;
    vpn(&demo)?;
    share(&demo)?;
    two_factor(&demo)?;
    outlook(&demo)?;
    say!("created a demo helpdesk in {}\n", dir.display());
    show_queue(&store)
        .map_err(|e| e.after_commit(&format!("created a demo helpdesk in {}", dir.display())))?;
    say!("\ntry: cd {} && desk show {} && desk list --all", dir.display(), &printer.id.as_str()[..6]);
    Ok(())
}

fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn laptop(demo: &Demo<'_>) -> Result<()> {
    let mut laptop = demo.open(
        &SAM,
        days(6),
        "Laptop battery is swollen",
        "high",
        "hardware",
        &["hardware", "safety"],
        "The bottom of my laptop bulges and the touchpad no longer clicks.\n\nIs it safe to keep using it?",
    )?;
    demo.say(&mut laptop, &ADA, days(6) - minutes(20), Visibility::Public,
        "Please **stop using it** and unplug it now. Bring it to the IT desk on the 2nd floor; we'll swap it today.",
        Some("open"))?;
    demo.change(&mut laptop, &ADA, days(6) - hours(3), "assign", |t| t.assignee = Some(ADA.full()))?;
    demo.say(
        &mut laptop,
        &ADA,
        days(5),
        Visibility::Public,
        "Your replacement laptop is ready; data is migrated.",
        Some("resolved"),
    )
}

fn printer(demo: &Demo<'_>) -> Result<Ticket> {
    let mut printer = demo.open(
        &JANE,
        days(2),
        "Printer on 3rd floor shows error 0x42",
        "high",
        "it",
        &["hardware", "printer"],
        "The printer next to the kitchen shows **error 0x42** since this morning and prints nothing.",
    )?;
    let ago = days(2) - minutes(35);
    demo.say(
        &mut printer,
        &ADA,
        ago,
        Visibility::Public,
        "Could you send a photo of the display?",
        Some("pending"),
    )?;
    demo.say(
        &mut printer,
        &JANE,
        days(1),
        Visibility::Public,
        "Here it is — it says `0x42 fuser`.",
        Some("open"),
    )?;
    demo.say(
        &mut printer,
        &ADA,
        days(1) - minutes(10),
        Visibility::Internal,
        "Fuser unit. Vendor ticket opened, part arrives Monday.",
        None,
    )?;
    Ok(printer)
}

fn vpn(demo: &Demo<'_>) -> Result<()> {
    let mut vpn = demo.open(
        &OMAR,
        hours(5),
        "VPN disconnects every 10 minutes",
        "urgent",
        "network",
        &["vpn"],
        "Since this morning the VPN drops every ~10 minutes. I'm working from home today.",
    )?;
    demo.change(&mut vpn, &BOB, hours(4), "assign", |t| t.assignee = Some(BOB.full()))?;
    demo.say(
        &mut vpn,
        &BOB,
        hours(4) - minutes(5),
        Visibility::Internal,
        "Same on three laptops; probably the firewall rule change from last night.",
        None,
    )
}

fn share(demo: &Demo<'_>) -> Result<()> {
    let mut share = demo.open(
        &LI,
        days(1) + hours(2),
        "Access to the finance share",
        "normal",
        "access",
        &["access"],
        "I joined the finance team on Monday and need read access to `\\\\files\\finance`.",
    )?;
    demo.change(&mut share, &ADA, days(1), "label", |t| {
        t.add_label("needs-approval");
    })
}

fn two_factor(demo: &Demo<'_>) -> Result<()> {
    demo.open(
        &PRIYA,
        minutes(40),
        "How do I set up 2FA on my phone?",
        "low",
        "it",
        &["howto"],
        "The new login page asks for a second factor. Which app should I use?",
    )?;
    Ok(())
}

fn outlook(demo: &Demo<'_>) -> Result<()> {
    let mut outlook = demo.open(
        &JANE,
        days(4),
        "Outlook keeps asking for my password",
        "normal",
        "it",
        &["email"],
        "Every few minutes Outlook pops up a password prompt, even though the password is right.",
    )?;
    demo.say(&mut outlook, &BOB, days(4) - hours(1), Visibility::Public,
        "Please remove the saved credentials:\n\n1. Open *Credential Manager*\n2. Delete the entries starting with `MicrosoftOffice`\n3. Restart Outlook",
        Some("pending"))
}
