//! `desk set`: change fields of a ticket.

use super::bulk::{self, Where};
use super::{ChangeOutput, confirm, update_ticket};
use crate::cli::changes::FieldChanges;
use crate::cli::{Ctx, Result};
use crate::model::Ticket;
use crate::store::Identity;
use crate::workflow::Config;

/// Set fields: title, status, priority, queue, requester, assignee, cc, or any custom field.
///
/// `KEY=VALUE` stores VALUE exactly as given, as text: `ver=1.10` is the text
/// "1.10", `ref="INC #4711"` keeps the `#`. `KEY:=JSON` stores a typed value
/// in a custom field, as httpie does: `count:=3`, `vip:=true`, `tags:='["a","b"]'`,
/// `ver:='"1.10"'`. `KEY=` or `KEY:=null` removes a custom field and clears queue,
/// requester or assignee (as does `assignee=none`); `assignee=me` (or `@me`) assigns the ticket to you, and
/// `requester=me` makes you its requester. A set of people is changed one person at a
/// time: `cc+="Ann <ann@example.com>"` adds, `cc-=ann@example.com` removes (by email or
/// name), `cc=…` replaces the set with that one person and `cc=` empties it. Custom
/// field names are lowercase words (`customer_tier=gold`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters (left out with --where).
    #[arg(value_name = "ID", index = 1)]
    pub id: String,

    /// One or more KEY=VALUE (text), KEY+=VALUE / KEY-=VALUE (a set) or KEY:=JSON (typed value).
    #[arg(value_name = "KEY=VALUE", index = 2, required_unless_present = "query", num_args = 1..)]
    pub pairs: Vec<String>,
    #[command(flatten)]
    pub bulk: Where,
    #[command(flatten)]
    pub output: ChangeOutput,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    // With --where the ticket slot holds the first pair.
    let pairs: Vec<&String> = if args.bulk.is_set() {
        std::iter::once(&args.id).chain(&args.pairs).collect()
    } else {
        args.pairs.iter().collect()
    };
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let changes = FieldChanges::parse(&pairs, &Config::load(&store, &tip)?)?;
    let apply =
        |ticket: &mut Ticket, config: &Config, author: &Identity| changes.apply(ticket, config, author);
    let what = changes.describe();
    if args.bulk.is_set() {
        return bulk::update_where(ctx, &args.bulk, args.output, "set", &what, apply);
    }
    let updated = update_ticket(&store, &bulk::ticket_ref(&args.id)?, "set", apply)?;
    confirm(&updated, args.output, &what, "already set")
}
