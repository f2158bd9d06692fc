
use builtin;
use str;

set edit:completion:arg-completer[desk] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'desk'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'desk'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the desk branch with desk.yaml and register the merge driver (harmless when run again; run it in every clone)'
            cand demo 'Create a demo helpdesk in a new repository and show its queue'
            cand new 'Open a new ticket and print its id'
            cand list 'List tickets: by default those not done, most urgent first'
            cand show 'Show a ticket and its conversation, Markdown rendered for the terminal'
            cand reply 'Reply to the requester (a public comment)'
            cand note 'Add an internal note (seen by agents only, never by the requester)'
            cand assign 'Assign a ticket to someone, to yourself (--me), or to nobody (--none)'
            cand status 'Set a ticket''s status (one of the statuses in desk.yaml)'
            cand resolve 'Mark a ticket resolved: the requester has what they asked for'
            cand close 'Close a ticket: finished for good'
            cand reopen 'Reopen a done ticket (back to `open`, the workflow''s reopen status)'
            cand label 'Add labels (`name` or `+name`) and remove them (`-name`)'
            cand set 'Set fields: title, priority, queue, requester, assignee, status, or any custom field'
            cand edit 'Edit a ticket file in your editor; it is checked before it is committed'
            cand doctor 'Check every ticket file and desk.yaml; exit 3 naming each problem'
            cand rate 'Record the requester''s satisfaction with a ticket: a score from 1 (very unhappy) to 5 (very happy), with an optional comment'
            cand log 'Show a ticket''s timeline: who did what, when'
            cand report 'Helpdesk KPIs over a time window: volume, backlog, first response, resolution, first-contact resolution and satisfaction'
            cand sync 'Fetch the remote''s desk branch, merge it with yours, push the result'
            cand merge-driver 'Merge one file for git (registered by `desk init` as merge driver `desk`)'
            cand generate 'Write man/ and completions/ from the command-line definitions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'desk;init'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;demo'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;new'= {
            cand -b 'The description, in Markdown (`-b ''''` for none)'
            cand --body 'The description, in Markdown (`-b ''''` for none)'
            cand -F 'Read the description from FILE (`-` for standard input)'
            cand --file 'Read the description from FILE (`-` for standard input)'
            cand --requester 'Who asked, as `Name <email>` (default: you; `me` or `@me` is you too)'
            cand --assignee 'Who works on it, as `Name <email>`, or `me` (`@me`) for you'
            cand --priority 'One of the priorities in desk.yaml (default: normal)'
            cand --queue 'The queue (team) that handles it'
            cand -l 'A label; repeat for more'
            cand --label 'A label; repeat for more'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --json 'Print the new ticket as JSON instead of its id'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;list'= {
            cand -L 'Show at most N tickets'
            cand --limit 'Show at most N tickets'
            cand --sort 'Sort by FIELD (see below)'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand -a 'Include done tickets (resolved, closed)'
            cand --all 'Include done tickets (resolved, closed)'
            cand --json 'Print a JSON array of tickets'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;show'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --json 'Print the ticket as a JSON object'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;reply'= {
            cand -m 'The text, in Markdown; repeat for more paragraphs'
            cand --message 'The text, in Markdown; repeat for more paragraphs'
            cand -F 'Read the text from FILE (`-` for standard input)'
            cand --file 'Read the text from FILE (`-` for standard input)'
            cand --status 'Also set the ticket''s status, e.g. `pending` or `resolved`'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;note'= {
            cand -m 'The text, in Markdown; repeat for more paragraphs'
            cand --message 'The text, in Markdown; repeat for more paragraphs'
            cand -F 'Read the text from FILE (`-` for standard input)'
            cand --file 'Read the text from FILE (`-` for standard input)'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;assign'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --me 'Assign it to yourself (your git user.name and user.email)'
            cand --none 'Remove the assignee'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;status'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;resolve'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;close'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;reopen'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;label'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;set'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;edit'= {
            cand -F 'Take the new file from FILE (`-` for standard input) instead of the editor'
            cand --file 'Take the new file from FILE (`-` for standard input) instead of the editor'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;doctor'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --json 'Print `{tickets, problems: [{path, line, message}]}` as JSON'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;rate'= {
            cand -m 'What the requester said'
            cand --message 'What the requester said'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;log'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --json 'Print a JSON array of events'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;report'= {
            cand --since 'Start of the window (default: 30 days ago)'
            cand --until 'End of the window, not included (default: now); a day YYYY-MM-DD is included whole'
            cand --by 'Also report per group'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --json 'Print one JSON object'
            cand --csv 'Print CSV: one row for all tickets, then one per group, with a header'
            cand --chart 'Also draw charts: created vs resolved and backlog per day, first-response times'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;sync'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-push 'Merge what came in, but do not push'
            cand --json 'Print what happened as JSON (see docs/sync.md)'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;merge-driver'= {
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;generate'= {
            cand --out 'Directory to write man/ and completions/ into'
            cand -C 'Use the repository at PATH instead of the one around the current directory'
            cand --repo 'Use the repository at PATH instead of the one around the current directory'
            cand --color 'When to use colours [default: git''s color.desk or color.ui, else auto]'
            cand --no-pager 'Do not pipe output into a pager'
            cand --utc 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'desk;help'= {
            cand init 'Create the desk branch with desk.yaml and register the merge driver (harmless when run again; run it in every clone)'
            cand demo 'Create a demo helpdesk in a new repository and show its queue'
            cand new 'Open a new ticket and print its id'
            cand list 'List tickets: by default those not done, most urgent first'
            cand show 'Show a ticket and its conversation, Markdown rendered for the terminal'
            cand reply 'Reply to the requester (a public comment)'
            cand note 'Add an internal note (seen by agents only, never by the requester)'
            cand assign 'Assign a ticket to someone, to yourself (--me), or to nobody (--none)'
            cand status 'Set a ticket''s status (one of the statuses in desk.yaml)'
            cand resolve 'Mark a ticket resolved: the requester has what they asked for'
            cand close 'Close a ticket: finished for good'
            cand reopen 'Reopen a done ticket (back to `open`, the workflow''s reopen status)'
            cand label 'Add labels (`name` or `+name`) and remove them (`-name`)'
            cand set 'Set fields: title, priority, queue, requester, assignee, status, or any custom field'
            cand edit 'Edit a ticket file in your editor; it is checked before it is committed'
            cand doctor 'Check every ticket file and desk.yaml; exit 3 naming each problem'
            cand rate 'Record the requester''s satisfaction with a ticket: a score from 1 (very unhappy) to 5 (very happy), with an optional comment'
            cand log 'Show a ticket''s timeline: who did what, when'
            cand report 'Helpdesk KPIs over a time window: volume, backlog, first response, resolution, first-contact resolution and satisfaction'
            cand sync 'Fetch the remote''s desk branch, merge it with yours, push the result'
            cand merge-driver 'Merge one file for git (registered by `desk init` as merge driver `desk`)'
            cand generate 'Write man/ and completions/ from the command-line definitions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'desk;help;init'= {
        }
        &'desk;help;demo'= {
        }
        &'desk;help;new'= {
        }
        &'desk;help;list'= {
        }
        &'desk;help;show'= {
        }
        &'desk;help;reply'= {
        }
        &'desk;help;note'= {
        }
        &'desk;help;assign'= {
        }
        &'desk;help;status'= {
        }
        &'desk;help;resolve'= {
        }
        &'desk;help;close'= {
        }
        &'desk;help;reopen'= {
        }
        &'desk;help;label'= {
        }
        &'desk;help;set'= {
        }
        &'desk;help;edit'= {
        }
        &'desk;help;doctor'= {
        }
        &'desk;help;rate'= {
        }
        &'desk;help;log'= {
        }
        &'desk;help;report'= {
        }
        &'desk;help;sync'= {
        }
        &'desk;help;merge-driver'= {
        }
        &'desk;help;generate'= {
        }
        &'desk;help;help'= {
        }
    ]
    $completions[$command]
}
