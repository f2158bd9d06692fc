# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_desk_global_optspecs
    string join \n C/repo= color= no-pager utc h/help V/version
end

function __fish_desk_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_desk_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_desk_using_subcommand
    set -l cmd (__fish_desk_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c desk -n "__fish_desk_needs_command" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_needs_command" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_needs_command" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_needs_command" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_needs_command" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_needs_command" -f -a "init" -d 'Create the desk branch with desk.yaml and register the merge driver (harmless when run again; run it in every clone)'
complete -c desk -n "__fish_desk_needs_command" -f -a "demo" -d 'Create a demo helpdesk in a new repository and show its queue'
complete -c desk -n "__fish_desk_needs_command" -f -a "new" -d 'Open a new ticket and print its id'
complete -c desk -n "__fish_desk_needs_command" -f -a "list" -d 'List tickets: by default those not done, most urgent first'
complete -c desk -n "__fish_desk_needs_command" -f -a "show" -d 'Show a ticket and its conversation, Markdown rendered for the terminal'
complete -c desk -n "__fish_desk_needs_command" -f -a "reply" -d 'Reply to the requester (a public comment)'
complete -c desk -n "__fish_desk_needs_command" -f -a "note" -d 'Add an internal note (seen by agents only, never by the requester)'
complete -c desk -n "__fish_desk_needs_command" -f -a "assign" -d 'Assign a ticket to someone, to yourself (--me), or to nobody (--none)'
complete -c desk -n "__fish_desk_needs_command" -f -a "status" -d 'Set a ticket\'s status (one of the statuses in desk.yaml)'
complete -c desk -n "__fish_desk_needs_command" -f -a "resolve" -d 'Mark a ticket resolved: the requester has what they asked for'
complete -c desk -n "__fish_desk_needs_command" -f -a "close" -d 'Close a ticket: finished for good'
complete -c desk -n "__fish_desk_needs_command" -f -a "reopen" -d 'Reopen a done ticket (back to `open`, the workflow\'s reopen status)'
complete -c desk -n "__fish_desk_needs_command" -f -a "label" -d 'Add labels (`name` or `+name`) and remove them (`-name`)'
complete -c desk -n "__fish_desk_needs_command" -f -a "set" -d 'Set fields: title, priority, queue, requester, assignee, status, or any custom field'
complete -c desk -n "__fish_desk_needs_command" -f -a "edit" -d 'Edit a ticket file in your editor; it is checked before it is committed'
complete -c desk -n "__fish_desk_needs_command" -f -a "doctor" -d 'Check every ticket file and desk.yaml; exit 3 naming each problem'
complete -c desk -n "__fish_desk_needs_command" -f -a "rate" -d 'Record the requester\'s satisfaction with a ticket: a score from 1 (very unhappy) to 5 (very happy), with an optional comment'
complete -c desk -n "__fish_desk_needs_command" -f -a "log" -d 'Show a ticket\'s timeline: who did what, when'
complete -c desk -n "__fish_desk_needs_command" -f -a "report" -d 'Helpdesk KPIs over a time window: volume, backlog, first response, resolution, first-contact resolution and satisfaction'
complete -c desk -n "__fish_desk_needs_command" -f -a "sync" -d 'Fetch the remote\'s desk branch, merge it with yours, push the result'
complete -c desk -n "__fish_desk_needs_command" -f -a "merge-driver" -d 'Merge one file for git (registered by `desk init` as merge driver `desk`)'
complete -c desk -n "__fish_desk_needs_command" -f -a "generate" -d 'Write man/ and completions/ from the command-line definitions'
complete -c desk -n "__fish_desk_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c desk -n "__fish_desk_using_subcommand init" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand init" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand init" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand init" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand init" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand demo" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand demo" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand demo" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand demo" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand demo" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand new" -s b -l body -d 'The description, in Markdown (`-b \'\'` for none)' -r
complete -c desk -n "__fish_desk_using_subcommand new" -s F -l file -d 'Read the description from FILE (`-` for standard input)' -r -F
complete -c desk -n "__fish_desk_using_subcommand new" -l requester -d 'Who asked, as `Name <email>` (default: you; `me` or `@me` is you too)' -r
complete -c desk -n "__fish_desk_using_subcommand new" -l assignee -d 'Who works on it, as `Name <email>`, or `me` (`@me`) for you' -r
complete -c desk -n "__fish_desk_using_subcommand new" -l priority -d 'One of the priorities in desk.yaml (default: normal)' -r
complete -c desk -n "__fish_desk_using_subcommand new" -l queue -d 'The queue (team) that handles it' -r
complete -c desk -n "__fish_desk_using_subcommand new" -s l -l label -d 'A label; repeat for more' -r
complete -c desk -n "__fish_desk_using_subcommand new" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand new" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand new" -l json -d 'Print the new ticket as JSON instead of its id'
complete -c desk -n "__fish_desk_using_subcommand new" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand new" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand new" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand list" -s L -l limit -d 'Show at most N tickets' -r
complete -c desk -n "__fish_desk_using_subcommand list" -l sort -d 'Sort by FIELD (see below)' -r
complete -c desk -n "__fish_desk_using_subcommand list" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand list" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand list" -s a -l all -d 'Include done tickets (resolved, closed)'
complete -c desk -n "__fish_desk_using_subcommand list" -l json -d 'Print a JSON array of tickets'
complete -c desk -n "__fish_desk_using_subcommand list" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand list" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand list" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand list" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand show" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand show" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand show" -l json -d 'Print the ticket as a JSON object'
complete -c desk -n "__fish_desk_using_subcommand show" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand show" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand show" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand show" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand reply" -s m -l message -d 'The text, in Markdown; repeat for more paragraphs' -r
complete -c desk -n "__fish_desk_using_subcommand reply" -s F -l file -d 'Read the text from FILE (`-` for standard input)' -r -F
complete -c desk -n "__fish_desk_using_subcommand reply" -l status -d 'Also set the ticket\'s status, e.g. `pending` or `resolved`' -r
complete -c desk -n "__fish_desk_using_subcommand reply" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand reply" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand reply" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand reply" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand reply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand reply" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand note" -s m -l message -d 'The text, in Markdown; repeat for more paragraphs' -r
complete -c desk -n "__fish_desk_using_subcommand note" -s F -l file -d 'Read the text from FILE (`-` for standard input)' -r -F
complete -c desk -n "__fish_desk_using_subcommand note" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand note" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand note" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand note" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand note" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand note" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand assign" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand assign" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand assign" -l me -d 'Assign it to yourself (your git user.name and user.email)'
complete -c desk -n "__fish_desk_using_subcommand assign" -l none -d 'Remove the assignee'
complete -c desk -n "__fish_desk_using_subcommand assign" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand assign" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand assign" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand assign" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand status" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand status" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand status" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand status" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand status" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand status" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand resolve" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand resolve" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand resolve" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand resolve" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand resolve" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand resolve" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand close" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand close" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand close" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand close" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand close" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand close" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand reopen" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand reopen" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand reopen" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand reopen" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand reopen" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand reopen" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand label" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand label" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand label" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand label" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand label" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand label" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand set" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand set" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand set" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand set" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand set" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand edit" -s F -l file -d 'Take the new file from FILE (`-` for standard input) instead of the editor' -r -F
complete -c desk -n "__fish_desk_using_subcommand edit" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand edit" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand edit" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand edit" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand edit" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand doctor" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand doctor" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand doctor" -l json -d 'Print `{tickets, problems: [{path, line, message}]}` as JSON'
complete -c desk -n "__fish_desk_using_subcommand doctor" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand doctor" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand rate" -s m -l message -d 'What the requester said' -r
complete -c desk -n "__fish_desk_using_subcommand rate" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand rate" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand rate" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand rate" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand rate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand rate" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand log" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand log" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand log" -l json -d 'Print a JSON array of events'
complete -c desk -n "__fish_desk_using_subcommand log" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand log" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand log" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand report" -l since -d 'Start of the window (default: 30 days ago)' -r
complete -c desk -n "__fish_desk_using_subcommand report" -l until -d 'End of the window, not included (default: now); a day YYYY-MM-DD is included whole' -r
complete -c desk -n "__fish_desk_using_subcommand report" -l by -d 'Also report per group' -r -f -a "status\t''
priority\t''
queue\t''
requester\t''
assignee\t''
cc\t''
label\t''"
complete -c desk -n "__fish_desk_using_subcommand report" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand report" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand report" -l json -d 'Print one JSON object'
complete -c desk -n "__fish_desk_using_subcommand report" -l csv -d 'Print CSV: one row for all tickets, then one per group, with a header'
complete -c desk -n "__fish_desk_using_subcommand report" -l chart -d 'Also draw charts: created vs resolved and backlog per day, first-response times'
complete -c desk -n "__fish_desk_using_subcommand report" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand report" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand report" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand report" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand sync" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand sync" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand sync" -l no-push -d 'Merge what came in, but do not push'
complete -c desk -n "__fish_desk_using_subcommand sync" -l json -d 'Print what happened as JSON (see docs/sync.md)'
complete -c desk -n "__fish_desk_using_subcommand sync" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand sync" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand sync" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand merge-driver" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand merge-driver" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand merge-driver" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand merge-driver" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand merge-driver" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c desk -n "__fish_desk_using_subcommand merge-driver" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand generate" -l out -d 'Directory to write man/ and completions/ into' -r -F
complete -c desk -n "__fish_desk_using_subcommand generate" -s C -l repo -d 'Use the repository at PATH instead of the one around the current directory' -r -F
complete -c desk -n "__fish_desk_using_subcommand generate" -l color -d 'When to use colours [default: git\'s color.desk or color.ui, else auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c desk -n "__fish_desk_using_subcommand generate" -l no-pager -d 'Do not pipe output into a pager'
complete -c desk -n "__fish_desk_using_subcommand generate" -l utc -d 'Show times in UTC, and read days and times without a zone in UTC, instead of local time'
complete -c desk -n "__fish_desk_using_subcommand generate" -s h -l help -d 'Print help'
complete -c desk -n "__fish_desk_using_subcommand generate" -s V -l version -d 'Print version'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "init" -d 'Create the desk branch with desk.yaml and register the merge driver (harmless when run again; run it in every clone)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "demo" -d 'Create a demo helpdesk in a new repository and show its queue'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "new" -d 'Open a new ticket and print its id'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "list" -d 'List tickets: by default those not done, most urgent first'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "show" -d 'Show a ticket and its conversation, Markdown rendered for the terminal'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "reply" -d 'Reply to the requester (a public comment)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "note" -d 'Add an internal note (seen by agents only, never by the requester)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "assign" -d 'Assign a ticket to someone, to yourself (--me), or to nobody (--none)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "status" -d 'Set a ticket\'s status (one of the statuses in desk.yaml)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "resolve" -d 'Mark a ticket resolved: the requester has what they asked for'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "close" -d 'Close a ticket: finished for good'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "reopen" -d 'Reopen a done ticket (back to `open`, the workflow\'s reopen status)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "label" -d 'Add labels (`name` or `+name`) and remove them (`-name`)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "set" -d 'Set fields: title, priority, queue, requester, assignee, status, or any custom field'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "edit" -d 'Edit a ticket file in your editor; it is checked before it is committed'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "doctor" -d 'Check every ticket file and desk.yaml; exit 3 naming each problem'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "rate" -d 'Record the requester\'s satisfaction with a ticket: a score from 1 (very unhappy) to 5 (very happy), with an optional comment'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "log" -d 'Show a ticket\'s timeline: who did what, when'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "report" -d 'Helpdesk KPIs over a time window: volume, backlog, first response, resolution, first-contact resolution and satisfaction'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "sync" -d 'Fetch the remote\'s desk branch, merge it with yours, push the result'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "merge-driver" -d 'Merge one file for git (registered by `desk init` as merge driver `desk`)'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "generate" -d 'Write man/ and completions/ from the command-line definitions'
complete -c desk -n "__fish_desk_using_subcommand help; and not __fish_seen_subcommand_from init demo new list show reply note assign status resolve close reopen label set edit doctor rate log report sync merge-driver generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
