//! `desk mail import` and `desk mail send`: requesters' mail in, desk's mail out.

pub mod import;
pub mod send;

use crate::cli::{CliError, Ctx, Result};
use crate::mail::MailConfig;
use crate::store::{Identity, Store, StoreError};

const ABOUT_SETUP: &str = "\
Set-up (README.md, Mail, has the details):
  desk.yaml on the desk branch:      mail: {address: support@example.com, name: Example Support}
  the signing key, on the machine that imports and sends (never on the branch):
                                     git config desk.mail.key \"$(head -c 32 /dev/urandom | base64)\"
                                     (or DESK_MAIL_KEY)
  how to send (desk mail send):      git config desk.mail.transport smtp+starttls://mail.example.com
                                     (or DESK_MAIL_TRANSPORT: smtp://HOST[:PORT] without TLS,
                                     smtp+starttls://HOST[:PORT], smtps://HOST[:PORT], sendmail,
                                     sendmail:/PATH, maildir:/DIR; DESK_MAIL_USER and
                                     DESK_MAIL_PASSWORD, or git config desk.mail.user and
                                     desk.mail.password, or a git credential helper)
  an MTA alias that pipes each message in:
                                     support: \"|desk -C /srv/helpdesk mail import\"";

/// Mail: import requesters' messages into tickets, send what history calls for.
#[derive(Debug, clap::Args)]
#[command(after_help = ABOUT_SETUP)]
pub struct Args {
    #[command(subcommand)]
    pub command: MailCommand,
}

/// `desk mail`'s commands.
#[derive(Debug, clap::Subcommand)]
pub enum MailCommand {
    Import(import::ImportArgs),
    Send(send::SendArgs),
    Preview(send::PreviewArgs),
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.command {
        MailCommand::Import(a) => import::run(ctx, a),
        MailCommand::Send(a) => send::run(ctx, a),
        MailCommand::Preview(a) => send::run_preview(ctx, a),
    }
}

/// The ref that marks how far `desk mail send` has sent: every change it
/// contains has been mailed.
pub const CURSOR: &str = "refs/desk/mail";

/// Shortest signing key accepted, in bytes.
const MIN_KEY: usize = 16;

/// The settings that never live on the desk branch: from the environment,
/// else git config.
pub struct Secrets {
    /// The key of desk's Message-IDs.
    pub key: Option<Vec<u8>>,
    /// Where `desk mail send` sends.
    pub transport: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
}

impl Secrets {
    pub fn read(store: &Store) -> Result<Secrets> {
        let get = |var: &str, key: &str| {
            std::env::var(var).ok().filter(|v| !v.is_empty()).or_else(|| store.config_string(key))
        };
        let key = get("DESK_MAIL_KEY", "desk.mail.key").map(|k| k.trim().as_bytes().to_vec());
        if key.as_ref().is_some_and(|k| k.len() < MIN_KEY) {
            return Err(CliError::config(format!("the mail signing key is shorter than {MIN_KEY} bytes"))
                .hint(
                    "make a longer one: git config desk.mail.key \"$(head -c 32 /dev/urandom | base64)\"",
                ));
        }
        Ok(Secrets {
            key,
            transport: get("DESK_MAIL_TRANSPORT", "desk.mail.transport"),
            user: get("DESK_MAIL_USER", "desk.mail.user"),
            password: get("DESK_MAIL_PASSWORD", "desk.mail.password"),
        })
    }

    /// The key, which sending needs.
    pub fn require_key(&self) -> Result<&[u8]> {
        self.key.as_deref().ok_or_else(|| {
            CliError::config("no mail signing key: desk signs its Message-IDs so replies find their ticket")
                .hint("set one on this machine: git config desk.mail.key \"$(head -c 32 /dev/urandom | base64)\"")
        })
    }
}

/// desk.yaml's `mail:` section, which `desk mail send` needs.
pub fn require_mail(config: &crate::workflow::Config) -> Result<MailConfig> {
    MailConfig::of(config).map_err(|e| CliError::config(format!("desk.yaml: {e}")))?.ok_or_else(|| {
        CliError::config("desk.yaml has no `mail:` section: desk does not know its own address")
            .hint("add `mail: {address: support@example.com}` to desk.yaml on the desk branch")
    })
}

/// Who commits what the gateway records: git's identity where there is one,
/// else desk's own address from desk.yaml (an MTA often runs desk as a user
/// without git config).
pub fn gateway_identity(store: &Store, mail: Option<&MailConfig>) -> Result<(Identity, Identity)> {
    match (store.signatures(), mail) {
        (Ok(pair), _) => Ok(pair),
        (Err(StoreError::Identity), Some(m)) => {
            let name = m.name.clone().unwrap_or_else(|| "desk".to_owned());
            let now = chrono::Utc::now();
            let id = Identity::new(&name, &m.address, now)?;
            Ok((id.clone(), id))
        }
        (Err(e), _) => Err(e.into()),
    }
}
