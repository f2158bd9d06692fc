//! Mail: the gateway between requesters' mail and the desk branch.
//!
//! - [`incoming`] reads one RFC 5322 message into what a ticket needs;
//! - [`index`] knows which ticket each received Message-ID belongs to;
//! - [`sign`] makes and checks desk's own Message-IDs;
//! - [`outgoing`] renders and builds desk's mail;
//! - [`config`] is desk.yaml's `mail:` section.
//!
//! Knows nothing of the command line; reads git only through `store`.

pub mod config;
pub mod incoming;
pub mod index;
pub mod mbox;
pub mod outgoing;
pub mod sign;

pub use config::MailConfig;
pub use incoming::{Incoming, Mailbox, Unreadable};
pub use index::MailIndex;
