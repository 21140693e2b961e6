using PartnerPipeline.Cli;
using PartnerPipeline.Commands;

// partner-pipeline: the main job of the Opportunity library as a user meets it.
// Every failure is one line on stderr (a failed import dry run adds a line per problem) and a
// non-zero exit code, never a stack trace: 2 for bad arguments or input, 1 for anything else.
try
{
    var arguments = Arguments.Parse(args, Commands.Names, Commands.Flags);
    return await Commands.RunAsync(arguments, Console.Out);
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
#pragma warning disable CA1031 // the CLI's contract: any failure becomes one line and exit code 1
catch (Exception ex)
#pragma warning restore CA1031
{
    Console.Error.WriteLine($"error: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}
