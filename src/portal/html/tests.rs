use super::*;

fn site() -> Site {
    Site { title: "Help <center>".into(), contact: Some("support@example.com".into()), figures: true }
}

#[test]
fn text_is_escaped_and_markdown_cannot_carry_script() {
    assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    let html = markdown(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        Flavour::Message,
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    let heading = markdown("## Reset it", Flavour::Article);
    assert!(heading.contains("id=\"h-reset-it\""), "{heading}");
}

#[test]
fn mailto_links_encode_subject_and_body() {
    assert_eq!(
        mailto("support@example.com", "Re: [desk #k3x9q2hm7d] VPN & mail", "Rating: 5\n"),
        "mailto:support@example.com?subject=Re%3A%20%5Bdesk%20%23k3x9q2hm7d%5D%20VPN%20%26%20mail&body=Rating%3A%205%0D%0A"
    );
}

#[test]
fn every_page_has_the_policy_and_no_inline_script() {
    let view = StatusView {
        id: "k3x9q2hm7d".into(),
        title: "<b>VPN</b>".into(),
        status: "solved".into(),
        category: Category::Solved,
        fields: vec![("Labels".into(), "<i>x</i>".into())],
        messages: vec![Message {
            author: "Jane <script>".into(),
            from_requester: true,
            date: DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
            body: "It **fails**".into(),
        }],
        reply_to: Some("support@example.com".into()),
    };
    let status = status(&site(), &view);
    let home = home(&site(), &[]);
    let contact = contact(&site(), "support@example.com");
    for page in [&status, &home, &contact] {
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains(CSP));
        assert!(!page.contains("<script>"), "no inline script");
        assert!(!page.contains("style="), "no inline style");
        assert!(!page.contains("<b>") && !page.contains("<i>x"));
    }
    assert!(status.contains("noindex"));
    assert!(!home.contains("noindex"));
    assert!(status.contains("&lt;b&gt;VPN&lt;/b&gt;"));
    assert!(status.contains("Jane &lt;script&gt;"));
    assert!(status.contains("<strong>fails</strong>"));
    assert_eq!(status.matches("body=Rating%3A%20").count(), 5, "five rating links");
}

#[test]
fn figures_are_drawn_as_svg_bars_with_a_table() {
    let weeks = [(1_764_547_200, Some(3_600), Some(86_400 * 2 + 3_600)), (1_765_152_000, None, Some(7_200))];
    let page = figures(&site(), &weeks);
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 2);
    assert_eq!(page.matches("<rect class=\"bar\"").count(), 3, "no bar for a week without data");
    assert!(page.contains(">1h 0m</text>"), "{page}");
    assert!(page.contains("<td>2025-12-01</td><td>1h 0m</td><td>2d 1h</td>"), "{page}");
    assert!(page.contains("<td>–</td>"));
    assert!(!page.contains("style="));
    // The tallest bar is the largest value: 2d 1h fills the plot.
    assert!(page.contains("y=\"24\" width=\"240\" height=\"168\""), "{page}");
    assert_eq!(duration(59), "59s");
    assert_eq!(duration(600), "10m");
}
