using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Opportunity.Core.Tests.Configuration;

/// <summary>
/// The content root's real files, with change notifications the test raises itself (a file
/// watcher would make the test wait on the operating system).
/// </summary>
internal sealed class SignalledFileProvider(IFileProvider files) : IFileProvider
{
    private readonly List<(string Filter, CancellationTokenSource Source)> _watches = [];

    public IReadOnlyList<string> Watched => [.. _watches.Select(w => w.Filter)];

    public IFileInfo GetFileInfo(string subpath) => files.GetFileInfo(subpath);

    public IDirectoryContents GetDirectoryContents(string subpath) => files.GetDirectoryContents(subpath);

    public IChangeToken Watch(string filter)
    {
        var source = new CancellationTokenSource();
        _watches.Add((filter, source));
        return new CancellationChangeToken(source.Token);
    }

    /// <summary>Reports a change of <paramref name="filter"/> to everyone watching it now.</summary>
    public void Change(string filter)
    {
        var fired = _watches.Where(w => w.Filter == filter).ToList();
        _watches.RemoveAll(fired.Contains);
        foreach (var (_, source) in fired)
        {
            source.Cancel();
            source.Dispose();
        }
    }
}
