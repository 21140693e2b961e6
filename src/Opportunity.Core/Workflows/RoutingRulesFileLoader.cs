using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Opportunity.Configuration;
using Opportunity.Routing;
using Opportunity.Routing.Json;

namespace Opportunity.Workflows;

/// <summary>
/// Loads <see cref="LeadDistributionOptions.RuleSet"/> from <see cref="LeadDistributionOptions.RoutingRulesFile"/>
/// each time the options are built, and tells <see cref="IOptionsMonitor{TOptions}"/> to rebuild
/// them when the file changes under the host's content root. A file that is broken at start fails
/// the start; one broken later keeps the last good rule set (logged), so a bad edit never stops routing.
/// </summary>
internal sealed class RoutingRulesFileLoader : IPostConfigureOptions<LeadDistributionOptions>, IOptionsChangeTokenSource<LeadDistributionOptions>, IDisposable
{
    private readonly IHostEnvironment? _host;
    private readonly RoutingRuleCatalog _catalog;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private CancellationTokenSource _reload = new();
    private (string Path, RoutingRuleSets RuleSets)? _lastGood;
    private string? _watchedPath;
    private int _watchGeneration;
    private bool _disposed;

    // Registrations are only disposed with the loader, never while options are being built: disposing
    // one waits for its callback if it is running on another thread, and that callback (a file change)
    // rebuilds the options, which waits for the build in progress — a deadlock. A watch of a path no
    // longer configured is ignored by its generation instead; there is one per path change.
    private readonly List<IDisposable> _watches = [];

    public RoutingRulesFileLoader(IServiceProvider services)
    {
        _host = services.GetService<IHostEnvironment>();
        _catalog = services.GetService<RoutingRuleCatalog>() ?? RoutingRuleCatalog.Default;
        _logger = services.GetService<ILogger<RoutingRulesFileLoader>>() ?? (ILogger)NullLogger.Instance;
    }

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_reload.Token);
        }
    }

    public void PostConfigure(string? name, LeadDistributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RoutingRulesFile))
        {
            return;
        }

        var path = ContentRoot.Resolve(_host, options.RoutingRulesFile);
        Watch(path);
        var loaded = Load(path);
        if (loaded.IsValid)
        {
            Apply(options, loaded.Value);
            lock (_gate)
            {
                _lastGood = (path, loaded.Value);
            }

            return;
        }

        var failures = loaded.Errors.Select(e => $"{nameof(LeadDistributionOptions.RoutingRulesFile)} '{path}': {e}").ToList();
        (string Path, RoutingRuleSets RuleSets)? lastGood;
        lock (_gate)
        {
            lastGood = _lastGood;
        }

        if (lastGood is { } good && good.Path == path)
        {
            _logger.LogError("Routing rules file {Path} is invalid; routing keeps the rules loaded before. {Failures}", path, string.Join(" ", failures));
            Apply(options, good.RuleSets);
            return;
        }

        throw new OptionsValidationException(name ?? Options.DefaultName, typeof(LeadDistributionOptions), failures);
    }

    public void Dispose()
    {
        IDisposable[] watches;
        lock (_gate)
        {
            watches = [.. _watches];
            _watches.Clear();
            _watchGeneration++;
            _disposed = true;
            _reload.Dispose();
        }

        foreach (var watch in watches)
        {
            watch.Dispose();
        }
    }

    /// <summary>One rule set replaces <see cref="LeadDistributionOptions.RuleSet"/>; a list sets <see cref="LeadDistributionOptions.RuleSets"/> too.</summary>
    private static void Apply(LeadDistributionOptions options, RoutingRuleSets loaded)
    {
        options.RuleSet = loaded.Otherwise;
        options.RuleSets = loaded.Entries.Count > 1 ? loaded : null;
    }

    private ValidationResult<RoutingRuleSets> Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ValidationResult<RoutingRuleSets>.Failure([new ValidationError("file", ex.Message)]);
        }

        return RoutingRuleSets.FromJson(json, _catalog);
    }

    /// <summary>
    /// Watches the file when it lies under the content root: every change (the content root's tokens
    /// fire once; <see cref="ChangeToken.OnChange(Func{IChangeToken?}, Action)"/> registers again)
    /// tells the options monitor to rebuild.
    /// </summary>
    private void Watch(string path)
    {
        if (_host?.ContentRootFileProvider is not { } files || ContentRoot.RelativeTo(_host, path) is not { } relative)
        {
            return;
        }

        int generation;
        lock (_gate)
        {
            if (_watchedPath == path)
            {
                return;
            }

            _watchedPath = path;
            generation = ++_watchGeneration;
        }

        // Registered outside the lock: a token that has fired already runs the callback at once.
        var watch = ChangeToken.OnChange(() => files.Watch(relative), () => FileChanged(generation));
        lock (_gate)
        {
            if (!_disposed)
            {
                _watches.Add(watch);
                return;
            }
        }

        watch.Dispose();
    }

    private void FileChanged(int generation)
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            if (generation != _watchGeneration)
            {
                return;
            }

            fired = _reload;
            _reload = new CancellationTokenSource();
        }

        fired.Cancel();
        fired.Dispose();
    }
}
