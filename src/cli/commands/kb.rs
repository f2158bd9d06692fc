//! `desk kb new|list|show|edit|search|suggest`: the knowledge base, articles
//! `kb/<slug>.md` on the desk branch (docs/kb.md).

use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::{Value, json};

use crate::cli::input::{MessageArgs, check_text, given_text, required_text};
use crate::cli::kb::{load, load_all};
use crate::cli::output::{BOLD, DIM, Shown, human_time, print_json, terminal_line};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result, editor, markdown};
use crate::kb::{self, Article, Audience, rank};
use crate::model::{Visibility, normalise_text};
use crate::store::{Change, Store, StoreError};
use crate::workflow::Config;

/// The knowledge base: articles kb/SLUG.md on the desk branch, for agents and requesters.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: KbCommand,
}

/// `desk kb`'s commands.
#[derive(Debug, clap::Subcommand)]
pub enum KbCommand {
    /// Write a new article (one commit).
    New(NewArgs),
    /// List the articles: slug, audience, category and title.
    List {
        /// Print a JSON array of articles.
        #[arg(long)]
        json: bool,
    },
    /// Show an article.
    Show {
        /// The article's slug (the file kb/SLUG.md).
        slug: String,
        /// Print the article as a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Edit an article's whole file in the editor, or replace it with -F FILE (one commit).
    Edit {
        /// The article's slug.
        #[arg(index = 1)]
        slug: String,
        /// Read the new file from FILE (`-` for standard input) instead of the editor.
        #[arg(short = 'F', long = "file", value_name = "FILE")]
        file: Option<std::path::PathBuf>,
    },
    /// Search the articles: the best matches for the words of QUERY (BM25, docs/kb.md).
    Search {
        /// Words to look for.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Print a JSON array of `{slug, title, category, audience, score}`.
        #[arg(long)]
        json: bool,
    },
    /// The articles that best answer a ticket: its title, description and public messages as the query.
    Suggest {
        /// The ticket: its id or a unique prefix of 4 or more characters.
        id: TicketRef,
        /// How many to show.
        #[arg(long, default_value_t = 3, value_name = "N")]
        limit: usize,
        /// Print a JSON array of `{slug, title, category, audience, score}`.
        #[arg(long)]
        json: bool,
    },
}

/// `desk kb new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The article's slug: lowercase letters, digits and `-` (its file is kb/SLUG.md).
    #[arg(index = 1)]
    pub slug: String,
    /// The title.
    #[arg(index = 2)]
    pub title: String,
    /// Its category (the portal groups articles by category).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// A tag; repeat for more.
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// `public` (requesters read it on the portal) or `internal` (agents only; the default).
    #[arg(long, value_name = "AUDIENCE", default_value = "internal", value_parser = ["public", "internal"])]
    pub audience: String,
    /// A ticket the article answers; repeat for more.
    #[arg(long = "related", value_name = "ID")]
    pub related: Vec<TicketRef>,
    #[command(flatten)]
    pub text: MessageArgs,
    /// Print the article as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.command {
        KbCommand::New(a) => new(ctx, a),
        KbCommand::List { json } => list(ctx, *json),
        KbCommand::Show { slug, json } => show(ctx, slug, *json),
        KbCommand::Edit { slug, file } => edit(ctx, slug, file.as_ref()),
        KbCommand::Search { query, json } => {
            let store = ctx.store()?;
            let tip = store.require_tip()?;
            let articles = load_all(&store, &tip)?;
            print_hits(&rank::rank(&articles, &query.join(" ")), usize::MAX, *json)
        }
        KbCommand::Suggest { id, limit, json } => {
            let store = ctx.store()?;
            let tip = store.require_tip()?;
            let ticket = store.load_ticket(&tip, &store.resolve(&tip, &id.0)?)?;
            let mut query = vec![ticket.title.clone(), ticket.description.clone()];
            query.extend(
                ticket
                    .comments
                    .iter()
                    .filter(|c| c.visibility == Visibility::Public && !c.merged)
                    .map(|c| c.body.clone()),
            );
            let articles = load_all(&store, &tip)?;
            print_hits(&rank::rank(&articles, &query.join("\n")), *limit, *json)
        }
    }
}

/// The article as JSON: `{slug, title, category, tags, audience, related, updated, body}`.
fn article_json(a: &Article) -> Value {
    json!({
        "slug": a.slug,
        "title": a.title,
        "category": a.category,
        "tags": a.tags,
        "audience": a.audience.as_str(),
        "related": a.related,
        "updated": a.updated.map(|u| u.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "body": a.body,
    })
}

fn print_hits(hits: &[(&Article, f64)], limit: usize, json: bool) -> Result<()> {
    let hits = &hits[..hits.len().min(limit)];
    if json {
        let list: Vec<Value> = hits
            .iter()
            .map(|(a, s)| {
                json!({"slug": a.slug, "title": a.title, "category": a.category, "audience": a.audience.as_str(), "score": (s * 1000.0).round() / 1000.0})
            })
            .collect();
        return print_json(&list);
    }
    let mut out = anstream::stdout().lock();
    for (a, score) in hits {
        let slug = Shown(&a.slug).to_string();
        writeln!(out, "{slug:<24} {score:>6.2}  {}", terminal_line(&a.title))?;
    }
    if hits.is_empty() {
        say!("no article matches");
    }
    Ok(())
}

fn list(ctx: &Ctx, json: bool) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let articles = load_all(&store, &tip)?;
    if json {
        return print_json(&articles.iter().map(article_json).collect::<Vec<_>>());
    }
    let mut out = anstream::stdout().lock();
    for a in &articles {
        let category = a.category.as_deref().unwrap_or("-");
        let (slug, category) = (Shown(&a.slug).to_string(), terminal_line(category));
        writeln!(out, "{slug:<24} {:<8} {category:<12} {}", a.audience.as_str(), terminal_line(&a.title))?;
    }
    if articles.is_empty() {
        say!("no articles yet: desk kb new SLUG TITLE -m TEXT");
    }
    Ok(())
}

