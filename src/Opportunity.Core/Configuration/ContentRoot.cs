using Microsoft.Extensions.Hosting;

namespace Opportunity.Configuration;

/// <summary>
/// The one rule for relative file paths in options: they resolve against the host's content root
/// (<see cref="IHostEnvironment.ContentRootPath"/>), or the current directory when no host is registered.
/// </summary>
internal static class ContentRoot
{
    public static string Resolve(IHostEnvironment? host, string path) =>
        Path.GetFullPath(path, host?.ContentRootPath is { Length: > 0 } root ? Path.GetFullPath(root) : Environment.CurrentDirectory);

    /// <summary>The path relative to the content root, or null when it lies outside it.</summary>
    public static string? RelativeTo(IHostEnvironment host, string fullPath)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(host.ContentRootPath), fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative;
    }
}
