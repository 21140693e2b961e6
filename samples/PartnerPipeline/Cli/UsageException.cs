namespace PartnerPipeline.Cli;

/// <summary>Bad command-line arguments: printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