fn show(ctx: &Ctx, slug: &str, json: bool) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let a = load(&store, &tip, slug)?;
    if json {
        return print_json(&article_json(&a));
    }
    let mut text = format!("{BOLD}{}{BOLD:#}\n", terminal_line(&a.title));
    let mut meta = vec![a.slug.clone(), a.audience.as_str().to_owned()];
    meta.extend(a.category.iter().map(|c| terminal_line(c).into_owned()));
    let _ = writeln!(text, "{DIM}{}{DIM:#}", meta.join(" · "));
    if !a.tags.is_empty() {
        let _ = writeln!(text, "{DIM}tags{DIM:#}       {}", terminal_line(&a.tags.join(", ")));
    }
    if !a.related.is_empty() {
        let _ = writeln!(text, "{DIM}related{DIM:#}    {}", terminal_line(&a.related.join(", ")));
    }
    if let Some(u) = a.updated {
        let _ = writeln!(text, "{DIM}updated{DIM:#}    {}", human_time(u, ctx.zone));
    }
    if !a.body.is_empty() {
        text.push('\n');
        text.push_str(&markdown::render(&a.body, "  "));
    }
    ctx.page()?;
    anstream::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// Commits `article` as kb/SLUG.md; `fresh`: it must not exist yet.
fn commit(store: &Store, article: &Article, verb: &str, fresh: bool) -> Result<crate::store::Written> {
    let (author, committer) = store.signatures()?;
    let path = kb::path_of(&article.slug);
    let text = article.render();
    store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        if fresh && store.read_file(tip.tree, &path)?.is_some() {
            return Err(CliError::conflict(format!("article '{}' exists", article.slug))
                .hint(format!("change it with desk kb edit {}", article.slug)));
        }
        Ok(Some(Change {
            summary: format!("kb {verb} {}: {}", article.slug, article.title),
            files: vec![(path.clone(), Some(text.clone().into_bytes()))],
            tickets: Vec::new(),
            trailers: Vec::new(),
        }))
    })
}

fn new(ctx: &Ctx, args: &NewArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let related = args
        .related
        .iter()
        .map(|r| store.resolve(&tip, &r.0).map(|id| id.to_string()).map_err(CliError::from))
        .collect::<Result<Vec<_>>>()?;
    let mut article = Article {
        slug: args.slug.clone(),
        title: args.title.trim().to_owned(),
        category: args.category.clone(),
        tags: args.tags.clone(),
        audience: Audience::parse(&args.audience).unwrap_or(Audience::Internal),
        related,
        updated: Some(crate::model::whole_seconds(ctx.now)),
        body: String::new(),
    };
    article.check().map_err(|e| CliError::usage(format!("article {}: {e}", args.slug)))?;
    if store.read_file(tip.tree, &kb::path_of(&article.slug))?.is_some() {
        return Err(CliError::conflict(format!("article '{}' exists", article.slug))
            .hint(format!("change it with desk kb edit {}", article.slug)));
    }
    let given = given_text(&args.text.message, args.text.file.as_ref())?;
    let purpose =
        format!("Write the article '{}' below, in Markdown. Save and quit to commit it.", article.title);
    let body =
        required_text(ctx, &store, given, "article text", "-m TEXT or -F FILE", ("ARTICLE.md", &purpose))?;
    check_text("article text", &body, &config.limits)?;
    article.body = normalise_text(&body);
    commit(&store, &article, "new", true)?;
    if args.json {
        return print_json(&article_json(&article));
    }
    say!("wrote {}", kb::path_of(&article.slug));
    Ok(())
}

fn edit(ctx: &Ctx, slug: &str, file: Option<&std::path::PathBuf>) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let before = load(&store, &tip, slug)?;
    let text = if let Some(t) = given_text(&[], file)? {
        t
    } else {
        if !editor::can_edit(ctx, Some(&store)) {
            return Err(CliError::usage("no editor: pass -F FILE, or set VISUAL or EDITOR"));
        }
        editor::edit_text(Some(&store), "", &before.render(), "ARTICLE.md")?
    };
    let mut after = Article::parse(slug, &text)
        .map_err(|e| CliError::malformed(format!("{}: {e}; nothing was written", kb::path_of(slug))))?;
    if after == before {
        say!("{slug}: unchanged; nothing to commit");
        return Ok(());
    }
    after.updated = Some(crate::model::whole_seconds(ctx.now));
    commit(&store, &after, "edit", false)?;
    say!("wrote {}", kb::path_of(slug));
    Ok(())
}
