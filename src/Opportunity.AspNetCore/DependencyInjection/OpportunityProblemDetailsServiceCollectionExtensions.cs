using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Opportunity.AspNetCore.Errors;

namespace Opportunity;

/// <summary>Registers the ProblemDetails mapping of Opportunity.AspNetCore.</summary>
public static class OpportunityProblemDetailsServiceCollectionExtensions
{
    /// <summary>
    /// Maps the library's errors (<see cref="OpportunityException"/>) to ProblemDetails responses:
    /// invalid input 400, forbidden 403, not found 404, conflict 409, domain rule 422, server fault
    /// 500; <c>type</c> per code, extensions <c>code</c> and <c>field</c> (see <c>docs/errors.md</c>).
    /// Registers <c>AddProblemDetails()</c> and an <see cref="IExceptionHandler"/>; add
    /// <c>app.UseExceptionHandler()</c> to the pipeline. Other exceptions go on to the next handler.
    /// Safe to call more than once; configurations accumulate.
    /// </summary>
    public static IServiceCollection AddOpportunityProblemDetails(this IServiceCollection services, Action<OpportunityProblemDetailsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails();
        var options = services.AddOptions<OpportunityProblemDetailsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => !string.IsNullOrWhiteSpace(o.TypePrefix), "OpportunityProblemDetailsOptions.TypePrefix must not be empty.").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, OpportunityExceptionHandler>());
        return services;
    }
}
