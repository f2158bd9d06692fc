
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'desk' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'desk'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'desk' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the desk branch with desk.yaml and register the merge driver (harmless when run again; run it in every clone)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Create a demo helpdesk in a new repository and show its queue')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Open a new ticket and print its id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tickets: by default those not done, most urgent first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a ticket and its conversation, Markdown rendered for the terminal')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to the requester (a public comment)')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add an internal note (seen by agents only, never by the requester)')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign a ticket to someone, to yourself (--me), or to nobody (--none)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Set a ticket''s status (one of the statuses in desk.yaml)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Mark a ticket resolved: the requester has what they asked for')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a ticket: finished for good')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a done ticket (back to `open`, the workflow''s reopen status)')
            [CompletionResult]::new('label', 'label', [CompletionResultType]::ParameterValue, 'Add labels (`name` or `+name`) and remove them (`-name`)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set fields: title, priority, queue, requester, assignee, status, or any custom field')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a ticket file in your editor; it is checked before it is committed')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check every ticket file and desk.yaml; exit 3 naming each problem')
            [CompletionResult]::new('rate', 'rate', [CompletionResultType]::ParameterValue, 'Record the requester''s satisfaction with a ticket: a score from 1 (very unhappy) to 5 (very happy), with an optional comment')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show a ticket''s timeline: who did what, when')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Helpdesk KPIs over a time window: volume, backlog, first response, resolution, first-contact resolution and satisfaction')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Fetch the remote''s desk branch, merge it with yours, push the result')
            [CompletionResult]::new('merge-driver', 'merge-driver', [CompletionResultType]::ParameterValue, 'Merge one file for git (registered by `desk init` as merge driver `desk`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write man/ and completions/ from the command-line definitions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'desk;init' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;demo' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;new' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'The description, in Markdown (`-b ''''` for none)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'The description, in Markdown (`-b ''''` for none)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the description from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the description from FILE (`-` for standard input)')
            [CompletionResult]::new('--requester', '--requester', [CompletionResultType]::ParameterName, 'Who asked, as `Name <email>` (default: you; `me` or `@me` is you too)')
            [CompletionResult]::new('--assignee', '--assignee', [CompletionResultType]::ParameterName, 'Who works on it, as `Name <email>`, or `me` (`@me`) for you')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'One of the priorities in desk.yaml (default: normal)')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The queue (team) that handles it')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'A label; repeat for more')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A label; repeat for more')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the new ticket as JSON instead of its id')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;list' {
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Show at most N tickets')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N tickets')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort by FIELD (see below)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Include done tickets (resolved, closed)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include done tickets (resolved, closed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array of tickets')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;show' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the ticket as a JSON object')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;reply' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The text, in Markdown; repeat for more paragraphs')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The text, in Markdown; repeat for more paragraphs')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Also set the ticket''s status, e.g. `pending` or `resolved`')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;note' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The text, in Markdown; repeat for more paragraphs')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The text, in Markdown; repeat for more paragraphs')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;assign' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--me', '--me', [CompletionResultType]::ParameterName, 'Assign it to yourself (your git user.name and user.email)')
            [CompletionResult]::new('--none', '--none', [CompletionResultType]::ParameterName, 'Remove the assignee')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;status' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;resolve' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;close' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;reopen' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;label' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;set' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;edit' {
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Take the new file from FILE (`-` for standard input) instead of the editor')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Take the new file from FILE (`-` for standard input) instead of the editor')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;doctor' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print `{tickets, problems: [{path, line, message}]}` as JSON')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;rate' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'What the requester said')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'What the requester said')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;log' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array of events')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;report' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window (default: 30 days ago)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window, not included (default: now); a day YYYY-MM-DD is included whole')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Also report per group')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print CSV: one row for all tickets, then one per group, with a header')
            [CompletionResult]::new('--chart', '--chart', [CompletionResultType]::ParameterName, 'Also draw charts: created vs resolved and backlog per day, first-response times')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;sync' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-push', '--no-push', [CompletionResultType]::ParameterName, 'Merge what came in, but do not push')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what happened as JSON (see docs/sync.md)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;merge-driver' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;generate' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write man/ and completions/ into')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Use the repository at PATH instead of the one around the current directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: git''s color.desk or color.ui, else auto]')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not pipe output into a pager')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, and read days and times without a zone in UTC, instead of local time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'desk;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the desk branch with desk.yaml and register the merge driver (harmless when run again; run it in every clone)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Create a demo helpdesk in a new repository and show its queue')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Open a new ticket and print its id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tickets: by default those not done, most urgent first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a ticket and its conversation, Markdown rendered for the terminal')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to the requester (a public comment)')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add an internal note (seen by agents only, never by the requester)')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign a ticket to someone, to yourself (--me), or to nobody (--none)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Set a ticket''s status (one of the statuses in desk.yaml)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Mark a ticket resolved: the requester has what they asked for')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a ticket: finished for good')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a done ticket (back to `open`, the workflow''s reopen status)')
            [CompletionResult]::new('label', 'label', [CompletionResultType]::ParameterValue, 'Add labels (`name` or `+name`) and remove them (`-name`)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set fields: title, priority, queue, requester, assignee, status, or any custom field')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a ticket file in your editor; it is checked before it is committed')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check every ticket file and desk.yaml; exit 3 naming each problem')
            [CompletionResult]::new('rate', 'rate', [CompletionResultType]::ParameterValue, 'Record the requester''s satisfaction with a ticket: a score from 1 (very unhappy) to 5 (very happy), with an optional comment')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show a ticket''s timeline: who did what, when')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Helpdesk KPIs over a time window: volume, backlog, first response, resolution, first-contact resolution and satisfaction')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Fetch the remote''s desk branch, merge it with yours, push the result')
            [CompletionResult]::new('merge-driver', 'merge-driver', [CompletionResultType]::ParameterValue, 'Merge one file for git (registered by `desk init` as merge driver `desk`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write man/ and completions/ from the command-line definitions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'desk;help;init' {
            break
        }
        'desk;help;demo' {
            break
        }
        'desk;help;new' {
            break
        }
        'desk;help;list' {
            break
        }
        'desk;help;show' {
            break
        }
        'desk;help;reply' {
            break
        }
        'desk;help;note' {
            break
        }
        'desk;help;assign' {
            break
        }
        'desk;help;status' {
            break
        }
        'desk;help;resolve' {
            break
        }
        'desk;help;close' {
            break
        }
        'desk;help;reopen' {
            break
        }
        'desk;help;label' {
            break
        }
        'desk;help;set' {
            break
        }
        'desk;help;edit' {
            break
        }
        'desk;help;doctor' {
            break
        }
        'desk;help;rate' {
            break
        }
        'desk;help;log' {
            break
        }
        'desk;help;report' {
            break
        }
        'desk;help;sync' {
            break
        }
        'desk;help;merge-driver' {
            break
        }
        'desk;help;generate' {
            break
        }
        'desk;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
