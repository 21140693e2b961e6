using PartnerPipeline.Cli;

namespace PartnerPipeline.Commands;

/// <summary>The sample's commands and their help.</summary>
internal static class Commands
{
    public const string DefaultDatabase = "partner-pipeline.db";

    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal) { "run", "forecast", "import", "export", "calibrate", "explain", "report", "replay" };

    public static IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal) { "skip-bad-rows", "dry-run" };

    public static async Task<int> RunAsync(Arguments arguments, TextWriter output)
    {
        if (arguments.Help)
        {
            output.Write(HelpFor(arguments.Command));
            return 0;
        }

        return arguments.Command switch
        {
            "run" => await RunCommand.ExecuteAsync(arguments, output),
            "explain" => await ExplainCommand.ExecuteAsync(arguments, output),
            "replay" => await ReplayCommand.ExecuteAsync(arguments, output),
            "forecast" => await ForecastCommand.ExecuteAsync(arguments, output),
            "import" => await ImportCommand.ExecuteAsync(arguments, output),
            "export" => await ExportCommand.ExecuteAsync(arguments, output),
            "calibrate" => await CalibrateCommand.ExecuteAsync(arguments, output),
            _ => await ReportCommand.ExecuteAsync(arguments, output),
        };
    }

    public static string DatabasePath(Arguments arguments) => Path.GetFullPath(arguments.Option("db") ?? DefaultDatabase);

    /// <summary>Opens an existing database; a missing file is a one-line error, not an empty database.</summary>
    public static string ExistingDatabase(Arguments arguments)
    {
        var path = DatabasePath(arguments);
        return File.Exists(path)
            ? path
            : throw new UsageException($"no database at '{path}'; run the main job first (dotnet run --project samples/PartnerPipeline) or import a CSV file");
    }

    private static string HelpFor(string command) => command switch
    {
        "forecast" => """
            Usage: partner-pipeline forecast [--by partner|stage|quarter|category|region|product_line|product|hierarchy]
                                             [--format text|json] [--currency EUR] [--rates USD=0.92,GBP=1.17] [--db <path>]

            The weighted pipeline of the open opportunities in the database, grouped, with exact
            amounts. --format json prints {"currency", "groups": [{"key", "count", "amount", "weighted"}], "total"}.
            Amounts are reported in the data's currency; with deals in several currencies choose one with
            --currency and convert the others once per group with --rates: fixed corporate rates
            (USD=0.92,GBP=1.17) or a dated table, a CSV file "currency,effective_date,rate" (e.g.
            USD,2026-03,0.92) with which each deal is converted at its close month's rate. --by hierarchy prints the
            tree network → region → channel manager → distributor → partner with each node's commit and best-case
            forecast and open weighted pipeline of every open deal, whatever its close date (text only). --by
            product groups by the products of the deals' line items (a deal counts under each of its products
            with that product's amount; deals without lines under "(none)").

            """,
        "import" => """
            Usage: partner-pipeline import <file.csv> [--skip-bad-rows] [--dry-run] [--db <path>]

            Imports opportunities from CSV with the header
              id,partner,stage,amount,currency,expected_close,probability,forecast_category,region,product_line,
              partner_name,created_at,closed_at,close_reason,stage_history,lines,splits
            (the first five required, the others optional; 'export' writes this format). created_at and
            closed_at are ISO instants (2026-07-20T14:30:00Z) or dates; stage_history lists the stage entries
            oldest first as Stage@time separated by ';' and ends in the row's stage. Ids and partner ids have
            no spaces; partner_name names the partners the import creates. lines holds the line items as
            product|quantity|unit_price[|discount_percent] and splits the credit splits as party|role|percent
            (role partner, distributor or manufacturer_rep), entries separated by ';'; with lines the amount
            must be their sum.
            A file with a bad row imports nothing unless --skip-bad-rows is given. --dry-run checks the file
            against the database, lists every problem of every line and writes nothing. The exit code is 0
            only when rows were (or would be) imported; otherwise the problems go to stderr (the first with
            the count of the others, or with --dry-run every one) and the exit code is 2.

            """,
        "export" => """
            Usage: partner-pipeline export <file.csv> [--db <path>]

            Writes every opportunity, open and closed, with partner names, created and close times, close
            reasons and stage histories, as CSV that 'import' reads.

            """,
        "calibrate" => """
            Usage: partner-pipeline calibrate [--holdout 0.3] [--bins 10] [--db <path>]

            The time-split evaluation of the stage probabilities on the database's closed deals: learns
            probabilities on the deals that closed first and scores them and the pipeline's defaults on the
            last --holdout share (by close time): Brier score, base rate, skill, the learned probabilities
            per stage and the reliability table.

            """,
        "replay" => """
            Usage: partner-pipeline replay --rules <draft.json> [--db <path>]

            Replays every routed lead in the database through a draft rules file (one rule set, or
            {"ruleSets": [...]} chosen by the lead; docs/routing.md) against today's partners, and
            prints per changed lead the old partner and rule set next to the draft's, and totals.
            Nothing is written.

            """,
        "explain" => """
            Usage: partner-pipeline explain <leadId> [--db <path>]

            Prints every routing decision made for the lead: each rule with how many partners it removed and
            why, the best candidates with their scores, the choice and the seed.

            """,
        "report" => """
            Usage: partner-pipeline report --html <file> [--as-of 2026-10-01] [--target <amount>]
                                           [--currency EUR] [--rates USD=0.92,GBP=1.17] [--db <path>]

            Writes one self-contained HTML file (inline SVG charts, no scripts, nothing fetched): the stage
            funnel, the next quarter's forecast distribution with P10/P50/P90, the partner scorecard
            ("no data" for a rate of a partner without leads). Amounts and --target are in the data's
            currency, or in --currency with --rates for the others (fixed rates, or a dated rate table
            as for forecast: pipeline and forecast then convert each deal at its close month's rate;
            the scorecard's won amounts at the as-of date's). --target sets the quarter's target
            and keeps it in the database (later reports use it); each report records the quarter's
            forecast as a snapshot of the as-of date. A report that fails (a missing rate) keeps neither.

            """,
        _ => $"""
            Usage: partner-pipeline [command] [options]

            Without a command, runs the main job: builds a partner network of a few hundred partners in seven
            countries, simulates a quarter of leads (routing, acceptance, rejections, escalations, follow-ups,
            stages, closes) on a fake clock with a fixed seed, writes everything to the SQLite database
            '{DefaultDatabase}' in the current folder (replacing it), and prints the report.

              run        the main job (the default)   [--db <path>] [--seed <n>] [--partners <n>] [--leads <n>] [--target <EUR>]
              forecast   grouped weighted pipeline     (see forecast --help)
              import     import opportunities from CSV (see import --help)
              export     export opportunities as CSV  (see export --help)
              calibrate  learned vs default stage probabilities on a time split (see calibrate --help)
              explain    the routing trace of a lead   (see explain --help)
              replay     a draft rules file vs history (see replay --help)
              report     an HTML report                (see report --help)

            """,
    };
}
