//! Merging one ticket's conversation into another (`desk merge`) and taking
//! it out again (`desk unmerge`), and splitting a comment off into a ticket
//! of its own (`desk split`). Pure functions on tickets.

use super::{Comment, Ticket, Visibility, generate_comment_id};

/// The first line of every text copied from `src`: where it came from.
pub fn origin_line(src: &Ticket) -> String {
    format!("From ticket {} — {}", src.id, src.title)
}

fn fresh_id(dst: &Ticket) -> String {
    let mut id = generate_comment_id();
    while dst.comments.iter().any(|c| c.id == id) || dst.removed.iter().any(|r| r.id == id) {
        id = generate_comment_id();
    }
    id
}

/// Copies `src`'s conversation into `dst`: its description (as a public
/// message of its requester at its creation) and every reply and note, each
/// marked merged, under its original author and time, its text after a line
/// naming `src`; then sorts `dst`'s conversation by time (the order of equal
/// times kept). Returns how many texts were copied.
pub fn copy_conversation(src: &Ticket, dst: &mut Ticket) -> usize {
    let origin = origin_line(src);
    let with_origin =
        |body: &str| if body.is_empty() { origin.clone() } else { format!("{origin}\n\n{body}") };
    let mut copies = Vec::with_capacity(src.comments.len() + 1);
    let requester = src.requester.clone().unwrap_or_else(|| "unknown".to_owned());
    copies.push((requester, src.created, Visibility::Public, with_origin(&src.description)));
    for c in &src.comments {
        copies.push((c.author.clone(), c.date, c.visibility, with_origin(&c.body)));
    }
    let n = copies.len();
    for (author, date, visibility, body) in copies {
        let id = fresh_id(dst);
        dst.comments.push(Comment { id, author, date, visibility, automated: false, merged: true, body });
    }
    dst.comments.sort_by_key(|c| c.date);
    n
}

/// The ids of the comments of `dst` copied from `src` by [`copy_conversation`].
pub fn copied_from(src: &Ticket, dst: &Ticket) -> Vec<String> {
    let origin = origin_line(src);
    let from = format!("From ticket {} ", src.id);
    dst.comments
        .iter()
        .filter(|c| c.merged && (c.body == origin || c.body.starts_with(&from)))
        .map(|c| c.id.clone())
        .collect()
}

/// The title a split-off comment's ticket gets without one given: the first
/// line of its text with words, cut at a word end to 80 characters.
pub fn split_title(body: &str, fallback: &str) -> String {
    let line = body.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or(fallback);
    let line = line.trim_start_matches(['#', '>', '-', '*', ' ']);
    if line.chars().count() <= 80 {
        return line.to_owned();
    }
    let cut: String = line.chars().take(80).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]).trim_end().to_owned();
    format!("{cut}…")
}

/// The text left in place of a comment moved to ticket `to` by `desk split`.
pub fn moved_text(to: &Ticket) -> String {
    format!("Moved to ticket {} — {}", to.id, to.title)
}

/// Whether `c` was moved away by `desk split` already.
pub fn is_moved(c: &Comment) -> bool {
    c.body.starts_with("Moved to ticket ")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::TicketId;

    fn t(title: &str, hour: u32) -> Ticket {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, hour, 0, 0).unwrap();
        let mut t = Ticket::new(TicketId::generate(), title.into(), "open".into(), "normal".into(), at);
        t.requester = Some("Jane <jane@example.com>".into());
        t.description = format!("{title} text");
        t
    }

    #[test]
    fn a_merge_copies_the_conversation_in_time_order_with_its_origin() {
        let mut src = t("Printer", 9);
        src.add_comment(
            "Bob <bob@example.com>".into(),
            Utc.with_ymd_and_hms(2026, 12, 1, 11, 0, 0).unwrap(),
            Visibility::Internal,
            "toner",
        );
        let mut dst = t("Printers down", 8);
        dst.add_comment(
            "Ann <ann@example.com>".into(),
            Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
            Visibility::Public,
            "looking",
        );
        assert_eq!(copy_conversation(&src, &mut dst), 2);
        let seen: Vec<(u32, bool, &str)> = dst
            .comments
            .iter()
            .map(|c| (chrono::Timelike::hour(&c.date), c.merged, c.author.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (9, true, "Jane <jane@example.com>"),
                (10, false, "Ann <ann@example.com>"),
                (11, true, "Bob <bob@example.com>")
            ]
        );
        assert_eq!(dst.comments[0].body, format!("From ticket {} — Printer\n\nPrinter text", src.id));
        assert_eq!(dst.comments[2].visibility, Visibility::Internal);
        let copied = copied_from(&src, &dst);
        assert_eq!(copied, vec![dst.comments[0].id.clone(), dst.comments[2].id.clone()]);
    }

    #[test]
    fn a_split_title_is_the_first_line_cut_at_a_word() {
        assert_eq!(split_title("\n# Also the VPN drops\nmore", "x"), "Also the VPN drops");
        assert_eq!(split_title("", "Fallback"), "Fallback");
        let long = "word ".repeat(30);
        let title = split_title(&long, "x");
        assert!(title.ends_with("word…") && title.chars().count() <= 81, "{title}");
    }
}
